# expect: dependency cycle between meshplan_data.a, meshplan_data.b
# at: main.mp.hcl:5:1
# hint: break the cycle
# cmd: validate plan
resource "meshplan_data" "a" {
  input = meshplan_data.b.output
}

resource "meshplan_data" "b" {
  input = meshplan_data.a.output
}
