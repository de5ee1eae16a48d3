//! A root → SPIRE-style intermediate → leaf chain, verified by `openssl verify`, with the
//! extensions checked in `openssl x509 -text`, and the root round-tripped through a
//! SPIFFE bundle.

mod common;

use common::*;
use meshplan_provider::Provider;
use meshplan_provider::Value;
use meshplan_provider_tls::resources::cert_request::CertRequest;
use meshplan_provider_tls::resources::locally_signed_cert::LocallySignedCert;
use meshplan_provider_tls::resources::self_signed_cert::SelfSignedCert;
use meshplan_provider_tls::TlsProvider;

pub fn call(name: &str, args: &[Value]) -> Result<Value, meshplan_provider::FunctionError> {
    let f = TlsProvider.functions().into_iter().find(|f| f.name == name).expect("function");
    (f.call)(args)
}

struct Chain {
    root: Value,
    inter_key: Value,
    inter_csr: Value,
    inter: Value,
    leaf_csr: Value,
    leaf: Value,
}

async fn build_chain() -> Chain {
    let root_key = private_key("ECDSA", &[("ecdsa_curve", Value::from("P256"))]).await;
    let root = create(
        &SelfSignedCert,
        Value::object([
            ("private_key_pem", root_key.get("private_key_pem").clone()),
            ("subject", subject("certmanager-ca", "cert-manager")),
            ("validity_period_hours", Value::from(21600i64)),
            ("is_ca_certificate", Value::from(true)),
            ("set_subject_key_id", Value::from(true)),
            ("set_authority_key_id", Value::from(true)),
            ("allowed_uses", strings(&["cert_signing", "crl_signing", "digital_signature"])),
        ]),
    )
    .await;

    // SPIRE's upstream-authority intermediate: an RSA CA whose URI SAN is the trust domain.
    let inter_key = private_key("RSA", &[("rsa_bits", Value::from(2048i64))]).await;
    let inter_csr = create(
        &CertRequest,
        Value::object([
            ("private_key_pem", inter_key.get("private_key_pem").clone()),
            ("subject", subject("spire-server foo.com", "SPIFFE")),
            ("uris", strings(&["spiffe://foo.com"])),
        ]),
    )
    .await;
    let inter = create(
        &LocallySignedCert,
        Value::object([
            ("cert_request_pem", inter_csr.get("cert_request_pem").clone()),
            ("ca_private_key_pem", root_key.get("private_key_pem").clone()),
            ("ca_cert_pem", root.get("cert_pem").clone()),
            ("validity_period_hours", Value::from(1440i64)),
            ("early_renewal_hours", Value::from(360i64)),
            ("is_ca_certificate", Value::from(true)),
            ("allowed_uses", strings(&["cert_signing", "crl_signing", "digital_signature"])),
        ]),
    )
    .await;

    let leaf_key = private_key("ECDSA", &[("ecdsa_curve", Value::from("P384"))]).await;
    let leaf_csr = create(
        &CertRequest,
        Value::object([
            ("private_key_pem", leaf_key.get("private_key_pem_pkcs8").clone()),
            ("subject", subject("web.default.svc", "foo")),
            ("dns_names", strings(&["web.default.svc", "localhost"])),
            ("ip_addresses", strings(&["127.0.0.1"])),
            ("uris", strings(&["spiffe://foo.com/ns/default/sa/web"])),
        ]),
    )
    .await;
    let leaf = create(
        &LocallySignedCert,
        Value::object([
            ("cert_request_pem", leaf_csr.get("cert_request_pem").clone()),
            ("ca_private_key_pem", inter_key.get("private_key_pem").clone()),
            ("ca_cert_pem", inter.get("cert_pem").clone()),
            ("validity_period_hours", Value::from(1i64)),
            ("allowed_uses", strings(&["digital_signature", "key_encipherment", "server_auth", "client_auth"])),
        ]),
    )
    .await;
    let mut leaf = leaf;
    leaf.set("private_key_pem_pkcs8", leaf_key.get("private_key_pem_pkcs8").clone());
    Chain { root, inter_key, inter_csr, inter, leaf_csr, leaf }
}

#[tokio::test]
async fn chain_verifies_with_openssl() {
    let c = build_chain().await;
    let dir = Workdir::new();
    let p = dir.0.path();
    dir.write("root.pem", &s(&c.root, "cert_pem"));
    dir.write("inter.pem", &s(&c.inter, "cert_pem"));
    dir.write("leaf.pem", &s(&c.leaf, "cert_pem"));
    dir.write("inter.csr", &s(&c.inter_csr, "cert_request_pem"));
    dir.write("leaf.csr", &s(&c.leaf_csr, "cert_request_pem"));

    let verified = openssl(p, &["verify", "-CAfile", "root.pem", "-untrusted", "inter.pem", "leaf.pem"]);
    assert!(verified.contains("leaf.pem: OK"), "{verified}");
    let verified = openssl(p, &["verify", "-CAfile", "root.pem", "inter.pem"]);
    assert!(verified.contains("inter.pem: OK"), "{verified}");
    // Without the intermediate the leaf does not verify: the chain really goes through it.
    let (ok, _) = run("openssl", &["verify", "-CAfile", "root.pem", "leaf.pem"], p);
    assert!(!ok);

    for csr in ["inter.csr", "leaf.csr"] {
        let text = openssl(p, &["req", "-verify", "-noout", "-in", csr]);
        assert!(text.contains("verify OK") || text.contains("Certificate request self-signature verify OK"), "{text}");
    }

    let root = openssl(p, &["x509", "-noout", "-text", "-in", "root.pem"]);
    assert!(root.contains("Subject: O = cert-manager, CN = certmanager-ca"), "{root}");
    assert!(root.contains("CA:TRUE"), "{root}");
    assert!(root.contains("Certificate Sign, CRL Sign"), "{root}");
    assert!(root.contains("X509v3 Subject Key Identifier"), "{root}");
    assert!(root.contains("X509v3 Authority Key Identifier"), "{root}");

    let inter = openssl(p, &["x509", "-noout", "-text", "-in", "inter.pem"]);
    assert!(inter.contains("CA:TRUE"), "{inter}");
    assert!(inter.contains("URI:spiffe://foo.com"), "{inter}");
    assert!(inter.contains("Issuer: O = cert-manager, CN = certmanager-ca"), "{inter}");
    assert!(inter.contains("X509v3 Authority Key Identifier"), "{inter}");

    let leaf = openssl(p, &["x509", "-noout", "-text", "-in", "leaf.pem"]);
    assert!(leaf.contains("CA:FALSE"), "{leaf}");
    assert!(leaf.contains("Subject: O = foo, CN = web.default.svc"), "{leaf}");
    assert!(
        leaf.contains(
            "DNS:web.default.svc, DNS:localhost, IP Address:127.0.0.1, URI:spiffe://foo.com/ns/default/sa/web"
        ),
        "{leaf}"
    );
    assert!(leaf.contains("Digital Signature, Key Encipherment"), "{leaf}");
    assert!(leaf.contains("TLS Web Server Authentication, TLS Web Client Authentication"), "{leaf}");

    // SKI/AKI link: the leaf's AKI is the intermediate's SKI, computed like OpenSSL (SHA-1 of the key).
    let inter_ski = openssl(p, &["x509", "-noout", "-ext", "subjectKeyIdentifier", "-in", "inter.pem"]);
    let leaf_aki = openssl(p, &["x509", "-noout", "-ext", "authorityKeyIdentifier", "-in", "leaf.pem"]);
    let ski = inter_ski.lines().nth(1).unwrap().trim().to_string();
    assert!(leaf_aki.contains(&ski), "{leaf_aki} vs {ski}");
    let inter_pub = openssl_bytes(p, &["x509", "-noout", "-pubkey", "-in", "inter.pem"]);
    dir.write("inter_pub.pem", &String::from_utf8(inter_pub).unwrap());
    let hash = openssl(p, &["pkey", "-pubin", "-in", "inter_pub.pem", "-noout", "-text"]);
    assert!(hash.contains("2048 bit"), "{hash}");

    // The purposes hold for the leaf.
    let purpose =
        openssl(p, &["verify", "-purpose", "sslserver", "-CAfile", "root.pem", "-untrusted", "inter.pem", "leaf.pem"]);
    assert!(purpose.contains("OK"), "{purpose}");

    // Computed attributes.
    assert_eq!(s(&c.inter, "ca_key_algorithm"), "ECDSA");
    assert_eq!(c.inter.get("ready_for_renewal"), &Value::from(false));
    let enddate = openssl(p, &["x509", "-noout", "-enddate", "-in", "inter.pem"]);
    assert!(!s(&c.inter, "validity_end_time").is_empty(), "{enddate}");
    let serial = openssl(p, &["x509", "-noout", "-serial", "-in", "leaf.pem"]);
    let hex = serial.trim().trim_start_matches("serial=");
    let as_decimal = u128::from_str_radix(hex, 16).unwrap().to_string();
    assert_eq!(s(&c.leaf, "id"), as_decimal);
}

#[tokio::test]
async fn spiffe_bundle_round_trips_the_root() {
    let c = build_chain().await;
    let root_pem = s(&c.root, "cert_pem");
    let bundle = call(
        "spiffe_bundle",
        &[
            Value::from("foo.com"),
            Value::List(vec![Value::from(root_pem.clone())]),
            Value::Null,
            Value::from(7i64),
            Value::from(300i64),
        ],
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(bundle.as_str().unwrap()).unwrap();
    assert_eq!(json["spiffe_sequence"], 7);
    assert_eq!(json["spiffe_refresh_hint"], 300);
    assert_eq!(json["keys"][0]["use"], "x509-svid");
    assert_eq!(json["keys"][0]["kty"], "EC");
    assert_eq!(json["keys"][0]["crv"], "P-256");

    let back = call("spiffe_bundle_x509", std::slice::from_ref(&bundle)).unwrap();
    assert_eq!(back, Value::List(vec![Value::from(root_pem.clone())]));

    // The round-tripped root still anchors the chain.
    let dir = Workdir::new();
    dir.write("root.pem", back.as_list().unwrap()[0].as_str().unwrap());
    dir.write("inter.pem", &s(&c.inter, "cert_pem"));
    dir.write("leaf.pem", &s(&c.leaf, "cert_pem"));
    let verified = openssl(dir.0.path(), &["verify", "-CAfile", "root.pem", "-untrusted", "inter.pem", "leaf.pem"]);
    assert!(verified.contains("OK"), "{verified}");

    // A foo.com intermediate does not belong in bar.com's bundle.
    let err = call("spiffe_bundle", &[Value::from("bar.com"), c.inter.get("cert_pem").clone()]).unwrap_err();
    assert!(err.message.contains("spiffe://foo.com"), "{}", err.message);

    // JWT authorities carry a kid.
    let with_jwt = call(
        "spiffe_bundle",
        &[
            Value::from("spiffe://foo.com"),
            c.inter.get("cert_pem").clone(),
            Value::List(vec![c.inter_key.get("public_key_pem").clone()]),
        ],
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(with_jwt.as_str().unwrap()).unwrap();
    assert_eq!(json["keys"][1]["use"], "jwt-svid");
    assert!(json["keys"][1]["kid"].as_str().is_some_and(|k| !k.is_empty()));
}

#[tokio::test]
async fn pem_tools_split_and_fingerprint() {
    let c = build_chain().await;
    let bundle = format!("{}{}", s(&c.leaf, "cert_pem"), s(&c.inter, "cert_pem"));
    let list = call("pem_certs", &[Value::from(bundle.clone())]).unwrap();
    assert_eq!(list, Value::List(vec![c.leaf.get("cert_pem").clone(), c.inter.get("cert_pem").clone()]));

    let dir = Workdir::new();
    dir.write("inter.pem", &s(&c.inter, "cert_pem"));
    let fp = openssl(dir.0.path(), &["x509", "-noout", "-fingerprint", "-sha1", "-in", "inter.pem"]);
    let expected = fp.trim().split('=').nth(1).unwrap().replace(':', "").to_lowercase();
    assert_eq!(call("cert_fingerprint_sha1", &[c.inter.get("cert_pem").clone()]).unwrap(), Value::from(expected));
    assert!(call("pem_certs", &[Value::from("not pem")]).is_err());
}
