//! Evaluation of expressions into [`Value`]s, with unknowns and sensitive marks.
//!
//! A [`Scope`] answers names: module-level ones (`var.x`, `aws_vpc.a`, `module.m`) through a
//! [`Lookup`] the caller provides (the graph walk's value store), local ones (`count.index`,
//! `each.key`, `self`, `for` variables) from the scope itself.

mod body;
mod expr;
mod template;
mod tfvars;
pub mod types;

pub use body::{eval_body, BodyMode};
pub use expr::eval;
pub use template::render_template_file;

use crate::config::references::Target;
use meshplan_provider::{Function, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Module-level names, answered by whoever runs the evaluation.
pub trait Lookup: Sync {
    /// The value of a reference target, or an error message when it does not exist.
    fn lookup(&self, target: &Target) -> Result<Value, String>;
}

/// A lookup where every module-level name is unknown: used by `validate`.
pub struct UnknownLookup;
impl Lookup for UnknownLookup {
    fn lookup(&self, _: &Target) -> Result<Value, String> {
        Ok(Value::Unknown)
    }
}

/// Things shared by every evaluation of a run.
#[derive(Clone, Default)]
pub struct EvalEnv {
    pub root_dir: PathBuf,
    pub plan_timestamp: String,
    /// Provider functions by name (both `provider::tls::jwks` and `jwks`).
    pub functions: Arc<HashMap<String, Function>>,
    /// `terraform.workspace`.
    pub workspace: String,
    /// `timestamp()` is known during apply (and in `console`), unknown while planning.
    pub timestamp_known: bool,
}

/// Everything an expression can see.
#[derive(Clone)]
pub struct Scope<'a> {
    pub lookup: &'a dyn Lookup,
    pub env: &'a EvalEnv,
    /// `path.module`.
    pub module_dir: PathBuf,
    pub count_index: Option<Value>,
    pub each: Option<(Value, Value)>,
    pub self_value: Option<Value>,
    /// Names bound by `for` expressions, dynamic blocks and templatefile variables (innermost last).
    pub locals: Vec<(String, Value)>,
}

impl<'a> Scope<'a> {
    pub fn new(lookup: &'a dyn Lookup, env: &'a EvalEnv, module_dir: PathBuf) -> Self {
        Scope { lookup, env, module_dir, count_index: None, each: None, self_value: None, locals: Vec::new() }
    }
    pub fn with_local(&self, name: &str, v: Value) -> Scope<'a> {
        let mut s = self.clone();
        s.locals.push((name.to_string(), v));
        s
    }
    fn bound(&self, name: &str) -> Option<&Value> {
        self.locals.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// The texts of the sensitive parts of `v` (strings, numbers and bools as they would print),
/// for scrubbing messages that might quote them. `inside` is true beneath a sensitive mark.
pub(crate) fn sensitive_texts(v: &meshplan_provider::Value, inside: bool, out: &mut Vec<String>) {
    use meshplan_provider::Value;
    match v {
        Value::Sensitive(inner) => sensitive_texts(inner, true, out),
        Value::List(items) => items.iter().for_each(|i| sensitive_texts(i, inside, out)),
        Value::Object(m) => {
            for (k, x) in m {
                if inside {
                    out.push(k.clone());
                }
                sensitive_texts(x, inside, out);
            }
        }
        Value::String(s) if inside => out.push(s.clone()),
        Value::Number(n) if inside => out.push(meshplan_provider::format_number(*n)),
        Value::Bool(b) if inside => out.push(b.to_string()),
        _ => {}
    }
}
