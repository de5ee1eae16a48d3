# expect: does-not-exist does not exist
# at: main.mp.hcl:5:1
# hint: -
# cmd: validate plan
module "m" {
  source = "./does-not-exist"
}
