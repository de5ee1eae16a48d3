# expect: asks for 1.8446744073709552e19 instances
# at: main.mp.hcl:6:11
# hint: MESHPLAN_MAX_INSTANCES
# cmd: validate plan
resource "meshplan_data" "x" {
  count = 18446744073709551616
  input = count.index
}
