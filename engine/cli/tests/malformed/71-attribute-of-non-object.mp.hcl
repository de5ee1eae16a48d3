# expect: cannot read attribute `field` of a string
# at: main.mp.hcl:10:18
# hint: -
# cmd: plan
locals {
  s = "text"
}

output "o" {
  value = local.s.field
}
