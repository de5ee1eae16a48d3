# expect: module "m" has no input variable `nmae`
# at: main.mp.hcl:8:12
# hint: did you mean `name`?
# cmd: validate plan
module "m" {
  source = "./mod"
  name   = "a"
  nmae   = "b"
}
