# expect: unknown provider `rnadom`
# at: main.mp.hcl:5:1
# hint: did you mean `random`?
# cmd: validate plan
provider "rnadom" {
}
