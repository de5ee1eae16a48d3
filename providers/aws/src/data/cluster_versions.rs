//! `aws_eks_cluster_versions`: the Kubernetes versions EKS offers (DescribeClusterVersions),
//! filtered as configured; eks 20's node group module reads the default one.

use crate::api::Api;
use crate::values::{opt_str, string_list};
use aws_sdk_eks::types::{ClusterVersionInformation, VersionStatus};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};

pub struct ClusterVersions;

const STRING_FIELDS: [&str; 8] = [
    "cluster_type",
    "cluster_version",
    "default_platform_version",
    "end_of_extended_support_date",
    "end_of_standard_support_date",
    "kubernetes_patch_version",
    "release_date",
    "version_status",
];

fn version_type() -> Type {
    let mut fields: std::collections::BTreeMap<String, Type> =
        STRING_FIELDS.iter().map(|f| (f.to_string(), Type::String)).collect();
    fields.insert("default_version".into(), Type::Bool);
    Type::Object(fields)
}

fn date(d: Option<&DateTime>) -> Value {
    opt_str(d.and_then(|d| d.fmt(Format::DateTime).ok()).as_deref())
}

fn version_value(v: &ClusterVersionInformation) -> Value {
    Value::object([
        ("cluster_type", opt_str(v.cluster_type())),
        ("cluster_version", opt_str(v.cluster_version())),
        ("default_platform_version", opt_str(v.default_platform_version())),
        ("default_version", Value::from(v.default_version())),
        ("end_of_extended_support_date", date(v.end_of_extended_support_date())),
        ("end_of_standard_support_date", date(v.end_of_standard_support_date())),
        ("kubernetes_patch_version", opt_str(v.kubernetes_patch_version())),
        ("release_date", date(v.release_date())),
        ("version_status", opt_str(v.version_status().map(|s| s.as_str()))),
    ])
}

#[async_trait]
impl DataSource for ClusterVersions {
    fn type_name(&self) -> &'static str {
        "aws_eks_cluster_versions"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("cluster_type", Attribute::optional(Type::String))
            .attr("cluster_versions_only", Attribute::optional(Type::list(Type::String)))
            .attr("default_only", Attribute::optional(Type::Bool))
            .attr("include_all", Attribute::optional(Type::Bool))
            .attr("version_status", Attribute::optional(Type::String))
            .attr("cluster_versions", Attribute::computed(Type::list(version_type())))
    }
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let only = string_list(config.get("cluster_versions_only"));
        let req = api
            .eks
            .describe_cluster_versions()
            .set_cluster_type(config.get_str("cluster_type").map(str::to_string))
            .set_cluster_versions((!only.is_empty()).then_some(only))
            .set_default_only(config.get("default_only").as_bool())
            .set_include_all(config.get("include_all").as_bool())
            .set_version_status(config.get_str("version_status").map(VersionStatus::from));
        let mut versions = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let page = req.clone().set_next_token(next.clone());
            let out = api.call("DescribeClusterVersions", || page.clone().send()).await?;
            versions.extend(out.cluster_versions().iter().map(version_value));
            next = out.next_token().map(str::to_string).filter(|t| Some(t) != next.as_ref());
            if next.is_none() {
                break;
            }
        }
        let mut s = config.clone();
        s.set("cluster_versions", Value::List(versions));
        Ok(s)
    }
}
