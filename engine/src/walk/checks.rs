//! `check` blocks: their assertions are evaluated once the walk is done (at the end of plan
//! and of apply). A failed assertion is a warning, never an error (Terraform 1.5).

use super::Walker;
use crate::diag::{Diagnostic, Diagnostics};
use crate::eval::eval;
use crate::graph::ModulePath;
use meshplan_provider::Value;
use serde::{Deserialize, Serialize};

/// The outcome of one check block, for the JSON plan's `checks`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// `check.<name>`.
    pub address: String,
    /// `pass`, `fail`, `error` or `unknown` (a condition not known until apply).
    pub status: String,
    /// The error messages of the failed assertions.
    pub problems: Vec<String>,
}

impl Walker<'_> {
    /// Evaluates the check blocks of every module instance against the walk's values.
    pub(crate) fn run_checks(&self) -> (Vec<CheckResult>, Diagnostics) {
        let mut results = Vec::new();
        let mut diags = Diagnostics::default();
        self.checks_in(self.root, &Vec::new(), &mut results, &mut diags);
        (results, diags)
    }

    fn checks_in(
        &self,
        module: &crate::config::Module,
        path: &ModulePath,
        results: &mut Vec<CheckResult>,
        diags: &mut Diagnostics,
    ) {
        if !module.checks.is_empty() {
            for mi in self.module_instances(path) {
                let prefix = if mi.0.is_empty() { String::new() } else { format!("{}.", mi.address()) };
                for check in &module.checks {
                    let lookup = self.lookup(path, &mi);
                    let scope = self.scope(&lookup, path, None);
                    results.push(self.judge(check, &format!("{prefix}check.{}", check.name), &scope, diags));
                }
            }
        }
        for (name, child) in &module.children {
            let mut child_path = path.clone();
            child_path.push(name.clone());
            self.checks_in(child, &child_path, results, diags);
        }
    }

    fn judge(
        &self,
        check: &crate::config::Check,
        address: &str,
        scope: &crate::eval::Scope<'_>,
        diags: &mut Diagnostics,
    ) -> CheckResult {
        let address = address.to_string();
        let mut status = "pass";
        let mut problems = Vec::new();
        for a in &check.asserts {
            let condition = match eval(&a.condition.inner, a.condition.file, scope) {
                Ok(v) => v.unmarked(),
                Err(d) => {
                    status = "error";
                    diags.push(warning(d, &address));
                    continue;
                }
            };
            match condition {
                Value::Bool(true) => {}
                Value::Bool(false) => {
                    // The message may quote a secret: it is shown only when it is not one.
                    let message = match eval(&a.error_message.inner, a.error_message.file, scope) {
                        Ok(Value::String(s)) => s,
                        Ok(v) if v.contains_sensitive() => "(the error message is sensitive)".to_string(),
                        Ok(v) => v.to_string(),
                        Err(_) => "(the error message could not be evaluated)".to_string(),
                    };
                    status = "fail";
                    diags.push(
                        Diagnostic::warning(format!("Check block assertion failed ({address})"))
                            .detail(message.clone())
                            .at(a.condition.span()),
                    );
                    problems.push(message);
                }
                Value::Unknown => {
                    if status == "pass" {
                        status = "unknown";
                    }
                }
                other => {
                    status = "error";
                    diags.push(
                        Diagnostic::warning(format!(
                            "{address}: the condition must be true or false, got {}",
                            other.type_name()
                        ))
                        .at(a.condition.span()),
                    );
                }
            }
        }
        CheckResult { address, status: status.to_string(), problems }
    }
}

fn warning(mut d: Diagnostic, address: &str) -> Diagnostic {
    d.severity = crate::diag::Severity::Warning;
    d.summary = format!("{address}: {}", d.summary);
    d
}
