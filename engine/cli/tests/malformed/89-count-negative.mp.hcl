# expect: invalid `count` value -1
# at: main.mp.hcl:6:11
# hint: must be a whole number
# cmd: plan
resource "meshplan_data" "x" {
  count = -1
  input = 1
}
