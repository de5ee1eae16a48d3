# expect: module "m": missing required input `name`
# at: main.mp.hcl:5:1
# hint: add `name = ...`
# cmd: validate plan
module "m" {
  source = "./mod"
}
