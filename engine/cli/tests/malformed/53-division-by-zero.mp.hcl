# expect: division by zero
# at: main.mp.hcl:10:11
# hint: -
# cmd: plan
locals {
  z = 0
}

output "o" {
  value = 10 / local.z
}
