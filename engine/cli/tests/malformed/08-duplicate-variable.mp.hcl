# expect: duplicate variable "x"
# at: main.mp.hcl:9:1
# hint: -
# cmd: validate plan
variable "x" {
  default = 1
}

variable "x" {
  default = 2
}
