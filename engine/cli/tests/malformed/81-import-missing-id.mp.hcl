# expect: `import` block needs `to` and `id`
# at: main.mp.hcl:5:1
# hint: -
# cmd: validate plan
import {
  to = random_id.a
}

resource "random_id" "a" {
  byte_length = 4
}
