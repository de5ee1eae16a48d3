# expect: without quotes
# at: main.mp.hcl:6:17
# hint: -
# cmd: validate plan
resource "random_id" "a" {
  provider    = "random"
  byte_length = 4
}
