# expect: does-not-exist does not exist
# at: main.mp.hcl:6:12
# hint: -
# cmd: validate plan
module "m" {
  source = "./does-not-exist"
}
