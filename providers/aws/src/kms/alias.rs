//! `aws_kms_alias`. ID and import ID: the alias name (`alias/…`).

use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create, Naming, Options};
use aws_sdk_kms::types::AliasListEntry;
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Alias;

async fn find(api: &Api<'_>, name: &str) -> Result<Option<AliasListEntry>, AwsError> {
    let mut marker: Option<String> = None;
    loop {
        let req = api.kms.list_aliases().set_marker(marker.clone());
        let out = api.call("ListAliases", || req.clone().send()).await?;
        if let Some(a) = out.aliases().iter().find(|a| a.alias_name() == Some(name)) {
            return Ok(Some(a.clone()));
        }
        match out.next_marker() {
            Some(m) if out.truncated() => marker = Some(m.to_string()),
            _ => return Ok(None),
        }
    }
}

#[async_trait]
impl AwsResource for Alias {
    fn type_name(&self) -> &'static str {
        "aws_kms_alias"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("target_key_id", Attribute::required(Type::String))
            .attr("target_key_arn", Attribute::computed(Type::String))
    }

    fn options(&self) -> Options {
        Options { naming: Some(Naming { prefix: true, unnamed: "alias/meshplan-" }), ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        &["NotFoundException"]
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let name = req.name();
        if !name.starts_with("alias/") {
            return Err(api.invalid("name", format!("{name:?}: an alias name starts with \"alias/\"")));
        }
        let call = api
            .kms
            .create_alias()
            .alias_name(name)
            .target_key_id(req.planned.get_str("target_key_id").unwrap_or_default());
        let conflicts = crate::api::CreateCall { conflicts: &["AlreadyExistsException"], ..Default::default() };
        api.create("CreateAlias", conflicts, || call.clone().send(), || self.locate(api, req.token, req.planned))
            .await?;
        Ok(name.to_string())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(a) = find(api, id).await? else { return Ok(None) };
        let Some(target) = a.target_key_id() else { return Ok(None) };
        let arn = a.alias_arn().unwrap_or_default();
        // The key's ARN is the alias's with `key/<id>` for `alias/<name>`.
        let key_arn = arn.split_once(":alias/").map(|(head, _)| format!("{head}:key/{target}")).unwrap_or_default();
        s.set("name", Value::from(id));
        s.set("arn", Value::from(arn));
        // The configured form (ID or ARN) stays when it names the same key.
        let configured = s.get_str("target_key_id").filter(|t| *t == target || *t == key_arn).map(str::to_string);
        s.set("target_key_id", Value::from(configured.unwrap_or_else(|| target.to_string())));
        s.set("target_key_arn", Value::from(key_arn));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        let req =
            api.kms.update_alias().alias_name(id).target_key_id(planned.get_str("target_key_id").unwrap_or_default());
        api.call("UpdateAlias", || req.clone().send()).await?;
        Ok(())
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        api.call("DeleteAlias", || api.kms.delete_alias().alias_name(id).send()).await?;
        Ok(())
    }

    /// Aliases take no tags: the alias of the planned (token-derived) name pointing at the
    /// planned key is ours.
    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some(name) = planned.get_str("name") else { return Ok(None) };
        let target = planned.get_str("target_key_id").unwrap_or_default();
        let found = find(api, name).await?;
        let ours = found
            .as_ref()
            .and_then(|a| a.target_key_id())
            .is_some_and(|t| target == t || target.ends_with(&format!("/{t}")));
        Ok(ours.then(|| name.to_string()))
    }
}
