# expect: `for_each` over a list needs strings, found number
# at: main.mp.hcl:6:17
# hint: toset
# cmd: plan
resource "random_id" "a" {
  for_each    = [1, 2]
  byte_length = 4
}
