# expect: reference to undeclared resource `random_id.b`
# at: main.mp.hcl:10:11
# hint: did you mean `random_id.a`?
# cmd: validate plan
resource "random_id" "a" {
  byte_length = 4
}

output "o" {
  value = random_id.b.hex
}
