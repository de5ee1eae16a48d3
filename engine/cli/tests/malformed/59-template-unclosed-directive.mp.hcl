# expect: invalid HCL syntax
# at: main.mp.hcl:6:
# hint: -
# cmd: validate plan
output "o" {
  value = "%{ if true }x"
}
