# expect: a for expression needs a list or map, got number
# at: main.mp.hcl:6:21
# hint: -
# cmd: validate plan
output "o" {
  value = [for x in 5 : x]
}
