# expect: `meshplan_data.a` refers to itself
# at: main.mp.hcl:6:11
# hint: -
# cmd: validate plan
resource "meshplan_data" "a" {
  input = meshplan_data.a.id
}
