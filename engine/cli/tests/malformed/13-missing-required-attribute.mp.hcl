# expect: missing required argument `filename`
# at: main.mp.hcl:5:1
# hint: add `filename = ...`
# cmd: validate plan
resource "local_file" "a" {
  content = "hi"
}
