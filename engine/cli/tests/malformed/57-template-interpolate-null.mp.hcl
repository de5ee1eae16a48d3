# expect: cannot interpolate a null value
# at: main.mp.hcl:6:21
# hint: coalesce
# cmd: validate plan
output "o" {
  value = "value: ${null}"
}
