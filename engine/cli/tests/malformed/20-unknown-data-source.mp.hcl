# expect: htp
# at: main.mp.hcl:5:1
# hint: did you mean `http`?
# cmd: validate plan
data "htp" "a" {
  url = "http://127.0.0.1:1/"
}
