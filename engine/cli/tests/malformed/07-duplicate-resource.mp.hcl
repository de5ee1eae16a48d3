# expect: duplicate resource `random_id.a`
# at: main.mp.hcl:9:1
# hint: unique per type
# cmd: validate plan
resource "random_id" "a" {
  byte_length = 4
}

resource "random_id" "a" {
  byte_length = 8
}
