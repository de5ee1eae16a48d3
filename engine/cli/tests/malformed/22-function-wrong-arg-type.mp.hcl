# expect: error in function call upper()
# at: main.mp.hcl:6:17
# hint: -
# cmd: validate plan
output "o" {
  value = upper({ a = 1 })
}
