//! `aws_eks_fargate_profile`: which pods of a cluster run on Fargate. Every argument but the
//! tags forces a new profile. ID and import ID: `<cluster>:<profile>`.

use super::common::{carries_token, tags_arg, tags_map, ALREADY_EXISTS, NOT_FOUND};
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create, Options, Tagging};
use crate::values::{list_value, map_value, string_list, string_map};
use crate::waiter::Poll;
use aws_sdk_eks::types::{FargateProfile as Profile, FargateProfileSelector, FargateProfileStatus as Status};
use meshplan_provider::{async_trait, Attribute, Block, Schema, Type, Value};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

pub struct FargateProfile;

fn split(id: &str) -> Option<(&str, &str)> {
    id.split_once(':')
}

async fn describe(api: &Api<'_>, cluster: &str, name: &str) -> Result<Profile, AwsError> {
    let req = api.eks.describe_fargate_profile().cluster_name(cluster).fargate_profile_name(name);
    let out = api.call("DescribeFargateProfile", || req.clone().send()).await?;
    out.fargate_profile().cloned().ok_or_else(|| AwsError::Api {
        address: api.address.to_string(),
        operation: "DescribeFargateProfile",
        code: NOT_FOUND[0].into(),
        message: "no profile in the answer".into(),
        status: None,
    })
}

/// Polls until the profile is gone (`None`) or in `want`.
async fn wait(api: &Api<'_>, id: &str, want: Option<Status>, timeout: Duration) -> Result<(), AwsError> {
    let (cluster, name) = split(id).unwrap_or_default();
    api.wait_for("the Fargate profile", timeout, || async {
        let status = match describe(api, cluster, name).await {
            Ok(p) => p.status().cloned(),
            Err(e) if e.code().is_some_and(|c| NOT_FOUND.contains(&c)) => None,
            Err(e) => return Err(e),
        };
        Ok(match (status, &want) {
            (s, w) if s.as_ref() == w.as_ref() => Poll::Ready(()),
            (Some(Status::CreateFailed | Status::DeleteFailed), _) => {
                Poll::Failed { status: "FAILED".into(), reason: None }
            }
            (s, _) => Poll::Pending(s.map(|s| s.as_str().to_string()).unwrap_or_else(|| "gone".into())),
        })
    })
    .await
}

#[async_trait]
impl AwsResource for FargateProfile {
    fn type_name(&self) -> &'static str {
        "aws_eks_fargate_profile"
    }

    fn schema(&self) -> Schema {
        let fixed = |t: Type| Attribute::required(t).force_new();
        Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("status", Attribute::computed(Type::String))
            .attr("cluster_name", fixed(Type::String))
            .attr("fargate_profile_name", fixed(Type::String))
            .attr("pod_execution_role_arn", fixed(Type::String))
            .attr("subnet_ids", Attribute::optional(Type::set(Type::String)).force_new())
            .block(
                "selector",
                Block::set(
                    Schema::new()
                        .attr("namespace", Attribute::required(Type::String))
                        .attr("labels", Attribute::optional(Type::map(Type::String))),
                )
                .min_items(1)
                .force_new(),
            )
    }

    fn options(&self) -> Options {
        Options {
            tagging: Tagging::Custom,
            timeouts: &["create", "delete"],
            default_timeout: Duration::from_secs(600),
            ..Options::default()
        }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let (cluster, name) =
            (p.get_str("cluster_name").unwrap_or_default(), p.get_str("fargate_profile_name").unwrap_or_default());
        let selectors = p.get("selector").as_list().into_iter().flatten().map(|s| {
            let labels: HashMap<String, String> = string_map(s.get("labels")).into_iter().collect();
            FargateProfileSelector::builder()
                .set_namespace(s.get_str("namespace").map(str::to_string))
                .set_labels((!labels.is_empty()).then_some(labels))
                .build()
        });
        let subnets = string_list(p.get("subnet_ids"));
        let call = api
            .eks
            .create_fargate_profile()
            .cluster_name(cluster)
            .fargate_profile_name(name)
            .pod_execution_role_arn(p.get_str("pod_execution_role_arn").unwrap_or_default())
            .set_subnets((!subnets.is_empty()).then_some(subnets))
            .set_selectors(Some(selectors.collect()))
            .client_request_token(req.token)
            .set_tags(tags_arg(req.tags.clone()));
        let conflicts = CreateCall { conflicts: ALREADY_EXISTS, ..CreateCall::default() };
        api.create("CreateFargateProfile", conflicts, || call.clone().send(), || self.locate(api, req.token, p))
            .await?;
        Ok(format!("{cluster}:{name}"))
    }

    async fn after_create(&self, api: &Api<'_>, id: &str, _planned: &Value, timeout: Duration) -> Result<(), AwsError> {
        wait(api, id, Some(Status::Active), timeout).await
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some((cluster, name)) = split(id) else { return Ok(None) };
        let p = describe(api, cluster, name).await?;
        if matches!(p.status(), Some(Status::Deleting)) {
            return Ok(None);
        }
        s.set("cluster_name", Value::from(cluster));
        s.set("fargate_profile_name", Value::from(name));
        s.set("arn", Value::from(p.fargate_profile_arn().unwrap_or_default()));
        s.set("status", Value::from(p.status().map(|x| x.as_str()).unwrap_or_default()));
        s.set("pod_execution_role_arn", Value::from(p.pod_execution_role_arn().unwrap_or_default()));
        let mut subnets: Vec<&str> = p.subnets().iter().map(String::as_str).collect();
        subnets.sort();
        s.set(
            "subnet_ids",
            if subnets.is_empty() && s.get("subnet_ids").is_null() { Value::Null } else { list_value(subnets) },
        );
        let selectors = p.selectors().iter().map(|sel| {
            let labels = sel.labels().map(|l| map_value(l.iter().collect::<BTreeMap<_, _>>()));
            Value::object([
                ("namespace", Value::from(sel.namespace().unwrap_or_default())),
                ("labels", labels.unwrap_or(Value::Null)),
            ])
        });
        s.set("selector", Value::List(selectors.collect()));
        Ok(Some(tags_map(p.tags())))
    }

    async fn set_tags(
        &self,
        api: &Api<'_>,
        id: &str,
        removed: &[String],
        changed: &BTreeMap<String, String>,
    ) -> Result<(), AwsError> {
        let (cluster, name) = split(id).unwrap_or_default();
        let arn = describe(api, cluster, name).await?.fargate_profile_arn().unwrap_or_default().to_string();
        super::common::retag(api, &arn, removed, changed).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, timeout: Duration) -> Result<(), AwsError> {
        let Some((cluster, name)) = split(id) else { return Ok(()) };
        let req = api.eks.delete_fargate_profile().cluster_name(cluster).fargate_profile_name(name);
        api.call("DeleteFargateProfile", || req.clone().send()).await?;
        wait(api, id, None, timeout).await
    }

    /// By the planned name, ours when it carries the intent tag.
    async fn locate(&self, api: &Api<'_>, token: &str, p: &Value) -> Result<Option<String>, AwsError> {
        let (Some(cluster), Some(name)) = (p.get_str("cluster_name"), p.get_str("fargate_profile_name")) else {
            return Ok(None);
        };
        match describe(api, cluster, name).await {
            Ok(found) if carries_token(found.tags(), token) => Ok(Some(format!("{cluster}:{name}"))),
            Err(e) if !e.code().is_some_and(|c| NOT_FOUND.contains(&c)) => Err(e),
            _ => Ok(None),
        }
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        split(id).map(|_| vec![("id", Value::from(id))]).ok_or_else(|| format!("expected CLUSTER:PROFILE, got {id:?}"))
    }
}
