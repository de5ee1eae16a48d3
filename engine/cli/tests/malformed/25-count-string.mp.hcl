# expect: invalid `count` value "three"
# at: main.mp.hcl:6:17
# hint: whole number
# cmd: plan
resource "random_id" "a" {
  count       = "three"
  byte_length = 4
}
