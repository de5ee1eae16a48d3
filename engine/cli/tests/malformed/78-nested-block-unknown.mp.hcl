# expect: unsupported block `settings`
# at: main.mp.hcl:7:3
# hint: -
# cmd: validate plan
resource "tls_private_key" "k" {
  algorithm = "RSA"
  settings {
  }
}
