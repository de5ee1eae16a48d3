# expect: `prevent_destroy` must be true or false
# at: main.mp.hcl:8:23
# hint: -
# cmd: validate plan
resource "random_id" "a" {
  byte_length = 4
  lifecycle {
    prevent_destroy = "yes"
  }
}
