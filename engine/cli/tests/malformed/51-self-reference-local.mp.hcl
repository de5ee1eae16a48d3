# expect: `local.a` refers to itself
# at: main.mp.hcl:6:7
# hint: -
# cmd: validate plan
locals {
  a = local.a
}
