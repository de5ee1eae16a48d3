# expect: `for_each` needs a map or a set of strings, got string
# at: main.mp.hcl:6:17
# hint: -
# cmd: plan
resource "random_id" "a" {
  for_each    = "abc"
  byte_length = 4
}
