# expect: dependency cycle between local.l, meshplan_data.a, meshplan_data.c
# at: main.mp.hcl:6:3
# hint: break the cycle
# cmd: validate plan
locals {
  l = meshplan_data.c.output
}

resource "meshplan_data" "a" {
  input = local.l
}

resource "meshplan_data" "c" {
  input = meshplan_data.a.output
}
