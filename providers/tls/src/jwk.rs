//! JSON Web Keys (RFC 7517/7518) for public keys, as Kubernetes service-account issuers
//! and SPIFFE bundles publish them.

use crate::keys::{Curve, PublicKey};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Map, Value as Json};

/// The key id the pod-identity-webhook key tool (and kube-apiserver) computes:
/// base64url_nopad(SHA-256(DER SubjectPublicKeyInfo)).
pub fn key_id(key: &PublicKey) -> String {
    URL_SAFE_NO_PAD.encode(ring::digest::digest(&ring::digest::SHA256, &key.spki_der()).as_ref())
}

/// The JWS algorithm a key signs service-account tokens with.
pub fn signing_algorithm(key: &PublicKey) -> &'static str {
    match key {
        PublicKey::Rsa { .. } => "RS256",
        PublicKey::Ecdsa { curve: Curve::P256, .. } => "ES256",
        PublicKey::Ecdsa { curve: Curve::P384, .. } => "ES384",
        PublicKey::Ed25519 { .. } => "EdDSA",
    }
}

/// The key-type members (`kty` and the public parameters), in RFC 7518 order.
pub fn key_members(key: &PublicKey) -> Map<String, Json> {
    let b64 = |bytes: &[u8]| Json::String(URL_SAFE_NO_PAD.encode(bytes));
    let mut m = Map::new();
    match key {
        PublicKey::Rsa { n, e } => {
            m.insert("kty".into(), json!("RSA"));
            m.insert("n".into(), b64(n));
            m.insert("e".into(), b64(e));
        }
        PublicKey::Ecdsa { curve, point } => {
            // An uncompressed point is 0x04 || x || y with equal-length coordinates.
            let coords = point.get(1..).unwrap_or_default();
            let (x, y) = coords.split_at(coords.len() / 2);
            m.insert("kty".into(), json!("EC"));
            m.insert("crv".into(), json!(curve.jose_name()));
            m.insert("x".into(), b64(x));
            m.insert("y".into(), b64(y));
        }
        PublicKey::Ed25519 { point } => {
            m.insert("kty".into(), json!("OKP"));
            m.insert("crv".into(), json!("Ed25519"));
            m.insert("x".into(), b64(point));
        }
    }
    m
}

/// A signing JWK: key members, `kid`, `alg`, `use: sig`.
pub fn signing_jwk(key: &PublicKey, kid: &str) -> Json {
    let mut m = key_members(key);
    m.insert("kid".into(), json!(kid));
    m.insert("alg".into(), json!(signing_algorithm(key)));
    m.insert("use".into(), json!("sig"));
    Json::Object(m)
}
