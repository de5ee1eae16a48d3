# expect: `count` asks for 1e308 instances, more than the limit of 100000
# at: main.mp.hcl:6:11
# hint: MESHPLAN_MAX_INSTANCES
# cmd: validate plan
resource "meshplan_data" "x" {
  count = 1e308
  input = count.index
}
