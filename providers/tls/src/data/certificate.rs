//! Data source `tls_certificate`: the certificates of a PEM text or of a TLS server.
//! `certificates` lists the chain root-most first, as Terraform does, so
//! `certificates[0].sha1_fingerprint` is the IAM OIDC provider thumbprint.

use super::fetch;
use crate::config::{bool_or, optional_str};
use crate::inspect;
use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};
use std::collections::BTreeMap;

pub struct CertificateData;

fn certificate_type() -> Type {
    let fields = [
        ("cert_pem", Type::String),
        ("is_ca", Type::Bool),
        ("issuer", Type::String),
        ("subject", Type::String),
        ("not_before", Type::String),
        ("not_after", Type::String),
        ("serial_number", Type::String),
        ("sha1_fingerprint", Type::String),
        ("public_key_algorithm", Type::String),
        ("signature_algorithm", Type::String),
        ("version", Type::Number),
    ];
    Type::Object(fields.into_iter().map(|(k, t)| (k.to_string(), t)).collect::<BTreeMap<_, _>>())
}

#[async_trait]
impl DataSource for CertificateData {
    fn type_name(&self) -> &'static str {
        "tls_certificate"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("url", Attribute::optional(Type::String))
            .attr("content", Attribute::optional(Type::String))
            .attr("verify_chain", Attribute::optional(Type::Bool).default(true))
            .attr("ca_cert_pem", Attribute::optional(Type::String))
            .attr("certificates", Attribute::computed(Type::list(certificate_type())))
            .attr("id", Attribute::computed(Type::String))
    }

    async fn read(&self, _ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let ders = match (optional_str(config, "url"), optional_str(config, "content")) {
            (Some(url), None) => {
                let roots = if bool_or(config, "verify_chain", true) {
                    Some(fetch::roots(optional_str(config, "ca_cert_pem")).map_err(ProviderError::new)?)
                } else {
                    None
                };
                fetch::presented_chain(url, roots).await.map_err(|e| ProviderError::new(e).at_attribute("url"))?
            }
            (None, Some(content)) => inspect::certificate_ders(content)
                .map_err(|e| ProviderError::new(format!("content: {e}")).at_attribute("content"))?,
            _ => return Err(ProviderError::new("set exactly one of url and content")),
        };
        let mut certificates = Vec::with_capacity(ders.len());
        for der in ders.iter().rev() {
            certificates.push(inspect::describe(der).map_err(ProviderError::new)?);
        }
        let id = ders.iter().map(|d| inspect::sha1_fingerprint(d)).collect::<Vec<_>>().join(",");
        let mut state = config.clone();
        state.set("certificates", Value::List(certificates));
        state.set("id", Value::from(id));
        Ok(state)
    }
}
