//! `tls_locally_signed_cert`: a certificate for a CSR, signed by a CA key and certificate
//! held in the configuration (intermediate CAs and leaves).

use super::self_signed_cert::key_error;
use crate::certs;
use crate::config::{bool_or, required_str, string_list};
use crate::keys::{PrivateKey, PublicKey};
use meshplan_provider::{
    async_trait, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};
use rcgen::{BasicConstraints, CertificateSigningRequestParams, IsCa, Issuer, KeyIdMethod};
use time::OffsetDateTime;

pub struct LocallySignedCert;

#[async_trait]
impl ResourceType for LocallySignedCert {
    fn has_remote_object(&self) -> bool {
        false
    }

    fn type_name(&self) -> &'static str {
        "tls_locally_signed_cert"
    }

    fn schema(&self) -> Schema {
        let schema = Schema::new()
            .attr("cert_request_pem", Attribute::required(Type::String).force_new())
            .attr("ca_private_key_pem", Attribute::required(Type::String).sensitive().force_new())
            .attr("ca_cert_pem", Attribute::required(Type::String).force_new())
            .attr("ca_key_algorithm", Attribute::computed(Type::String));
        certs::issued_cert_attributes(schema)
    }

    async fn plan(&self, _ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        Ok(certs::plan_with_renewal(&self.schema(), req, OffsetDateTime::now_utc()))
    }

    async fn read(&self, _ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(Some(state.clone()))
    }

    async fn create(&self, _ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let ca_key = PrivateKey::from_pem(required_str(planned, "ca_private_key_pem")?)
            .map_err(key_error("ca_private_key_pem"))?;
        let ca_cert_pem = required_str(planned, "ca_cert_pem")?;
        let ca_public = PublicKey::from_pem(ca_cert_pem).map_err(key_error("ca_cert_pem"))?;
        if &ca_public != ca_key.public_key() {
            return Err(ProviderError::new("ca_private_key_pem is not the key of ca_cert_pem")
                .at_attribute("ca_private_key_pem"));
        }
        let ca_has_key_id = ca_has_subject_key_id(ca_cert_pem);
        let signing_key = ca_key.signing_key().map_err(key_error("ca_private_key_pem"))?;
        let issuer = Issuer::from_ca_cert_pem(ca_cert_pem, signing_key)
            .map_err(|e| ProviderError::new(format!("ca_cert_pem: {e}")).at_attribute("ca_cert_pem"))?;

        let mut csr = CertificateSigningRequestParams::from_pem(required_str(planned, "cert_request_pem")?)
            .map_err(|e| ProviderError::new(format!("cert_request_pem: {e}")).at_attribute("cert_request_pem"))?;
        let subject_key = PublicKey::from_spki_der(&rcgen::PublicKeyData::subject_public_key_info(&csr.public_key))
            .map_err(key_error("cert_request_pem"))?;
        // As in Terraform, only the subject, SANs and key come from the request; the uses,
        // validity and CA flag come from this resource.
        let params = &mut csr.params;
        certs::apply_allowed_uses(params, &string_list(planned, "allowed_uses")?)?;
        certs::apply_validity(params, planned, OffsetDateTime::now_utc())?;
        params.serial_number = Some(certs::random_serial()?);
        params.is_ca = if bool_or(planned, "is_ca_certificate", false) {
            IsCa::Ca(BasicConstraints::Unconstrained)
        } else {
            IsCa::ExplicitNoCa
        };
        params.key_identifier_method = KeyIdMethod::PreSpecified(certs::key_identifier(&subject_key));
        // Go links a child to its issuer's subject key id whenever the issuer has one.
        params.use_authority_key_identifier_extension = ca_has_key_id;
        let cert =
            csr.signed_by(&issuer).map_err(|e| ProviderError::new(format!("signing the certificate failed: {e}")))?;
        let mut state = certs::issued_state(planned.clone(), &csr.params, cert.pem());
        state.set("ca_key_algorithm", Value::from(ca_key.algorithm().terraform_name()));
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

fn ca_has_subject_key_id(ca_cert_pem: &str) -> bool {
    let Ok(block) = pem::parse(ca_cert_pem.trim()) else { return false };
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(block.contents()) else { return false };
    let has_key_id = cert
        .iter_extensions()
        .any(|ext| matches!(ext.parsed_extension(), x509_parser::extensions::ParsedExtension::SubjectKeyIdentifier(_)));
    has_key_id
}
