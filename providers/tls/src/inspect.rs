//! Reading certificates: splitting PEM bundles and describing a certificate the way
//! Terraform's `tls_certificate` data source does.

use crate::resources::private_key::hex;
use meshplan_provider::Value;
use x509_parser::certificate::X509Certificate;
use x509_parser::x509::X509Name;

/// The DER of each `CERTIFICATE` block, in order. Other blocks are skipped.
pub fn certificate_ders(text: &str) -> Result<Vec<Vec<u8>>, String> {
    let blocks = pem::parse_many(text).map_err(|_| "the text is not valid PEM".to_string())?;
    let ders: Vec<Vec<u8>> =
        blocks.into_iter().filter(|b| b.tag() == "CERTIFICATE").map(|b| b.into_contents()).collect();
    if ders.is_empty() {
        return Err("no -----BEGIN CERTIFICATE----- block found".into());
    }
    Ok(ders)
}

pub fn certificate_pem(der: &[u8]) -> String {
    crate::pkcs::pem_encode("CERTIFICATE", der.to_vec())
}

/// Lowercase hex SHA-1 of the DER: the IAM OIDC provider thumbprint.
pub fn sha1_fingerprint(der: &[u8]) -> String {
    hex(ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der).as_ref())
}

pub fn parse(der: &[u8]) -> Result<X509Certificate<'_>, String> {
    x509_parser::parse_x509_certificate(der).map(|(_, c)| c).map_err(|_| "the certificate is malformed".to_string())
}

/// One element of `certificates`: the attributes Terraform's data source reports.
pub fn describe(der: &[u8]) -> Result<Value, String> {
    let cert = parse(der)?;
    let is_ca = cert.basic_constraints().ok().flatten().is_some_and(|bc| bc.value.ca);
    let time = |t: x509_parser::time::ASN1Time| {
        t.to_datetime().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
    };
    Ok(Value::object([
        ("cert_pem", Value::from(certificate_pem(der))),
        ("is_ca", Value::from(is_ca)),
        ("issuer", Value::from(name_string(cert.issuer()))),
        ("subject", Value::from(name_string(cert.subject()))),
        ("not_before", Value::from(time(cert.validity().not_before))),
        ("not_after", Value::from(time(cert.validity().not_after))),
        ("serial_number", Value::from(cert.tbs_certificate.serial.to_string())),
        ("sha1_fingerprint", Value::from(sha1_fingerprint(der))),
        ("public_key_algorithm", Value::from(public_key_algorithm(&cert))),
        ("signature_algorithm", Value::from(signature_algorithm(&cert))),
        ("version", Value::from(cert.version().0 as i64 + 1)),
    ]))
}

/// An RFC 2253-style name (most specific first), as Go's `pkix.Name.String()` prints it.
pub fn name_string(name: &X509Name<'_>) -> String {
    let mut parts = Vec::new();
    for rdn in name.iter_rdn() {
        for attr in rdn.iter() {
            let oid = attr.attr_type().to_id_string();
            let label = match oid.as_str() {
                "2.5.4.3" => "CN",
                "2.5.4.6" => "C",
                "2.5.4.7" => "L",
                "2.5.4.8" => "ST",
                "2.5.4.9" => "STREET",
                "2.5.4.10" => "O",
                "2.5.4.11" => "OU",
                "2.5.4.17" => "POSTALCODE",
                "2.5.4.5" => "SERIALNUMBER",
                other => other,
            }
            .to_string();
            let value = attr.as_str().unwrap_or("");
            parts.push(format!("{label}={}", escape_dn_value(value)));
        }
    }
    parts.reverse();
    parts.join(",")
}

fn escape_dn_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (i, c) in value.chars().enumerate() {
        let edge = (i == 0 && (c == ' ' || c == '#')) || (i + 1 == value.chars().count() && c == ' ');
        if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';') || edge {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn public_key_algorithm(cert: &X509Certificate<'_>) -> &'static str {
    match cert.public_key().algorithm.algorithm.to_id_string().as_str() {
        "1.2.840.113549.1.1.1" => "RSA",
        "1.2.840.10045.2.1" => "ECDSA",
        "1.3.101.112" => "Ed25519",
        _ => "UNKNOWN",
    }
}

/// Go's `x509.SignatureAlgorithm` names.
fn signature_algorithm(cert: &X509Certificate<'_>) -> &'static str {
    match cert.signature_algorithm.algorithm.to_id_string().as_str() {
        "1.2.840.113549.1.1.5" => "SHA1-RSA",
        "1.2.840.113549.1.1.11" => "SHA256-RSA",
        "1.2.840.113549.1.1.12" => "SHA384-RSA",
        "1.2.840.113549.1.1.13" => "SHA512-RSA",
        "1.2.840.10045.4.3.2" => "ECDSA-SHA256",
        "1.2.840.10045.4.3.3" => "ECDSA-SHA384",
        "1.2.840.10045.4.3.4" => "ECDSA-SHA512",
        "1.3.101.112" => "Ed25519",
        _ => "UNKNOWN",
    }
}
