# expect: random_id.a: invalid `for_each` argument
# at: main.mp.hcl:10:17
# hint: not known until apply
# cmd: plan
resource "random_id" "src" {
  byte_length = 1
}

resource "random_id" "a" {
  for_each    = toset([random_id.src.hex])
  byte_length = 4
}
