# expect: module "m" needs a `source`
# at: main.mp.hcl:5:1
# hint: -
# cmd: validate plan
module "m" {
  x = 1
}
