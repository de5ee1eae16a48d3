# Per cluster, what a kubernetes provider block and ./mesh need.

output "foo" {
  value = {
    cluster_name               = module.eks_foo.cluster_name
    region                     = var.foo.region
    trust_domain               = var.foo.trust_domain
    network                    = "${var.foo.name}-network"
    endpoint                   = module.eks_foo.endpoint
    cluster_ca_certificate     = module.eks_foo.cluster_ca_certificate
    certificate_authority_data = module.eks_foo.certificate_authority_data
    oidc_provider_arn          = module.eks_foo.oidc_provider_arn
    oidc_issuer_url            = module.eks_foo.oidc_issuer_url
    ebs_csi_role_arn           = module.eks_foo.ebs_csi_role_arn
    vpc_id                     = module.vpc_foo.vpc_id
  }
}

output "bar" {
  value = {
    cluster_name               = module.eks_bar.cluster_name
    region                     = var.bar.region
    trust_domain               = var.bar.trust_domain
    network                    = "${var.bar.name}-network"
    endpoint                   = module.eks_bar.endpoint
    cluster_ca_certificate     = module.eks_bar.cluster_ca_certificate
    certificate_authority_data = module.eks_bar.certificate_authority_data
    oidc_provider_arn          = module.eks_bar.oidc_provider_arn
    oidc_issuer_url            = module.eks_bar.oidc_issuer_url
    ebs_csi_role_arn           = module.eks_bar.ebs_csi_role_arn
    vpc_id                     = module.vpc_bar.vpc_id
  }
}

output "peering_connection_id" {
  value = module.peering.peering_connection_id
}
