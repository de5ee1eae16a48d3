//! `tls_cert_request`: a PKCS#10 certificate signing request.

use super::self_signed_cert::key_error;
use crate::certs;
use crate::config::required_str;
use crate::keys::PrivateKey;
use meshplan_provider::{async_trait, Attribute, Ctx, ProviderError, ResourceType, Schema, Type, Value};
use rcgen::CertificateParams;

pub struct CertRequest;

#[async_trait]
impl ResourceType for CertRequest {
    fn has_remote_object(&self) -> bool {
        false
    }

    fn type_name(&self) -> &'static str {
        "tls_cert_request"
    }

    fn schema(&self) -> Schema {
        let schema = Schema::new()
            .attr("private_key_pem", Attribute::required(Type::String).sensitive().force_new())
            .attr("cert_request_pem", Attribute::computed(Type::String))
            .attr("key_algorithm", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .block("subject", certs::subject_block());
        certs::san_attributes(schema)
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
        let signing_key = key.signing_key().map_err(key_error("private_key_pem"))?;
        let pem = params
            .serialize_request(&signing_key)
            .and_then(|csr| csr.pem())
            .map_err(|e| ProviderError::new(format!("creating the certificate request failed: {e}")))?;
        let mut state = planned.clone();
        let id = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, pem.as_bytes());
        state.set("id", Value::from(super::private_key::hex(id.as_ref())));
        state.set("cert_request_pem", Value::from(pem));
        state.set("key_algorithm", Value::from(key.algorithm().terraform_name()));
        Ok(state)
    }

    async fn delete(&self, _ctx: &Ctx, _state: &Value) -> Result<(), ProviderError> {
        Ok(())
    }
}
