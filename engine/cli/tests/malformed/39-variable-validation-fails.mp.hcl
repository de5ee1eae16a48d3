# expect: The port must be below 65536.
# at: main.mp.hcl:9:21
# hint: validation
# cmd: plan
variable "port" {
  type    = number
  default = 70000
  validation {
    condition     = var.port < 65536
    error_message = "The port must be below 65536."
  }
}
