//! `aws_acmpca_certificate_authority_certificate`: installs a certificate (and chain) into a
//! CA, which makes a PENDING_CERTIFICATE CA ACTIVE. ID and import ID: the CA's ARN. Every
//! argument forces a new resource; destroy leaves the certificate installed (AWS cannot
//! remove it), as in Terraform. The install can be repeated, so after a crash `find`
//! reports it done when the CA holds the planned certificate.

use super::authority::describe;
use super::NOT_FOUND;
use crate::api::{Api, NotFound};
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use crate::values::opt_str;
use aws_sdk_acmpca::types::CertificateAuthorityStatus as Status;
use aws_smithy_types::Blob;
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct AuthorityCertificate;

/// The installed certificate and chain; `None` when the CA is gone or has none yet.
async fn installed(api: &Api<'_>, arn: &str) -> Result<Option<(String, Option<String>)>, AwsError> {
    let ca = describe(api, arn).await?;
    if !matches!(ca.status(), Some(Status::Active | Status::Disabled | Status::Expired)) {
        return Ok(None);
    }
    let req = api.acmpca.get_certificate_authority_certificate().certificate_authority_arn(arn);
    match api.call("GetCertificateAuthorityCertificate", || req.clone().send()).await {
        Ok(out) => Ok(out
            .certificate()
            .map(|c| (c.to_string(), out.certificate_chain().filter(|c| !c.is_empty()).map(str::to_string)))),
        Err(e) if e.code() == Some("InvalidStateException") => Ok(None),
        Err(e) => Err(e),
    }
}

#[async_trait]
impl AwsResource for AuthorityCertificate {
    fn type_name(&self) -> &'static str {
        "aws_acmpca_certificate_authority_certificate"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("certificate", Attribute::required(Type::String).force_new())
            .attr("certificate_authority_arn", Attribute::required(Type::String).force_new())
            .attr("certificate_chain", Attribute::optional(Type::String).force_new())
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let arn = p.get_str("certificate_authority_arn").unwrap_or_default();
        let call = api
            .acmpca
            .import_certificate_authority_certificate()
            .certificate_authority_arn(arn)
            .certificate(Blob::new(p.get_str("certificate").unwrap_or_default()))
            .set_certificate_chain(p.get_str("certificate_chain").map(Blob::new));
        // Installing the same certificate again is harmless: a plain retried call.
        api.call("ImportCertificateAuthorityCertificate", || call.clone().send()).await?;
        Ok(arn.to_string())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some((cert, chain)) = installed(api, id).await? else { return Ok(None) };
        s.set("certificate_authority_arn", Value::from(id));
        s.set("certificate", Value::from(cert));
        s.set("certificate_chain", opt_str(chain.as_deref()));
        Ok(Some(BTreeMap::new()))
    }

    async fn delete(&self, _api: &Api<'_>, _id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some(arn) = planned.get_str("certificate_authority_arn") else { return Ok(None) };
        let Some((cert, _)) = installed(api, arn).await.or_not_found(NOT_FOUND)?.flatten() else { return Ok(None) };
        Ok((Some(cert.as_str()) == planned.get_str("certificate")).then(|| arn.to_string()))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        Ok(vec![("id", Value::from(id)), ("certificate_authority_arn", Value::from(id))])
    }
}
