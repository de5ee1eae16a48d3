# expect: invalid HCL syntax
# at: main.mp.hcl:7:15
# hint: -
# cmd: validate plan
resource "local_file" "a" {
  filename = "x.txt
  content  = "hi"
}
