# expect: dependency cycle between meshplan_data.a, meshplan_data.b
# at: main.mp.hcl:5:1
# hint: -
# cmd: validate plan
resource "meshplan_data" "a" {
  depends_on = [meshplan_data.b]
}

resource "meshplan_data" "b" {
  depends_on = [meshplan_data.a]
}
