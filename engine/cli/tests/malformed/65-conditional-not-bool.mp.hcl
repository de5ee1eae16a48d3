# expect: the condition must be a bool, got string
# at: main.mp.hcl:6:11
# hint: -
# cmd: validate plan
output "o" {
  value = "x" ? 1 : 2
}
