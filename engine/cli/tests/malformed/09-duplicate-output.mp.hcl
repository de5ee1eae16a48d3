# expect: duplicate output "o"
# at: main.mp.hcl:9:1
# hint: -
# cmd: validate plan
output "o" {
  value = 1
}

output "o" {
  value = 2
}
