//! `tls_private_key` and `tls_public_key`, checked with openssl and ssh-keygen.

mod common;

use common::*;
use meshplan_provider::{ResourceType, Value};
use meshplan_provider_tls::data::public_key::PublicKeyData;
use meshplan_provider_tls::resources::private_key::PrivateKeyResource;
use meshplan_provider_tls::resources::self_signed_cert::SelfSignedCert;

async fn check_key(algorithm: &str, extra: &[(&str, Value)], expect: &str) {
    let key = private_key(algorithm, extra).await;
    let dir = Workdir::new();
    let p = dir.0.path();
    dir.write("key.pem", &s(&key, "private_key_pem"));
    dir.write("key8.pem", &s(&key, "private_key_pem_pkcs8"));
    dir.write("pub.pem", &s(&key, "public_key_pem"));

    // Every encoding openssl reads is a valid key of the expected kind.
    for file in ["key.pem", "key8.pem"] {
        let text = openssl(p, &["pkey", "-check", "-noout", "-in", file]);
        assert!(text.contains("valid"), "{algorithm} {file}: {text}");
        let info = openssl(p, &["pkey", "-in", file, "-noout", "-text"]);
        assert!(info.contains(expect), "{algorithm} {file}: expected {expect:?} in\n{info}");
    }
    assert!(s(&key, "private_key_pem_pkcs8").starts_with("-----BEGIN PRIVATE KEY-----"));
    let derived = openssl(p, &["pkey", "-in", "key.pem", "-pubout"]);
    assert_eq!(derived.trim(), s(&key, "public_key_pem").trim(), "{algorithm}: public_key_pem");

    // ssh-keygen reads the OpenSSH private key and derives the same public key and fingerprint.
    let ssh = dir.write("id", &s(&key, "private_key_openssh"));
    std::fs::set_permissions(&ssh, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let (ok, public) = run("ssh-keygen", &["-y", "-f", "id"], p);
    assert!(ok, "{algorithm}: ssh-keygen -y: {public}");
    assert_eq!(public.trim(), s(&key, "public_key_openssh").trim(), "{algorithm}: public_key_openssh");
    dir.write("id.pub", &s(&key, "public_key_openssh"));
    let (ok, fp) = run("ssh-keygen", &["-l", "-E", "sha256", "-f", "id.pub"], p);
    assert!(ok, "{fp}");
    assert!(fp.contains(&s(&key, "public_key_fingerprint_sha256")), "{algorithm}: {fp}");

    // tls_public_key gives the same public key from either private encoding.
    for attr in ["private_key_pem", "private_key_openssh"] {
        let data = read_data(&PublicKeyData, Value::object([(attr, key.get(attr).clone())])).await.unwrap();
        assert_eq!(s(&data, "public_key_pem"), s(&key, "public_key_pem"), "{algorithm} via {attr}");
        assert_eq!(s(&data, "algorithm"), algorithm);
    }
}

#[tokio::test]
async fn rsa_keys_are_valid() {
    check_key("RSA", &[("rsa_bits", Value::from(2048i64))], "Private-Key: (2048 bit").await;
}

#[tokio::test]
async fn ecdsa_keys_are_valid() {
    check_key("ECDSA", &[("ecdsa_curve", Value::from("P256"))], "prime256v1").await;
    check_key("ECDSA", &[("ecdsa_curve", Value::from("P384"))], "secp384r1").await;
}

#[tokio::test]
async fn ed25519_keys_are_valid() {
    check_key("ED25519", &[], "ED25519").await;
}

#[tokio::test]
async fn keys_made_by_openssl_are_accepted() {
    let dir = Workdir::new();
    let p = dir.0.path();
    openssl(p, &["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec8.pem"]);
    openssl(p, &["ec", "-in", "ec8.pem", "-out", "sec1.pem"]);
    openssl(p, &["genpkey", "-algorithm", "ED25519", "-out", "ed.pem"]);
    for file in ["ec8.pem", "sec1.pem", "ed.pem"] {
        let pem = std::fs::read_to_string(dir.path(file)).unwrap();
        let data = read_data(&PublicKeyData, Value::object([("private_key_pem", Value::from(pem))])).await.unwrap();
        let expected = openssl(p, &["pkey", "-in", file, "-pubout"]);
        assert_eq!(s(&data, "public_key_pem").trim(), expected.trim(), "{file}");
    }
}

#[test]
fn private_keys_are_sensitive_in_the_schema() {
    let schema = PrivateKeyResource.schema();
    for name in ["private_key_pem", "private_key_pem_pkcs8", "private_key_openssh"] {
        assert!(schema.attributes[name].sensitive, "{name}");
    }
    assert!(!schema.attributes["public_key_pem"].sensitive);
    assert!(SelfSignedCert.schema().attributes["private_key_pem"].sensitive);
}

#[tokio::test]
async fn bad_key_errors_do_not_echo_the_key() {
    let key = private_key("ECDSA", &[("ecdsa_curve", Value::from("P256"))]).await;
    let pem = s(&key, "private_key_pem");
    let lines: Vec<&str> = pem.lines().collect();
    // Corrupt the DER inside valid base64, and separately break the base64 itself.
    let mut broken_der = lines.clone();
    broken_der[1] = "MHcCAQEEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAoAoGCCqGSM49";
    let mut broken_b64 = lines.clone();
    broken_b64[2] = "!!!!";
    for bad in [broken_der.join("\n"), broken_b64.join("\n"), pem.replace("EC PRIVATE KEY", "PRIVATE KEY")] {
        let cfg = Value::object([
            ("private_key_pem", Value::from(bad.clone())),
            ("validity_period_hours", Value::from(1i64)),
            ("allowed_uses", strings(&["digital_signature"])),
        ]);
        let err = try_create(&SelfSignedCert, cfg).await.expect_err("a broken key must fail");
        let shown = format!("{} {:?}", err.message, err.hint);
        for line in bad.lines().filter(|l| !l.starts_with("-----") && l.len() > 8) {
            assert!(!shown.contains(line), "error echoes key material: {shown}");
            assert!(!shown.contains(&line[..8]), "error echoes key material: {shown}");
        }
        assert!(shown.contains("private_key_pem"), "{shown}");
    }
}
