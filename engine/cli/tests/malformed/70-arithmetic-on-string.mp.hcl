# expect: `+` needs numbers, got string and number
# at: main.mp.hcl:6:11
# hint: template
# cmd: validate plan
output "o" {
  value = "a" + 1
}
