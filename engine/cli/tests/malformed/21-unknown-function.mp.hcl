# expect: unknown function `uper`
# at: main.mp.hcl:6:11
# hint: did you mean `upper`?
# cmd: validate plan
output "o" {
  value = uper("x")
}
