# expect: `variable` block needs 1 label(s), found 0
# at: main.mp.hcl:5:1
# hint: -
# cmd: validate plan
variable {
  default = 1
}
