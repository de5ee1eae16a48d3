# expect: random_id.a: invalid `count` value -1
# at: main.mp.hcl:6:17
# hint: whole number
# cmd: plan
resource "random_id" "a" {
  count       = -1
  byte_length = 4
}
