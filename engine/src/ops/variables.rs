//! Root variable values, later sources winning (Terraform's precedence): the environment
//! (`TF_VAR_name`, then `MESHPLAN_VAR_name`, so meshplan's own name wins when both are set),
//! `terraform.tfvars`, `terraform.tfvars.json`, the `*.auto.tfvars[.json]` and
//! `*.auto.mpvars[.json]` files in lexical order, then -var and -var-file in command-line order.

use crate::config::files::automatic_var_files;
use crate::config::{parse_vars_file, Module};
use crate::diag::{did_you_mean, Diagnostic, Diagnostics, Sources};
use crate::eval::{eval, EvalEnv, Scope, UnknownLookup};
use hcl_edit::expr::Expression;
use meshplan_provider::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub enum VarSource {
    /// `-var name=value`
    Arg(String),
    /// `-var-file path`
    File(PathBuf),
}

pub fn collect(
    root: &Module,
    dir: &Path,
    sources: &Sources,
    given: &[VarSource],
    env: &EvalEnv,
) -> Result<BTreeMap<String, Value>, Diagnostics> {
    let mut out = BTreeMap::new();
    let mut diags = Diagnostics::default();
    let process_env: Vec<(String, String)> = std::env::vars().collect();
    for prefix in ["TF_VAR_", "MESHPLAN_VAR_"] {
        for (k, v) in &process_env {
            if let Some(name) = k.strip_prefix(prefix) {
                if let Some(var) = root.variables.get(name) {
                    out.insert(name.to_string(), raw_value(var.type_expr.is_none() || is_string_type(var), v));
                }
            }
        }
    }
    let mut files: Vec<(PathBuf, bool)> = automatic_var_files(dir).into_iter().map(|p| (p, false)).collect();
    for g in given {
        match g {
            VarSource::File(p) => files.push((p.clone(), true)),
            VarSource::Arg(_) => {}
        }
    }
    let scope = Scope::new(&UnknownLookup, env, dir.to_path_buf());
    let file_vals =
        |path: &Path, strict: bool, out: &mut BTreeMap<String, Value>, diags: &mut Diagnostics| match parse_vars_file(
            path, sources,
        ) {
            Ok(pairs) => {
                for (name, e) in pairs {
                    if !root.variables.contains_key(&name) {
                        if strict {
                            diags.push(undeclared(&name, root).at(e.span()));
                        }
                        continue;
                    }
                    match eval(&e.inner, e.file, &scope) {
                        Ok(v) if v.is_wholly_known() => {
                            out.insert(name, v);
                        }
                        Ok(_) => diags.push(
                            Diagnostic::error(format!(
                                "variable `{name}`: values in variables files must be constants"
                            ))
                            .at(e.span()),
                        ),
                        Err(d) => diags.push(d),
                    }
                }
            }
            Err(d) => diags.push(d),
        };
    for (p, strict) in files.iter().filter(|(_, s)| !s) {
        file_vals(p, *strict, &mut out, &mut diags);
    }
    for g in given {
        match g {
            VarSource::File(p) => file_vals(p, true, &mut out, &mut diags),
            VarSource::Arg(a) => {
                let Some((name, value)) = a.split_once('=') else {
                    diags.push(Diagnostic::error(format!("invalid -var {a:?}")).hint("write -var 'name=value'"));
                    continue;
                };
                let Some(var) = root.variables.get(name) else {
                    diags.push(undeclared(name, root));
                    continue;
                };
                if var.type_expr.is_none() || is_string_type(var) {
                    out.insert(name.to_string(), Value::String(value.to_string()));
                } else {
                    match value.parse::<Expression>() {
                        Ok(e) => match eval(&e, u32::MAX, &scope) {
                            Ok(v) => {
                                out.insert(name.to_string(), v);
                            }
                            Err(d) => diags.push(Diagnostic::error(format!("-var {name}: {}", d.summary))),
                        },
                        Err(e) => diags.push(
                            Diagnostic::error(format!("-var {name}: invalid value")).detail(e.message().to_string()),
                        ),
                    }
                }
            }
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(out)
}

fn is_string_type(v: &crate::config::Variable) -> bool {
    matches!(v.type_expr.as_ref().map(|t| &t.inner), Some(Expression::Variable(i)) if i.as_str() == "string")
}

fn raw_value(as_string: bool, s: &str) -> Value {
    if as_string {
        return Value::String(s.to_string());
    }
    match s.parse::<Expression>() {
        Ok(e) => eval(&e, u32::MAX, &Scope::new(&UnknownLookup, &EvalEnv::default(), PathBuf::new()))
            .unwrap_or_else(|_| Value::String(s.to_string())),
        Err(_) => Value::String(s.to_string()),
    }
}

fn undeclared(name: &str, root: &Module) -> Diagnostic {
    Diagnostic::error(format!("value for undeclared variable `{name}`")).maybe_hint(
        did_you_mean(name, root.variables.keys().map(String::as_str))
            .or_else(|| Some(format!("declare it with variable \"{name}\" {{}}"))),
    )
}
