# expect: duplicate local value `a`
# at: main.mp.hcl:10:3
# hint: -
# cmd: validate plan
locals {
  a = 1
}

locals {
  a = 2
}
