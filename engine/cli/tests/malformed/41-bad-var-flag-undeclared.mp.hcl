# expect: value for undeclared variable `nope`
# at: -
# hint: variable "nope"
# cmd: plan | args: -var nope=1
variable "name" {
  type    = string
  default = "x"
}
