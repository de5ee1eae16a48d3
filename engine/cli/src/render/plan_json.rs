//! Terraform's JSON plan format (`plan -json`, `show -json`), so policy tools that read
//! Terraform plans (checkov, OPA/conftest) read ours unchanged.
//!
//! Deliberate difference: Terraform writes sensitive values in clear text in its JSON plan;
//! meshplan writes `null` in their place and marks them in `*_sensitive`, so secrets never
//! leave the state.

use meshplan_engine::addrs::{Mode, ProviderConfigAddr, ResourceInstanceAddr};
use meshplan_engine::plan::{Action, Plan, ResourceChange};
use meshplan_provider::Value;
use meshplan_state::Snapshot;
use serde_json::{json, Map, Value as J};
use std::collections::BTreeMap;

const FORMAT_VERSION: &str = "1.2";

/// The value with unknown and sensitive parts as null.
fn redacted(v: &Value) -> J {
    match v {
        Value::Unknown | Value::Sensitive(_) => J::Null,
        Value::List(l) => J::Array(l.iter().map(redacted).collect()),
        Value::Object(m) => J::Object(m.iter().map(|(k, x)| (k.clone(), redacted(x))).collect()),
        other => other.to_json(),
    }
}

/// Terraform's mask shape: `true` where the predicate holds, containers mirrored.
fn mask(v: &Value, hit: &dyn Fn(&Value) -> bool) -> J {
    if hit(v) {
        return J::Bool(true);
    }
    match v {
        Value::List(l) => J::Array(l.iter().map(|x| mask(x, hit)).collect()),
        Value::Object(m) => J::Object(
            m.iter()
                .filter_map(|(k, x)| {
                    let mk = mask(x, hit);
                    let keep = matches!(mk, J::Bool(true) | J::Array(_) | J::Object(_));
                    keep.then(|| (k.clone(), mk))
                })
                .collect(),
        ),
        _ => J::Bool(false),
    }
}

fn unknown_mask(v: &Value) -> J {
    // Marks dropped first: an unknown that is also sensitive (a replaced password's `result`)
    // is still unknown, and `mask` does not look inside Sensitive.
    mask(&v.unmarked(), &|x| matches!(x, Value::Unknown))
}
fn sensitive_mask(v: &Value) -> J {
    mask(v, &|x| matches!(x, Value::Sensitive(_)))
}
fn opt_sensitive(v: Option<&Value>) -> J {
    v.map(sensitive_mask).unwrap_or(J::Bool(false))
}

fn resource_change(c: &ResourceChange) -> J {
    let mut o = Map::new();
    o.insert("address".into(), json!(c.address));
    if !c.module_address.is_empty() {
        o.insert("module_address".into(), json!(c.module_address));
    }
    o.insert("mode".into(), json!(c.mode));
    o.insert("type".into(), json!(c.type_name));
    o.insert("name".into(), json!(c.name));
    if let Some(i) = &c.index {
        o.insert("index".into(), serde_json::to_value(i).unwrap_or(J::Null));
    }
    o.insert("provider_name".into(), json!(provider_name(&c.provider)));
    let mut change = Map::new();
    change.insert("actions".into(), json!(c.action.json_actions()));
    change.insert("before".into(), c.before.as_ref().map(redacted).unwrap_or(J::Null));
    change.insert("after".into(), c.after.as_ref().map(redacted).unwrap_or(J::Null));
    change.insert("after_unknown".into(), c.after.as_ref().map(unknown_mask).unwrap_or(json!({})));
    change.insert("before_sensitive".into(), opt_sensitive(c.before.as_ref()));
    change.insert("after_sensitive".into(), opt_sensitive(c.after.as_ref()));
    if !c.replace_paths.is_empty() {
        change.insert(
            "replace_paths".into(),
            serde_json::to_value(c.replace_paths.iter().map(|p| p.0.clone()).collect::<Vec<_>>()).unwrap_or(J::Null),
        );
    }
    if let Some(id) = &c.importing {
        change.insert("importing".into(), json!({ "id": id }));
    }
    o.insert("change".into(), J::Object(change));
    if let Some(r) = action_reason(c) {
        o.insert("action_reason".into(), json!(r));
    }
    if let Some(d) = &c.deferred {
        o.insert("meshplan_deferred".into(), json!(d));
    }
    J::Object(o)
}

pub(super) fn action_reason(c: &ResourceChange) -> Option<&'static str> {
    let r = c.reasons.first()?;
    Some(if r.starts_with("tainted") {
        "replace_because_tainted"
    } else if r.contains("-replace") {
        "replace_by_request"
    } else if r.contains("replace_triggered_by") {
        "replace_by_triggers"
    } else if r.contains("no longer in the configuration") {
        "delete_because_no_resource_config"
    } else if r.contains("verify a check block") {
        "read_because_check_nested"
    } else if c.action == Action::Read {
        "read_because_dependency_pending"
    } else {
        return None;
    })
}

/// `provider["aws"]` → `registry.terraform.io/hashicorp/aws`, the key of its schema in
/// `providers schema -json`.
fn provider_name(addr: &str) -> String {
    match ProviderConfigAddr::parse(addr) {
        Ok(p) => meshplan_engine::registry::source_address(&p.provider.name),
        Err(_) => addr.to_string(),
    }
}

/// Resources grouped into Terraform's nested module shape.
fn module_tree(resources: Vec<(String, J)>) -> J {
    let mut by_module: BTreeMap<String, Vec<J>> = BTreeMap::new();
    for (m, r) in resources {
        by_module.entry(m).or_default().push(r);
    }
    fn build(addr: &str, by: &BTreeMap<String, Vec<J>>) -> Map<String, J> {
        let mut o = Map::new();
        if !addr.is_empty() {
            o.insert("address".into(), json!(addr));
        }
        o.insert("resources".into(), J::Array(by.get(addr).cloned().unwrap_or_default()));
        let prefix = if addr.is_empty() { String::new() } else { format!("{addr}.") };
        let children: Vec<J> = by
            .keys()
            .filter(|k| {
                k.starts_with(&prefix) && !k.is_empty() && *k != addr && !k[prefix.len()..].contains(".module.")
            })
            .map(|k| J::Object(build(k, by)))
            .collect();
        if !children.is_empty() {
            o.insert("child_modules".into(), J::Array(children));
        }
        o
    }
    // Intermediate module levels with no resources still need an entry.
    let keys: Vec<String> = by_module.keys().cloned().collect();
    for k in keys {
        let mut cur = k.as_str();
        while let Some(i) = cur.rfind(".module.") {
            cur = &cur[..i];
            by_module.entry(cur.to_string()).or_default();
        }
    }
    by_module.entry(String::new()).or_default();
    J::Object(build("", &by_module))
}

fn planned_resource(c: &ResourceChange, values: &Value) -> J {
    let mut o = Map::new();
    o.insert("address".into(), json!(c.address));
    o.insert("mode".into(), json!(c.mode));
    o.insert("type".into(), json!(c.type_name));
    o.insert("name".into(), json!(c.name));
    if let Some(i) = &c.index {
        o.insert("index".into(), serde_json::to_value(i).unwrap_or(J::Null));
    }
    o.insert("provider_name".into(), json!(provider_name(&c.provider)));
    o.insert("schema_version".into(), json!(0));
    o.insert("values".into(), redacted(values));
    o.insert("sensitive_values".into(), sensitive_mask(values));
    J::Object(o)
}

pub fn plan_json(plan: &Plan, prior: Option<&Snapshot>) -> J {
    let planned: Vec<(String, J)> = plan
        .changes
        .iter()
        .filter(|c| c.mode == Mode::Managed && c.action != Action::Delete)
        .filter_map(|c| c.after.as_ref().map(|a| (c.module_address.clone(), planned_resource(c, a))))
        .collect();
    let outputs: Map<String, J> = plan
        .outputs
        .iter()
        .filter(|o| o.after.is_some())
        .map(|o| {
            let v = o.after.clone().unwrap_or_default();
            (
                o.name.clone(),
                json!({ "sensitive": o.sensitive, "value": if o.sensitive { J::Null } else { redacted(&v) } }),
            )
        })
        .collect();
    let output_changes: Map<String, J> = plan
        .outputs
        .iter()
        .map(|o| {
            let mark = |v: &Option<Value>| {
                v.as_ref().map(|v| if o.sensitive { J::Null } else { redacted(v) }).unwrap_or(J::Null)
            };
            (
                o.name.clone(),
                json!({
                    "actions": o.action.json_actions(),
                    "before": mark(&o.before),
                    "after": mark(&o.after),
                    "after_unknown": o.after.as_ref().is_some_and(|v| matches!(v.peel(), Value::Unknown)),
                    "before_sensitive": o.sensitive,
                    "after_sensitive": o.sensitive,
                }),
            )
        })
        .collect();
    let variables: Map<String, J> =
        plan.variables.iter().map(|(k, v)| (k.clone(), json!({ "value": redacted(v) }))).collect();
    let mut root = Map::new();
    root.insert("format_version".into(), json!(FORMAT_VERSION));
    root.insert("terraform_version".into(), json!(concat!("1.9.0+meshplan.", env!("CARGO_PKG_VERSION"))));
    root.insert("variables".into(), J::Object(variables));
    root.insert("planned_values".into(), json!({ "outputs": outputs, "root_module": module_tree(planned) }));
    let mut changes: Vec<J> = plan.changes.iter().map(resource_change).collect();
    // A forgotten instance: Terraform 1.7's `forget` action, the object left in place.
    changes.extend(plan.forgets.iter().map(|c| {
        let mut j = resource_change(c);
        j["change"]["actions"] = json!(["forget"]);
        j["action_reason"] = json!("delete_because_no_resource_config");
        j
    }));
    root.insert("resource_changes".into(), J::Array(changes));
    root.insert("output_changes".into(), J::Object(output_changes));
    if let Some(s) = prior {
        root.insert("prior_state".into(), state_json(s));
    }
    let configuration =
        if plan.configuration.is_null() { json!({ "root_module": {} }) } else { plan.configuration.clone() };
    root.insert("configuration".into(), configuration);
    if plan.relevant_attributes.as_array().is_some_and(|a| !a.is_empty()) {
        root.insert("relevant_attributes".into(), plan.relevant_attributes.clone());
    }
    if !plan.checks.is_empty() {
        root.insert("checks".into(), J::Array(plan.checks.iter().map(check_json).collect()));
    }
    root.insert("timestamp".into(), json!(plan.timestamp));
    root.insert("applyable".into(), json!(!plan.is_empty()));
    root.insert("complete".into(), json!(!plan.changes.iter().any(|c| c.deferred.is_some())));
    root.insert("errored".into(), json!(false));
    J::Object(root)
}

/// One `check` block instance in Terraform's `checks` shape (`module.m[0].check.x`: the
/// module instance's address, then the check).
fn check_json(c: &meshplan_engine::walk::CheckResult) -> J {
    let (module, name) = match c.address.rsplit_once(".check.") {
        Some((m, n)) => (Some(m), n),
        None => (None, c.address.trim_start_matches("check.")),
    };
    let problems: Vec<J> = c.problems.iter().map(|m| json!({ "message": m })).collect();
    let mut instance = json!({ "address": { "to_display": c.address }, "status": c.status });
    let mut address = json!({ "kind": "check", "name": name, "to_display": c.address });
    if let Some(m) = module {
        instance["address"]["module"] = json!(m);
        address["module"] = json!(meshplan_engine::graph::config_address(m));
        address["to_display"] = json!(format!("{}.check.{name}", meshplan_engine::graph::config_address(m)));
    }
    if !problems.is_empty() {
        instance["problems"] = J::Array(problems);
    }
    json!({ "address": address, "status": c.status, "instances": [instance] })
}

/// Terraform's JSON state shape (`show -json` without a plan file).
pub fn state_json(s: &Snapshot) -> J {
    let resources: Vec<(String, J)> = s
        .resources
        .values()
        .filter_map(|r| {
            let v = Value::from_json(&r.attributes).mark_paths(&r.sensitive_paths);
            let Ok(addr) = ResourceInstanceAddr::parse(&r.address) else { return None };
            let c = ResourceChange::of_record(&addr, r, Action::NoOp);
            Some((c.module_address.clone(), planned_resource(&c, &v)))
        })
        .collect();
    let outputs: Map<String, J> = s
        .outputs
        .iter()
        .map(|(k, o)| (k.clone(), json!({ "sensitive": o.sensitive, "type": super::state_json::cty_type(&o.value), "value": if o.sensitive { J::Null } else { o.value.clone() } })))
        .collect();
    json!({
        "format_version": FORMAT_VERSION,
        "terraform_version": concat!("1.9.0+meshplan.", env!("CARGO_PKG_VERSION")),
        "values": { "outputs": outputs, "root_module": module_tree(resources) },
    })
}
