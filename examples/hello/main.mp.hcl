# The smallest meshplan configuration: a few local resources wired together,
# enough to see plan → apply → "No changes" → destroy without any cloud.

variable "greeting" {
  type        = string
  default     = "hello"
  description = "What the greeting file says."
}

variable "clusters" {
  type    = set(string)
  default = ["foo", "bar"]
}

locals {
  trust_domains = { for c in var.clusters : c => "${c}.com" }
}

resource "random_id" "suffix" {
  byte_length = 4
}

resource "meshplan_data" "cluster" {
  for_each = local.trust_domains
  input = {
    name         = each.key
    trust_domain = each.value
    id           = "${each.key}-${random_id.suffix.hex}"
  }
}

resource "local_file" "greeting" {
  filename = "${path.module}/out/greeting.txt"
  content  = <<-EOT
    ${var.greeting} from meshplan
    %{ for name, td in local.trust_domains ~}
    cluster ${name}: spiffe://${td}
    %{ endfor ~}
  EOT
}

output "cluster_ids" {
  value = { for k, v in meshplan_data.cluster : k => v.output.id }
}

output "greeting_file" {
  value = local_file.greeting.filename
}
