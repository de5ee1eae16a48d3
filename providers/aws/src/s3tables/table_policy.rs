//! `aws_s3tables_table_policy`: a table's resource policy. ID and import ID, as Terraform's:
//! `table_bucket_arn;namespace;name`. Putting the policy again is harmless, so `locate`
//! reports the create done when the table holds an equivalent policy.

use super::NOT_FOUND;
use crate::api::{Api, NotFound};
use crate::error::AwsError;
use crate::policy_json::{equivalent, keep_equivalent_prior, prefer_prior};
use crate::skeleton::{AwsResource, Create};
use meshplan_provider::{async_trait, Attribute, Planned, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct TablePolicy;

/// A table's address: bucket ARN, namespace, name.
pub(super) struct TableId<'a> {
    pub bucket: &'a str,
    pub namespace: &'a str,
    pub name: &'a str,
}

impl<'a> TableId<'a> {
    pub fn parse(id: &'a str) -> Result<TableId<'a>, String> {
        match id.split(';').collect::<Vec<_>>()[..] {
            [bucket, namespace, name] if bucket.starts_with("arn:") && !namespace.is_empty() && !name.is_empty() => {
                Ok(TableId { bucket, namespace, name })
            }
            _ => Err(format!("ID {id:?} is not of the form table_bucket_arn;namespace;name")),
        }
    }

    pub fn of(state: &'a Value) -> TableId<'a> {
        TableId {
            bucket: state.get_str("table_bucket_arn").unwrap_or_default(),
            namespace: state.get_str("namespace").unwrap_or_default(),
            name: state.get_str("name").unwrap_or_default(),
        }
    }

    pub fn render(&self) -> String {
        format!("{};{};{}", self.bucket, self.namespace, self.name)
    }
}

fn parse(api: &Api<'_>, id: &str) -> Result<(String, String, String), AwsError> {
    let t = TableId::parse(id).map_err(|m| api.invalid("id", m))?;
    Ok((t.bucket.to_string(), t.namespace.to_string(), t.name.to_string()))
}

/// The table's policy; `None` when the table or its policy is gone.
async fn remote(api: &Api<'_>, t: &TableId<'_>) -> Result<Option<String>, AwsError> {
    let req = api.s3tables.get_table_policy().table_bucket_arn(t.bucket).namespace(t.namespace).name(t.name);
    let out = api.call("GetTablePolicy", || req.clone().send()).await.or_not_found(NOT_FOUND)?;
    Ok(out.map(|o| o.resource_policy().to_string()))
}

async fn put(api: &Api<'_>, t: &TableId<'_>, policy: &str) -> Result<(), AwsError> {
    let req = api
        .s3tables
        .put_table_policy()
        .table_bucket_arn(t.bucket)
        .namespace(t.namespace)
        .name(t.name)
        .resource_policy(policy);
    api.call("PutTablePolicy", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl AwsResource for TablePolicy {
    fn type_name(&self) -> &'static str {
        "aws_s3tables_table_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("namespace", Attribute::required(Type::String).force_new())
            .attr("resource_policy", Attribute::required(Type::String))
            .attr("table_bucket_arn", Attribute::required(Type::String).force_new())
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    fn plan_more(&self, planned: &mut Planned, prior: Option<&Value>) {
        keep_equivalent_prior(&mut planned.state, prior, "resource_policy");
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let t = TableId::of(req.planned);
        put(api, &t, req.planned.get_str("resource_policy").unwrap_or_default()).await?;
        Ok(t.render())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let (bucket, namespace, name) = parse(api, id)?;
        let t = TableId { bucket: &bucket, namespace: &namespace, name: &name };
        let Some(policy) = remote(api, &t).await? else { return Ok(None) };
        s.set("table_bucket_arn", Value::from(bucket.as_str()));
        s.set("namespace", Value::from(namespace.as_str()));
        s.set("name", Value::from(name.as_str()));
        s.set("resource_policy", Value::from(prefer_prior(s.get_str("resource_policy"), &policy)));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        let (bucket, namespace, name) = parse(api, id)?;
        let t = TableId { bucket: &bucket, namespace: &namespace, name: &name };
        put(api, &t, planned.get_str("resource_policy").unwrap_or_default()).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let (bucket, namespace, name) = parse(api, id)?;
        let req = api.s3tables.delete_table_policy().table_bucket_arn(bucket).namespace(namespace).name(name);
        api.call("DeleteTablePolicy", || req.clone().send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let t = TableId::of(planned);
        let Some(policy) = planned.get_str("resource_policy") else { return Ok(None) };
        let found = remote(api, &t).await?;
        Ok(found.filter(|r| equivalent(r, policy)).map(|_| t.render()))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        let t = TableId::parse(id)?;
        Ok(vec![
            ("id", Value::from(id)),
            ("table_bucket_arn", Value::from(t.bucket)),
            ("namespace", Value::from(t.namespace)),
            ("name", Value::from(t.name)),
        ])
    }
}
