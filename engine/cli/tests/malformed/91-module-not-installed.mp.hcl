# expect: module "vpc" is not installed
# at: main.mp.hcl:6:13
# hint: run `meshplan init`
# cmd: validate plan
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.0"
}
