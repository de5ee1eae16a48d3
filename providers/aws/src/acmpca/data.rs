//! data `aws_acmpca_certificate_authority`: a CA by ARN, with the attributes the resource
//! reads (certificate, chain, CSR, validity, revocation settings, status) and its tags.

use super::authority::{describe, fill, remote_tags};
use super::authority_config::from_revocation;
use crate::api::Api;
use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};
use std::collections::BTreeMap;

pub struct AuthorityData;

fn object(fields: &[(&str, Type)]) -> Type {
    Type::Object(fields.iter().map(|(k, t)| (k.to_string(), t.clone())).collect::<BTreeMap<_, _>>())
}

fn revocation_type() -> Type {
    let crl = object(&[
        ("custom_cname", Type::String),
        ("enabled", Type::Bool),
        ("expiration_in_days", Type::Number),
        ("s3_bucket_name", Type::String),
        ("s3_object_acl", Type::String),
    ]);
    let ocsp = object(&[("enabled", Type::Bool), ("ocsp_custom_cname", Type::String)]);
    Type::list(object(&[("crl_configuration", Type::list(crl)), ("ocsp_configuration", Type::list(ocsp))]))
}

#[async_trait]
impl DataSource for AuthorityData {
    fn type_name(&self) -> &'static str {
        "aws_acmpca_certificate_authority"
    }

    fn schema(&self) -> Schema {
        let computed = |t: Type| Attribute::computed(t);
        Schema::new()
            .attr("arn", Attribute::required(Type::String))
            .attr("id", computed(Type::String))
            .attr("certificate", computed(Type::String))
            .attr("certificate_chain", computed(Type::String))
            .attr("certificate_signing_request", computed(Type::String))
            .attr("key_storage_security_standard", computed(Type::String))
            .attr("not_after", computed(Type::String))
            .attr("not_before", computed(Type::String))
            .attr("revocation_configuration", computed(revocation_type()))
            .attr("serial", computed(Type::String))
            .attr("status", computed(Type::String))
            .attr("tags", Attribute::optional_computed(Type::map(Type::String)))
            .attr("type", computed(Type::String))
            .attr("usage_mode", computed(Type::String))
    }

    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let arn = config.get_str("arn").unwrap_or_default();
        let ca = describe(&api, arn).await?;
        let mut s = config.clone();
        fill(&api, &ca, &mut s).await?;
        // As Terraform's data source: every revocation part AWS reports, disabled or not.
        s.set("revocation_configuration", from_revocation(ca.revocation_configuration(), None));
        s.set("status", Value::from(ca.status().map(|st| st.as_str()).unwrap_or_default()));
        let tags = remote_tags(&api, arn).await?;
        s.set("tags", Value::Object(tags.into_iter().map(|(k, v)| (k, Value::from(v))).collect()));
        Ok(s)
    }
}
