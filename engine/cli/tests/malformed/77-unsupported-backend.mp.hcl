# expect: unsupported backend "gcs"
# at: main.mp.hcl:6:3
# hint: "s3"
# cmd: validate plan
terraform {
  backend "gcs" {
  }
}
