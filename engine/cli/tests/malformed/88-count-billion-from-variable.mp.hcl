# expect: `count` asks for 1000000000 instances
# at: main.mp.hcl:10:11
# hint: MESHPLAN_MAX_INSTANCES
# cmd: plan
variable "n" {
  default = 1000000000
}

resource "meshplan_data" "x" {
  count = var.n
  input = count.index
}
