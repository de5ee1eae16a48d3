# expect: -var n:
# at: -
# hint: -
# cmd: plan | args: -var n=abc
variable "n" {
  type    = number
  default = 1
}
