//! `state list|show|rm|mv`: the state read and edited by address. Addresses are parsed once
//! ([`crate::addrs`]); `rm` and `mv` commit their own change.

use super::plan::parse_addresses;
use super::session::Session;
use super::state_diag;
use crate::addrs::{ResourceInstanceAddr, Target};
use crate::diag::{Diagnostic, Diagnostics};
use crate::plan::{Action, ResourceChange};
use meshplan_state::Commit;

/// The state's instance addresses within any of `filters` (all when none), in order.
pub fn list(session: &Session, filters: &[String]) -> Result<Vec<String>, Diagnostics> {
    let targets = parse_addresses(filters, "state list", Target::parse)?;
    Ok(instances(session)
        .filter(|(_, i)| targets.is_empty() || targets.iter().any(|t| t.contains(i)))
        .map(|(a, _)| a)
        .collect())
}

/// One instance as the state holds it (sensitive values marked), for `state show`.
pub fn show(session: &Session, address: &str) -> Result<ResourceChange, Diagnostics> {
    let addr = parse_addresses(&[address.to_string()], "state show", ResourceInstanceAddr::parse)?.remove(0);
    match session.snapshot.resources.get(&addr.to_string()) {
        Some(rec) => {
            let mut c = ResourceChange::of_record(&addr, rec, Action::NoOp);
            c.after = c.before.clone();
            Ok(c)
        }
        None => Err(not_in_state(address)),
    }
}

/// Forgets every instance the addresses cover (a resource: all its instances; a module:
/// everything in it), without destroying anything. Each address must match something.
pub fn rm(session: &Session, addresses: &[String]) -> Result<Vec<String>, Diagnostics> {
    let targets = parse_addresses(addresses, "state rm", Target::parse)?;
    let mut removed = Vec::new();
    for (text, t) in addresses.iter().zip(&targets) {
        let matched: Vec<String> = instances(session).filter(|(_, i)| t.contains(i)).map(|(a, _)| a).collect();
        if matched.is_empty() {
            return Err(not_in_state(text));
        }
        removed.extend(matched.into_iter().filter(|a| !removed.contains(a)).collect::<Vec<_>>());
    }
    session
        .backend
        .commit(removed.iter().cloned().map(Commit::Remove).collect())
        .map_err(|e| Diagnostics::from(state_diag(e)))?;
    Ok(removed)
}

/// Moves instances to another address by `moved` block rules (a resource keeps its instance
/// keys, a module its inner paths). Refused when nothing matches or a destination is taken.
pub fn mv(session: &Session, from: &str, to: &str) -> Result<Vec<(String, String)>, Diagnostics> {
    let mut parsed = parse_addresses(&[from.to_string(), to.to_string()], "state mv", Target::parse)?;
    let (to_t, from_t) = (parsed.remove(1), parsed.remove(0));
    let moves: Vec<(String, String)> =
        instances(session).filter_map(|(a, i)| Some((a, from_t.moved_to(&to_t, &i)?.to_string()))).collect();
    if moves.is_empty() {
        return Err(not_in_state(from));
    }
    if let Some((_, taken)) = moves.iter().find(|(_, new)| session.snapshot.resources.contains_key(new)) {
        return Err(Diagnostic::error(format!("{taken:?} already exists in the state"))
            .hint("remove it first with `meshplan state rm`, or choose another destination")
            .into());
    }
    let commits = moves.iter().map(|(from, to)| Commit::Move { from: from.clone(), to: to.clone() }).collect();
    session.backend.commit(commits).map_err(|e| Diagnostics::from(state_diag(e)))?;
    Ok(moves)
}

fn instances(session: &Session) -> impl Iterator<Item = (String, ResourceInstanceAddr)> + '_ {
    session.snapshot.resources.keys().filter_map(|a| Some((a.clone(), ResourceInstanceAddr::parse(a).ok()?)))
}

fn not_in_state(address: &str) -> Diagnostics {
    Diagnostic::error(format!("no resource instance {address:?} in the state"))
        .hint("`meshplan state list` shows the addresses the state holds")
        .into()
}
