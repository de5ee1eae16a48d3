# expect: cannot interpolate a object into a string
# at: main.mp.hcl:10:21
# hint: jsonencode
# cmd: plan
locals {
  obj = { a = 1 }
}

output "o" {
  value = "value: ${local.obj}"
}
