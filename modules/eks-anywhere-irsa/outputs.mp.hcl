output "issuer" {
  description = "https://s3-<region>.amazonaws.com/<bucket> (--service-account-issuer)."
  value       = local.issuer
}

output "issuer_host_path" {
  description = "The IRSA condition key prefix."
  value       = local.issuer_host_path
}

output "oidc_provider_arn" {
  value = aws_iam_openid_connect_provider.this.arn
}

output "bucket" {
  value = aws_s3_bucket.oidc.id
}

output "discovery_document" {
  value = aws_s3_object.discovery.content
}

output "jwks" {
  value = aws_s3_object.jwks.content
}

output "public_key_pem" {
  description = "PKIX (\"PKCS8\") public key: the file behind --service-account-key-file."
  value       = tls_private_key.issuer.public_key_pem
}

output "private_key_pem" {
  description = "The signing key: the file behind --service-account-signing-key-file."
  value       = tls_private_key.issuer.private_key_pem
  sensitive   = true
}

output "kube_apiserver_flags" {
  description = "The flags the seed adds to /etc/kubernetes/manifests/kube-apiserver.yaml."
  value = [
    "--service-account-key-file=${var.key_dir}/oidc-issuer.pub",
    "--service-account-signing-key-file=${var.key_dir}/oidc-issuer.key",
    "--api-audiences=sts.amazonaws.com",
    "--service-account-issuer=${local.issuer}",
  ]
}
