# expect: error in function call jsondecode()
# at: main.mp.hcl:6:22
# hint: -
# cmd: validate plan
output "o" {
  value = jsondecode("{not json")
}
