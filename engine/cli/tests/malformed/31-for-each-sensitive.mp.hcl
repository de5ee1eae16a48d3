# expect: `for_each` cannot be sensitive
# at: main.mp.hcl:12:17
# hint: nonsensitive
# cmd: plan
variable "names" {
  type      = set(string)
  default   = ["a"]
  sensitive = true
}

resource "random_id" "a" {
  for_each    = var.names
  byte_length = 4
}
