# expect: output "o" needs a `value`
# at: main.mp.hcl:5:1
# hint: -
# cmd: validate plan
output "o" {
  description = "nothing"
}
