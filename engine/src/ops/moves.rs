//! `moved` and `import` blocks of the root module.

use crate::addrs::{ResourceInstanceAddr, Target};
use crate::config::{Expr, Module};
use crate::diag::{Diagnostic, Diagnostics};
use crate::eval::{eval, EvalEnv, Scope, UnknownLookup};
use hcl_edit::expr::{Expression, TraversalOperator};
use meshplan_state::Snapshot;
use std::collections::BTreeMap;

/// Applies `moved { from, to }` to the snapshot (in memory); returns the instance moves made.
pub fn apply_moved_blocks(root: &Module, snapshot: &mut Snapshot) -> Result<Vec<(String, String)>, Diagnostics> {
    let mut moves = Vec::new();
    for m in &root.moved {
        let parsed = (address_text(&m.from), address_text(&m.to));
        let (Some(Ok(from)), Some(Ok(to))) =
            (parsed.0.as_deref().map(Target::parse), parsed.1.as_deref().map(Target::parse))
        else {
            return Err(Diagnostic::error("`moved` needs resource or module addresses")
                .at(m.span.clone())
                .hint("e.g. from = aws_vpc.old, to = aws_vpc.new")
                .into());
        };
        let matching: Vec<(String, ResourceInstanceAddr)> = snapshot
            .resources
            .keys()
            .filter_map(|a| {
                let inst = ResourceInstanceAddr::parse(a).ok()?;
                Some((a.clone(), from.moved_to(&to, &inst)?))
            })
            .collect();
        for (old, new) in matching {
            let new = new.to_string();
            if snapshot.resources.contains_key(&new) {
                return Err(Diagnostic::error(format!(
                    "cannot move {old} to {new}: {new} already exists in the state"
                ))
                .at(m.span.clone())
                .into());
            }
            if let Some(mut r) = snapshot.resources.remove(&old) {
                r.address = new.clone();
                snapshot.resources.insert(new.clone(), r);
                moves.push((old, new));
            }
        }
    }
    Ok(moves)
}

/// `import { to, id }` blocks: instance address → ID.
pub fn import_blocks(root: &Module, env: &EvalEnv) -> Result<BTreeMap<String, String>, Diagnostics> {
    let mut out = BTreeMap::new();
    let scope = Scope::new(&UnknownLookup, env, root.dir.clone());
    for i in &root.imports {
        let Some(to) = address_text(&i.to) else {
            return Err(Diagnostic::error("`import` `to` must be a resource address").at(i.to.span()).into());
        };
        let id = eval(&i.id.inner, i.id.file, &scope)?;
        match id.as_str() {
            Some(s) => {
                out.insert(to, s.to_string());
            }
            None => {
                return Err(Diagnostic::error("`import` `id` must be a string known at plan time")
                    .at(i.id.span())
                    .into())
            }
        }
    }
    Ok(out)
}

/// The address an expression like `module.a.aws_vpc.b[0]` spells.
pub(crate) fn address_text(e: &Expr) -> Option<String> {
    fn walk(e: &Expression, out: &mut String) -> Option<()> {
        match e {
            Expression::Variable(v) => out.push_str(v.as_str()),
            Expression::Traversal(t) => {
                walk(&t.expr, out)?;
                for op in &t.operators {
                    match op.value() {
                        TraversalOperator::GetAttr(i) => {
                            out.push('.');
                            out.push_str(i.as_str());
                        }
                        TraversalOperator::Index(Expression::Number(n)) => out.push_str(&format!("[{}]", n.as_u64()?)),
                        TraversalOperator::Index(Expression::String(s)) => out.push_str(&format!("[{:?}]", s.as_str())),
                        TraversalOperator::LegacyIndex(n) => out.push_str(&format!("[{}]", **n)),
                        _ => return None,
                    }
                }
            }
            _ => return None,
        }
        Some(())
    }
    let mut s = String::new();
    walk(&e.inner, &mut s)?;
    Some(s)
}
