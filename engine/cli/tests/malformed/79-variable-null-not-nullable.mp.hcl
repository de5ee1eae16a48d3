# expect: variable `x` must not be null
# at: main.mp.hcl:5:1
# hint: -
# cmd: plan
variable "x" {
  type     = string
  nullable = false
  default  = null
}

output "o" {
  value = var.x
}
