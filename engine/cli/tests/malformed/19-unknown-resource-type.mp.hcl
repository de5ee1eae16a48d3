# expect: unknown resource type `random_idd`
# at: main.mp.hcl:5:1
# hint: did you mean `random_id`?
# cmd: validate plan
resource "random_idd" "a" {
  byte_length = 4
}
