//! `removed` blocks (Terraform 1.7): a resource taken out of the configuration is either
//! destroyed (`destroy = true`, the default: the usual orphan delete) or forgotten
//! (`destroy = false`: dropped from the state, the object left alone).

use crate::config::Module;
use crate::diag::{Diagnostic, Diagnostics};
use crate::plan::{Action, ResourceChange};
use meshplan_provider::Value;
use meshplan_state::{ResourceMode, Snapshot};

/// Checks the root module's `removed` blocks and takes the records to forget out of the
/// snapshot (in memory); returns them as changes for the plan to show and apply to commit.
pub fn apply_removed_blocks(root: &Module, snapshot: &mut Snapshot) -> Result<Vec<ResourceChange>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut forgets = Vec::new();
    in_module(root, "", snapshot, &mut forgets, &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(forgets)
}

/// The `removed` blocks of module `m` (at config address `prefix`, e.g. `module.a.`) and of
/// the modules it calls. A child's `from` is relative to the child.
fn in_module(
    m: &Module,
    prefix: &str,
    snapshot: &mut Snapshot,
    forgets: &mut Vec<ResourceChange>,
    diags: &mut Diagnostics,
) {
    for (name, child) in &m.children {
        in_module(child, &format!("{prefix}module.{name}."), snapshot, forgets, diags);
    }
    for r in &m.removed {
        let Some(from) = super::moves::address_text(&r.from) else {
            diags.push(
                Diagnostic::error("`removed` needs a resource or module address in `from`")
                    .at(r.from.span())
                    .hint("e.g. from = aws_instance.old (no quotes, no instance key)"),
            );
            continue;
        };
        if from.contains('[') {
            diags.push(
                Diagnostic::error(format!("`removed` cannot name one instance ({from})"))
                    .at(r.from.span())
                    .hint("name the whole resource or module: its instances are removed together"),
            );
            continue;
        }
        if still_configured(m, &from) {
            diags.push(
                Diagnostic::error(format!("removed resource block still exists: {from}"))
                    .at(r.from.span())
                    .detail(format!(
                        "this `removed` block declares the removal of {from}, but the configuration still declares it"
                    ))
                    .hint("delete the resource (or module) block, or delete this `removed` block"),
            );
            continue;
        }
        if r.destroy {
            continue;
        }
        // Every instance, of the resource or of the module's resources, whatever their keys.
        let from = format!("{prefix}{from}");
        let matching: Vec<String> = snapshot
            .resources
            .keys()
            .filter(|a| {
                let cfg = crate::graph::config_address(a);
                cfg == from || cfg.starts_with(&format!("{from}."))
            })
            .cloned()
            .collect();
        for address in matching {
            let Some(rec) = snapshot.resources.remove(&address) else { continue };
            if rec.mode != ResourceMode::Managed {
                continue;
            }
            let (module_address, name, index) = crate::walk::destroy::split_address(&rec.address, &rec.type_name);
            forgets.push(ResourceChange {
                address: rec.address.clone(),
                module_address,
                mode: "managed".into(),
                type_name: rec.type_name.clone(),
                name,
                index,
                provider: rec.provider.clone(),
                action: Action::Delete,
                before: Some(Value::from_json(&rec.attributes).mark_paths(&rec.sensitive_paths)),
                after: None,
                replace_paths: vec![],
                reasons: vec!["removed from the configuration with lifecycle { destroy = false }".into()],
                deferred: None,
                importing: None,
                drifted: false,
                adopted: false,
            });
        }
    }
}

/// True when `address` (`aws_x.y`, `module.m`, `module.m.aws_x.y`) is still declared.
fn still_configured(root: &Module, address: &str) -> bool {
    let mut module = root;
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let (call, tail) = after.split_once('.').unwrap_or((after, ""));
        let Some(child) = module.children.get(call) else { return false };
        if tail.is_empty() {
            return true;
        }
        module = child;
        rest = tail;
    }
    module.resources.keys().any(|k| k.to_string() == rest)
}
