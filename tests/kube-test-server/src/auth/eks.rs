//! EKS-style tokens: `k8s-aws-v1.` + base64url(presigned STS GetCallerIdentity URL).
//!
//! The shape is always checked (GetCallerIdentity, SigV4 query parameters, `x-k8s-aws-id`
//! among the signed headers), and so is the age: as EKS does, a token is refused once its
//! signing time (`X-Amz-Date`) is older than the token lifetime (15 minutes unless the server
//! was told otherwise), whatever its `X-Amz-Expires` says. With an STS endpoint configured,
//! the presigned request is replayed against it with `x-k8s-aws-id: <cluster name>` as
//! aws-iam-authenticator does, and the token is rejected unless STS answers 200. moto routes
//! requests by the Authorization header's credential scope, so the presigned query is also
//! sent as an Authorization header.

use base64::Engine;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

use super::Identity;

#[derive(Debug, thiserror::Error)]
pub enum EksTokenError {
    #[error("token is not base64url: {0}")]
    Encoding(String),
    #[error("token does not hold a URL: {0}")]
    Url(String),
    #[error("presigned URL lacks {0}")]
    Missing(&'static str),
    #[error("token was signed for cluster {0:?}")]
    WrongCluster(String),
    #[error("STS request failed: {0}")]
    Sts(String),
    #[error("X-Amz-Date {0:?} is not a SigV4 date")]
    Date(String),
    #[error("X-Amz-Date parameter is expired ({ttl:?} expiration) {date}")]
    Expired { date: String, ttl: Duration },
}

type HttpsClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Empty<Bytes>>;

pub struct EksVerifier {
    cluster_name: String,
    sts_endpoint: Option<String>,
    client: Option<HttpsClient>,
    ttl: Duration,
}

impl EksVerifier {
    pub fn new(cluster_name: &str, sts_endpoint: Option<String>, ttl: Duration) -> Self {
        let client = sts_endpoint.as_ref().and_then(|_| {
            let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
            let connector = hyper_rustls::HttpsConnectorBuilder::new()
                .with_provider_and_native_roots(provider)
                .ok()?
                .https_or_http()
                .enable_http1()
                .build();
            Some(Client::builder(TokioExecutor::new()).build(connector))
        });
        EksVerifier { cluster_name: cluster_name.to_string(), sts_endpoint, client, ttl }
    }

    pub async fn verify(&self, token: &str) -> Result<Identity, EksTokenError> {
        let url = decode(token)?;
        let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let param = |name: &str| query.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
        if param("Action") != Some("GetCallerIdentity") {
            return Err(EksTokenError::Missing("Action=GetCallerIdentity"));
        }
        let credential = param("X-Amz-Credential").ok_or(EksTokenError::Missing("X-Amz-Credential"))?;
        let signature = param("X-Amz-Signature").ok_or(EksTokenError::Missing("X-Amz-Signature"))?;
        let date = param("X-Amz-Date").ok_or(EksTokenError::Missing("X-Amz-Date"))?;
        check_age(date, self.ttl, jiff::Timestamp::now())?;
        let signed_headers = param("X-Amz-SignedHeaders").ok_or(EksTokenError::Missing("X-Amz-SignedHeaders"))?;
        if !signed_headers.split(';').any(|h| h.eq_ignore_ascii_case("x-k8s-aws-id")) {
            return Err(EksTokenError::Missing("x-k8s-aws-id in X-Amz-SignedHeaders"));
        }
        if let Some(cluster) = param("x-k8s-aws-id") {
            if cluster != self.cluster_name {
                return Err(EksTokenError::WrongCluster(cluster.to_string()));
            }
        }
        let access_key = credential.split('/').next().unwrap_or(credential).to_string();
        let username = match (&self.sts_endpoint, &self.client) {
            (Some(endpoint), Some(client)) => {
                let authorization = format!(
                    "AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders={signed_headers}, Signature={signature}"
                );
                self.call_sts(client, endpoint, url.query().unwrap_or(""), &authorization).await?
            }
            _ => format!("aws:{access_key}"),
        };
        Ok(Identity { username, groups: vec!["system:authenticated".to_string()] })
    }

    async fn call_sts(
        &self,
        client: &HttpsClient,
        endpoint: &str,
        query: &str,
        authorization: &str,
    ) -> Result<String, EksTokenError> {
        let uri = format!("{}/?{}", endpoint.trim_end_matches('/'), query);
        let request = hyper::Request::get(&uri)
            .header("x-k8s-aws-id", &self.cluster_name)
            .header("accept", "application/json")
            .header("authorization", authorization)
            .body(Empty::<Bytes>::new())
            .map_err(|e| EksTokenError::Sts(e.to_string()))?;
        let response = client.request(request).await.map_err(|e| EksTokenError::Sts(e.to_string()))?;
        let status = response.status();
        let body = response.into_body().collect().await.map_err(|e| EksTokenError::Sts(e.to_string()))?.to_bytes();
        let body = String::from_utf8_lossy(&body);
        if !status.is_success() {
            return Err(EksTokenError::Sts(format!("{status}: {body}")));
        }
        caller_arn(&body).ok_or_else(|| EksTokenError::Sts(format!("no Arn in the answer: {body}")))
    }
}

fn decode(token: &str) -> Result<url::Url, EksTokenError> {
    let trimmed = token.trim_end_matches('=');
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(trimmed)
        .map_err(|e| EksTokenError::Encoding(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| EksTokenError::Url(e.to_string()))?;
    url::Url::parse(&text).map_err(|e| EksTokenError::Url(e.to_string()))
}

/// Refuses a token signed more than `ttl` before `now`.
fn check_age(date: &str, ttl: Duration, now: jiff::Timestamp) -> Result<(), EksTokenError> {
    let signed = jiff::civil::DateTime::strptime("%Y%m%dT%H%M%SZ", date)
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC))
        .map_err(|_| EksTokenError::Date(date.to_string()))?
        .timestamp();
    let age = now.duration_since(signed);
    match jiff::SignedDuration::try_from(ttl) {
        Ok(ttl) if age <= ttl => Ok(()),
        _ => Err(EksTokenError::Expired { date: date.to_string(), ttl }),
    }
}

/// The caller ARN from a GetCallerIdentity answer, JSON or XML.
fn caller_arn(body: &str) -> Option<String> {
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(body) {
        if let Some(arn) =
            json.pointer("/GetCallerIdentityResponse/GetCallerIdentityResult/Arn").and_then(|v| v.as_str())
        {
            return Some(arn.to_string());
        }
    }
    let start = body.find("<Arn>")? + "<Arn>".len();
    let end = body[start..].find("</Arn>")? + start;
    Some(body[start..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(query: &str) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("https://sts.us-east-1.amazonaws.com/?{query}"))
    }

    #[tokio::test]
    async fn shape_is_checked_without_an_endpoint() {
        let verifier = EksVerifier::new("foo", None, Duration::from_secs(900));
        let now = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ").to_string();
        let good = format!("Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20240101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date={now}&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=abc");
        let good = good.as_str();
        assert_eq!(verifier.verify(&token(good)).await.unwrap().username, "aws:AKIDEXAMPLE");
        let unsigned_cluster = good.replace("host%3Bx-k8s-aws-id", "host");
        assert!(verifier.verify(&token(&unsigned_cluster)).await.is_err());
        assert!(verifier.verify("!!!").await.is_err());
        assert!(verifier.verify(&token(&format!("{good}&x-k8s-aws-id=bar"))).await.is_err());
    }

    #[test]
    fn tokens_expire_a_ttl_after_their_signing_time() {
        let now = jiff::Timestamp::from_second(1_700_000_000).unwrap(); // 2023-11-14T22:13:20Z
        let ttl = Duration::from_secs(900);
        assert!(check_age("20231114T215820Z", ttl, now).is_ok(), "exactly 15 minutes old");
        assert!(matches!(check_age("20231114T215819Z", ttl, now), Err(EksTokenError::Expired { .. })));
        assert!(check_age("20231114T221315Z", Duration::from_secs(5), now).is_ok());
        assert!(matches!(
            check_age("20231114T221314Z", Duration::from_secs(5), now),
            Err(EksTokenError::Expired { .. })
        ));
        assert!(matches!(check_age("yesterday", ttl, now), Err(EksTokenError::Date(_))));
    }

    #[tokio::test]
    async fn an_old_token_is_refused() {
        let verifier = EksVerifier::new("foo", None, Duration::from_secs(900));
        let old = "Action=GetCallerIdentity&X-Amz-Credential=AKIDEXAMPLE%2F20240101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=abc";
        assert!(matches!(verifier.verify(&token(old)).await, Err(EksTokenError::Expired { .. })));
    }

    #[test]
    fn arn_is_read_from_xml_and_json() {
        assert_eq!(
            caller_arn("<GetCallerIdentityResult><Arn>arn:aws:iam::1:user/x</Arn></GetCallerIdentityResult>")
                .as_deref(),
            Some("arn:aws:iam::1:user/x")
        );
        assert_eq!(
            caller_arn(r#"{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"a"}}}"#).as_deref(),
            Some("a")
        );
    }
}
