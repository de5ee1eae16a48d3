# expect: lifecycle.ignore_changes: `random_id` has no attribute `byte_lenght`
# at: main.mp.hcl:5:1
# hint: did you mean `byte_length`?
# cmd: validate
resource "random_id" "a" {
  byte_length = 4
  lifecycle {
    ignore_changes = [byte_lenght]
  }
}
