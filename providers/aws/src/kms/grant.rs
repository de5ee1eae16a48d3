//! `aws_kms_grant`. ID and import ID: `KEY_ID:GRANT_ID` (the key as configured, ID or ARN).
//! Every argument replaces the grant. Grants take no tags and CreateGrant no client token, so
//! after a crash the key's grant with the planned content (grantee, operations, name,
//! retiring principal, constraints) is the one the create made. Destroy retires the grant
//! when `retire_on_delete`, else revokes it.

use super::NOT_FOUND;
use crate::api::{Api, CreateCall, Created};
use crate::error::AwsError;
use crate::resource::read_after_write;
use crate::skeleton::{missing_id, AwsResource, Create, Managed};
use crate::values::{opt_str, string_list, string_map};
use aws_sdk_kms::types::{GrantConstraints, GrantListEntry, GrantOperation};
use meshplan_provider::{
    async_trait, Attribute, Block, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

pub struct Grant;

/// `KEY:GRANT` → (key, grant); the key may be an ARN (colons), the grant ID has none.
fn split_id(id: &str) -> Option<(&str, &str)> {
    id.rsplit_once(':').filter(|(k, g)| !k.is_empty() && !g.is_empty())
}

fn constraints(planned: &Value) -> Option<GrantConstraints> {
    let block = planned.get("constraints").as_list()?.first()?;
    let map = |k: &str| {
        let m = string_map(block.get(k));
        (!block.get(k).is_null()).then(|| m.into_iter().collect::<HashMap<_, _>>())
    };
    Some(
        GrantConstraints::builder()
            .set_encryption_context_equals(map("encryption_context_equals"))
            .set_encryption_context_subset(map("encryption_context_subset"))
            .build(),
    )
}

fn constraints_value(c: Option<&GrantConstraints>) -> Value {
    let Some(c) = c else { return Value::List(vec![]) };
    let map = |m: Option<&HashMap<String, String>>| {
        m.map(|m| Value::object(m.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))))).unwrap_or(Value::Null)
    };
    Value::List(vec![Value::object([
        ("encryption_context_equals", map(c.encryption_context_equals())),
        ("encryption_context_subset", map(c.encryption_context_subset())),
    ])])
}

fn operations(g: &GrantListEntry) -> BTreeSet<String> {
    g.operations().iter().map(|o| o.as_str().to_string()).collect()
}

/// Whether `g` is the grant `planned` describes.
fn matches(g: &GrantListEntry, planned: &Value) -> bool {
    let want: BTreeSet<String> = string_list(planned.get("operations")).into_iter().collect();
    g.grantee_principal() == planned.get_str("grantee_principal")
        && operations(g) == want
        && g.name().filter(|n| !n.is_empty()) == planned.get_str("name")
        && g.retiring_principal() == planned.get_str("retiring_principal")
        && constraints_value(g.constraints()) == constraints_value(constraints(planned).as_ref())
}

async fn grants(api: &Api<'_>, key: &str, grant: Option<&str>) -> Result<Vec<GrantListEntry>, AwsError> {
    let (mut all, mut marker) = (Vec::new(), None::<String>);
    loop {
        let req = api.kms.list_grants().key_id(key).set_grant_id(grant.map(str::to_string)).set_marker(marker.clone());
        let out = api.call("ListGrants", || req.clone().send()).await?;
        all.extend(out.grants().iter().cloned());
        match out.next_marker() {
            Some(m) if out.truncated() => marker = Some(m.to_string()),
            _ => return Ok(all),
        }
    }
}

impl Grant {
    /// CreateGrant (after a lookup when an earlier attempt may have landed): the ID and, when
    /// this attempt made the grant, its token (AWS shows it in this answer only).
    async fn send(&self, api: &Api<'_>, p: &Value) -> Result<(String, Option<String>), AwsError> {
        let key = p.get_str("key_id").unwrap_or_default();
        let ops: Vec<GrantOperation> =
            string_list(p.get("operations")).iter().map(|o| GrantOperation::from(o.as_str())).collect();
        let tokens = string_list(p.get("grant_creation_tokens"));
        let call = api
            .kms
            .create_grant()
            .key_id(key)
            .grantee_principal(p.get_str("grantee_principal").unwrap_or_default())
            .set_operations(Some(ops))
            .set_name(p.get_str("name").map(str::to_string))
            .set_retiring_principal(p.get_str("retiring_principal").map(str::to_string))
            .set_constraints(constraints(p))
            .set_grant_tokens((!tokens.is_empty()).then_some(tokens));
        let locate = || self.locate(api, "", p);
        match api.create("CreateGrant", CreateCall::default(), || call.clone().send(), locate).await? {
            Created::Sent(out) => {
                let grant = out.grant_id().ok_or_else(|| missing_id(api, "CreateGrant"))?;
                Ok((format!("{key}:{grant}"), out.grant_token().map(str::to_string)))
            }
            Created::Found(id) => Ok((id, None)),
        }
    }
}

/// `aws_kms_grant` on the skeleton, except the create, which keeps the grant token.
pub struct GrantType(pub Managed<Grant>);

#[async_trait]
impl ResourceType for GrantType {
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }
    fn schema(&self) -> Schema {
        self.0.schema()
    }
    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        self.0.plan(ctx, req).await
    }
    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        self.0.read(ctx, state).await
    }
    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let (id, token) = self.0 .0.send(&api, planned).await?;
        let mut state = planned.clone();
        state.set("id", Value::from(id));
        state.set("grant_token", token.map(Value::from).unwrap_or(Value::Null));
        read_after_write(&self.0, ctx, state).await
    }
    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        self.0.delete(ctx, state).await
    }
    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        self.0.find(ctx, token, planned).await
    }
    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        self.0.import(ctx, id).await
    }
}

#[async_trait]
impl AwsResource for Grant {
    fn type_name(&self) -> &'static str {
        "aws_kms_grant"
    }

    fn schema(&self) -> Schema {
        let context = Schema::new()
            .attr("encryption_context_equals", Attribute::optional(Type::map(Type::String)))
            .attr("encryption_context_subset", Attribute::optional(Type::map(Type::String)));
        Schema::new()
            .attr("grant_creation_tokens", Attribute::optional(Type::set(Type::String)).force_new())
            .attr("grant_id", Attribute::computed(Type::String))
            .attr("grant_token", Attribute::computed(Type::String).sensitive())
            .attr("grantee_principal", Attribute::required(Type::String).force_new())
            .attr("key_id", Attribute::required(Type::String).force_new())
            .attr("name", Attribute::optional(Type::String).force_new())
            .attr("operations", Attribute::required(Type::set(Type::String)).force_new())
            .attr("retire_on_delete", Attribute::optional(Type::Bool).default(false).force_new())
            .attr("retiring_principal", Attribute::optional(Type::String).force_new())
            .block("constraints", Block::set(context).force_new())
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        Ok(self.send(api, req.planned).await?.0)
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some((key, grant)) = split_id(id) else { return Ok(None) };
        let found = grants(api, key, Some(grant)).await?;
        let Some(g) = found.iter().find(|g| g.grant_id() == Some(grant)) else { return Ok(None) };
        s.set("key_id", Value::from(key));
        s.set("grant_id", Value::from(grant));
        s.set("grantee_principal", opt_str(g.grantee_principal()));
        s.set("name", opt_str(g.name().filter(|n| !n.is_empty())));
        s.set("retiring_principal", opt_str(g.retiring_principal()));
        // The prior order when the set is the same (sets compare by content, lists by order).
        let remote = operations(g);
        let prior: BTreeSet<String> = string_list(s.get("operations")).into_iter().collect();
        if prior != remote {
            s.set("operations", Value::List(remote.into_iter().map(Value::from).collect()));
        }
        s.set("constraints", constraints_value(g.constraints()));
        if s.get("grant_token").is_unknown() {
            s.set("grant_token", Value::Null);
        }
        Ok(Some(BTreeMap::new()))
    }

    async fn delete(&self, api: &Api<'_>, id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let Some((key, grant)) = split_id(id) else { return Ok(()) };
        if state.get("retire_on_delete").as_bool() == Some(true) {
            api.call("RetireGrant", || api.kms.retire_grant().key_id(key).grant_id(grant).send()).await?;
        } else {
            api.call("RevokeGrant", || api.kms.revoke_grant().key_id(key).grant_id(grant).send()).await?;
        }
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some(key) = planned.get_str("key_id") else { return Ok(None) };
        let found = grants(api, key, None).await?;
        Ok(found.iter().find(|g| matches(g, planned)).and_then(|g| g.grant_id()).map(|g| format!("{key}:{g}")))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        let (key, grant) = split_id(id).ok_or_else(|| format!("{id:?}: expected KEY_ID:GRANT_ID"))?;
        Ok(vec![("id", Value::from(id)), ("key_id", Value::from(key)), ("grant_id", Value::from(grant))])
    }
}

#[cfg(test)]
mod tests {
    use super::split_id;

    #[test]
    fn the_id_splits_at_the_last_colon() {
        assert_eq!(split_id("1234abcd:g-1"), Some(("1234abcd", "g-1")));
        let arn = "arn:aws:kms:us-east-1:123456789012:key/k1:g-1";
        assert_eq!(split_id(arn), Some(("arn:aws:kms:us-east-1:123456789012:key/k1", "g-1")));
        assert_eq!(split_id("no-grant"), None);
    }
}
