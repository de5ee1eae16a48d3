# expect: module "m": invalid source
# at: main.mp.hcl:6:12
# hint: registry addresses (NAMESPACE/NAME/PROVIDER)
# cmd: validate plan
module "m" {
  source = "hg::https://example.com/repo"
}
