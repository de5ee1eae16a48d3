# expect: index 5 out of range for a list of 2 elements
# at: main.mp.hcl:10:18
# hint: -
# cmd: plan
locals {
  l = ["a", "b"]
}

output "o" {
  value = local.l[5]
}
