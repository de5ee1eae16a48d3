# expect: unexpected attribute `name` at the top level
# at: main.mp.hcl:5:1
# hint: locals
# cmd: validate plan
name = "x"
