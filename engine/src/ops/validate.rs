//! `validate`: the configuration checked without providers' I/O: graph, types, schemas.

use super::workspace::Workspace;
use crate::config::{Mode, Module};
use crate::diag::{did_you_mean, Diagnostic, Diagnostics};
use crate::eval::{eval_body, BodyMode, Scope, UnknownLookup};
use crate::graph::build_graph;
use meshplan_provider::Value;

pub fn validate(ws: &Workspace, root: &Module) -> Diagnostics {
    let (_, mut diags) = build_graph(root, &[]);
    let env = ws.env(String::new());
    check_module(ws, root, &env, &mut diags);
    diags
}

fn check_module(ws: &Workspace, m: &Module, env: &crate::eval::EvalEnv, diags: &mut Diagnostics) {
    let mut scope = Scope::new(&UnknownLookup, env, m.dir.clone());
    for r in m.resources.values() {
        scope.count_index = r.count.as_ref().map(|_| Value::Unknown);
        scope.each = r.for_each.as_ref().map(|_| (Value::Unknown, Value::Unknown));
        let schema = match r.key.mode {
            Mode::Managed => ws.registry.resources.get(&r.key.type_name).map(|t| t.schema()),
            Mode::Data => ws.registry.data_sources.get(&r.key.type_name).map(|t| t.schema()),
        };
        match schema {
            Some(s) => diags.extend(eval_body(&s, &r.body, &scope, BodyMode::Resource(&r.key.type_name)).1),
            None => {
                let names: Vec<&str> = match r.key.mode {
                    Mode::Managed => ws.registry.resources.keys().map(String::as_str).collect(),
                    Mode::Data => ws.registry.data_sources.keys().map(String::as_str).collect(),
                };
                diags.push(
                    Diagnostic::error(format!("unknown {} type `{}`", if r.key.mode == Mode::Data { "data source" } else { "resource" }, r.key.type_name))
                        .at(r.span.clone())
                        .label("no provider in this build has this type")
                        .maybe_hint(did_you_mean(&r.key.type_name, names)),
                );
            }
        }
    }
    scope.count_index = None;
    scope.each = None;
    for p in &m.providers {
        match ws.registry.providers.get(&p.name) {
            Some(prov) => diags.extend(eval_body(&prov.config_schema(), &p.body, &scope, BodyMode::Provider(&p.name)).1),
            None => diags.push(
                Diagnostic::error(format!("unknown provider `{}`", p.name))
                    .at(p.span.clone())
                    .maybe_hint(did_you_mean(&p.name, ws.registry.providers.keys().map(String::as_str))),
            ),
        }
    }
    for child in m.children.values() {
        check_module(ws, child, env, diags);
    }
}
