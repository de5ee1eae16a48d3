# expect: `each` is only available in a resource or module with `for_each`
# at: main.mp.hcl:6:11
# hint: -
# cmd: validate plan
resource "meshplan_data" "a" {
  input = each.key
}
