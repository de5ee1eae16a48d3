# expect: module `m` has no output `idd`
# at: main.mp.hcl:11:11
# hint: did you mean `id`?
# cmd: validate plan
module "m" {
  source = "./mod"
  name   = "a"
}

output "o" {
  value = module.m.idd
}
