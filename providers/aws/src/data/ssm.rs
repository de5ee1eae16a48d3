//! `aws_ssm_parameter`: one Systems Manager parameter (e.g. the EKS-optimized AMI ID AWS
//! publishes). `value` is sensitive; `insecure_value` is set only for non-secure types.

use crate::api::{Api, NotFound};
use crate::error::AwsError;
use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};

pub struct SsmParameter;

#[async_trait]
impl DataSource for SsmParameter {
    fn type_name(&self) -> &'static str {
        "aws_ssm_parameter"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("name", Attribute::required(Type::String))
            .attr("with_decryption", Attribute::optional(Type::Bool))
            .attr("arn", Attribute::computed(Type::String))
            .attr("type", Attribute::computed(Type::String))
            .attr("value", Attribute::computed(Type::String).sensitive())
            .attr("insecure_value", Attribute::computed(Type::String))
            .attr("version", Attribute::computed(Type::Number))
    }
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let name = config.get_str("name").unwrap_or_default();
        let decrypt = config.get("with_decryption").as_bool().unwrap_or(true);
        let req = api.ssm.get_parameter().name(name).with_decryption(decrypt);
        let out = api.call("GetParameter", || req.clone().send()).await.or_not_found(&["ParameterNotFound"])?;
        let Some(p) = out.as_ref().and_then(|o| o.parameter()) else {
            return Err(AwsError::Invalid {
                address: ctx.address.clone(),
                message: format!("no SSM parameter {name:?}"),
                attribute: Some("name".into()),
            }
            .into());
        };
        let kind = p.r#type().map(|t| t.as_str()).unwrap_or("String");
        let value = p.value().unwrap_or_default();
        let mut s = config.clone();
        s.set("id", Value::from(p.name().unwrap_or(name)));
        s.set("arn", Value::from(p.arn().unwrap_or_default()));
        s.set("type", Value::from(kind));
        s.set("value", Value::from(value));
        s.set("insecure_value", if kind == "SecureString" { Value::Null } else { Value::from(value) });
        s.set("version", Value::from(p.version()));
        Ok(s)
    }
}
