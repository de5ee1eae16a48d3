# expect: invalid value for `byte_length`
# at: main.mp.hcl:6:17
# hint: type number
# cmd: validate plan
resource "random_id" "a" {
  byte_length = "four"
}
