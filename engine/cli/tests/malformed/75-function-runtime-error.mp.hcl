# expect: error in function call cidrsubnet()
# at: main.mp.hcl:6:22
# hint: -
# cmd: validate plan
output "o" {
  value = cidrsubnet("10.0.0.0/33", 8, 1)
}
