# expect: output `pw` refers to sensitive values
# at: main.mp.hcl:10:11
# hint: sensitive = true
# cmd: plan
resource "random_password" "p" {
  length = 16
}

output "pw" {
  value = random_password.p.result
}
