# expect: `resource` block needs 2 label(s), found 1
# at: main.mp.hcl:5:1
# hint: resource "<type>" "<name>"
# cmd: validate plan
resource "random_id" {
  byte_length = 4
}
