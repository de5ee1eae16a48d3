# expect: no value for required variable `name`
# at: main.mp.hcl:5:1
# hint: -var 'name=...'
# cmd: plan
variable "name" {
  type = string
}

resource "meshplan_data" "a" {
  input = var.name
}
