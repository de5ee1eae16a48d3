//! `jwks` and `oidc_discovery`: the two documents a self-hosted service-account issuer
//! (IRSA on EKS Anywhere and the like) publishes.

use super::args;
use crate::jwk;
use crate::keys::PublicKey;
use meshplan_provider::{FunctionError, Value};
use serde_json::json;

/// `jwks(public_key_pems, include_empty_kid?)`: `{"keys":[...]}` with one signing JWK per
/// key; with `include_empty_kid`, each key again with `kid: ""` (Kubernetes < 1.16 signs
/// tokens without a kid).
pub fn jwks(a: &[Value]) -> Result<Value, FunctionError> {
    let pems = args::string_list(a, 0, "public_key_pems")?;
    let include_empty_kid = args::optional(a, 1).and_then(Value::as_bool).unwrap_or(false);
    let mut keys = Vec::new();
    for (n, text) in pems.iter().enumerate() {
        let key = PublicKey::from_pem(text).map_err(|e| FunctionError::arg(0, format!("public_key_pems[{n}]: {e}")))?;
        keys.push(jwk::signing_jwk(&key, &jwk::key_id(&key)));
        if include_empty_kid {
            keys.push(jwk::signing_jwk(&key, ""));
        }
    }
    Ok(args::json_string(&json!({ "keys": keys })))
}

/// `oidc_discovery(issuer, jwks_uri?)`: the `.well-known/openid-configuration` document
/// IAM reads; `jwks_uri` defaults to `<issuer>/keys.json`.
pub fn oidc_discovery(a: &[Value]) -> Result<Value, FunctionError> {
    let issuer = args::string(a, 0, "issuer")?;
    if !issuer.starts_with("https://") {
        return Err(FunctionError::arg(0, format!("issuer {issuer:?} must be an https:// URL")));
    }
    if issuer.ends_with('/') {
        // IAM compares the token's iss claim with the provider URL byte for byte.
        return Err(FunctionError::arg(
            0,
            format!("issuer {issuer:?} must not end with '/': the trailing slash makes IRSA token validation fail"),
        ));
    }
    let jwks_uri = match args::optional(a, 1) {
        Some(v) => v.as_str().map(str::to_string).ok_or_else(|| FunctionError::arg(1, "jwks_uri must be a string"))?,
        None => format!("{issuer}/keys.json"),
    };
    Ok(args::json_string(&json!({
        "issuer": issuer,
        "jwks_uri": jwks_uri,
        "authorization_endpoint": "urn:kubernetes:programmatic_authorization",
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "iss"],
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_rejects_trailing_slash_and_defaults_jwks_uri() {
        let err = oidc_discovery(&[Value::from("https://s3-us-west-2.amazonaws.com/b/")]).unwrap_err();
        assert_eq!(err.arg, Some(0));
        assert!(err.message.contains("trailing slash"));
        let doc = oidc_discovery(&[Value::from("https://s3-us-west-2.amazonaws.com/b")]).unwrap();
        let doc: serde_json::Value = serde_json::from_str(doc.as_str().unwrap()).unwrap();
        assert_eq!(doc["jwks_uri"], "https://s3-us-west-2.amazonaws.com/b/keys.json");
        assert_eq!(doc["claims_supported"], json!(["sub", "iss"]));
    }
}
