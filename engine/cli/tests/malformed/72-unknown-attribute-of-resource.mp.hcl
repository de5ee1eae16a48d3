# expect: unsupported attribute `hexx`
# at: main.mp.hcl:10:22
# hint: did you mean `hex`?
# cmd: plan
resource "random_id" "a" {
  byte_length = 4
}

output "o" {
  value = random_id.a.hexx
}
