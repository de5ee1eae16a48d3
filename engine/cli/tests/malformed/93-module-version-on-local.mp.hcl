# expect: a version constraint needs a registry source
# at: main.mp.hcl:7:13
# hint: remove `version`
# cmd: validate plan
module "m" {
  source  = "./m"
  version = "1.0.0"
}
