# expect: `hex` cannot be set
# at: main.mp.hcl:7:3
# hint: read-only
# cmd: validate plan
resource "random_id" "a" {
  byte_length = 4
  hex         = "abcd"
}
