# expect: cannot read attribute `x` of a number
# at: main.mp.hcl:10:18
# hint: -
# cmd: plan
locals {
  s = 5
}

output "o" {
  value = local.s[*].x
}
