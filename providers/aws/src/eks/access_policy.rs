//! `aws_eks_access_policy_association`: an EKS access policy granted to an access entry's
//! principal, cluster-wide or in namespaces. Every argument forces a new association. ID and
//! import ID: `<cluster>#<principal_arn>#<policy_arn>`, as in Terraform.

use super::common::NOT_FOUND;
use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create, Options};
use crate::values::{list_value, one_block, string_list};
use aws_sdk_eks::types::{AccessScope, AccessScopeType, AssociatedAccessPolicy};
use meshplan_provider::{async_trait, Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct AccessPolicyAssociation;

fn split(id: &str) -> Option<(&str, &str, &str)> {
    let mut p = id.splitn(3, '#');
    Some((p.next()?, p.next()?, p.next()?))
}

fn time(t: Option<&aws_smithy_types::DateTime>) -> Value {
    t.and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok()).map(Value::from).unwrap_or(Value::Null)
}

async fn find(
    api: &Api<'_>,
    cluster: &str,
    principal: &str,
    policy: &str,
) -> Result<Option<AssociatedAccessPolicy>, AwsError> {
    let mut token: Option<String> = None;
    loop {
        let req = api
            .eks
            .list_associated_access_policies()
            .cluster_name(cluster)
            .principal_arn(principal)
            .set_next_token(token.clone());
        let out = api.call("ListAssociatedAccessPolicies", || req.clone().send()).await?;
        if let Some(p) = out.associated_access_policies().iter().find(|p| p.policy_arn() == Some(policy)) {
            return Ok(Some(p.clone()));
        }
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(None),
        }
    }
}

#[async_trait]
impl AwsResource for AccessPolicyAssociation {
    fn type_name(&self) -> &'static str {
        "aws_eks_access_policy_association"
    }

    fn schema(&self) -> Schema {
        let fixed = |t: Type| Attribute::required(t).force_new();
        Schema::new()
            .attr("cluster_name", fixed(Type::String))
            .attr("principal_arn", fixed(Type::String))
            .attr("policy_arn", fixed(Type::String))
            .attr("associated_at", Attribute::computed(Type::String))
            .attr("modified_at", Attribute::computed(Type::String))
            .block(
                "access_scope",
                Block::list(
                    Schema::new()
                        .attr("type", fixed(Type::String))
                        .attr("namespaces", Attribute::optional(Type::set(Type::String)).force_new()),
                )
                .min_items(1)
                .max_items(1)
                .force_new(),
            )
    }

    fn options(&self) -> Options {
        Options { timeouts: &["create", "delete"], ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    /// AssociateAccessPolicy is an upsert: resending it is harmless.
    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let (cluster, principal, policy) = (
            p.get_str("cluster_name").unwrap_or_default(),
            p.get_str("principal_arn").unwrap_or_default(),
            p.get_str("policy_arn").unwrap_or_default(),
        );
        let scope = one_block(p.get("access_scope"));
        let namespaces = string_list(scope.get("namespaces"));
        let access_scope = AccessScope::builder()
            .set_type(scope.get_str("type").map(AccessScopeType::from))
            .set_namespaces((!namespaces.is_empty()).then_some(namespaces))
            .build();
        let call = api
            .eks
            .associate_access_policy()
            .cluster_name(cluster)
            .principal_arn(principal)
            .policy_arn(policy)
            .access_scope(access_scope);
        // An access entry made a moment ago is not always visible yet.
        api.call_settling("AssociateAccessPolicy", NOT_FOUND, || call.clone().send()).await?;
        Ok(format!("{cluster}#{principal}#{policy}"))
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some((cluster, principal, policy)) = split(id) else { return Ok(None) };
        let Some(a) = find(api, cluster, principal, policy).await? else { return Ok(None) };
        s.set("cluster_name", Value::from(cluster));
        s.set("principal_arn", Value::from(principal));
        s.set("policy_arn", Value::from(policy));
        s.set("associated_at", time(a.associated_at()));
        s.set("modified_at", time(a.modified_at()));
        let scope = a.access_scope().map(|sc| {
            let mut ns: Vec<&str> = sc.namespaces().iter().map(String::as_str).collect();
            ns.sort();
            Value::object([
                ("type", sc.r#type().map(|t| Value::from(t.as_str())).unwrap_or(Value::Null)),
                ("namespaces", if ns.is_empty() { Value::Null } else { list_value(ns) }),
            ])
        });
        s.set("access_scope", Value::List(scope.into_iter().collect()));
        Ok(Some(BTreeMap::new()))
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let Some((cluster, principal, policy)) = split(id) else { return Ok(()) };
        let req =
            api.eks.disassociate_access_policy().cluster_name(cluster).principal_arn(principal).policy_arn(policy);
        api.call("DisassociateAccessPolicy", || req.clone().send()).await?;
        Ok(())
    }

    /// Content: the principal's association of the planned policy is ours (the call is an upsert).
    async fn locate(&self, api: &Api<'_>, _token: &str, p: &Value) -> Result<Option<String>, AwsError> {
        let (Some(c), Some(pr), Some(po)) =
            (p.get_str("cluster_name"), p.get_str("principal_arn"), p.get_str("policy_arn"))
        else {
            return Ok(None);
        };
        Ok(find(api, c, pr, po).await?.map(|_| format!("{c}#{pr}#{po}")))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        split(id)
            .map(|_| vec![("id", Value::from(id))])
            .ok_or_else(|| format!("expected CLUSTER#PRINCIPAL_ARN#POLICY_ARN, got {id:?}"))
    }
}
