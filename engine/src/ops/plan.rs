//! `plan`: refresh, diff, and the plan to show or save.

use super::variables::{collect, VarSource};
use super::workspace::{now_rfc3339, Workspace};
use crate::addrs::{AddrError, ResourceInstanceAddr, Target};
use crate::config::Module;
use crate::diag::Diagnostics;
use crate::graph::build_graph;
use crate::plan::{Action, OutputChange, Plan};
use crate::walk::{Hook, Phase, Stop, WalkOptions, Walker};
use meshplan_provider::Value;
use meshplan_state::Snapshot;
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct PlanOptions {
    pub vars: Vec<VarSource>,
    pub refresh: bool,
    pub destroy: bool,
    pub targets: Vec<String>,
    pub replace: Vec<String>,
    pub parallelism: usize,
    pub lock_timeout: Duration,
    /// Requested by an interrupt: the plan stops early (and fails).
    pub stop: Stop,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            vars: vec![],
            refresh: true,
            destroy: false,
            targets: vec![],
            replace: vec![],
            parallelism: 10,
            lock_timeout: Duration::ZERO,
            stop: Stop::default(),
        }
    }
}

/// Addresses given on the command line (`-target`, `-replace`), parsed; a malformed one is
/// an error, never a target that silently matches nothing.
pub(crate) fn parse_addresses<T>(
    texts: &[String],
    flag: &str,
    parse: fn(&str) -> Result<T, AddrError>,
) -> Result<Vec<T>, Diagnostics> {
    let mut out = Vec::new();
    let mut diags = Diagnostics::default();
    for text in texts {
        match parse(text) {
            Ok(a) => out.push(a),
            Err(e) => diags.push(
                crate::diag::Diagnostic::error(format!("Invalid {flag} address {text:?}"))
                    .detail(e.to_string())
                    .hint("a resource (`aws_vpc.main`), an instance (`aws_vpc.main[0]`, `aws_vpc.main[\"key\"]`) or, for -target, a module (`module.net`)"),
            ),
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(out)
    }
}

/// Plans against `snapshot` (the caller holds the lock). Returns the plan and any warnings.
pub async fn plan(
    ws: &Workspace,
    root: &Module,
    snapshot: &Snapshot,
    opts: &PlanOptions,
    hook: &dyn Hook,
) -> Result<(Plan, Diagnostics), Diagnostics> {
    let timestamp = now_rfc3339();
    let env = ws.env(timestamp.clone());
    let variables = collect(root, &ws.dir, &ws.sources, &opts.vars, &env)?;
    let (graph, diags) = build_graph(root, &[]);
    if diags.has_errors() {
        return Err(diags);
    }
    let mut moved_snapshot = snapshot.clone();
    let moves = super::moves::apply_moved_blocks(root, &mut moved_snapshot)?;
    let forgets = super::removed::apply_removed_blocks(root, &mut moved_snapshot)?;
    let imports = super::moves::import_blocks(root, &env)?;
    let options = WalkOptions {
        refresh: opts.refresh,
        parallelism: opts.parallelism,
        targets: parse_addresses(&opts.targets, "-target", Target::parse)?,
        replace: parse_addresses(&opts.replace, "-replace", ResourceInstanceAddr::parse)?,
        destroy: opts.destroy,
        variables: variables.clone(),
        imports,
        stop: opts.stop.clone(),
        stop_grace: None,
    };
    let walker_env = env.clone();
    let walker = Walker::new(root, &graph, &ws.registry, env, Phase::Plan, options, hook, moved_snapshot.clone());
    let mut result = walker.run().await;
    if result.diags.has_errors() {
        return Err(result.diags);
    }
    let outputs = output_changes(root, &moved_snapshot, &result.outputs, opts.destroy);
    let configuration = crate::plan::configuration::describe(root, &ws.registry, &walker_env);
    let relevant_attributes = crate::plan::configuration::relevant_attributes(root, &result.changes);
    let mut variables = variables;
    // Terraform's plan lists every root variable: those left at their default too.
    let scope = crate::eval::Scope::new(&crate::eval::UnknownLookup, &walker_env, root.dir.clone());
    for (name, v) in &root.variables {
        if let (false, Some(d)) = (variables.contains_key(name), &v.default) {
            if let Ok(value) = crate::eval::eval(&d.inner, d.file, &scope) {
                variables.insert(name.clone(), value);
            }
        }
    }
    let variables = variables
        .into_iter()
        .map(|(k, v)| {
            let sensitive = root.variables.get(&k).is_some_and(|d| d.sensitive);
            (k, if sensitive { v.mark_sensitive() } else { v })
        })
        .collect();
    let plan = Plan {
        format_version: Plan::FORMAT_VERSION,
        lineage: snapshot.lineage.clone(),
        serial: snapshot.serial,
        destroy: opts.destroy,
        config_dir: ws.dir.display().to_string(),
        variables,
        changes: result.changes,
        outputs,
        timestamp,
        targets: opts.targets.clone(),
        moves,
        forgets,
        checks: std::mem::take(&mut result.checks),
        configuration,
        relevant_attributes,
    };
    let mut diags = result.diags;
    if !plan.forgets.is_empty() {
        let list: Vec<String> = plan.forgets.iter().map(|c| format!(" - {}", c.address)).collect();
        diags.push(
            crate::diag::Diagnostic::warning("Some objects will no longer be managed by meshplan").detail(format!(
                "If you apply this plan, meshplan will discard its tracking information for the following objects, but it will not delete them:\n{}\n\nAfter applying this plan, meshplan will no longer manage these objects. You will need to import them to manage them again.",
                list.join("\n")
            )),
        );
    }
    Ok((plan, diags))
}

fn output_changes(
    root: &Module,
    snapshot: &Snapshot,
    after: &BTreeMap<String, Value>,
    destroy: bool,
) -> Vec<OutputChange> {
    let mut out = Vec::new();
    for (name, o) in &root.outputs {
        let before = snapshot.outputs.get(name).map(|r| {
            let v = Value::from_json(&r.value);
            if r.sensitive {
                v.mark_sensitive()
            } else {
                v
            }
        });
        let new = if destroy { None } else { after.get(name).cloned() };
        let action = match (&before, &new) {
            (None, None) => continue,
            (None, Some(_)) => Action::Create,
            (Some(_), None) => Action::Delete,
            (Some(b), Some(a)) if b.unmarked() == a.unmarked() => Action::NoOp,
            _ => Action::Update,
        };
        out.push(OutputChange { name: name.clone(), action, before, after: new, sensitive: o.sensitive });
    }
    for (name, r) in &snapshot.outputs {
        if !root.outputs.contains_key(name) {
            let v = Value::from_json(&r.value);
            out.push(OutputChange {
                name: name.clone(),
                action: Action::Delete,
                before: Some(if r.sensitive { v.mark_sensitive() } else { v }),
                after: None,
                sensitive: r.sensitive,
            });
        }
    }
    out
}
