# expect: provider configuration `random.east` is not declared
# at: main.mp.hcl:9:1
# hint: alias
# cmd: validate plan
provider "random" {
  alias = "west"
}

resource "random_id" "a" {
  provider    = random.east
  byte_length = 4
}
