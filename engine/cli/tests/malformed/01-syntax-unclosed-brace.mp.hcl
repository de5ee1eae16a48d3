# expect: invalid HCL syntax
# at: main.mp.hcl:6:18
# hint: missing closing brace
# cmd: validate plan
resource "random_id" "a" {
  byte_length = 4
