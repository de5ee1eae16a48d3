# expect: unsupported argument `byte_lenght`
# at: main.mp.hcl:6:3
# hint: did you mean `byte_length`?
# cmd: validate plan
resource "random_id" "a" {
  byte_lenght = 4
}
