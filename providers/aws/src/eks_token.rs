//! The EKS bearer token, computed in-process exactly as aws-iam-authenticator does
//! (DOMAIN.md §3): a SigV4-presigned `GET sts:GetCallerIdentity` whose signed headers
//! include `x-k8s-aws-id: <cluster>`, valid 60 s for the presigned request (EKS accepts
//! the token for 15 minutes), encoded as `k8s-aws-v1.` + base64url without padding.

use crate::clients::{dns_suffix_of, partition_of};
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

/// The STS URL the token presigns: the regional endpoint, or the configured override.
pub fn sts_url(region: &str, endpoint_override: Option<&str>) -> String {
    let base = match endpoint_override {
        Some(e) => e.trim_end_matches('/').to_string(),
        None => format!("https://sts.{region}.{}", dns_suffix_of(partition_of(region))),
    };
    format!("{base}/?Action=GetCallerIdentity&Version=2011-06-15")
}

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
        .map_err(|e| TokenError::Signing(e.to_string()))?
        .into();
    let headers = [(CLUSTER_ID_HEADER, cluster)];
    let signable = SignableRequest::new("GET", &url, headers.into_iter(), SignableBody::Bytes(&[]))
        .map_err(|e| TokenError::Signing(e.to_string()))?;
    let (instructions, _signature) = sign(signable, &params).map_err(|e| TokenError::Signing(e.to_string()))?.into_parts();
    let mut request = http::Request::builder().uri(&url).body(()).map_err(|e| TokenError::Signing(e.to_string()))?;
    instructions.apply_to_request_http1x(&mut request);
    let presigned = request.uri().to_string();
    Ok(format!("{TOKEN_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(presigned)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(token: &str) -> String {
        let b64 = token.strip_prefix(TOKEN_PREFIX).expect("prefix");
        String::from_utf8(base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(b64).expect("base64url")).unwrap()
    }

    #[test]
    fn token_is_a_presigned_get_caller_identity_bound_to_the_cluster() {
        let creds = Credentials::new("AKIDEXAMPLE", "secret", Some("session".into()), None, "test");
        let token = presign(&creds, "eu-west-1", None, "foo-eks-cluster", SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)).unwrap();
        assert!(!token.contains('='), "no padding");
        let url = decode(&token);
        assert!(url.starts_with("https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&"), "{url}");
        assert!(url.contains("X-Amz-Expires=60"), "{url}");
        assert!(url.contains("X-Amz-SignedHeaders=host%3Bx-k8s-aws-id"), "{url}");
        assert!(url.contains("X-Amz-Security-Token=session"), "{url}");
        assert!(url.contains("X-Amz-Credential=AKIDEXAMPLE%2F20231114%2Feu-west-1%2Fsts%2Faws4_request"), "{url}");
        assert!(url.contains("X-Amz-Signature="), "{url}");
    }

    #[test]
    fn china_regions_sign_for_the_china_endpoint() {
        assert_eq!(sts_url("cn-north-1", None), "https://sts.cn-north-1.amazonaws.com.cn/?Action=GetCallerIdentity&Version=2011-06-15");
        assert_eq!(sts_url("us-east-1", Some("http://127.0.0.1:5000/")), "http://127.0.0.1:5000/?Action=GetCallerIdentity&Version=2011-06-15");
    }
}
