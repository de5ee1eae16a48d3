# expect: invalid type constraint
# at: main.mp.hcl:6:10
# hint: types are string, number
# cmd: validate plan
variable "x" {
  type = strng
}
