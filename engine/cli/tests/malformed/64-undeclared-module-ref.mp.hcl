# expect: reference to undeclared module `module.net`
# at: main.mp.hcl:6:11
# hint: -
# cmd: validate plan
output "o" {
  value = module.net.id
}
