# expect: `count.index` is only available in a resource or module with `count`
# at: main.mp.hcl:6:17
# hint: -
# cmd: validate plan
resource "random_id" "a" {
  byte_length = count.index + 1
}
