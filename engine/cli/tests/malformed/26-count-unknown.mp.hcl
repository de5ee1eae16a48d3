# expect: random_id.a: invalid `count` argument
# at: main.mp.hcl:10:17
# hint: not known until apply
# cmd: plan
resource "random_id" "src" {
  byte_length = 1
}

resource "random_id" "a" {
  count       = random_id.src.dec
  byte_length = 4
}
