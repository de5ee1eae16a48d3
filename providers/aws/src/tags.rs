//! `tags` and the computed `tags_all` (= the provider's `default_tags` merged under `tags`).

use crate::clients::AwsClients;
use crate::values::{map_value, string_map};
use meshplan_provider::{Attribute, Planned, Schema, Type, Value};
use std::collections::BTreeMap;

pub fn with_tags(schema: Schema) -> Schema {
    schema
        .attr("tags", Attribute::optional(Type::map(Type::String)))
        .attr("tags_all", Attribute::computed(Type::map(Type::String)))
}

/// The tags the object should carry: default tags, overridden by the resource's own.
pub fn desired(clients: &AwsClients, state: &Value) -> BTreeMap<String, String> {
    let mut all = clients.default_tags.clone();
    all.extend(string_map(state.get("tags")));
    all
}

/// Plans `tags_all` from `tags` so a change of either shows as an update.
pub fn plan(clients: &AwsClients, mut planned: Planned) -> Planned {
    let tags = planned.state.get("tags");
    let tags_all = if tags.is_wholly_known() { map_value(desired(clients, &planned.state)) } else { Value::Unknown };
    planned.state.set("tags_all", tags_all);
    planned
}

/// The tags a create writes: the desired ones plus the create's intent tag.
pub fn desired_with_intent(clients: &AwsClients, state: &Value, token: &str) -> BTreeMap<String, String> {
    crate::intent::with_intent(desired(clients, state), token)
}

/// Sets `tags_all` to what AWS holds and `tags` to the part not explained by default tags.
/// The intent tag is ours, not the user's: it never shows (so it is never drift, and tag
/// sync, which starts from `tags_all`, never removes it).
pub fn set_from_remote(clients: &AwsClients, state: &mut Value, mut remote: BTreeMap<String, String>) {
    remote.remove(meshplan_provider::INTENT_TAG);
    let own: BTreeMap<&String, &String> = remote
        .iter()
        .filter(|(k, v)| clients.default_tags.get(*k) != Some(*v) || state.get("tags").get(k).as_str() == Some(v))
        .collect();
    let tags = if own.is_empty() && state.get("tags").is_null() { Value::Null } else { map_value(own) };
    state.set("tags", tags);
    state.set("tags_all", map_value(&remote));
}

/// Keys to remove and pairs to set to go from `old` to `new`.
pub fn diff(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> (Vec<String>, BTreeMap<String, String>) {
    let removed = old.keys().filter(|k| !new.contains_key(*k)).cloned().collect();
    let changed = new.iter().filter(|(k, v)| old.get(*k) != Some(*v)).map(|(k, v)| (k.clone(), v.clone())).collect();
    (removed, changed)
}

/// The `plan` of a tagged resource with no other planning rules.
pub async fn plan_tagged(
    schema: &Schema,
    ctx: &meshplan_provider::Ctx,
    req: meshplan_provider::PlanRequest<'_>,
) -> Result<Planned, meshplan_provider::ProviderError> {
    let clients = ctx.client::<AwsClients>()?;
    Ok(plan(clients, meshplan_provider::plan_with_schema(schema, req)))
}
