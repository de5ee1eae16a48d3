//! `console`: evaluates expressions against the root module and the state — variables
//! (with their defaults), locals, resource instances as recorded, root outputs — without
//! planning. What only apply knows (a module's outputs, instances not yet created) is unknown.

use super::variables::collect;
use super::workspace::Workspace;
use crate::config::references::Target;
use crate::config::{Mode, Module};
use crate::diag::{Diagnostic, Diagnostics};
use crate::eval::{eval, EvalEnv, Lookup, Scope};
use meshplan_provider::Value;
use meshplan_state::Snapshot;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Console<'a> {
    root: &'a Module,
    snapshot: &'a Snapshot,
    vars: BTreeMap<String, Value>,
    env: EvalEnv,
    /// Local evaluation depth: a cycle between locals is reported, not recursed into forever.
    depth: AtomicUsize,
}

impl<'a> Console<'a> {
    pub fn new(ws: &Workspace, root: &'a Module, snapshot: &'a Snapshot) -> Result<Self, Diagnostics> {
        let env = EvalEnv { timestamp_known: true, ..ws.env(super::workspace::now_rfc3339()) };
        let mut vars = collect(root, &ws.dir, &ws.sources, &ws.vars, &env)?;
        let scope = Scope::new(&crate::eval::UnknownLookup, &env, root.dir.clone());
        for (name, v) in &root.variables {
            if vars.contains_key(name) {
                continue;
            }
            match &v.default {
                Some(d) => {
                    if let Ok(value) = eval(&d.inner, d.file, &scope) {
                        vars.insert(name.clone(), value);
                    }
                }
                // As Terraform's console: a required variable given no value is unknown.
                None => {
                    vars.insert(name.clone(), Value::Unknown);
                }
            }
        }
        // Sensitive variables stay marked, so the console prints `(sensitive value)`.
        let vars = vars
            .into_iter()
            .map(|(k, v)| {
                let sensitive = root.variables.get(&k).is_some_and(|d| d.sensitive);
                (k, if sensitive { v.mark_sensitive() } else { v })
            })
            .collect();
        Ok(Console { root, snapshot, vars, env, depth: AtomicUsize::new(0) })
    }

    /// One line of input: its value, or the diagnostic (spans into the registered line).
    pub fn eval_line(&self, ws: &Workspace, line: &str, n: usize) -> Result<Value, Diagnostics> {
        let file = ws.sources.add(
            std::path::PathBuf::from("<console-input>"),
            format!("<console-input {n}>"),
            line.to_string(),
        );
        let expr: hcl_edit::expr::Expression = line.parse().map_err(|e: hcl_edit::parser::Error| {
            Diagnostics::from(
                Diagnostic::error("Invalid expression")
                    .detail(e.message().to_string())
                    .at(Some(crate::diag::Span { file, range: 0..line.len() })),
            )
        })?;
        let scope = Scope::new(self, &self.env, self.root.dir.clone());
        eval(&expr, file, &scope).map_err(Diagnostics::from)
    }

    fn resource(&self, mode: Mode, type_name: &str, name: &str) -> Result<Value, String> {
        let base = match mode {
            Mode::Managed => format!("{type_name}.{name}"),
            Mode::Data => format!("data.{type_name}.{name}"),
        };
        let configured = self
            .root
            .resources
            .values()
            .find(|r| r.key.mode == mode && r.key.type_name == type_name && r.key.name == name);
        let Some(res) = configured else {
            return Err(format!("a resource \"{type_name}\" \"{name}\" has not been declared in the root module"));
        };
        let value = |r: &meshplan_state::ResourceRecord| Value::from_json(&r.attributes).mark_paths(&r.sensitive_paths);
        if let Some(r) = self.snapshot.resources.get(&base) {
            return Ok(value(r));
        }
        let prefix = format!("{base}[");
        let instances: Vec<(&String, &meshplan_state::ResourceRecord)> =
            self.snapshot.resources.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix)).collect();
        if res.for_each.is_some() {
            let m = instances
                .iter()
                .filter_map(|(k, r)| {
                    serde_json::from_str::<String>(k[prefix.len()..].trim_end_matches(']'))
                        .ok()
                        .map(|key| (key, value(r)))
                })
                .collect();
            Ok(Value::Object(m))
        } else if res.count.is_some() {
            let mut l: Vec<(usize, Value)> = instances
                .iter()
                .filter_map(|(k, r)| k[prefix.len()..].trim_end_matches(']').parse().ok().map(|i| (i, value(r))))
                .collect();
            l.sort_by_key(|(i, _)| *i);
            Ok(Value::List(l.into_iter().map(|(_, v)| v).collect()))
        } else {
            Ok(Value::Unknown)
        }
    }
}

impl Lookup for Console<'_> {
    fn lookup(&self, target: &Target) -> Result<Value, String> {
        match target {
            Target::Var(n) => self
                .vars
                .get(n)
                .cloned()
                .ok_or_else(|| format!("an input variable with the name \"{n}\" has not been declared")),
            Target::Local(n) => {
                let l = self
                    .root
                    .locals
                    .get(n)
                    .ok_or_else(|| format!("a local value with the name \"{n}\" has not been declared"))?;
                if self.depth.fetch_add(1, Ordering::SeqCst) > 64 {
                    self.depth.store(0, Ordering::SeqCst);
                    return Err(format!("local.{n} refers to itself"));
                }
                let scope = Scope::new(self, &self.env, self.root.dir.clone());
                let r = eval(&l.expr.inner, l.expr.file, &scope).map_err(|d| d.summary);
                self.depth.fetch_sub(1, Ordering::SeqCst);
                r
            }
            Target::Resource(k) => self.resource(k.mode, &k.type_name, &k.name),
            Target::Module(call, _) if self.root.module_calls.contains_key(call) => Ok(Value::Unknown),
            Target::Module(call, _) => Err(format!("a module call named \"{call}\" has not been declared")),
            Target::Builtin => Ok(Value::Unknown),
            Target::Unknown(n) => Err(format!("unknown name `{n}`")),
        }
    }
}
