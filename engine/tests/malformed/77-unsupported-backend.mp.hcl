# expect: unsupported backend "s3"
# at: main.mp.hcl:6:3
# hint: sled
# cmd: validate plan
terraform {
  backend "s3" {
  }
}
