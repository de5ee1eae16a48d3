//! `aws_acmpca_certificate`: a certificate issued by a private CA for a CSR (with
//! `template_arn` `arn:aws:acm-pca:::template/RootCACertificate/V1` and the CA's own CSR,
//! the root CA's self-signed certificate). ID and import ID: the certificate's ARN, which
//! names its CA. Every argument forces a new certificate; destroy revokes it (a self-signed
//! root certificate cannot be revoked and is left, as in Terraform).
//!
//! The issue sends the intent token as the IdempotencyToken, so a retry within AWS's
//! idempotency window returns the same certificate. ACM PCA cannot list issued certificates,
//! so `find` after a crash finds nothing and the next run issues again (the unused
//! certificate simply expires).

use super::NOT_FOUND;
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::skeleton::{missing_id, AwsResource, Create};
use crate::values::{one_block, opt_str};
use crate::waiter::Poll;
use aws_sdk_acmpca::types::{RevocationReason, SigningAlgorithm, Validity, ValidityPeriodType};
use aws_smithy_types::date_time::{DateTime, Format};
use aws_smithy_types::Blob;
use meshplan_provider::{async_trait, Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Certificate;

/// The CA's ARN in a certificate ARN (`<ca arn>/certificate/<id>`).
fn authority_of(arn: &str) -> Option<&str> {
    arn.split_once("/certificate/").map(|(ca, _)| ca)
}

async fn get(api: &Api<'_>, ca: &str, arn: &str) -> Result<(String, Option<String>), AwsError> {
    let req = api.acmpca.get_certificate().certificate_authority_arn(ca).certificate_arn(arn);
    let out = api.call("GetCertificate", || req.clone().send()).await?;
    let chain = out.certificate_chain().filter(|c| !c.is_empty()).map(str::to_string);
    Ok((out.certificate().unwrap_or_default().to_string(), chain))
}

/// The `validity` block as the API wants it: END_DATE is an RFC 3339 time sent as
/// YYYYMMDDHHMMSS (UTC), ABSOLUTE a Unix time, the others a count.
fn validity(api: &Api<'_>, planned: &Value) -> Result<Validity, AwsError> {
    let v = one_block(planned.get("validity"));
    let kind = v.get_str("type").unwrap_or_default();
    let text = v.get_str("value").unwrap_or_default();
    let bad = |why: String| api.invalid("validity", format!("value {text:?} of type {kind}: {why}"));
    let value = if kind == "END_DATE" {
        let t = DateTime::from_str(text, Format::DateTime).map_err(|e| bad(e.to_string()))?;
        end_date(t.secs())
    } else {
        text.parse::<i64>().map_err(|e| bad(e.to_string()))?
    };
    Validity::builder().r#type(ValidityPeriodType::from(kind)).value(value).build().map_err(|e| bad(e.to_string()))
}

/// A Unix time as the number YYYYMMDDHHMMSS (UTC).
fn end_date(secs: i64) -> i64 {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    ((year * 100 + month) * 100 + day) * 1_000_000 + (rem / 3600) * 10_000 + (rem % 3600 / 60) * 100 + rem % 60
}

#[async_trait]
impl AwsResource for Certificate {
    fn type_name(&self) -> &'static str {
        "aws_acmpca_certificate"
    }

    fn schema(&self) -> Schema {
        let validity = Schema::new()
            .attr("type", Attribute::required(Type::String))
            .attr("value", Attribute::required(Type::String));
        Schema::new()
            .attr("api_passthrough", Attribute::optional(Type::String).force_new())
            .attr("arn", Attribute::computed(Type::String))
            .attr("certificate", Attribute::computed(Type::String))
            .attr("certificate_authority_arn", Attribute::required(Type::String).force_new())
            .attr("certificate_chain", Attribute::computed(Type::String))
            .attr("certificate_signing_request", Attribute::required(Type::String).force_new())
            .attr("signing_algorithm", Attribute::required(Type::String).force_new())
            .attr("template_arn", Attribute::optional(Type::String).force_new())
            .block("validity", Block::list(validity).min_items(1).max_items(1).force_new())
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        if p.get_str("api_passthrough").is_some() {
            return Err(api.invalid("api_passthrough", "api_passthrough is not supported yet; leave it unset"));
        }
        let call = api
            .acmpca
            .issue_certificate()
            .certificate_authority_arn(p.get_str("certificate_authority_arn").unwrap_or_default())
            .csr(Blob::new(p.get_str("certificate_signing_request").unwrap_or_default()))
            .signing_algorithm(SigningAlgorithm::from(p.get_str("signing_algorithm").unwrap_or_default()))
            .set_template_arn(p.get_str("template_arn").map(str::to_string))
            .validity(validity(api, p)?)
            .idempotency_token(req.token);
        let created = api
            .create(
                "IssueCertificate",
                CreateCall::default(),
                || call.clone().send(),
                || self.locate(api, req.token, p),
            )
            .await?;
        created.id(|o| o.certificate_arn()).ok_or_else(|| missing_id(api, "IssueCertificate"))
    }

    /// Issuing is asynchronous: GetCertificate answers RequestInProgressException until done.
    async fn after_create(&self, api: &Api<'_>, id: &str, _planned: &Value, timeout: Duration) -> Result<(), AwsError> {
        let ca = authority_of(id).unwrap_or_default();
        api.wait_for("the certificate", timeout, || async {
            match get(api, ca, id).await {
                Ok(_) => Ok(Poll::Ready(())),
                Err(e) if e.code() == Some("RequestInProgressException") => Ok(Poll::Pending("issuing".into())),
                Err(e) => Err(e),
            }
        })
        .await
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(ca) = authority_of(id) else {
            return Err(api.invalid("id", format!("{id:?} is not an ACM PCA certificate ARN")));
        };
        let (cert, chain) = get(api, ca, id).await?;
        s.set("arn", Value::from(id));
        s.set("certificate_authority_arn", Value::from(ca));
        s.set("certificate", Value::from(cert));
        // Terraform keeps "" for a root certificate's absent chain.
        s.set("certificate_chain", Value::from(chain.unwrap_or_default()));
        Ok(Some(BTreeMap::new()))
    }

    async fn delete(&self, api: &Api<'_>, id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let ca = authority_of(id).unwrap_or_default();
        let serial = super::pem::serial(state.get_str("certificate").unwrap_or_default())
            .map_err(|e| api.invalid("certificate", e))?;
        let req = api
            .acmpca
            .revoke_certificate()
            .certificate_authority_arn(ca)
            .certificate_serial(serial)
            .revocation_reason(RevocationReason::Unspecified);
        match api.call("RevokeCertificate", || req.clone().send()).await {
            Ok(_) => Ok(()),
            Err(e) if matches!(e.code(), Some("RequestAlreadyProcessedException" | "RequestInProgressException")) => {
                Ok(())
            }
            Err(e) if e.code() == Some("InvalidRequestException") && e.to_string().contains("Self-signed") => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        let ca = authority_of(id).ok_or_else(|| {
            format!("{id:?} is not an ACM PCA certificate ARN (…:certificate-authority/<id>/certificate/<id>)")
        })?;
        Ok(vec![("id", Value::from(id)), ("certificate_authority_arn", Value::from(ca)), ("arn", opt_str(Some(id)))])
    }
}

#[cfg(test)]
mod tests {
    use super::end_date;

    #[test]
    fn end_dates_are_utc_calendar_numbers() {
        assert_eq!(end_date(0), 19700101000000);
        assert_eq!(end_date(951_782_400), 20000229000000); // a leap day
        assert_eq!(end_date(1_893_456_000 + 3_723), 20300101010203);
    }
}
