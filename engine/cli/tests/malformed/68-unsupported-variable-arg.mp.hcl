# expect: unsupported argument `defualt` in variable "x"
# at: main.mp.hcl:6:3
# hint: did you mean `default`?
# cmd: validate plan
variable "x" {
  defualt = 1
}
