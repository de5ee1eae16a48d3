# expect: `count` asks for 1e300 instances
# at: main.mp.hcl:7:12
# hint: MESHPLAN_MAX_INSTANCES
# cmd: validate plan
module "m" {
  source = "./m"
  count  = 1e300
}
