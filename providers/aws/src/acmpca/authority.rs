//! `aws_acmpca_certificate_authority`. ID and import ID: the CA's ARN. A new CA waits in
//! PENDING_CERTIFICATE until a certificate is installed
//! (`aws_acmpca_certificate_authority_certificate`). Destroy disables an active CA, then
//! deletes it with `permanent_deletion_time_in_days` (restorable until then); a DELETED CA
//! reads as gone. The create sends the intent token as the IdempotencyToken and the
//! `meshplan:intent` tag; `find` lists the CAs and looks for the tag.

use super::authority_config::{
    configuration_block, from_configuration, from_revocation, revocation_block, to_configuration, to_revocation,
};
use super::NOT_FOUND;
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::skeleton::{missing_id, AwsResource, Create, Options, Tagging};
use crate::values::{get_i32, opt_str};
use crate::waiter::Poll;
use aws_sdk_acmpca::types::{
    CertificateAuthority as Ca, CertificateAuthorityStatus as Status, CertificateAuthorityType,
    CertificateAuthorityUsageMode, KeyStorageSecurityStandard, Tag,
};
use aws_smithy_types::date_time::Format;
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Authority;

pub async fn describe(api: &Api<'_>, arn: &str) -> Result<Ca, AwsError> {
    let req = api.acmpca.describe_certificate_authority().certificate_authority_arn(arn);
    let out = api.call("DescribeCertificateAuthority", || req.clone().send()).await?;
    out.certificate_authority().cloned().ok_or_else(|| missing_id(api, "DescribeCertificateAuthority"))
}

pub async fn remote_tags(api: &Api<'_>, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let mut tags = BTreeMap::new();
    let mut next: Option<String> = None;
    loop {
        let req = api.acmpca.list_tags().certificate_authority_arn(arn).set_next_token(next.clone());
        let out = api.call("ListTags", || req.clone().send()).await?;
        tags.extend(out.tags().iter().map(|t| (t.key().to_string(), t.value().unwrap_or_default().to_string())));
        match out.next_token() {
            Some(t) if !t.is_empty() => next = Some(t.to_string()),
            _ => return Ok(tags),
        }
    }
}

fn acm_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter().filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok()).collect()
}

fn time(t: Option<&aws_smithy_types::DateTime>) -> Value {
    t.and_then(|t| t.fmt(Format::DateTime).ok()).map(Value::from).unwrap_or(Value::Null)
}

/// The attributes a describe and the CA's certificate and CSR give (shared with the data
/// source).
pub async fn fill(api: &Api<'_>, ca: &Ca, s: &mut Value) -> Result<(), AwsError> {
    let arn = ca.arn().unwrap_or_default();
    s.set("id", Value::from(arn));
    s.set("arn", Value::from(arn));
    s.set("type", opt_str(ca.r#type().map(|t| t.as_str())));
    s.set("usage_mode", opt_str(ca.usage_mode().map(|m| m.as_str())));
    s.set("key_storage_security_standard", opt_str(ca.key_storage_security_standard().map(|k| k.as_str())));
    s.set("serial", opt_str(ca.serial()));
    s.set("not_after", time(ca.not_after()));
    s.set("not_before", time(ca.not_before()));
    // Only an ACTIVE or DISABLED CA has a certificate; the CSR exists from creation on.
    let (mut cert, mut chain) = (String::new(), String::new());
    if matches!(ca.status(), Some(Status::Active | Status::Disabled)) {
        let req = api.acmpca.get_certificate_authority_certificate().certificate_authority_arn(arn);
        match api.call("GetCertificateAuthorityCertificate", || req.clone().send()).await {
            Ok(out) => {
                cert = out.certificate().unwrap_or_default().to_string();
                chain = out.certificate_chain().unwrap_or_default().to_string();
            }
            Err(e) if e.code() == Some("InvalidStateException") => {}
            Err(e) => return Err(e),
        }
    }
    s.set("certificate", Value::from(cert));
    s.set("certificate_chain", Value::from(chain));
    let req = api.acmpca.get_certificate_authority_csr().certificate_authority_arn(arn);
    let csr = match api.call("GetCertificateAuthorityCsr", || req.clone().send()).await {
        Ok(out) => out.csr().unwrap_or_default().to_string(),
        Err(e) if e.code() == Some("InvalidStateException") => String::new(),
        Err(e) => return Err(e),
    };
    s.set("certificate_signing_request", Value::from(csr));
    Ok(())
}

async fn set_status(api: &Api<'_>, arn: &str, status: Status) -> Result<(), AwsError> {
    let req = api.acmpca.update_certificate_authority().certificate_authority_arn(arn).status(status);
    api.call("UpdateCertificateAuthority", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl AwsResource for Authority {
    fn type_name(&self) -> &'static str {
        "aws_acmpca_certificate_authority"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("certificate", Attribute::computed(Type::String))
            .attr("certificate_chain", Attribute::computed(Type::String))
            .attr("certificate_signing_request", Attribute::computed(Type::String))
            .attr("enabled", Attribute::optional(Type::Bool).default(true))
            .attr("key_storage_security_standard", Attribute::optional_computed(Type::String).force_new())
            .attr("not_after", Attribute::computed(Type::String))
            .attr("not_before", Attribute::computed(Type::String))
            .attr("permanent_deletion_time_in_days", Attribute::optional(Type::Number).default(30i64))
            .attr("serial", Attribute::computed(Type::String))
            .attr("type", Attribute::optional(Type::String).default("SUBORDINATE").force_new())
            .attr("usage_mode", Attribute::optional_computed(Type::String).force_new())
            .block("certificate_authority_configuration", configuration_block())
            .block("revocation_configuration", revocation_block())
    }

    fn options(&self) -> Options {
        Options {
            tagging: Tagging::Custom,
            timeouts: &["create"],
            default_timeout: Duration::from_secs(60),
            ..Options::default()
        }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let call = api
            .acmpca
            .create_certificate_authority()
            .certificate_authority_configuration(to_configuration(api, p)?)
            .set_revocation_configuration(to_revocation(api, p, false)?)
            .set_certificate_authority_type(p.get_str("type").map(CertificateAuthorityType::from))
            .set_key_storage_security_standard(
                p.get_str("key_storage_security_standard").map(KeyStorageSecurityStandard::from),
            )
            .set_usage_mode(p.get_str("usage_mode").map(CertificateAuthorityUsageMode::from))
            .idempotency_token(req.token)
            .set_tags(Some(acm_tags(&req.tags)));
        let created = api
            .create(
                "CreateCertificateAuthority",
                CreateCall::default(),
                || call.clone().send(),
                || self.locate(api, req.token, p),
            )
            .await?;
        created.id(|o| o.certificate_authority_arn()).ok_or_else(|| missing_id(api, "CreateCertificateAuthority"))
    }

    /// Terraform waits for the CA to leave CREATING (PENDING_CERTIFICATE or ACTIVE).
    async fn after_create(&self, api: &Api<'_>, id: &str, _planned: &Value, timeout: Duration) -> Result<(), AwsError> {
        api.wait_for("the certificate authority", timeout, || async {
            let ca = describe(api, id).await?;
            Ok(match ca.status() {
                Some(Status::PendingCertificate | Status::Active) => Poll::Ready(()),
                Some(Status::Failed) => Poll::Failed {
                    status: "FAILED".into(),
                    reason: ca.failure_reason().map(|r| r.as_str().to_string()),
                },
                other => Poll::Pending(other.map(|s| s.as_str()).unwrap_or("unknown").to_string()),
            })
        })
        .await
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let ca = describe(api, id).await?;
        if matches!(ca.status(), Some(Status::Deleted) | None) {
            return Ok(None);
        }
        fill(api, &ca, s).await?;
        let revocation = from_revocation(ca.revocation_configuration(), Some(&*s));
        s.set("revocation_configuration", revocation);
        s.set("enabled", Value::from(ca.status() != Some(&Status::Disabled)));
        s.set("certificate_authority_configuration", from_configuration(ca.certificate_authority_configuration()));
        remote_tags(api, id).await.map(Some)
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        if prior.get("revocation_configuration") != planned.get("revocation_configuration") {
            let req = api
                .acmpca
                .update_certificate_authority()
                .certificate_authority_arn(id)
                .set_revocation_configuration(to_revocation(api, planned, true)?);
            api.call("UpdateCertificateAuthority", || req.clone().send()).await?;
        }
        if prior.get("enabled") != planned.get("enabled") {
            let enabled = planned.get("enabled").as_bool() != Some(false);
            set_status(api, id, if enabled { Status::Active } else { Status::Disabled }).await?;
        }
        Ok(())
    }

    async fn set_tags(
        &self,
        api: &Api<'_>,
        id: &str,
        removed: &[String],
        changed: &BTreeMap<String, String>,
    ) -> Result<(), AwsError> {
        if !removed.is_empty() {
            let keys: Vec<Tag> = removed.iter().filter_map(|k| Tag::builder().key(k).build().ok()).collect();
            let req = api.acmpca.untag_certificate_authority().certificate_authority_arn(id).set_tags(Some(keys));
            api.call("UntagCertificateAuthority", || req.clone().send()).await?;
        }
        if !changed.is_empty() {
            let req =
                api.acmpca.tag_certificate_authority().certificate_authority_arn(id).set_tags(Some(acm_tags(changed)));
            api.call("TagCertificateAuthority", || req.clone().send()).await?;
        }
        Ok(())
    }

    /// An ACTIVE CA must be disabled before AWS deletes it; a DELETED one is already gone.
    async fn delete(&self, api: &Api<'_>, id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let ca = describe(api, id).await?;
        match ca.status() {
            Some(Status::Deleted) => return Ok(()),
            Some(Status::Active) => set_status(api, id, Status::Disabled).await?,
            _ => {}
        }
        let req = api
            .acmpca
            .delete_certificate_authority()
            .certificate_authority_arn(id)
            .set_permanent_deletion_time_in_days(get_i32(state, "permanent_deletion_time_in_days"));
        api.call("DeleteCertificateAuthority", || req.clone().send()).await?;
        Ok(())
    }

    /// The CA (not deleted) that carries the create's intent tag.
    async fn locate(&self, api: &Api<'_>, token: &str, _planned: &Value) -> Result<Option<String>, AwsError> {
        let mut next: Option<String> = None;
        loop {
            let req = api.acmpca.list_certificate_authorities().set_next_token(next.clone());
            let out = api.call("ListCertificateAuthorities", || req.clone().send()).await?;
            for ca in out.certificate_authorities() {
                let Some(arn) = ca.arn().filter(|_| ca.status() != Some(&Status::Deleted)) else { continue };
                let tags = remote_tags(api, arn).await?;
                if crate::intent::carries(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), token) {
                    return Ok(Some(arn.to_string()));
                }
            }
            match out.next_token() {
                Some(t) if !t.is_empty() => next = Some(t.to_string()),
                _ => return Ok(None),
            }
        }
    }
}
