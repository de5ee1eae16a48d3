//! SPIFFE trust bundles (SPIFFE Trust Domain and Bundle spec §4): a JWKS whose
//! `x509-svid` keys carry the CA certificates in `x5c`, as `spire-server bundle show
//! -format spiffe` prints it and ClusterFederatedTrustDomain.trustDomainBundle holds.

use super::args;
use crate::inspect;
use crate::jwk;
use crate::keys::PublicKey;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use meshplan_provider::{FunctionError, Value};
use serde_json::{json, Map, Value as Json};

/// `spiffe_bundle(trust_domain, x509_ca_pems, jwt_keys?, sequence?, refresh_hint?)`.
pub fn spiffe_bundle(a: &[Value]) -> Result<Value, FunctionError> {
    let trust_domain = trust_domain(&args::string(a, 0, "trust_domain")?)?;
    let mut keys = Vec::new();
    let mut n = 0;
    for text in args::string_list(a, 1, "x509_ca_pems")? {
        let ders = inspect::certificate_ders(&text).map_err(|e| FunctionError::arg(1, format!("x509_ca_pems: {e}")))?;
        for der in ders {
            let cert = inspect::parse(&der).map_err(|e| FunctionError::arg(1, format!("x509_ca_pems[{n}]: {e}")))?;
            check_trust_domain(&cert, &trust_domain)
                .map_err(|e| FunctionError::arg(1, format!("x509_ca_pems[{n}]: {e}")))?;
            let key = PublicKey::from_spki_der(cert.public_key().raw)
                .map_err(|e| FunctionError::arg(1, format!("x509_ca_pems[{n}]: {e}")))?;
            let mut m = Map::new();
            m.insert("use".into(), json!("x509-svid"));
            m.extend(jwk::key_members(&key));
            m.insert("x5c".into(), json!([STANDARD.encode(&der)]));
            keys.push(Json::Object(m));
            n += 1;
        }
    }
    for (i, text) in args::string_list(a, 2, "jwt_keys")?.iter().enumerate() {
        let key = PublicKey::from_pem(text).map_err(|e| FunctionError::arg(2, format!("jwt_keys[{i}]: {e}")))?;
        let mut m = Map::new();
        m.insert("use".into(), json!("jwt-svid"));
        m.extend(jwk::key_members(&key));
        m.insert("kid".into(), json!(jwk::key_id(&key)));
        keys.push(Json::Object(m));
    }
    if keys.is_empty() {
        return Err(FunctionError::arg(1, "a SPIFFE bundle needs at least one X.509 authority or JWT key"));
    }
    let mut bundle = Map::new();
    bundle.insert("keys".into(), Json::Array(keys));
    if let Some(seq) = args::int(a, 3, "sequence")? {
        bundle.insert("spiffe_sequence".into(), json!(seq));
    }
    if let Some(hint) = args::int(a, 4, "refresh_hint")? {
        bundle.insert("spiffe_refresh_hint".into(), json!(hint));
    }
    Ok(args::json_string(&Json::Object(bundle)))
}

/// `spiffe_bundle_x509(json)`: the bundle's X.509 authorities as PEM certificates.
pub fn spiffe_bundle_x509(a: &[Value]) -> Result<Value, FunctionError> {
    let text = args::string(a, 0, "json")?;
    let bundle: Json = serde_json::from_str(&text).map_err(|e| FunctionError::arg(0, format!("not JSON: {e}")))?;
    let keys = bundle
        .get("keys")
        .and_then(Json::as_array)
        .ok_or_else(|| FunctionError::arg(0, "a SPIFFE bundle has a \"keys\" array"))?;
    let mut pems = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        if key.get("use").and_then(Json::as_str) != Some("x509-svid") {
            continue;
        }
        let chain = key
            .get("x5c")
            .and_then(Json::as_array)
            .ok_or_else(|| FunctionError::arg(0, format!("keys[{i}] (x509-svid) has no x5c")))?;
        for cert in chain {
            let der = cert
                .as_str()
                .and_then(|s| STANDARD.decode(s).ok())
                .ok_or_else(|| FunctionError::arg(0, format!("keys[{i}].x5c holds an entry that is not base64 DER")))?;
            inspect::parse(&der).map_err(|e| FunctionError::arg(0, format!("keys[{i}].x5c: {e}")))?;
            pems.push(Value::from(inspect::certificate_pem(&der)));
        }
    }
    Ok(Value::List(pems))
}

/// A trust domain name, given bare (`foo.com`) or as `spiffe://foo.com`.
fn trust_domain(raw: &str) -> Result<String, FunctionError> {
    let name = raw.strip_prefix("spiffe://").unwrap_or(raw).trim_end_matches('/');
    let valid = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    if !valid {
        return Err(FunctionError::arg(
            0,
            format!("trust_domain {raw:?} is not a SPIFFE trust domain (lowercase letters, digits, '.', '-', '_')"),
        ));
    }
    Ok(name.to_string())
}

/// A CA that names a SPIFFE ID must belong to the bundle's trust domain: a bundle with
/// another domain's CA is the classic federation mix-up.
fn check_trust_domain(cert: &x509_parser::certificate::X509Certificate<'_>, domain: &str) -> Result<(), String> {
    let Ok(Some(sans)) = cert.subject_alternative_name() else { return Ok(()) };
    for name in &sans.value.general_names {
        if let x509_parser::extensions::GeneralName::URI(uri) = name {
            if let Some(rest) = uri.strip_prefix("spiffe://") {
                let host = rest.split('/').next().unwrap_or("");
                if host != domain {
                    return Err(format!("the certificate names {uri:?}, outside trust domain {domain:?}"));
                }
            }
        }
    }
    Ok(())
}
