# expect: invalid value for variable `x`
# at: main.mp.hcl:6:13
# hint: declared with type number
# cmd: plan
variable "x" {
  type    = number
  default = "not a number"
}
