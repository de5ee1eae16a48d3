# expect: `count` cannot be sensitive
# at: main.mp.hcl:12:17
# hint: -
# cmd: plan
variable "n" {
  type      = number
  default   = 2
  sensitive = true
}

resource "random_id" "a" {
  count       = var.n
  byte_length = 4
}
