//! The `provider "aws" { ... }` block: its schema and its parsed form.

use crate::retry::RetryPolicy;
use meshplan_provider::{Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;

/// A slice, not an array, so adding a service is a one-line change.
pub const SERVICES: &[&str] = &[
    "acmpca",
    "autoscaling",
    "ec2",
    "events",
    "iam",
    "eks",
    "kms",
    "logs",
    "s3",
    "sqs",
    "ssm",
    "sts",
    // One line each: several branches add services.
    "elasticache",
    "rds",
    "redshift",
    "sns",
    "lambda",
    "s3control",
    "cloudformation",
    "rolesanywhere",
    "s3tables",
];

pub fn schema() -> Schema {
    let mut endpoints = Schema::new();
    for &service in SERVICES {
        endpoints = endpoints.attr(service, Attribute::optional(Type::String).describe("custom endpoint URL"));
    }
    Schema::new()
        .attr(
            "region",
            Attribute::optional(Type::String).describe("AWS region; else AWS_REGION / the profile's region"),
        )
        .attr("profile", Attribute::optional(Type::String))
        .attr("access_key", Attribute::optional(Type::String).sensitive())
        .attr("secret_key", Attribute::optional(Type::String).sensitive())
        .attr("token", Attribute::optional(Type::String).sensitive())
        .attr("s3_use_path_style", Attribute::optional(Type::Bool).default(false))
        .attr("max_retries", Attribute::optional(Type::Number).default(25i64))
        .attr("max_concurrency", Attribute::optional(Type::Number))
        // Accepted for Terraform configurations (emulator and CI setups set them): meshplan
        // validates no credentials or region up front, reads the account id only when an ARN
        // needs it, and never asks the EC2 metadata API unless the credential chain does.
        .attr("skip_credentials_validation", Attribute::optional(Type::Bool))
        .attr("skip_region_validation", Attribute::optional(Type::Bool))
        .attr("skip_requesting_account_id", Attribute::optional(Type::Bool))
        .attr("skip_metadata_api_check", Attribute::optional(Type::String))
        .block(
            "assume_role",
            Block::single(
                Schema::new()
                    .attr("role_arn", Attribute::required(Type::String))
                    .attr("session_name", Attribute::optional(Type::String))
                    .attr("external_id", Attribute::optional(Type::String)),
            ),
        )
        .block("endpoints", Block::single(endpoints))
        .block("default_tags", Block::single(Schema::new().attr("tags", Attribute::optional(Type::map(Type::String)))))
}

/// The provider block, parsed. Its `Debug` hides the credentials.
#[derive(Clone, Default)]
pub struct Settings {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub static_credentials: Option<(String, String, Option<String>)>,
    pub assume_role: Option<AssumeRole>,
    pub endpoints: BTreeMap<String, String>,
    pub s3_use_path_style: bool,
    pub default_tags: BTreeMap<String, String>,
    pub retry: RetryPolicy,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("region", &self.region)
            .field("profile", &self.profile)
            .field("static_credentials", &self.static_credentials.as_ref().map(|_| "(sensitive value)"))
            .field("assume_role", &self.assume_role)
            .field("endpoints", &self.endpoints)
            .field("s3_use_path_style", &self.s3_use_path_style)
            .field("default_tags", &self.default_tags)
            .field("retry", &self.retry)
            .finish()
    }
}

#[derive(Clone, Debug)]
pub struct AssumeRole {
    pub role_arn: String,
    pub session_name: Option<String>,
    pub external_id: Option<String>,
}

impl Settings {
    pub fn parse(config: &Value) -> Result<Settings, String> {
        let s = |v: &Value, k: &str| v.get_str(k).map(str::to_string);
        let static_credentials = match (s(config, "access_key"), s(config, "secret_key")) {
            (Some(a), Some(k)) => Some((a, k, s(config, "token"))),
            (None, None) => None,
            _ => return Err("access_key and secret_key must be set together".into()),
        };
        let assume = config.get("assume_role");
        let assume_role = s(assume, "role_arn").map(|role_arn| AssumeRole {
            role_arn,
            session_name: s(assume, "session_name"),
            external_id: s(assume, "external_id"),
        });
        let endpoints_block = config.get("endpoints");
        let endpoints =
            SERVICES.iter().filter_map(|svc| s(endpoints_block, svc).map(|url| (svc.to_string(), url))).collect();
        let mut retry = RetryPolicy::default();
        if let Some(n) = config.get("max_retries").as_i64() {
            retry.max_retries = u32::try_from(n).map_err(|_| "max_retries must be >= 0".to_string())?;
        }
        Ok(Settings {
            region: s(config, "region"),
            profile: s(config, "profile"),
            static_credentials,
            assume_role,
            endpoints,
            s3_use_path_style: config.get("s3_use_path_style").as_bool().unwrap_or(false),
            default_tags: crate::values::string_map(config.get("default_tags").get("tags")),
            retry,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_credentials() {
        let config = Value::object([
            ("access_key", Value::from("AKIAEXAMPLE")),
            ("secret_key", Value::from("very-secret")),
            ("token", Value::from("session-token")),
        ]);
        let printed = format!("{:?}", Settings::parse(&config).unwrap());
        assert!(
            !printed.contains("AKIAEXAMPLE") && !printed.contains("very-secret") && !printed.contains("session-token"),
            "{printed}"
        );
    }

    #[test]
    fn half_a_key_pair_is_an_error() {
        assert!(Settings::parse(&Value::object([("access_key", Value::from("a"))])).is_err());
    }
}
