# expect: error in function call join()
# at: main.mp.hcl:6:11
# hint: -
# cmd: validate plan
output "o" {
  value = join(",")
}
