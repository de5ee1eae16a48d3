# expect: invalid HCL syntax
# at: main.mp.hcl:6:17
# hint: -
# cmd: validate plan
resource "random_id" "a" {
  byte_length = = 4
}
