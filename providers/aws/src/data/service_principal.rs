//! `aws_service_principal`: a service's principal name (`SERVICE.amazonaws.com`) in a region,
//! with the few partition-specific suffixes Terraform documents. No API call.

use crate::api::Api;
use crate::clients::{dns_suffix_of, partition_of};
use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};

pub struct ServicePrincipal;

/// The principal's DNS suffix: `amazonaws.com` except for the services that use their
/// partition's own suffix in China and the isolated partitions.
pub fn principal_suffix(service: &str, partition: &str) -> &'static str {
    let own = match partition {
        "aws-iso" => ["cloudhsm", "config", "logs", "workspaces"].contains(&service),
        "aws-iso-b" => ["dms", "logs"].contains(&service),
        "aws-cn" => ["codedeploy", "elasticmapreduce", "logs", "ec2", "s3"].contains(&service),
        _ => false,
    };
    if own {
        dns_suffix_of(partition)
    } else {
        "amazonaws.com"
    }
}

#[async_trait]
impl DataSource for ServicePrincipal {
    fn type_name(&self) -> &'static str {
        "aws_service_principal"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("name", Attribute::computed(Type::String))
            .attr("region", Attribute::optional_computed(Type::String))
            .attr("service_name", Attribute::required(Type::String))
            .attr("suffix", Attribute::computed(Type::String))
    }

    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let service = config.get_str("service_name").unwrap_or_default();
        if service.is_empty() {
            return Err(ProviderError::new(format!("{}: service_name is empty", ctx.address))
                .at_attribute("service_name")
                .with_hint("name the service as in its endpoint, e.g. \"s3\" or \"eks\""));
        }
        let region = config.get_str("region").unwrap_or(&api.region).to_string();
        let suffix = principal_suffix(service, partition_of(&region));
        Ok(Value::object([
            ("id", Value::from(format!("{service}.{region}.{suffix}"))),
            ("name", Value::from(format!("{service}.{suffix}"))),
            ("region", Value::from(region)),
            ("service_name", Value::from(service)),
            ("suffix", Value::from(suffix)),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::principal_suffix;

    #[test]
    fn suffixes_follow_the_partition_exceptions() {
        assert_eq!(principal_suffix("s3", "aws"), "amazonaws.com");
        assert_eq!(principal_suffix("s3", "aws-cn"), "amazonaws.com.cn");
        assert_eq!(principal_suffix("eks", "aws-cn"), "amazonaws.com");
        assert_eq!(principal_suffix("logs", "aws-iso"), "c2s.ic.gov");
        assert_eq!(principal_suffix("s3", "aws-iso"), "amazonaws.com");
        assert_eq!(principal_suffix("dms", "aws-iso-b"), "sc2s.sgov.gov");
        assert_eq!(principal_suffix("logs", "aws-us-gov"), "amazonaws.com");
    }
}
