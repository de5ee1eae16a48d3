# expect: reference to undeclared input variable `var.lenght`
# at: main.mp.hcl:6:17
# hint: did you mean `length`?
# cmd: validate plan
resource "random_id" "a" {
  byte_length = var.lenght
}

variable "length" {
  default = 4
}
