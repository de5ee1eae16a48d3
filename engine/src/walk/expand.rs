//! Expansion: module instances × `count`/`for_each` keys → resource instances; `-target` scope.

use super::locked;
use super::store::{ExpansionKind, InstanceLookup};
use super::Walker;
use crate::addrs::Target;
use crate::config::{Expr, Module};
use crate::diag::{Diagnostic, Diagnostics};
use crate::eval::{eval, Scope};
use crate::graph::{Graph, InstanceKey, ModuleInstanceAddr, ModulePath, Node};
use meshplan_provider::Value;
use petgraph::graph::NodeIndex;
use std::collections::HashSet;

/// One instance to evaluate: where, which key, and what `count.index`/`each` are.
#[derive(Clone, Debug)]
pub(crate) struct InstanceCtx {
    pub module: ModuleInstanceAddr,
    pub key: Option<InstanceKey>,
    pub count_index: Option<Value>,
    pub each: Option<(Value, Value)>,
}

impl Walker<'_> {
    pub(crate) fn module_instances(&self, path: &ModulePath) -> Vec<ModuleInstanceAddr> {
        if path.is_empty() {
            return vec![ModuleInstanceAddr::root()];
        }
        let store = locked(&self.store);
        store.module_instances.get(path).cloned().unwrap_or_default()
    }

    pub(crate) fn module(&self, path: &ModulePath) -> &Module {
        crate::graph::module_at(self.root, path).unwrap_or(self.root)
    }

    pub(crate) fn lookup<'s>(&'s self, path: &ModulePath, mi: &ModuleInstanceAddr) -> InstanceLookup<'s> {
        InstanceLookup { store: &self.store, module: self.module(path), instance: mi.clone() }
    }

    pub(crate) fn scope<'s>(
        &'s self,
        lookup: &'s InstanceLookup<'s>,
        path: &ModulePath,
        ctx: Option<&InstanceCtx>,
    ) -> Scope<'s> {
        let mut s = Scope::new(lookup, &self.env, self.module(path).dir.clone());
        if let Some(c) = ctx {
            s.count_index = c.count_index.clone();
            s.each = c.each.clone();
        }
        s
    }

    /// Evaluates `count`/`for_each` in module instance `mi`: the instance keys.
    pub(crate) fn expand(
        &self,
        path: &ModulePath,
        mi: &ModuleInstanceAddr,
        count: Option<&Expr>,
        for_each: Option<&Expr>,
        what: &str,
    ) -> Result<(ExpansionKind, Vec<InstanceCtx>), Diagnostics> {
        let lookup = self.lookup(path, mi);
        let scope = self.scope(&lookup, path, None);
        let one = |key, count_index, each| InstanceCtx { module: mi.clone(), key, count_index, each };
        if let Some(e) = count {
            let v = eval(&e.inner, e.file, &scope)?;
            if v.contains_sensitive() {
                return Err(Diagnostic::error(format!("{what}: `count` cannot be sensitive")).at(e.span()).into());
            }
            return match v {
                Value::Unknown => Err(unknown_expansion(e, what, "count")),
                Value::Number(n) if n >= 0.0 && n.fract() == 0.0 => {
                    let n = check_instance_count(n, e, what, "count")?;
                    Ok((
                        ExpansionKind::Count,
                        (0..n).map(|i| one(Some(InstanceKey::Int(i)), Some(Value::Number(i as f64)), None)).collect(),
                    ))
                }
                other => Err(Diagnostic::error(format!("{what}: invalid `count` value {other}"))
                    .at(e.span())
                    .hint("`count` must be a whole number ≥ 0")
                    .into()),
            };
        }
        if let Some(e) = for_each {
            let v = eval(&e.inner, e.file, &scope)?;
            if v.contains_sensitive() {
                return Err(Diagnostic::error(format!("{what}: `for_each` cannot be sensitive"))
                    .at(e.span())
                    .hint("instance keys are shown in every plan; use nonsensitive() keys")
                    .into());
            }
            return match v {
                Value::Unknown => Err(unknown_expansion(e, what, "for_each")),
                Value::Object(m) => {
                    check_instance_count(m.len() as f64, e, what, "for_each")?;
                    Ok((
                        ExpansionKind::ForEach,
                        m.into_iter()
                            .map(|(k, v)| one(Some(InstanceKey::Str(k.clone())), None, Some((Value::String(k), v))))
                            .collect(),
                    ))
                }
                Value::List(items) => {
                    check_instance_count(items.len() as f64, e, what, "for_each")?;
                    let mut keys = Vec::new();
                    for it in items {
                        match it {
                            Value::String(s) => keys.push(s),
                            Value::Unknown => return Err(unknown_expansion(e, what, "for_each")),
                            other => {
                                return Err(Diagnostic::error(format!(
                                    "{what}: `for_each` over a list needs strings, found {}",
                                    other.type_name()
                                ))
                                .at(e.span())
                                .hint("use a map, or toset([...]) of strings")
                                .into())
                            }
                        }
                    }
                    keys.sort();
                    keys.dedup();
                    Ok((
                        ExpansionKind::ForEach,
                        keys.into_iter()
                            .map(|k| {
                                one(
                                    Some(InstanceKey::Str(k.clone())),
                                    None,
                                    Some((Value::String(k.clone()), Value::String(k))),
                                )
                            })
                            .collect(),
                    ))
                }
                other => Err(Diagnostic::error(format!(
                    "{what}: `for_each` needs a map or a set of strings, got {}",
                    other.type_name()
                ))
                .at(e.span())
                .into()),
            };
        }
        Ok((ExpansionKind::Single, vec![one(None, None, None)]))
    }
}

/// The most instances one resource or module may expand to: `MESHPLAN_MAX_INSTANCES`, or
/// 100,000. A bound, so that `count = 1e308` is a diagnostic and not an allocation failure.
pub(crate) fn max_instances() -> usize {
    std::env::var("MESHPLAN_MAX_INSTANCES").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(100_000)
}

/// `n` as an instance count, when within [`max_instances`].
pub(crate) fn check_instance_count(n: f64, e: &Expr, what: &str, arg: &str) -> Result<usize, Diagnostics> {
    let max = max_instances();
    if n <= max as f64 {
        return Ok(n as usize);
    }
    let shown = if n < 1e15 { format!("{n:.0}") } else { format!("{n:e}") };
    Err(Diagnostic::error(format!("{what}: `{arg}` asks for {shown} instances, more than the limit of {max}"))
        .at(e.span())
        .label("too many instances")
        .hint("a resource or module expands to at most MESHPLAN_MAX_INSTANCES instances (default 100000); set it higher if you mean it")
        .into())
}

fn unknown_expansion(e: &Expr, what: &str, arg: &str) -> Diagnostics {
    Diagnostic::error(format!("{what}: invalid `{arg}` argument"))
        .at(e.span())
        .label("known only after apply")
        .detail(format!("the `{arg}` value depends on attributes that are not known until apply, so meshplan cannot tell how many instances to plan"))
        .hint("derive it from variables or locals, or apply the dependency first with -target")
        .into()
}

/// Resource nodes within `-target`: the targets and everything they depend on; and, of
/// those, the nodes named only by partial targets (`aws_vpc.a[0]`, `module.m["b"]`) that no
/// other target needs, of which only the named instances are planned (as Terraform does).
pub(crate) fn targeted_nodes(g: &Graph, targets: &[Target]) -> Option<(HashSet<NodeIndex>, HashSet<NodeIndex>)> {
    if targets.is_empty() {
        return None;
    }
    let mut named = Vec::new();
    for i in g.graph.node_indices() {
        if let Node::Resource { module, key } = &g.graph[i] {
            let naming: Vec<&Target> = targets.iter().filter(|t| t.contains_config(module, key)).collect();
            if !naming.is_empty() {
                named.push((i, naming.iter().all(|t| t.is_partial())));
            }
        }
    }
    // Everything the named nodes depend on, directly or not.
    let mut needed = HashSet::new();
    let mut stack: Vec<NodeIndex> =
        named.iter().flat_map(|(i, _)| g.graph.neighbors_directed(*i, petgraph::Direction::Incoming)).collect();
    while let Some(n) = stack.pop() {
        if needed.insert(n) {
            stack.extend(g.graph.neighbors_directed(n, petgraph::Direction::Incoming));
        }
    }
    let partly = named.iter().filter(|(i, only)| *only && !needed.contains(i)).map(|(i, _)| *i).collect();
    needed.extend(named.into_iter().map(|(i, _)| i));
    Some((needed, partly))
}
