# expect: unsupported block type `resurce`
# at: main.mp.hcl:5:1
# hint: did you mean `resource`?
# cmd: validate plan
resurce "random_id" "a" {
  byte_length = 4
}
