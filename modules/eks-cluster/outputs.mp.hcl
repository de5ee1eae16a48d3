output "cluster_name" {
  value = aws_eks_cluster.this.name
}

output "cluster_arn" {
  value = aws_eks_cluster.this.arn
}

output "endpoint" {
  description = "API server URL (a kubernetes provider's host)."
  value       = aws_eks_cluster.this.endpoint
}

output "certificate_authority_data" {
  description = "base64 of the cluster CA PEM, as DescribeCluster returns it (kubeconfig certificate-authority-data)."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "cluster_ca_certificate" {
  description = "The cluster CA PEM (a kubernetes provider's cluster_ca_certificate); null when the API returns no base64 (moto's EKS returns a random string)."
  value       = try(base64decode(aws_eks_cluster.this.certificate_authority[0].data), null)
}

output "kubernetes_version" {
  value = aws_eks_cluster.this.version
}

output "cluster_security_group_id" {
  value = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "oidc_issuer_url" {
  description = "https://oidc.eks.REGION.amazonaws.com/id/ID"
  value       = aws_eks_cluster.this.identity[0].oidc[0].issuer
}

output "oidc_provider_arn" {
  value = aws_iam_openid_connect_provider.this.arn
}

output "oidc_provider" {
  description = "The issuer's host path (IRSA condition key prefix)."
  value       = trimsuffix(replace(aws_eks_cluster.this.identity[0].oidc[0].issuer, "https://", ""), "/")
}

output "cluster_role_arn" {
  value = aws_iam_role.cluster.arn
}

output "node_role_arn" {
  value = aws_iam_role.node.arn
}

output "node_role_policy_arns" {
  description = "Managed policies attached to the node role, by key (worker, ecr and, unless node_role_attach_cni_policy = false, cni)."
  value       = { for k, a in aws_iam_role_policy_attachment.node : k => a.policy_arn }
}

output "node_role_name" {
  value = aws_iam_role.node.name
}

output "node_group_ids" {
  value = { for k, g in aws_eks_node_group.this : k => g.id }
}

output "ebs_csi_role_arn" {
  value = module.ebs_csi_irsa.role_arn
}

output "vpc_cni_configuration" {
  description = "The vpc-cni addon's configuration_values (JSON), whether or not addons are installed."
  value       = jsonencode(local.vpc_cni_configuration)
}

output "addons" {
  description = "Installed addon names (empty with enable_addons = false)."
  value       = var.enable_addons ? ["vpc-cni", "kube-proxy", "coredns", "aws-ebs-csi-driver"] : []
}
