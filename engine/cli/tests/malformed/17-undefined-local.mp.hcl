# expect: reference to undeclared local value `local.sise`
# at: main.mp.hcl:10:17
# hint: did you mean `size`?
# cmd: validate plan
locals {
  size = 4
}

resource "random_id" "a" {
  byte_length = local.sise
}
