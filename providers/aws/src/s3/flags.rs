//! Two one-value bucket settings: `aws_s3_bucket_accelerate_configuration` (`status`) and
//! `aws_s3_bucket_request_payment_configuration` (`payer`). ID and import ID: see
//! [`super::doc`] (crash safety there too). Deleting one puts AWS's default back
//! (`Suspended`, `BucketOwner`), as Terraform does.

use super::bucket::NO_BUCKET;
use super::doc::{id_of, owner, set_bucket, split};
use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use aws_sdk_s3::types::{AccelerateConfiguration, BucketAccelerateStatus, Payer, RequestPaymentConfiguration};
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

/// Which of the two settings.
#[derive(Clone, Copy)]
pub enum Flag {
    Accelerate,
    RequestPayment,
}

pub struct BucketFlag(pub Flag);

impl BucketFlag {
    fn key(&self) -> &'static str {
        match self.0 {
            Flag::Accelerate => "status",
            Flag::RequestPayment => "payer",
        }
    }

    async fn put(&self, api: &Api<'_>, id: &str, value: &str) -> Result<(), AwsError> {
        let (bucket, owner) = split(id);
        let owner = owner.map(str::to_string);
        match self.0 {
            Flag::Accelerate => {
                let doc = AccelerateConfiguration::builder().status(BucketAccelerateStatus::from(value)).build();
                let req = api
                    .s3
                    .put_bucket_accelerate_configuration()
                    .bucket(bucket)
                    .set_expected_bucket_owner(owner)
                    .accelerate_configuration(doc);
                api.call("PutBucketAccelerateConfiguration", || req.clone().send()).await?;
            }
            Flag::RequestPayment => {
                let doc = RequestPaymentConfiguration::builder()
                    .payer(Payer::from(value))
                    .build()
                    .map_err(|e| api.invalid("payer", e.to_string()))?;
                let req = api
                    .s3
                    .put_bucket_request_payment()
                    .bucket(bucket)
                    .set_expected_bucket_owner(owner)
                    .request_payment_configuration(doc);
                api.call("PutBucketRequestPayment", || req.clone().send()).await?;
            }
        }
        Ok(())
    }

    /// The current value; `None` when AWS reports none (accelerate never configured).
    async fn get(&self, api: &Api<'_>, id: &str) -> Result<Option<String>, AwsError> {
        let (bucket, _) = split(id);
        Ok(match self.0 {
            Flag::Accelerate => {
                let req =
                    api.s3.get_bucket_accelerate_configuration().bucket(bucket).set_expected_bucket_owner(owner(id));
                let out = api.call("GetBucketAccelerateConfiguration", || req.clone().send()).await?;
                out.status().map(|s| s.as_str().to_string())
            }
            Flag::RequestPayment => {
                let req = api.s3.get_bucket_request_payment().bucket(bucket).set_expected_bucket_owner(owner(id));
                let out = api.call("GetBucketRequestPayment", || req.clone().send()).await?;
                out.payer().map(|p| p.as_str().to_string())
            }
        })
    }
}

#[async_trait]
impl AwsResource for BucketFlag {
    fn type_name(&self) -> &'static str {
        match self.0 {
            Flag::Accelerate => "aws_s3_bucket_accelerate_configuration",
            Flag::RequestPayment => "aws_s3_bucket_request_payment_configuration",
        }
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("bucket", Attribute::required(Type::String).force_new())
            .attr("expected_bucket_owner", Attribute::optional(Type::String).force_new())
            .attr(self.key(), Attribute::required(Type::String))
    }

    fn not_found(&self) -> &'static [&'static str] {
        NO_BUCKET
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let id = id_of(req.planned);
        self.put(api, &id, req.planned.get_str(self.key()).unwrap_or_default()).await?;
        Ok(id)
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(value) = self.get(api, id).await? else { return Ok(None) };
        set_bucket(s, id);
        s.set(self.key(), Value::from(value));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        self.put(api, id, planned.get_str(self.key()).unwrap_or_default()).await
    }

    /// AWS's default again; the setting then still reads (as the default): Terraform likewise
    /// only resets it.
    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let default = match self.0 {
            Flag::Accelerate => "Suspended",
            Flag::RequestPayment => "BucketOwner",
        };
        self.put(api, id, default).await
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let id = id_of(planned);
        match self.get(api, &id).await {
            Ok(Some(v)) if Some(v.as_str()) == planned.get_str(self.key()) => Ok(Some(id)),
            Err(e) if !e.code().is_some_and(|c| NO_BUCKET.contains(&c)) => Err(e),
            _ => Ok(None),
        }
    }
}
