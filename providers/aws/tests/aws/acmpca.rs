//! ACM Private CA against moto: a ROOT CA, its self-signed certificate (RootCACertificate/V1
//! template) installed to make it ACTIVE, and a leaf certificate issued for a CSR made by
//! our tls provider, checked with `openssl verify` against the root.

use crate::support::{complete, obj, s, tags, Harness};
use meshplan_provider::{plan_with_schema, Ctx, PlanRequest, Provider, Value};
use meshplan_provider_tls::TlsProvider;
use std::path::PathBuf;
use std::process::Command;

const TOKEN: &str = "mp-0000000000000000000000ac";
const CA: &str = "aws_acmpca_certificate_authority";
const CERT: &str = "aws_acmpca_certificate";
const INSTALL: &str = "aws_acmpca_certificate_authority_certificate";

fn list(v: Value) -> Value {
    Value::List(vec![v])
}

fn ca_config(kind: &str, team: &str, revocation: Option<Value>) -> Value {
    let subject = obj([("common_name", Value::from("mesh root")), ("organization", Value::from("meshplan"))]);
    let config = obj([
        ("key_algorithm", Value::from("RSA_2048")),
        ("signing_algorithm", Value::from("SHA512WITHRSA")),
        ("subject", list(subject)),
    ]);
    let mut c = obj([
        ("type", Value::from(kind)),
        ("permanent_deletion_time_in_days", Value::from(7i64)),
        ("certificate_authority_configuration", list(config)),
        ("tags", tags([("team", team)])),
    ]);
    if let Some(r) = revocation {
        c.set("revocation_configuration", list(r));
    }
    c
}

fn cert_config(ca: &Value, csr: &str, template: &str, validity: (&str, &str)) -> Value {
    obj([
        ("certificate_authority_arn", ca.get("arn").clone()),
        ("certificate_signing_request", Value::from(csr)),
        ("signing_algorithm", Value::from("SHA512WITHRSA")),
        ("template_arn", Value::from(template)),
        ("validity", list(obj([("type", Value::from(validity.0)), ("value", Value::from(validity.1))]))),
    ])
}

/// A tls provider resource made as the engine would (no provider configuration needed).
async fn tls(type_name: &str, config: Value) -> Value {
    let rt = TlsProvider.resource_types().into_iter().find(|r| r.type_name() == type_name).expect("tls type");
    let config = complete(&rt.schema(), &config);
    let planned = plan_with_schema(&rt.schema(), PlanRequest { prior: None, config: &config }).state;
    rt.create(&Ctx::unconfigured("tls.test"), &planned).await.expect("tls create").unmarked()
}

fn openssl_verify(root: &str, leaf: &str) -> String {
    let dir = std::env::temp_dir().join(format!("meshplan-acmpca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let write = |name: &str, text: &str| -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).expect("write pem");
        p
    };
    let (root, leaf) = (write("root.pem", root), write("leaf.pem", leaf));
    let out = Command::new("openssl").args(["verify", "-CAfile"]).arg(&root).arg(&leaf).output().expect("run openssl");
    let _ = std::fs::remove_dir_all(&dir);
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[tokio::test]
async fn root_ca_issues_a_leaf_that_chains_to_it() {
    let h = Harness::new().await;

    // The CA: created with the intent tag, waiting for its certificate.
    let (planned, ca) = h.create_with_token(CA, &ca_config("ROOT", "mesh", None), TOKEN).await;
    let arn = s(&ca, "arn");
    assert!(arn.contains(":certificate-authority/"), "{ca}");
    assert_eq!(s(&ca, "id"), arn);
    assert_eq!(ca.get("type"), &Value::from("ROOT"));
    assert_eq!(ca.get("enabled"), &Value::from(true));
    assert_eq!(ca.get("certificate"), &Value::from(""), "no certificate before one is installed");
    assert!(s(&ca, "certificate_signing_request").starts_with("-----BEGIN CERTIFICATE REQUEST-----"), "{ca}");
    assert_eq!(ca.get("revocation_configuration"), &Value::List(vec![]), "AWS's disabled CRL is not a change");
    assert_eq!(ca.get("tags"), &tags([("team", "mesh")]));
    h.assert_no_changes(CA, &ca, &ca_config("ROOT", "mesh", None)).await;
    assert_eq!(h.find(CA, TOKEN, &planned).await.map(|c| s(&c, "arn")), Some(arn.clone()));
    assert_eq!(h.find(CA, "mp-ffffffffffffffffffffffff", &planned).await, None);

    // In place: tags and a CRL; force-new: the CA's type.
    let crl = obj([
        ("enabled", Value::from(true)),
        ("expiration_in_days", Value::from(7i64)),
        ("s3_bucket_name", Value::from("mesh-crl")),
    ]);
    let revocation = obj([("crl_configuration", list(crl))]);
    let ca2 = h.update(CA, &ca, &ca_config("ROOT", "platform", Some(revocation.clone()))).await;
    assert_eq!(ca2.get("tags"), &tags([("team", "platform")]));
    let crl_read = ca2.get("revocation_configuration").as_list().and_then(|r| r.first()).expect("revocation read back");
    let crl_read = crl_read.get("crl_configuration").as_list().and_then(|c| c.first()).expect("crl read back");
    assert_eq!(crl_read.get("s3_bucket_name"), &Value::from("mesh-crl"));
    assert_eq!(crl_read.get("expiration_in_days"), &Value::from(7i64));
    h.assert_no_changes(CA, &ca2, &ca_config("ROOT", "platform", Some(revocation.clone()))).await;
    h.assert_replaces(CA, &ca2, &ca_config("SUBORDINATE", "platform", Some(revocation.clone())), "type").await;
    let imported = h.import(CA, &arn).await;
    assert_eq!(imported.get("type"), &Value::from("ROOT"));
    assert_eq!(imported.get("certificate_authority_configuration"), ca2.get("certificate_authority_configuration"));
    assert_eq!(imported.get("tags"), &tags([("team", "platform")]));

    // The root certificate: the CA's own CSR, signed with the root template.
    let root_cfg = cert_config(
        &ca2,
        &s(&ca2, "certificate_signing_request"),
        "arn:aws:acm-pca:::template/RootCACertificate/V1",
        ("YEARS", "10"),
    );
    let root = h.create(CERT, &root_cfg).await;
    assert!(s(&root, "arn").starts_with(&format!("{arn}/certificate/")), "{root}");
    assert!(s(&root, "certificate").starts_with("-----BEGIN CERTIFICATE-----"), "{root}");
    assert_eq!(root.get("certificate_chain"), &Value::from(""), "a root certificate has no chain");
    h.assert_no_changes(CERT, &root, &root_cfg).await;

    // Installing it makes the CA ACTIVE.
    let install_cfg = obj([
        ("certificate_authority_arn", Value::from(arn.as_str())),
        ("certificate", root.get("certificate").clone()),
    ]);
    let (iplanned, installed) = h.create_with_token(INSTALL, &install_cfg, TOKEN).await;
    assert_eq!(s(&installed, "id"), arn);
    h.assert_no_changes(INSTALL, &installed, &install_cfg).await;
    assert_eq!(
        h.find(INSTALL, TOKEN, &iplanned).await.as_ref(),
        Some(&installed),
        "an install is found by its content"
    );
    assert_eq!(h.import(INSTALL, &arn).await.get("certificate"), root.get("certificate"));
    let active = h.read(CA, &ca2).await.expect("CA");
    assert_eq!(active.get("certificate"), root.get("certificate"));
    assert!(active.get_str("not_after").is_some_and(|t| t.ends_with('Z')), "{active}");

    // A leaf for a CSR of our tls provider, chaining to the root.
    let key =
        tls("tls_private_key", obj([("algorithm", Value::from("RSA")), ("rsa_bits", Value::from(2048i64))])).await;
    let csr = tls(
        "tls_cert_request",
        obj([
            ("private_key_pem", key.get("private_key_pem").clone()),
            ("subject", list(obj([("common_name", Value::from("leaf.mesh.internal"))]))),
            ("dns_names", Value::List(vec![Value::from("leaf.mesh.internal")])),
        ]),
    )
    .await;
    let leaf_cfg = cert_config(
        &ca2,
        &s(&csr, "cert_request_pem"),
        "arn:aws:acm-pca:::template/EndEntityCertificate/V1",
        ("END_DATE", "2030-01-01T00:00:00Z"),
    );
    let (lplanned, leaf) = h.create_with_token(CERT, &leaf_cfg, TOKEN).await;
    assert_eq!(leaf.get("certificate_chain"), root.get("certificate"), "the chain is the CA's certificate");
    let verdict = openssl_verify(&s(&root, "certificate"), &s(&leaf, "certificate"));
    assert!(verdict.contains(": OK"), "openssl verify: {verdict}");
    h.assert_no_changes(CERT, &leaf, &leaf_cfg).await;
    let mut other_alg = leaf_cfg.clone();
    other_alg.set("signing_algorithm", Value::from("SHA256WITHRSA"));
    h.assert_replaces(CERT, &leaf, &other_alg, "signing_algorithm").await;
    assert_eq!(h.find(CERT, TOKEN, &lplanned).await, None, "issued certificates cannot be listed");
    let imported_leaf = h.import(CERT, &s(&leaf, "arn")).await;
    assert_eq!(imported_leaf.get("certificate"), leaf.get("certificate"));
    assert_eq!(imported_leaf.get("certificate_authority_arn"), &Value::from(arn.as_str()));

    // Destroy: the leaf is revoked (twice is harmless), the install is left, the CA is
    // disabled in place, then deleted.
    h.clients().calls.reset();
    h.delete(CERT, &leaf).await;
    h.delete(CERT, &leaf).await;
    let calls = h.clients().calls.snapshot();
    let revokes: u64 = calls.iter().filter(|(k, _)| k.ends_with(".RevokeCertificate")).map(|(_, n)| n).sum();
    assert_eq!(revokes, 2, "{calls:?}");
    h.delete(INSTALL, &installed).await;
    let mut disabled_cfg = ca_config("ROOT", "platform", Some(revocation));
    disabled_cfg.set("enabled", Value::from(false));
    let disabled = h.update(CA, &active, &disabled_cfg).await;
    assert_eq!(disabled.get("enabled"), &Value::from(false));
    h.assert_no_changes(CA, &disabled, &disabled_cfg).await;
    h.delete_and_confirm_gone(CA, &disabled).await;
    h.delete(CA, &disabled).await;
    assert!(h.read(INSTALL, &installed).await.is_none(), "a deleted CA has no installed certificate");
}

#[tokio::test]
async fn bad_arguments_are_errors_not_panics() {
    let h = Harness::new().await;
    let err = h.resource(CERT).import(&h.ctx("aws_acmpca_certificate.x"), "not-an-arn").await.expect_err("import");
    assert!(err.to_string().contains("not an ACM PCA certificate ARN"), "{err}");
    let ca = h.create(CA, &ca_config("ROOT", "mesh", None)).await;
    let mut cfg = cert_config(
        &ca,
        &s(&ca, "certificate_signing_request"),
        "arn:aws:acm-pca:::template/RootCACertificate/V1",
        ("END_DATE", "soon"),
    );
    let planned = h.plan(CERT, None, &cfg).await.state;
    let err = h.resource(CERT).create(&h.ctx("aws_acmpca_certificate.x"), &planned).await.expect_err("bad END_DATE");
    assert!(err.to_string().contains("soon"), "{err}");
    cfg.set("api_passthrough", Value::from("{}"));
    let planned = h.plan(CERT, None, &cfg).await.state;
    let err = h.resource(CERT).create(&h.ctx("aws_acmpca_certificate.x"), &planned).await.expect_err("passthrough");
    assert!(err.to_string().contains("api_passthrough"), "{err}");
    h.delete(CA, &ca).await;
}
