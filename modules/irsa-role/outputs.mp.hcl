output "role_arn" {
  value = aws_iam_role.this.arn
}

output "role_name" {
  value = aws_iam_role.this.name
}

output "trust_policy" {
  description = "The role's trust policy JSON."
  # From the role, not the data source: `meshplan destroy` evaluates outputs without reading
  # data sources.
  value = aws_iam_role.this.assume_role_policy
}

output "service_account_annotations" {
  description = "What a ServiceAccount for this role carries (for callers that manage the ServiceAccount themselves)."
  value       = { "eks.amazonaws.com/role-arn" = aws_iam_role.this.arn }
}
