//! `aws_eks_addon_version`: the default (or newest) version of an EKS addon for a
//! Kubernetes version.

use crate::api::Api;
use crate::error::AwsError;
use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};

pub struct AddonVersion;

/// `v1.19.0-eksbuild.1` → numbers to compare (newest sorts last).
fn version_key(v: &str) -> Vec<u64> {
    v.trim_start_matches('v').split(|c: char| !c.is_ascii_digit()).filter_map(|p| p.parse().ok()).collect()
}

#[async_trait]
impl DataSource for AddonVersion {
    fn type_name(&self) -> &'static str {
        "aws_eks_addon_version"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("addon_name", Attribute::required(Type::String))
            .attr("kubernetes_version", Attribute::required(Type::String))
            .attr("most_recent", Attribute::optional(Type::Bool))
            .attr("version", Attribute::computed(Type::String))
    }
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let (addon, k8s) = (
            config.get_str("addon_name").unwrap_or_default(),
            config.get_str("kubernetes_version").unwrap_or_default(),
        );
        let req = api.eks.describe_addon_versions().addon_name(addon).kubernetes_version(k8s);
        let out = api.call("DescribeAddonVersions", || req.clone().send()).await?;
        let versions: Vec<_> =
            out.addons().iter().filter(|a| a.addon_name() == Some(addon)).flat_map(|a| a.addon_versions()).collect();
        let for_k8s = |v: &&&aws_sdk_eks::types::AddonVersionInfo| {
            v.compatibilities().iter().any(|c| c.cluster_version() == Some(k8s))
        };
        let chosen = if config.get("most_recent").as_bool() == Some(true) {
            versions.iter().filter(for_k8s).max_by_key(|v| version_key(v.addon_version().unwrap_or_default()))
        } else {
            versions
                .iter()
                .filter(for_k8s)
                .find(|v| v.compatibilities().iter().any(|c| c.cluster_version() == Some(k8s) && c.default_version()))
        };
        let Some(version) = chosen.and_then(|v| v.addon_version()) else {
            return Err(AwsError::Invalid {
                address: ctx.address.clone(),
                message: format!("no version of addon {addon:?} for Kubernetes {k8s}"),
                attribute: Some("addon_name".into()),
            }
            .into());
        };
        let mut s = config.clone();
        s.set("id", Value::from(addon));
        s.set("version", Value::from(version));
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn versions_compare_by_number() {
        let k = super::version_key;
        assert!(k("v1.10.0-eksbuild.1") > k("v1.9.3-eksbuild.7"));
        assert!(k("v1.19.0-eksbuild.2") > k("v1.19.0-eksbuild.1"));
    }
}
