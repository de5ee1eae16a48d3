variable "name" {
  type = string
}

output "id" {
  value = "id-${var.name}"
}
