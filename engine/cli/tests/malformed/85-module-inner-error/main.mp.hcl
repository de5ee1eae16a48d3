# expect: reference to undeclared input variable `var.nmae`
# at: mod/main.mp.hcl:6:17
# hint: -
# cmd: validate plan
module "m" {
  source = "./mod"
  name   = "a"
}
