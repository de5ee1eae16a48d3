# expect: unsupported provisioner "remote-exec"
# at: main.mp.hcl:6:3
# hint: local-exec
# cmd: validate plan
resource "meshplan_data" "a" {
  provisioner "remote-exec" {
    command = "true"
  }
}
