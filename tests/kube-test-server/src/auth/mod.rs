//! Bearer-token authentication. Accepted: the admin token (every mode), tokens this server
//! minted for service accounts (token Secrets and TokenRequest), and, in EKS mode,
//! `k8s-aws-v1.` presigned STS tokens. There is no authorization: any identity may do anything.

mod eks;

use std::collections::HashMap;
use std::sync::RwLock;

use base64::Engine;
use serde_json::json;

use crate::config::EksAuth;
use crate::error::ApiError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub username: String,
    pub groups: Vec<String>,
}

pub struct Authenticator {
    admin_token: String,
    eks: Option<eks::EksVerifier>,
    /// Service-account tokens minted by this server → who they authenticate as.
    minted: RwLock<HashMap<String, Identity>>,
}

impl Authenticator {
    pub fn new(admin_token: String, cluster_name: &str, eks: Option<&EksAuth>) -> Self {
        Authenticator {
            admin_token,
            eks: eks.map(|e| eks::EksVerifier::new(cluster_name, e.sts_endpoint.clone(), e.token_ttl)),
            minted: RwLock::new(HashMap::new()),
        }
    }

    /// Checks an `Authorization` header; anything but a known bearer token is 401.
    pub async fn authenticate(&self, authorization: Option<&str>) -> Result<Identity, ApiError> {
        let token = authorization
            .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
            .map(str::trim)
            .ok_or_else(ApiError::unauthorized)?;
        if token == self.admin_token {
            return Ok(Identity {
                username: "kubernetes-admin".to_string(),
                groups: vec!["system:masters".to_string(), "system:authenticated".to_string()],
            });
        }
        if let Some(identity) = self.minted.read().unwrap_or_else(|e| e.into_inner()).get(token) {
            return Ok(identity.clone());
        }
        if let (Some(verifier), Some(eks_token)) = (&self.eks, token.strip_prefix("k8s-aws-v1.")) {
            return verifier.verify(eks_token).await.map_err(|_| ApiError::unauthorized());
        }
        Err(ApiError::unauthorized())
    }

    /// Mints a JWT-shaped token for a service account. The signature is random: tokens are
    /// validated by lookup, but their claims read like the real thing for tools that peek.
    pub fn mint_service_account_token(&self, namespace: &str, name: &str, uid: &str) -> String {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let now = jiff::Timestamp::now().as_second();
        let header = json!({"alg": "RS256", "kid": "kube-test-server"});
        let claims = json!({
            "iss": "https://kubernetes.default.svc.cluster.local",
            "sub": format!("system:serviceaccount:{namespace}:{name}"),
            "aud": ["https://kubernetes.default.svc.cluster.local"],
            "iat": now,
            "nbf": now,
            "kubernetes.io": {"namespace": namespace, "serviceaccount": {"name": name, "uid": uid}},
        });
        let signature = uuid::Uuid::new_v4().as_bytes().repeat(2);
        let token =
            format!("{}.{}.{}", b64.encode(header.to_string()), b64.encode(claims.to_string()), b64.encode(signature));
        let identity = Identity {
            username: format!("system:serviceaccount:{namespace}:{name}"),
            groups: vec![
                "system:serviceaccounts".to_string(),
                format!("system:serviceaccounts:{namespace}"),
                "system:authenticated".to_string(),
            ],
        };
        self.minted.write().unwrap_or_else(|e| e.into_inner()).insert(token.clone(), identity);
        token
    }
}
