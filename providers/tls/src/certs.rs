//! What the certificate resources share: the `subject` block, SANs, `allowed_uses`,
//! validity, key identifiers, serial numbers and the early-renewal rule.

use crate::config::{int_or, optional_str, single_block, string_list};
use crate::keys::PublicKey;
use meshplan_provider::{plan_with_schema, Attribute, Block, PlanRequest, Planned, ProviderError, Schema, Type, Value};
use rcgen::string::{Ia5String, PrintableString};
use rcgen::{CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, KeyUsagePurpose, SanType};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// Subject attributes in Terraform's order, each with its DN attribute type.
const SUBJECT_FIELDS: &[(&str, &[u64])] = &[
    ("country", &[2, 5, 4, 6]),
    ("province", &[2, 5, 4, 8]),
    ("locality", &[2, 5, 4, 7]),
    ("street_address", &[2, 5, 4, 9]),
    ("postal_code", &[2, 5, 4, 17]),
    ("organization", &[2, 5, 4, 10]),
    ("organizational_unit", &[2, 5, 4, 11]),
    ("common_name", &[2, 5, 4, 3]),
    ("serial_number", &[2, 5, 4, 5]),
];

/// The `subject { ... }` block (at most one), replacing the object when changed.
pub fn subject_block() -> Block {
    let mut schema = Schema::new();
    for (name, _) in SUBJECT_FIELDS {
        let ty = if *name == "street_address" { Type::list(Type::String) } else { Type::String };
        schema = schema.attr(name, Attribute::optional(ty));
    }
    Block::list(schema).max_items(1).force_new()
}

/// `dns_names`, `ip_addresses` and `uris` (SPIFFE IDs go in `uris`).
pub fn san_attributes(schema: Schema) -> Schema {
    schema
        .attr("dns_names", Attribute::optional(Type::list(Type::String)).force_new())
        .attr("ip_addresses", Attribute::optional(Type::list(Type::String)).force_new())
        .attr("uris", Attribute::optional(Type::list(Type::String)).force_new())
}

/// The attributes of an issued certificate (self-signed or locally signed).
pub fn issued_cert_attributes(schema: Schema) -> Schema {
    schema
        .attr("validity_period_hours", Attribute::required(Type::Number).force_new())
        // Changing only the renewal window is an in-place update, as in Terraform.
        .attr("early_renewal_hours", Attribute::optional(Type::Number).default(0i64))
        .attr("is_ca_certificate", Attribute::optional(Type::Bool).default(false).force_new())
        .attr("allowed_uses", Attribute::required(Type::list(Type::String)).force_new())
        .attr("set_subject_key_id", Attribute::optional(Type::Bool).default(false).force_new())
        .attr("cert_pem", Attribute::computed(Type::String))
        .attr("validity_start_time", Attribute::computed(Type::String))
        .attr("validity_end_time", Attribute::computed(Type::String))
        .attr("ready_for_renewal", Attribute::computed(Type::Bool))
        .attr("id", Attribute::computed(Type::String))
}

pub fn subject_from_config(config: &Value) -> Result<DistinguishedName, ProviderError> {
    let mut dn = DistinguishedName::new();
    let Some(subject) = single_block(config, "subject") else {
        return Ok(dn);
    };
    for (name, oid) in SUBJECT_FIELDS {
        let values = if *name == "street_address" {
            string_list(subject, name)?
        } else {
            optional_str(subject, name).map(|s| vec![s.to_string()]).unwrap_or_default()
        };
        for value in values {
            // X.520 requires PrintableString for country and serial number.
            let dn_value = if matches!(*name, "country" | "serial_number") {
                let printable = PrintableString::try_from(value.as_str()).map_err(|_| {
                    ProviderError::new(format!(
                        "subject.{name} may contain only letters, digits, spaces and '()+,-./:=?"
                    ))
                    .at_attribute("subject")
                })?;
                rcgen::DnValue::PrintableString(printable)
            } else {
                rcgen::DnValue::Utf8String(value)
            };
            dn.push(DnType::from_oid(oid), dn_value);
        }
    }
    Ok(dn)
}

pub fn sans_from_config(config: &Value) -> Result<Vec<SanType>, ProviderError> {
    let mut sans = Vec::new();
    let ia5 = |attr: &str, s: String| {
        Ia5String::try_from(s)
            .map_err(|_| ProviderError::new(format!("{attr} entries must be ASCII")).at_attribute(attr))
    };
    for name in string_list(config, "dns_names")? {
        sans.push(SanType::DnsName(ia5("dns_names", name)?));
    }
    for ip in string_list(config, "ip_addresses")? {
        let addr = ip.parse().map_err(|_| {
            ProviderError::new(format!("ip_addresses: {ip:?} is not an IP address")).at_attribute("ip_addresses")
        })?;
        sans.push(SanType::IpAddress(addr));
    }
    for uri in string_list(config, "uris")? {
        if !uri.contains(':') {
            return Err(ProviderError::new(format!("uris: {uri:?} is not a URI (e.g. spiffe://foo.com/ns/x/sa/y)"))
                .at_attribute("uris"));
        }
        sans.push(SanType::URI(ia5("uris", uri)?));
    }
    Ok(sans)
}

/// Sets key usages and extended key usages from Terraform's `allowed_uses` names.
pub fn apply_allowed_uses(params: &mut CertificateParams, uses: &[String]) -> Result<(), ProviderError> {
    let mut key_usages = Vec::new();
    let mut extended = Vec::new();
    for name in uses {
        let ku = match name.as_str() {
            "digital_signature" => Some(KeyUsagePurpose::DigitalSignature),
            "content_commitment" => Some(KeyUsagePurpose::ContentCommitment),
            "key_encipherment" => Some(KeyUsagePurpose::KeyEncipherment),
            "data_encipherment" => Some(KeyUsagePurpose::DataEncipherment),
            "key_agreement" => Some(KeyUsagePurpose::KeyAgreement),
            "cert_signing" => Some(KeyUsagePurpose::KeyCertSign),
            "crl_signing" => Some(KeyUsagePurpose::CrlSign),
            "encipher_only" => Some(KeyUsagePurpose::EncipherOnly),
            "decipher_only" => Some(KeyUsagePurpose::DecipherOnly),
            _ => None,
        };
        let eku = match name.as_str() {
            "any_extended" => Some(ExtendedKeyUsagePurpose::Any),
            "server_auth" => Some(ExtendedKeyUsagePurpose::ServerAuth),
            "client_auth" => Some(ExtendedKeyUsagePurpose::ClientAuth),
            "code_signing" => Some(ExtendedKeyUsagePurpose::CodeSigning),
            "email_protection" => Some(ExtendedKeyUsagePurpose::EmailProtection),
            "timestamping" => Some(ExtendedKeyUsagePurpose::TimeStamping),
            "ocsp_signing" => Some(ExtendedKeyUsagePurpose::OcspSigning),
            "ipsec_end_system" => Some(ExtendedKeyUsagePurpose::Other(vec![1, 3, 6, 1, 5, 5, 7, 3, 5])),
            "ipsec_tunnel" => Some(ExtendedKeyUsagePurpose::Other(vec![1, 3, 6, 1, 5, 5, 7, 3, 6])),
            "ipsec_user" => Some(ExtendedKeyUsagePurpose::Other(vec![1, 3, 6, 1, 5, 5, 7, 3, 7])),
            "microsoft_server_gated_crypto" => {
                Some(ExtendedKeyUsagePurpose::Other(vec![1, 3, 6, 1, 4, 1, 311, 10, 3, 3]))
            }
            "netscape_server_gated_crypto" => Some(ExtendedKeyUsagePurpose::Other(vec![2, 16, 840, 1, 113730, 4, 1])),
            _ => None,
        };
        match (ku, eku) {
            (Some(ku), _) if !key_usages.contains(&ku) => key_usages.push(ku),
            (_, Some(eku)) if !extended.contains(&eku) => extended.push(eku),
            (None, None) => {
                return Err(ProviderError::new(format!(
                    "allowed_uses: unknown use {name:?} (e.g. digital_signature, key_encipherment, cert_signing, \
                     crl_signing, server_auth, client_auth)"
                ))
                .at_attribute("allowed_uses"))
            }
            _ => {}
        }
    }
    params.key_usages = key_usages;
    params.extended_key_usages = extended;
    Ok(())
}

/// The RFC 5280 method-1 key identifier (SHA-1 of the public key bits), as Go and OpenSSL compute it.
pub fn key_identifier(key: &PublicKey) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &key.key_bits()).as_ref().to_vec()
}

/// A random positive 128-bit serial number, as Terraform generates.
pub fn random_serial() -> Result<rcgen::SerialNumber, ProviderError> {
    let mut bytes = [0u8; 16];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
        .map_err(|_| ProviderError::new("the system random number generator failed"))?;
    bytes[0] &= 0x7f;
    Ok(rcgen::SerialNumber::from_slice(&bytes))
}

/// Sets the validity from now for `validity_period_hours`.
pub fn apply_validity(
    params: &mut CertificateParams,
    config: &Value,
    now: OffsetDateTime,
) -> Result<(), ProviderError> {
    let hours = int_or(config, "validity_period_hours", 0)?;
    if hours <= 0 {
        return Err(ProviderError::new("validity_period_hours must be positive").at_attribute("validity_period_hours"));
    }
    let start = now.replace_nanosecond(0).unwrap_or(now);
    params.not_before = start;
    params.not_after = start + Duration::hours(hours);
    Ok(())
}

pub fn format_time(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// The computed attributes every issued certificate shares.
pub fn issued_state(mut state: Value, params: &CertificateParams, cert_pem: String) -> Value {
    let serial = params.serial_number.as_ref().map(|s| decimal(&s.to_bytes())).unwrap_or_default();
    state.set("cert_pem", Value::from(cert_pem));
    state.set("validity_start_time", Value::from(format_time(params.not_before)));
    state.set("validity_end_time", Value::from(format_time(params.not_after)));
    state.set("ready_for_renewal", Value::from(false));
    state.set("id", Value::from(serial));
    state
}

/// A big-endian unsigned integer in decimal (Terraform's certificate `id` is the serial).
fn decimal(bytes: &[u8]) -> String {
    let mut digits = vec![0u8]; // little-endian base-10 digits
    for byte in bytes {
        let mut carry = *byte as u32;
        for d in digits.iter_mut() {
            let v = *d as u32 * 256 + carry;
            *d = (v % 10) as u8;
            carry = v / 10;
        }
        while carry > 0 {
            digits.push((carry % 10) as u8);
            carry /= 10;
        }
    }
    while digits.len() > 1 && digits.last() == Some(&0) {
        digits.pop();
    }
    digits.iter().rev().map(|d| char::from(b'0' + d)).collect()
}

/// Plans by schema, then replaces a certificate whose early-renewal window has begun.
pub fn plan_with_renewal(schema: &Schema, req: PlanRequest<'_>, now: OffsetDateTime) -> Planned {
    let mut planned = plan_with_schema(schema, req);
    let Some(prior) = req.prior else { return planned };
    if planned.replaces() {
        return planned;
    }
    let Some(early_hours) = planned.state.get("early_renewal_hours").as_i64() else { return planned };
    let Some(end) = prior.get_str("validity_end_time").and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok()) else {
        return planned;
    };
    if now >= end - Duration::hours(early_hours) {
        planned.replace_reasons.push(format!("certificate is ready for renewal (expires {})", format_time(end)));
        planned.state = plan_with_schema(schema, PlanRequest { prior: None, config: req.config }).state;
    }
    planned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_numbers_print_in_decimal() {
        assert_eq!(decimal(&[0x01, 0x00]), "256");
        assert_eq!(decimal(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), u64::MAX.to_string());
        assert_eq!(decimal(&[]), "0");
    }

    #[test]
    fn unknown_allowed_use_is_an_error() {
        let mut params = CertificateParams::default();
        assert!(apply_allowed_uses(&mut params, &["server_auth".into(), "bogus".into()]).is_err());
        apply_allowed_uses(&mut params, &["cert_signing".into(), "client_auth".into()]).unwrap();
        assert_eq!(params.key_usages, vec![KeyUsagePurpose::KeyCertSign]);
        assert_eq!(params.extended_key_usages, vec![ExtendedKeyUsagePurpose::ClientAuth]);
    }
}
