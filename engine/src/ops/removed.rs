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
    for r in &root.removed {
        let Some(from) = super::moves::address_text(&r.from) else {
            diags.push(Diagnostic::error("`removed` needs a resource or module address in `from`").at(r.from.span()).hint("e.g. from = aws_instance.old (no quotes, no instance key)"));
            continue;
        };
        if from.contains('[') {
            diags.push(Diagnostic::error(format!("`removed` cannot name one instance ({from})")).at(r.from.span()).hint("name the whole resource or module: its instances are removed together"));
            continue;
        }
        if still_configured(root, &from) {
            diags.push(
                Diagnostic::error(format!("removed resource block still exists: {from}"))
                    .at(r.from.span())
                    .detail(format!("this `removed` block declares the removal of {from}, but the configuration still declares it"))
                    .hint("delete the resource (or module) block, or delete this `removed` block"),
            );
            continue;
        }
        if r.destroy {
            continue;
        }
        let matching: Vec<String> = snapshot
            .resources
            .keys()
            .filter(|a| *a == &from || a.starts_with(&format!("{from}[")) || a.starts_with(&format!("{from}.")))
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
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(forgets)
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
