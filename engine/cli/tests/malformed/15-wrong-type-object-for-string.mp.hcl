# expect: invalid value for `filename`
# at: main.mp.hcl:6:14
# hint: type string
# cmd: validate plan
resource "local_file" "a" {
  filename = { a = 1 }
}
