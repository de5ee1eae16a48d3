# expect: unsupported lifecycle argument `create_before_destory`
# at: main.mp.hcl:8:5
# hint: did you mean `create_before_destroy`?
# cmd: validate plan
resource "random_id" "a" {
  byte_length = 4
  lifecycle {
    create_before_destory = true
  }
}
