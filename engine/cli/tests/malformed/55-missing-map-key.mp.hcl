# expect: the map has no element "b"
# at: main.mp.hcl:10:18
# hint: did you mean `a`?
# cmd: plan
locals {
  m = { a = 1 }
}

output "o" {
  value = local.m["b"]
}
