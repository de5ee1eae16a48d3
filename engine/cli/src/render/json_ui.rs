//! Terraform's machine-readable UI (`apply -json`, `destroy -json`, `plan -json=ui`): one
//! JSON message per line on stdout, each with `@level`, `@message`, `@module`, `@timestamp`
//! and a `type` (`version`, `planned_change`, `change_summary`, `outputs`, `apply_start`,
//! `apply_progress`, `apply_complete`, `apply_errored`, `refresh_start`, `resource_drift`,
//! `provision_progress`, `diagnostic`, `log`), in the fields Terraform 1.11 writes (UI 1.2).

use super::plan_json::action_reason;
use super::state_json::cty_type;
use super::validate_json::diagnostic;
use super::Shell;
use meshplan_engine::addrs::ResourceInstanceAddr;
use meshplan_engine::diag::{Diagnostics, Severity, Sources};
use meshplan_engine::plan::{Action, Plan, ResourceChange};
use meshplan_provider::Value;
use serde_json::{json, Map, Value as J};
use std::collections::BTreeMap;
use std::time::Duration;

/// The Terraform release whose UI messages these are (the `terraform` field of `version`).
const TERRAFORM_UI_OF: &str = "1.11.0";

/// Writes UI messages through the one [`Shell`].
#[derive(Clone)]
pub struct JsonUi {
    shell: Shell,
}

impl JsonUi {
    pub fn new(shell: &Shell) -> Self {
        JsonUi { shell: shell.clone() }
    }

    fn emit(&self, level: &str, message: &str, kind: &str, extra: Map<String, J>) {
        let mut o = Map::new();
        o.insert("@level".into(), json!(level));
        o.insert("@message".into(), json!(message));
        o.insert("@module".into(), json!("terraform.ui"));
        o.insert("@timestamp".into(), json!(meshplan_engine::ops::now_rfc3339_micros()));
        o.extend(extra);
        o.insert("type".into(), json!(kind));
        self.shell.line(&J::Object(o).to_string());
    }

    /// The first message of every stream.
    pub fn version(&self) {
        let v = env!("CARGO_PKG_VERSION");
        let extra = fields([("terraform", json!(TERRAFORM_UI_OF)), ("meshplan", json!(v)), ("ui", json!("1.2"))]);
        self.emit("info", &format!("meshplan {v}"), "version", extra);
    }

    pub fn log(&self, level: &str, message: &str) {
        self.emit(level, message, "log", Map::new());
    }

    pub fn diagnostics(&self, diags: &Diagnostics, sources: &Sources) {
        for d in &diags.0 {
            let (level, word) = if d.severity == Severity::Error { ("error", "Error") } else { ("warn", "Warning") };
            let message = format!("{word}: {}", d.summary);
            self.emit(level, &message, "diagnostic", fields([("diagnostic", diagnostic(d, sources))]));
        }
    }

    /// A diagnostic made here rather than by the engine (no source range).
    pub fn error(&self, summary: &str, detail: &str) {
        let d = json!({"severity": "error", "summary": summary, "detail": detail});
        self.emit("error", &format!("Error: {summary}"), "diagnostic", fields([("diagnostic", d)]));
    }

    /// What a plan shows: drift, each planned change, the summary and the outputs' actions.
    pub fn plan(&self, plan: &Plan) {
        for c in plan.changes.iter().filter(|c| c.drifted) {
            let action = if c.action == Action::Create { "delete" } else { "update" };
            let change = json!({"resource": resource(&c.address), "action": action});
            self.emit(
                "info",
                &format!("{}: Drift detected ({action})", c.address),
                "resource_drift",
                fields([("change", change)]),
            );
        }
        for c in plan.changes.iter().filter(|c| c.action != Action::NoOp) {
            let action = change_action(c.action);
            let mut change = json!({"resource": resource(&c.address), "action": action});
            if let Some(r) = ui_reason(c) {
                change["reason"] = json!(r);
            }
            let message = format!("{}: Plan to {action}", c.address);
            self.emit("info", &message, "planned_change", fields([("change", change)]));
        }
        for (from, to) in &plan.moves {
            let change = json!({"resource": resource(to), "previous_resource": resource(from), "action": "move"});
            self.emit("info", &format!("{from}: Plan to move"), "planned_change", fields([("change", change)]));
        }
        let (add, change, remove) = plan.counts();
        let message = format!("Plan: {add} to add, {change} to change, {remove} to destroy.");
        self.summary(&message, add, change, remove, "plan");
        let outputs: Map<String, J> = plan
            .outputs
            .iter()
            .map(|o| (o.name.clone(), json!({"sensitive": o.sensitive, "action": change_action(o.action)})))
            .collect();
        if !outputs.is_empty() {
            self.emit(
                "info",
                &format!("Outputs: {}", outputs.len()),
                "outputs",
                fields([("outputs", J::Object(outputs))]),
            );
        }
    }

    /// The closing summary of an apply or destroy.
    pub fn applied(&self, destroy: bool, (add, change, remove): (usize, usize, usize), failed: bool) {
        let message = match (failed, destroy) {
            (true, _) => format!("Apply failed; what succeeded is saved in the state. Resources: {add} added, {change} changed, {remove} destroyed."),
            (false, true) => format!("Destroy complete! Resources: {remove} destroyed."),
            (false, false) => format!("Apply complete! Resources: {add} added, {change} changed, {remove} destroyed."),
        };
        self.summary(&message, add, change, remove, if destroy { "destroy" } else { "apply" });
    }

    fn summary(&self, message: &str, add: usize, change: usize, remove: usize, operation: &str) {
        let changes = json!({"add": add, "change": change, "import": 0, "remove": remove, "operation": operation});
        self.emit("info", message, "change_summary", fields([("changes", changes)]));
    }

    /// Output values after an apply; sensitive ones without their value, as Terraform.
    pub fn outputs(&self, outputs: &BTreeMap<String, Value>) {
        if outputs.is_empty() {
            return;
        }
        let m: Map<String, J> = outputs
            .iter()
            .map(|(k, v)| {
                let value = v.unmarked().to_json();
                let mut o = json!({"sensitive": v.contains_sensitive(), "type": cty_type(&value)});
                if !v.contains_sensitive() {
                    o["value"] = value;
                }
                (k.clone(), o)
            })
            .collect();
        self.emit("info", &format!("Outputs: {}", m.len()), "outputs", fields([("outputs", J::Object(m))]));
    }

    pub fn refresh_start(&self, address: &str) {
        let hook = json!({"resource": resource(address)});
        self.emit("info", &format!("{address}: Refreshing state..."), "refresh_start", fields([("hook", hook)]));
    }

    pub fn apply_start(&self, address: &str, action: Action, id: Option<&str>) {
        let mut hook = json!({"resource": resource(address), "action": hook_action(action)});
        let mut message = format!("{address}: {}...", verb(action, Phase::Start));
        if let Some(id) = id {
            hook["id_key"] = json!("id");
            hook["id_value"] = json!(id);
            message.push_str(&format!(" [id={id}]"));
        }
        self.emit("info", &message, "apply_start", fields([("hook", hook)]));
    }

    pub fn apply_progress(&self, address: &str, action: Action, elapsed: Duration) {
        let s = elapsed.as_secs();
        let hook = json!({"resource": resource(address), "action": hook_action(action), "elapsed_seconds": s});
        let message = format!("{address}: Still {}... [{s}s elapsed]", verb(action, Phase::Still));
        self.emit("info", &message, "apply_progress", fields([("hook", hook)]));
    }

    pub fn apply_complete(&self, address: &str, action: Action, elapsed: Duration, id: Option<&str>) {
        let s = elapsed.as_secs();
        let mut hook = json!({"resource": resource(address), "action": hook_action(action)});
        let mut message = format!("{address}: {} after {s}s", verb(action, Phase::Done));
        if let Some(id) = id.filter(|_| action != Action::Delete) {
            hook["id_key"] = json!("id");
            hook["id_value"] = json!(id);
            message.push_str(&format!(" [id={id}]"));
        }
        hook["elapsed_seconds"] = json!(s);
        self.emit("info", &message, "apply_complete", fields([("hook", hook)]));
    }

    pub fn apply_errored(&self, address: &str, action: Action, elapsed: Duration) {
        let s = elapsed.as_secs();
        let hook = json!({"resource": resource(address), "action": hook_action(action), "elapsed_seconds": s});
        let message = format!("{address}: {} errored after {s}s", verb(action, Phase::Noun));
        self.emit("error", &message, "apply_errored", fields([("hook", hook)]));
    }

    pub fn provision_progress(&self, address: &str, output: &str) {
        let hook = json!({"resource": resource(address), "provisioner": "local-exec", "output": output});
        let message = format!("{address}: (local-exec): {output}");
        self.emit("info", &message, "provision_progress", fields([("hook", hook)]));
    }
}

fn fields<const N: usize>(kv: [(&str, J); N]) -> Map<String, J> {
    kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Terraform's `resource` object for an instance address; an address that does not parse
/// (never expected) keeps only `addr`.
pub fn resource(address: &str) -> J {
    let Ok(a) = ResourceInstanceAddr::parse(address) else {
        return json!({"addr": address});
    };
    let module = a.resource.module.to_string();
    let local = address.strip_prefix(&format!("{module}.")).filter(|_| !module.is_empty()).unwrap_or(address);
    let key = serde_json::to_value(&a.key).unwrap_or(J::Null);
    let provider = a.resource.key.type_name.split('_').next().unwrap_or_default();
    json!({
        "addr": address,
        "module": module,
        "resource": local,
        "implied_provider": provider,
        "resource_type": a.resource.key.type_name,
        "resource_name": a.resource.key.name,
        "resource_key": key,
    })
}

/// A planned change's `action`: Terraform's ChangeAction names.
fn change_action(a: Action) -> &'static str {
    match a {
        Action::NoOp => "noop",
        Action::Create => "create",
        Action::Read => "read",
        Action::Update => "update",
        Action::DeleteThenCreate | Action::CreateThenDelete => "replace",
        Action::Delete => "delete",
    }
}

/// A hook's `action`: the walk reports the create half of a replacement as a create.
fn hook_action(a: Action) -> &'static str {
    match a {
        Action::DeleteThenCreate | Action::CreateThenDelete => "create",
        other => change_action(other),
    }
}

/// The UI's `reason`: the JSON plan's `action_reason` in the UI's shorter vocabulary.
fn ui_reason(c: &ResourceChange) -> Option<&'static str> {
    let replacing = matches!(c.action, Action::DeleteThenCreate | Action::CreateThenDelete);
    Some(match action_reason(c) {
        Some("replace_because_tainted") => "tainted",
        Some("replace_by_request") => "requested",
        Some(other) => other,
        None if replacing && !c.replace_paths.is_empty() => "cannot_update",
        None => return None,
    })
}

enum Phase {
    Start,
    Still,
    Done,
    Noun,
}

fn verb(a: Action, phase: Phase) -> &'static str {
    let forms = match a {
        Action::Delete => ["Destroying", "destroying", "Destruction complete", "Destruction"],
        Action::Update => ["Modifying", "modifying", "Modifications complete", "Modifications"],
        Action::Read => ["Reading", "reading", "Read complete", "Read"],
        _ => ["Creating", "creating", "Creation complete", "Creation"],
    };
    forms[phase as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_object_of_a_module_instance() {
        let r = resource(r#"module.m["a"].aws_vpc.x[2]"#);
        assert_eq!(
            r,
            json!({"addr": r#"module.m["a"].aws_vpc.x[2]"#, "module": r#"module.m["a"]"#, "resource": "aws_vpc.x[2]",
                   "implied_provider": "aws", "resource_type": "aws_vpc", "resource_name": "x", "resource_key": 2})
        );
        let d = resource("data.aws_region.r");
        assert_eq!(d["resource"], json!("data.aws_region.r"));
        assert_eq!(d["resource_key"], J::Null);
        assert_eq!(d["module"], json!(""));
    }
}
