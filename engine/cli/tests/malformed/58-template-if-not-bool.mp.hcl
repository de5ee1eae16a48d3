# expect: the %{ if } condition must be a bool, got string
# at: main.mp.hcl:6:18
# hint: -
# cmd: validate plan
output "o" {
  value = "%{ if "yes" }x%{ endif }"
}
