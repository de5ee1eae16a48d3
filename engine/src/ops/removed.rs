//! `removed` blocks (Terraform 1.7): a resource taken out of the configuration is either
//! destroyed (`destroy = true`, the default: the usual orphan delete) or forgotten
//! (`destroy = false`: dropped from the state, the object left alone).

use crate::addrs::{ResourceInstanceAddr, Target};
use crate::config::Module;
use crate::diag::{Diagnostic, Diagnostics};
use crate::plan::{Action, ResourceChange};
use meshplan_state::{Mode, Snapshot};

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
        let Ok(target) = Target::parse(&format!("{prefix}{from}")) else { continue };
        let matching: Vec<(String, ResourceInstanceAddr)> = snapshot
            .resources
            .keys()
            .filter_map(|a| ResourceInstanceAddr::parse(a).ok().map(|i| (a.clone(), i)))
            .filter(|(_, i)| target.contains(i))
            .collect();
        for (address, inst) in matching {
            let Some(rec) = snapshot.resources.remove(&address) else { continue };
            if rec.mode != Mode::Managed {
                continue;
            }
            let mut change = ResourceChange::of_record(&inst, &rec, Action::Delete);
            change.reasons = vec!["removed from the configuration with lifecycle { destroy = false }".into()];
            forgets.push(change);
        }
    }
}

/// True when `address` (`aws_x.y`, `module.m`, `module.m.aws_x.y`) is still declared.
fn still_configured(root: &Module, address: &str) -> bool {
    let (calls, key) = match Target::parse(address) {
        Ok(Target::Module(m)) => (m.path(), None),
        Ok(Target::Resource(r)) => (r.module.path(), Some(r.key)),
        Ok(Target::Instance(i)) => (i.resource.module.path(), Some(i.resource.key)),
        Err(_) => return false,
    };
    let mut module = root;
    for call in &calls {
        let Some(child) = module.children.get(call) else { return false };
        module = child;
    }
    key.is_none_or(|k| module.resources.contains_key(&k))
}
