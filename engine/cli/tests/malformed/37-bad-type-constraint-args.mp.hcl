# expect: invalid type constraint
# at: main.mp.hcl:6:10
# hint: -
# cmd: validate plan
variable "x" {
  type = list(string, number)
}
