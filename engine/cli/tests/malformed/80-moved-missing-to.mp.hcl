# expect: `moved` block needs `from` and `to`
# at: main.mp.hcl:5:1
# hint: -
# cmd: validate plan
moved {
  from = random_id.a
}
