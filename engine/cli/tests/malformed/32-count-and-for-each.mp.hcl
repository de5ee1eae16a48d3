# expect: `count` and `for_each` are mutually exclusive
# at: main.mp.hcl:5:1
# hint: -
# cmd: validate plan
resource "random_id" "a" {
  count       = 1
  for_each    = toset(["a"])
  byte_length = 4
}
