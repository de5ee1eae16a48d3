# The seed's verification, as Terraform `check` blocks (a failure is a warning, as in
# Terraform): the issuer's discovery document and JWKS are served where STS fetches them, and
# the webhook's test Job ran. Against the emulators the documents are read from moto's S3
# (path style, plain HTTP); against AWS from the public issuer URL over HTTPS, anonymously,
# which also proves the bucket policy lets STS read them.

locals {
  # Where the issuer's documents are fetched: the issuer itself on AWS, the bucket (path style) on an S3 emulator.
  oidc_documents_url = contains(keys(var.aws_endpoints), "s3") ? "${var.aws_endpoints["s3"]}/${module.oidc.bucket}" : module.oidc.issuer
}

check "oidc_discovery_document" {
  data "http" "discovery" {
    url        = "${local.oidc_documents_url}/.well-known/openid-configuration"
    depends_on = [module.oidc]
  }
  assert {
    condition     = data.http.discovery.status_code == 200
    error_message = "the discovery document is not served at ${data.http.discovery.url} (HTTP ${data.http.discovery.status_code})"
  }
  assert {
    condition     = try(jsondecode(data.http.discovery.response_body).issuer, "") == module.oidc.issuer && try(jsondecode(data.http.discovery.response_body).jwks_uri, "") == "${module.oidc.issuer}/keys.json"
    error_message = "the discovery document served does not name issuer ${module.oidc.issuer} (no trailing /) and its /keys.json"
  }
}

check "oidc_jwks" {
  data "http" "jwks" {
    url        = "${local.oidc_documents_url}/keys.json"
    depends_on = [module.oidc]
  }
  assert {
    condition     = data.http.jwks.status_code == 200 && try(jsondecode(data.http.jwks.response_body), null) == jsondecode(module.oidc.jwks)
    error_message = "the JWKS is not served at ${data.http.jwks.url} with the issuer's signing key (HTTP ${data.http.jwks.status_code}): STS cannot validate the cluster's tokens"
  }
}

# The seed's s3-tester-job: its ServiceAccount carries the role the webhook injects.
check "s3_tester_job" {
  data "kubernetes_resource" "service_account" {
    api_version = "v1"
    kind        = "ServiceAccount"
    metadata {
      name      = module.s3_echoer_service_account.name
      namespace = "default"
    }
    depends_on = [kubernetes_manifest.s3_tester_job]
  }
  assert {
    condition     = try(data.kubernetes_resource.service_account.object.metadata.annotations["eks.amazonaws.com/role-arn"], "") == module.s3_echoer.role_arn
    error_message = "ServiceAccount default/s3-echoer does not name role ${module.s3_echoer.role_arn}: the webhook injects no AWS_ROLE_ARN into s3-tester-job"
  }
}
