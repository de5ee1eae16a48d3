//! The `certificate_authority_configuration` and `revocation_configuration` blocks of
//! `aws_acmpca_certificate_authority`, to and from the SDK's types.

use crate::api::Api;
use crate::error::AwsError;
use crate::values::{block_list, get_i32, get_string, one_block, opt_str};
use aws_sdk_acmpca::types::{
    Asn1Subject, CertificateAuthorityConfiguration, CrlConfiguration, KeyAlgorithm, OcspConfiguration,
    RevocationConfiguration, S3ObjectAcl, SigningAlgorithm,
};
use meshplan_provider::{Attribute, Block, Schema, Type, Value};

/// Terraform's subject attributes and the SDK's setters, in one table.
type SubjectSetter = fn(
    aws_sdk_acmpca::types::builders::Asn1SubjectBuilder,
    Option<String>,
) -> aws_sdk_acmpca::types::builders::Asn1SubjectBuilder;
type SubjectGetter = fn(&Asn1Subject) -> Option<&str>;

const SUBJECT: &[(&str, SubjectSetter, SubjectGetter)] = &[
    ("common_name", |b, v| b.set_common_name(v), |s| s.common_name()),
    ("country", |b, v| b.set_country(v), |s| s.country()),
    (
        "distinguished_name_qualifier",
        |b, v| b.set_distinguished_name_qualifier(v),
        |s| s.distinguished_name_qualifier(),
    ),
    ("generation_qualifier", |b, v| b.set_generation_qualifier(v), |s| s.generation_qualifier()),
    ("given_name", |b, v| b.set_given_name(v), |s| s.given_name()),
    ("initials", |b, v| b.set_initials(v), |s| s.initials()),
    ("locality", |b, v| b.set_locality(v), |s| s.locality()),
    ("organization", |b, v| b.set_organization(v), |s| s.organization()),
    ("organizational_unit", |b, v| b.set_organizational_unit(v), |s| s.organizational_unit()),
    ("pseudonym", |b, v| b.set_pseudonym(v), |s| s.pseudonym()),
    ("state", |b, v| b.set_state(v), |s| s.state()),
    ("surname", |b, v| b.set_surname(v), |s| s.surname()),
    ("title", |b, v| b.set_title(v), |s| s.title()),
];

pub fn configuration_block() -> Block {
    let subject = SUBJECT.iter().fold(Schema::new(), |s, (name, _, _)| s.attr(name, Attribute::optional(Type::String)));
    let config = Schema::new()
        .attr("key_algorithm", Attribute::required(Type::String))
        .attr("signing_algorithm", Attribute::required(Type::String))
        .block("subject", Block::list(subject).min_items(1).max_items(1));
    Block::list(config).min_items(1).max_items(1).force_new()
}

pub fn revocation_block() -> Block {
    let crl = Schema::new()
        .attr("custom_cname", Attribute::optional(Type::String))
        .attr("enabled", Attribute::optional(Type::Bool))
        .attr("expiration_in_days", Attribute::optional(Type::Number))
        .attr("s3_bucket_name", Attribute::optional(Type::String))
        .attr("s3_object_acl", Attribute::optional_computed(Type::String));
    let ocsp = Schema::new()
        .attr("enabled", Attribute::required(Type::Bool))
        .attr("ocsp_custom_cname", Attribute::optional(Type::String));
    let revocation = Schema::new()
        .block("crl_configuration", Block::list(crl).max_items(1))
        .block("ocsp_configuration", Block::list(ocsp).max_items(1));
    Block::list(revocation).max_items(1)
}

pub fn to_configuration(api: &Api<'_>, planned: &Value) -> Result<CertificateAuthorityConfiguration, AwsError> {
    let c = one_block(planned.get("certificate_authority_configuration"));
    let s = one_block(c.get("subject"));
    let subject = SUBJECT.iter().fold(Asn1Subject::builder(), |b, (name, set, _)| set(b, get_string(s, name)));
    CertificateAuthorityConfiguration::builder()
        .set_key_algorithm(get_string(c, "key_algorithm").map(|k| KeyAlgorithm::from(k.as_str())))
        .set_signing_algorithm(get_string(c, "signing_algorithm").map(|k| SigningAlgorithm::from(k.as_str())))
        .subject(subject.build())
        .build()
        .map_err(|e| api.invalid("certificate_authority_configuration", e.to_string()))
}

pub fn from_configuration(c: Option<&CertificateAuthorityConfiguration>) -> Value {
    let Some(c) = c else { return Value::List(vec![]) };
    let subject = c
        .subject()
        .map(|s| Value::Object(SUBJECT.iter().map(|(name, _, get)| (name.to_string(), opt_str(get(s)))).collect()));
    block_list(Value::object([
        ("key_algorithm", Value::from(c.key_algorithm().as_str())),
        ("signing_algorithm", Value::from(c.signing_algorithm().as_str())),
        ("subject", block_list(subject.unwrap_or(Value::Null))),
    ]))
}

/// The configured revocation settings; `None` when the block is absent. An update that
/// removes the block sends both parts disabled, so the CA stops publishing.
pub fn to_revocation(
    api: &Api<'_>,
    planned: &Value,
    for_update: bool,
) -> Result<Option<RevocationConfiguration>, AwsError> {
    let r = one_block(planned.get("revocation_configuration"));
    if r.is_null() && !for_update {
        return Ok(None);
    }
    let invalid =
        |e: aws_smithy_types::error::operation::BuildError| api.invalid("revocation_configuration", e.to_string());
    let crl = one_block(r.get("crl_configuration"));
    let crl = CrlConfiguration::builder()
        .enabled(crl.get("enabled").as_bool().unwrap_or(false))
        .set_expiration_in_days(get_i32(crl, "expiration_in_days"))
        .set_custom_cname(get_string(crl, "custom_cname"))
        .set_s3_bucket_name(get_string(crl, "s3_bucket_name"))
        .set_s3_object_acl(get_string(crl, "s3_object_acl").map(|a| S3ObjectAcl::from(a.as_str())))
        .build()
        .map_err(invalid)?;
    let ocsp = one_block(r.get("ocsp_configuration"));
    let ocsp = OcspConfiguration::builder()
        .enabled(ocsp.get("enabled").as_bool().unwrap_or(false))
        .set_ocsp_custom_cname(get_string(ocsp, "ocsp_custom_cname"))
        .build()
        .map_err(invalid)?;
    Ok(Some(RevocationConfiguration::builder().crl_configuration(crl).ocsp_configuration(ocsp).build()))
}

/// The revocation block read back. AWS reports disabled CRL/OCSP parts even when none were
/// configured; like Terraform, a disabled part that the prior state (`Some`) does not hold
/// is left out, so an unconfigured block stays unconfigured. `None` keeps every part.
pub fn from_revocation(r: Option<&RevocationConfiguration>, prior: Option<&Value>) -> Value {
    static NONE: Value = Value::Null;
    let all = prior.is_none();
    let prior = prior.map(|p| one_block(p.get("revocation_configuration"))).unwrap_or(&NONE);
    let keep = |part: &str, enabled: bool| all || enabled || !one_block(prior.get(part)).is_null();
    let crl = r.and_then(|r| r.crl_configuration()).filter(|c| keep("crl_configuration", c.enabled())).map(|c| {
        Value::object([
            ("custom_cname", opt_str(c.custom_cname())),
            ("enabled", Value::from(c.enabled())),
            ("expiration_in_days", c.expiration_in_days().map(|d| Value::from(i64::from(d))).unwrap_or(Value::Null)),
            ("s3_bucket_name", opt_str(c.s3_bucket_name())),
            ("s3_object_acl", opt_str(c.s3_object_acl().map(|a| a.as_str()))),
        ])
    });
    let ocsp = r.and_then(|r| r.ocsp_configuration()).filter(|o| keep("ocsp_configuration", o.enabled())).map(|o| {
        Value::object([("enabled", Value::from(o.enabled())), ("ocsp_custom_cname", opt_str(o.ocsp_custom_cname()))])
    });
    if crl.is_none() && ocsp.is_none() && (all || prior.is_null()) {
        return Value::List(vec![]);
    }
    block_list(Value::object([
        ("crl_configuration", block_list(crl.unwrap_or(Value::Null))),
        ("ocsp_configuration", block_list(ocsp.unwrap_or(Value::Null))),
    ]))
}
