//! `tls_self_signed_cert`: a root CA (or a standalone certificate) signed by its own key.

use crate::certs;
use crate::config::{bool_or, required_str, string_list};
use crate::keys::PrivateKey;
use meshplan_provider::{
    async_trait, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyIdMethod};
use time::OffsetDateTime;

pub struct SelfSignedCert;

pub fn key_error(attribute: &str) -> impl Fn(crate::keys::KeyError) -> ProviderError + '_ {
    move |e| ProviderError::new(format!("{attribute}: {e}")).at_attribute(attribute)
}

#[async_trait]
impl ResourceType for SelfSignedCert {
    fn has_remote_object(&self) -> bool {
        false
    }

    fn type_name(&self) -> &'static str {
        "tls_self_signed_cert"
    }

    fn schema(&self) -> Schema {
        let schema = Schema::new()
            .attr("private_key_pem", Attribute::required(Type::String).sensitive().force_new())
            .attr("set_authority_key_id", Attribute::optional(Type::Bool).default(false).force_new())
            .attr("key_algorithm", Attribute::computed(Type::String))
            .block("subject", certs::subject_block());
        certs::issued_cert_attributes(certs::san_attributes(schema))
    }

    async fn plan(&self, _ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        Ok(certs::plan_with_renewal(&self.schema(), req, OffsetDateTime::now_utc()))
    }

    async fn read(&self, _ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(Some(state.clone()))
    }

    async fn create(&self, _ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let key =
            PrivateKey::from_pem(required_str(planned, "private_key_pem")?).map_err(key_error("private_key_pem"))?;
        let mut params = CertificateParams::default();
        params.distinguished_name = certs::subject_from_config(planned)?;
        params.subject_alt_names = certs::sans_from_config(planned)?;
        certs::apply_allowed_uses(&mut params, &string_list(planned, "allowed_uses")?)?;
        certs::apply_validity(&mut params, planned, OffsetDateTime::now_utc())?;
        params.serial_number = Some(certs::random_serial()?);
        params.is_ca = if bool_or(planned, "is_ca_certificate", false) {
            IsCa::Ca(BasicConstraints::Unconstrained)
        } else {
            IsCa::ExplicitNoCa
        };
        params.key_identifier_method = KeyIdMethod::PreSpecified(certs::key_identifier(key.public_key()));
        params.use_authority_key_identifier_extension = bool_or(planned, "set_authority_key_id", false);
        let signing_key = key.signing_key().map_err(key_error("private_key_pem"))?;
        let cert = params
            .self_signed(&signing_key)
            .map_err(|e| ProviderError::new(format!("signing the certificate failed: {e}")))?;
        let mut state = certs::issued_state(planned.clone(), &params, cert.pem());
        state.set("key_algorithm", Value::from(key.algorithm().terraform_name()));
        Ok(state)
    }

    /// Only `early_renewal_hours` changes in place; the certificate stays as it is.
    async fn update(&self, _ctx: &Ctx, _prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        Ok(planned.clone())
    }

    async fn delete(&self, _ctx: &Ctx, _state: &Value) -> Result<(), ProviderError> {
        Ok(())
    }
}
