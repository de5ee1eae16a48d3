# expect: reference to undeclared resource `random_id.b`
# at: main.mp.hcl:7:18
# hint: did you mean `random_id.a`?
# cmd: validate plan
resource "random_id" "a" {
  byte_length = 4
  depends_on  = [random_id.b]
}
