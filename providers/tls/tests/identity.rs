//! JWKS key ids and parameters checked against values openssl computes, renewal planning,
//! and the `tls_certificate` data source against a local TLS server.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::*;
use meshplan_provider::{DataSource, PlanRequest, Provider, ResourceType, Value};
use meshplan_provider_tls::data::certificate::CertificateData;
use meshplan_provider_tls::resources::self_signed_cert::SelfSignedCert;
use meshplan_provider_tls::TlsProvider;
use std::sync::Arc;

fn call(name: &str, args: &[Value]) -> Result<Value, meshplan_provider::FunctionError> {
    let f = TlsProvider.functions().into_iter().find(|f| f.name == name).expect("function");
    (f.call)(args)
}

fn hex_to_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

#[tokio::test]
async fn jwks_matches_openssl() {
    let rsa = private_key("RSA", &[("rsa_bits", Value::from(2048i64))]).await;
    let ec = private_key("ECDSA", &[("ecdsa_curve", Value::from("P256"))]).await;
    let dir = Workdir::new();
    let p = dir.0.path();
    dir.write("rsa.pem", &s(&rsa, "public_key_pem"));
    dir.write("ec.pem", &s(&ec, "public_key_pem"));

    let kid_of = |file: &str| {
        let der = openssl_bytes(p, &["pkey", "-pubin", "-in", file, "-outform", "DER"]);
        std::fs::write(dir.path("pub.der"), der).unwrap();
        URL_SAFE_NO_PAD.encode(openssl_bytes(p, &["dgst", "-sha256", "-binary", "pub.der"]))
    };
    let modulus = openssl(p, &["rsa", "-pubin", "-in", "rsa.pem", "-noout", "-modulus"]);
    let n = URL_SAFE_NO_PAD.encode(hex_to_bytes(modulus.trim().trim_start_matches("Modulus=")));

    let doc = call(
        "jwks",
        &[Value::List(vec![rsa.get("public_key_pem").clone(), ec.get("public_key_pem").clone()]), Value::from(true)],
    )
    .unwrap();
    let doc: serde_json::Value = serde_json::from_str(doc.as_str().unwrap()).unwrap();
    let keys = doc["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 4, "each key plus its empty-kid copy");
    assert_eq!(keys[0]["kty"], "RSA");
    assert_eq!(keys[0]["kid"], kid_of("rsa.pem"));
    assert_eq!(keys[0]["n"], n);
    assert_eq!(keys[0]["e"], "AQAB");
    assert_eq!(keys[0]["alg"], "RS256");
    assert_eq!(keys[0]["use"], "sig");
    assert_eq!(keys[1]["kid"], "");
    assert_eq!(keys[1]["n"], n);
    assert_eq!(keys[2]["kty"], "EC");
    assert_eq!(keys[2]["kid"], kid_of("ec.pem"));
    assert_eq!(keys[2]["alg"], "ES256");

    // The EC point from openssl's text dump is 04 || x || y.
    let text = openssl(p, &["pkey", "-pubin", "-in", "ec.pem", "-noout", "-text"]);
    let point: String = text
        .lines()
        .skip_while(|l| !l.starts_with("pub:"))
        .skip(1)
        .take_while(|l| l.starts_with(' '))
        .flat_map(|l| l.trim().split(':').filter(|h| !h.is_empty()).map(str::to_string).collect::<Vec<_>>())
        .collect();
    let point = hex_to_bytes(&point);
    assert_eq!(keys[2]["x"], URL_SAFE_NO_PAD.encode(&point[1..33]));
    assert_eq!(keys[2]["y"], URL_SAFE_NO_PAD.encode(&point[33..65]));

    // A private key in the argument still yields only public members, and errors never echo it.
    let err = call("jwks", &[Value::from("-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n")]).unwrap_err();
    assert!(!err.message.contains("MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8"), "{}", err.message);
}

#[test]
fn oidc_discovery_is_the_irsa_document() {
    let doc = call("oidc_discovery", &[Value::from("https://s3-us-west-2.amazonaws.com/my-oidc")]).unwrap();
    let doc: serde_json::Value = serde_json::from_str(doc.as_str().unwrap()).unwrap();
    assert_eq!(
        doc,
        serde_json::json!({
            "issuer": "https://s3-us-west-2.amazonaws.com/my-oidc",
            "jwks_uri": "https://s3-us-west-2.amazonaws.com/my-oidc/keys.json",
            "authorization_endpoint": "urn:kubernetes:programmatic_authorization",
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "claims_supported": ["sub", "iss"]
        })
    );
    assert!(call("oidc_discovery", &[Value::from("https://example.com/")]).is_err());
}

fn cert_config(key_pem: &Value, early: i64) -> Value {
    Value::object([
        ("private_key_pem", key_pem.clone()),
        ("subject", subject("renew-me", "meshplan")),
        ("validity_period_hours", Value::from(24i64)),
        ("early_renewal_hours", Value::from(early)),
        ("allowed_uses", strings(&["digital_signature"])),
    ])
}

#[tokio::test]
async fn renewal_window_plans_a_replacement() {
    let key = private_key("ED25519", &[]).await;
    let cfg = cert_config(key.get("private_key_pem"), 1);
    let state = create(&SelfSignedCert, cfg.clone()).await;
    let ctx = ctx();

    // Fresh certificate, window not reached: no change.
    let planned = SelfSignedCert.plan(&ctx, PlanRequest { prior: Some(&state), config: &cfg }).await.unwrap();
    assert!(!planned.replaces(), "{planned:?}");
    assert_eq!(planned.state, state);

    // Only the window changes, still not reached: an in-place update.
    let wider = cert_config(key.get("private_key_pem"), 2);
    let planned = SelfSignedCert.plan(&ctx, PlanRequest { prior: Some(&state), config: &wider }).await.unwrap();
    assert!(!planned.replaces());
    let updated = SelfSignedCert.update(&ctx, &state, &planned.state).await.unwrap();
    assert_eq!(updated.get("cert_pem"), state.get("cert_pem"));

    // A window wider than the validity: due now, replaced with the reason shown.
    let due = cert_config(key.get("private_key_pem"), 48);
    let planned = SelfSignedCert.plan(&ctx, PlanRequest { prior: Some(&state), config: &due }).await.unwrap();
    assert_eq!(planned.replace_reasons.len(), 1, "{planned:?}");
    let reason = &planned.replace_reasons[0];
    assert!(reason.starts_with("certificate is ready for renewal (expires "), "{reason}");
    assert!(reason.contains(&s(&state, "validity_end_time")), "{reason}");
    assert_eq!(planned.state.get("cert_pem"), &Value::Unknown);
}

/// Serves `chain` (leaf first) with `key_pkcs8_pem` on 127.0.0.1 for `connections` handshakes.
async fn serve(chain: Vec<String>, key_pkcs8_pem: String, connections: usize) -> u16 {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let certs: Vec<CertificateDer<'static>> =
        chain.iter().map(|p| CertificateDer::from(pem::parse(p).unwrap().into_contents())).collect();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pem::parse(&key_pkcs8_pem).unwrap().into_contents()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        for _ in 0..connections {
            let Ok(Ok((tcp, _))) = tokio::time::timeout(std::time::Duration::from_secs(60), listener.accept()).await
            else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let _ = tokio::time::timeout(std::time::Duration::from_secs(10), acceptor.accept(tcp)).await;
            });
        }
    });
    port
}

#[tokio::test]
async fn tls_certificate_reads_a_local_server() {
    use meshplan_provider_tls::resources::cert_request::CertRequest;
    use meshplan_provider_tls::resources::locally_signed_cert::LocallySignedCert;
    let root_key = private_key("ECDSA", &[("ecdsa_curve", Value::from("P256"))]).await;
    let root = create(
        &SelfSignedCert,
        Value::object([
            ("private_key_pem", root_key.get("private_key_pem").clone()),
            ("subject", subject("Test Root", "meshplan")),
            ("validity_period_hours", Value::from(48i64)),
            ("is_ca_certificate", Value::from(true)),
            ("allowed_uses", strings(&["cert_signing"])),
        ]),
    )
    .await;
    let leaf_key = private_key("ECDSA", &[("ecdsa_curve", Value::from("P256"))]).await;
    let csr = create(
        &CertRequest,
        Value::object([
            ("private_key_pem", leaf_key.get("private_key_pem").clone()),
            ("subject", subject("oidc.local", "meshplan")),
            ("ip_addresses", strings(&["127.0.0.1"])),
        ]),
    )
    .await;
    let leaf = create(
        &LocallySignedCert,
        Value::object([
            ("cert_request_pem", csr.get("cert_request_pem").clone()),
            ("ca_private_key_pem", root_key.get("private_key_pem").clone()),
            ("ca_cert_pem", root.get("cert_pem").clone()),
            ("validity_period_hours", Value::from(24i64)),
            ("allowed_uses", strings(&["digital_signature", "server_auth"])),
        ]),
    )
    .await;
    let port = serve(vec![s(&leaf, "cert_pem"), s(&root, "cert_pem")], s(&leaf_key, "private_key_pem_pkcs8"), 3).await;
    let url = format!("https://127.0.0.1:{port}/.well-known/openid-configuration");

    let data = read_data(
        &CertificateData,
        Value::object([("url", Value::from(url.clone())), ("verify_chain", Value::from(false))]),
    )
    .await
    .unwrap();
    let certs = data.get("certificates").as_list().unwrap();
    assert_eq!(certs.len(), 2);
    // Root-most first, as Terraform orders them.
    assert_eq!(certs[0].get("cert_pem"), root.get("cert_pem"));
    assert_eq!(certs[0].get("is_ca"), &Value::from(true));
    assert_eq!(s(&certs[0], "subject"), "CN=Test Root,O=meshplan");
    assert_eq!(s(&certs[1], "issuer"), "CN=Test Root,O=meshplan");
    assert_eq!(certs[1].get("is_ca"), &Value::from(false));

    let dir = Workdir::new();
    dir.write("root.pem", &s(&root, "cert_pem"));
    let fp = openssl(dir.0.path(), &["x509", "-noout", "-fingerprint", "-sha1", "-in", "root.pem"]);
    let expected = fp.trim().split('=').nth(1).unwrap().replace(':', "").to_lowercase();
    assert_eq!(s(&certs[0], "sha1_fingerprint"), expected);

    // verify_chain with the right anchor succeeds, with another one fails.
    let ok = read_data(
        &CertificateData,
        Value::object([("url", Value::from(url.clone())), ("ca_cert_pem", root.get("cert_pem").clone())]),
    )
    .await;
    assert!(ok.is_ok(), "{:?}", ok.err());
    let other = create(
        &SelfSignedCert,
        Value::object([
            ("private_key_pem", root_key.get("private_key_pem").clone()),
            ("subject", subject("Other Root", "elsewhere")),
            ("validity_period_hours", Value::from(48i64)),
            ("is_ca_certificate", Value::from(true)),
            ("allowed_uses", strings(&["cert_signing"])),
        ]),
    )
    .await;
    let bad = read_data(
        &CertificateData,
        Value::object([("url", Value::from(url)), ("ca_cert_pem", other.get("cert_pem").clone())]),
    )
    .await;
    assert!(bad.is_err());

    // content mode gives the same description.
    let from_content = read_data(
        &CertificateData,
        Value::object([("content", Value::from(format!("{}{}", s(&leaf, "cert_pem"), s(&root, "cert_pem"))))]),
    )
    .await
    .unwrap();
    assert_eq!(from_content.get("certificates"), data.get("certificates"));
    assert!(CertificateData.schema().attributes.contains_key("verify_chain"));
}
