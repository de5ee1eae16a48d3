# A root CA, one SPIRE-style intermediate CA per trust domain (foo.com, bar.com), the
# SPIFFE bundles each side hands the other, and a self-hosted service-account issuer's
# JWKS + OIDC discovery document. Everything is written to ./out with local_file.

variable "issuer" {
  type    = string
  default = "https://s3-us-west-2.amazonaws.com/meshplan-pki-example"
}

locals {
  trust_domains = toset(["foo.com", "bar.com"])
}

# --- Root CA (what cert-manager's selfsigned-ca Certificate holds) ---------------------

resource "tls_private_key" "root" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}

resource "tls_self_signed_cert" "root" {
  private_key_pem = tls_private_key.root.private_key_pem

  subject {
    common_name  = "certmanager-ca"
    organization = "cert-manager"
  }

  validity_period_hours = 21600
  early_renewal_hours   = 720
  is_ca_certificate     = true
  set_subject_key_id    = true
  allowed_uses          = ["cert_signing", "crl_signing", "digital_signature"]
}

# --- One intermediate per trust domain (SPIRE's UpstreamAuthority CA) -----------------

resource "tls_private_key" "spire" {
  for_each  = local.trust_domains
  algorithm = "RSA"
  rsa_bits  = 2048 # SPIRE's ca_key_type = "rsa-2048"
}

resource "tls_cert_request" "spire" {
  for_each        = local.trust_domains
  private_key_pem = tls_private_key.spire[each.key].private_key_pem

  subject {
    common_name  = "spire-server ${each.key}"
    organization = "SPIFFE"
  }
  uris = ["spiffe://${each.key}"]
}

resource "tls_locally_signed_cert" "spire" {
  for_each           = local.trust_domains
  cert_request_pem   = tls_cert_request.spire[each.key].cert_request_pem
  ca_private_key_pem = tls_private_key.root.private_key_pem
  ca_cert_pem        = tls_self_signed_cert.root.cert_pem

  validity_period_hours = 1440
  early_renewal_hours   = 360
  is_ca_certificate     = true
  allowed_uses          = ["cert_signing", "crl_signing", "digital_signature"]
}

resource "local_file" "spire_ca" {
  for_each = local.trust_domains
  filename = "${path.module}/out/${each.key}/intermediate.pem"
  content  = tls_locally_signed_cert.spire[each.key].cert_pem
}

# The bundle each trust domain publishes (ClusterFederatedTrustDomain.trustDomainBundle
# on the other side): its X.509 authorities are the shared root.
resource "local_file" "spiffe_bundle" {
  for_each = local.trust_domains
  filename = "${path.module}/out/${each.key}/bundle.spiffe.json"
  content = provider::tls::spiffe_bundle(
    each.key,
    [tls_self_signed_cert.root.cert_pem],
    [tls_private_key.spire[each.key].public_key_pem], # JWT-SVID signing key
    1,                                                # spiffe_sequence
    300,                                              # spiffe_refresh_hint (seconds)
  )
}

# --- Self-hosted IRSA issuer: signing key, JWKS and discovery document ---------------

resource "tls_private_key" "sa_signer" {
  algorithm = "RSA"
  rsa_bits  = 2048
}

resource "local_file" "jwks" {
  filename = "${path.module}/out/oidc/keys.json"
  # The empty-kid copy is for clusters older than 1.16.
  content = provider::tls::jwks([tls_private_key.sa_signer.public_key_pem], true)
}

resource "local_file" "discovery" {
  filename = "${path.module}/out/oidc/.well-known/openid-configuration"
  content  = provider::tls::oidc_discovery(var.issuer, "${var.issuer}/keys.json")
}

output "root_ca_pem" {
  value = tls_self_signed_cert.root.cert_pem
}

output "root_ca_sha1" {
  value = provider::tls::cert_fingerprint_sha1(tls_self_signed_cert.root.cert_pem)
}

output "sa_signer_private_key" {
  value     = tls_private_key.sa_signer.private_key_pem
  sensitive = true
}
