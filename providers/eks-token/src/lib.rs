//! The EKS bearer token, made in-process as aws-iam-authenticator and `aws eks get-token` make
//! it (DOMAIN.md §3): a SigV4-presigned `GET sts:GetCallerIdentity` whose signed headers include
//! `x-k8s-aws-id: <cluster>`, the presigned request valid 60 s (EKS accepts the token for 15
//! minutes after signing), encoded as `k8s-aws-v1.` + base64url without padding.
//!
//! Used by the aws provider (`data "aws_eks_cluster_auth"`) and the kubernetes provider (the
//! built-in `aws eks get-token` exec plugin); providers do not depend on each other, so the
//! algorithm lives here, with no I/O but the credentials provider's.

use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SignatureLocation, SigningSettings};
use aws_sigv4::sign::v4;
use base64::Engine;
use std::time::{Duration, SystemTime};

pub const TOKEN_PREFIX: &str = "k8s-aws-v1.";
const CLUSTER_ID_HEADER: &str = "x-k8s-aws-id";

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("no credentials to sign the EKS token with: {0}")]
    Credentials(String),
    #[error("signing the EKS token failed: {0}")]
    Signing(String),
}

/// The GetCallerIdentity URL the token presigns: the endpoint override (e.g.
/// `AWS_ENDPOINT_URL_STS`, the aws provider's `endpoints { sts }`), or the region's STS.
pub fn sts_url(region: &str, endpoint_override: Option<&str>) -> String {
    let base = match endpoint_override {
        Some(e) => e.trim_end_matches('/').to_string(),
        None => format!("https://sts.{region}.{}", dns_suffix(region)),
    };
    format!("{base}/?Action=GetCallerIdentity&Version=2011-06-15")
}

/// The partition's DNS suffix, told by the region's prefix.
fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else if region.starts_with("us-isob-") {
        "sc2s.sgov.gov"
    } else if region.starts_with("us-iso-") {
        "c2s.ic.gov"
    } else {
        "amazonaws.com"
    }
}

/// A token for `cluster` signed now with credentials from `provider`.
pub async fn token_for(
    provider: &dyn ProvideCredentials,
    region: &str,
    endpoint_override: Option<&str>,
    cluster: &str,
) -> Result<String, TokenError> {
    let creds = provider.provide_credentials().await.map_err(|e| TokenError::Credentials(e.to_string()))?;
    presign(&creds, region, endpoint_override, cluster, SystemTime::now())
}

/// The token for `cluster` signed with `creds` at `now` (pure: testable with fixed inputs).
pub fn presign(
    creds: &Credentials,
    region: &str,
    endpoint_override: Option<&str>,
    cluster: &str,
    now: SystemTime,
) -> Result<String, TokenError> {
    let signing = |e: &dyn std::fmt::Display| TokenError::Signing(e.to_string());
    let url = sts_url(region, endpoint_override);
    let mut settings = SigningSettings::default();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(Duration::from_secs(60));
    let identity = creds.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("sts")
        .time(now)
        .settings(settings)
        .build()
        .map_err(|e| signing(&e))?
        .into();
    let headers = [(CLUSTER_ID_HEADER, cluster)];
    let signable =
        SignableRequest::new("GET", &url, headers.into_iter(), SignableBody::Bytes(&[])).map_err(|e| signing(&e))?;
    let (instructions, _signature) = sign(signable, &params).map_err(|e| signing(&e))?.into_parts();
    let mut request = http::Request::builder().uri(&url).body(()).map_err(|e| signing(&e))?;
    instructions.apply_to_request_http1x(&mut request);
    Ok(format!("{TOKEN_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(request.uri().to_string())))
}

/// The presigned URL inside `token` (tests and diagnostics), `None` when it is not an EKS token.
pub fn presigned_url(token: &str) -> Option<String> {
    let b64 = token.strip_prefix(TOKEN_PREFIX)?;
    String::from_utf8(base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(b64).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_a_presigned_get_caller_identity_bound_to_the_cluster() {
        let creds = Credentials::new("AKIDEXAMPLE", "secret", Some("session".into()), None, "test");
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let token = presign(&creds, "eu-west-1", None, "foo-eks-cluster", now).unwrap();
        assert!(!token.contains('='), "no padding");
        let url = presigned_url(&token).expect("k8s-aws-v1. + base64url");
        assert!(
            url.starts_with("https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&"),
            "{url}"
        );
        for part in [
            "X-Amz-Expires=60",
            "X-Amz-SignedHeaders=host%3Bx-k8s-aws-id",
            "X-Amz-Security-Token=session",
            "X-Amz-Date=20231114T221320Z",
            "X-Amz-Credential=AKIDEXAMPLE%2F20231114%2Feu-west-1%2Fsts%2Faws4_request",
            "X-Amz-Signature=",
        ] {
            assert!(url.contains(part), "{part} missing from {url}");
        }
        // Deterministic for fixed inputs; bound to the cluster name.
        assert_eq!(token, presign(&creds, "eu-west-1", None, "foo-eks-cluster", now).unwrap());
        assert_ne!(token, presign(&creds, "eu-west-1", None, "bar-eks-cluster", now).unwrap());
    }

    #[test]
    fn partitions_and_overrides_pick_the_sts_endpoint() {
        let q = "/?Action=GetCallerIdentity&Version=2011-06-15";
        assert_eq!(sts_url("cn-north-1", None), format!("https://sts.cn-north-1.amazonaws.com.cn{q}"));
        assert_eq!(sts_url("us-iso-east-1", None), format!("https://sts.us-iso-east-1.c2s.ic.gov{q}"));
        assert_eq!(sts_url("us-isob-east-1", None), format!("https://sts.us-isob-east-1.sc2s.sgov.gov{q}"));
        assert_eq!(sts_url("us-gov-west-1", None), format!("https://sts.us-gov-west-1.amazonaws.com{q}"));
        assert_eq!(sts_url("us-east-1", Some("http://127.0.0.1:5000/")), format!("http://127.0.0.1:5000{q}"));
    }

    #[tokio::test]
    async fn token_for_signs_with_the_providers_credentials() {
        let creds = Credentials::from_keys("AKIDPROVIDER", "secret", None);
        let token = token_for(&creds, "us-east-1", Some("http://127.0.0.1:1"), "c").await.unwrap();
        let url = presigned_url(&token).unwrap();
        assert!(
            url.starts_with("http://127.0.0.1:1/?Action=GetCallerIdentity")
                && url.contains("X-Amz-Credential=AKIDPROVIDER%2F"),
            "{url}"
        );
        assert_eq!(presigned_url("not-a-token"), None);
    }
}
