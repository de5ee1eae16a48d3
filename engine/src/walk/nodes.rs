//! Variable, local, output, module-expansion and provider nodes.

use super::locked;
use super::store::ExpansionKind;
use super::{Event, Phase, ProviderSlot, Walker};
use crate::config::ProviderRef;
use crate::diag::{Diagnostic, Diagnostics};
use crate::eval::types::TypeConstraint;
use crate::eval::{eval, eval_body, BodyMode};
use crate::graph::{ModuleInstanceAddr, ModulePath, ProviderConfigAddr};
use meshplan_provider::Value;
use std::sync::Arc;
use tokio::sync::Semaphore;

type R = Result<(), Diagnostics>;

impl Walker<'_> {
    pub(crate) fn variable_node(&self, path: &ModulePath, name: &str) -> R {
        let module = self.module(path);
        let Some(var) = module.variables.get(name) else { return Ok(()) };
        let ty = match &var.type_expr {
            Some(e) => TypeConstraint::parse(e)?,
            None => TypeConstraint::Any,
        };
        for mi in self.module_instances(path) {
            // The raw value: from the caller (module input or root -var), else the default.
            let given: Option<Value> = if path.is_empty() {
                self.options.variables.get(name).cloned()
            } else {
                let parent_path = &path[..path.len() - 1];
                let parent = mi.parent().unwrap_or_default();
                let call = &self.module(&parent_path.to_vec()).module_calls
                    [path.last().map(String::as_str).unwrap_or_default()];
                match call.inputs.get(name) {
                    Some(e) => {
                        let lookup = self.lookup(&parent_path.to_vec(), &parent);
                        let mut scope = self.scope(&lookup, &parent_path.to_vec(), None);
                        let iteration = locked(&self.store).module_iteration.get(&mi).cloned();
                        if let Some((count_index, each)) = iteration {
                            scope.count_index = count_index;
                            scope.each = each;
                        }
                        Some(eval(&e.inner, e.file, &scope)?)
                    }
                    None => None,
                }
            };
            let value = match given {
                // An explicit null stays null unless the variable is `nullable = false`
                // (Terraform ≥ 1.1); then the default stands in.
                Some(v) if !v.is_null() || var.nullable || var.default.is_none() => v,
                _ => match &var.default {
                    Some(d) => {
                        let lookup = self.lookup(path, &mi);
                        eval(&d.inner, d.file, &self.scope(&lookup, path, None))?
                    }
                    None => {
                        return Err(Diagnostic::error(format!("no value for required variable `{name}`"))
                            .at(var.span.clone())
                            .hint(format!("set it with -var '{name}=...', a -var-file, terraform.tfvars, a *.auto.tfvars or *.auto.mpvars file, TF_VAR_{name} or MESHPLAN_VAR_{name}"))
                            .into())
                    }
                },
            };
            if value.is_null() && !var.nullable {
                return Err(Diagnostic::error(format!("variable `{name}` must not be null"))
                    .at(var.span.clone())
                    .into());
            }
            // Marked before conversion, so a conversion error cannot quote a sensitive value.
            let value = if var.sensitive { value.mark_sensitive() } else { value };
            let mut value = ty.convert(value).map_err(|m| {
                Diagnostic::error(format!("invalid value for variable `{name}`"))
                    .detail(m.clone())
                    .at(var.type_expr.as_ref().and_then(|t| t.span()).or(var.span.clone()))
                    .label(m)
                    .hint(format!("the variable is declared with type {}", ty.name()))
            })?;
            if var.sensitive {
                value = value.mark_sensitive();
            }
            locked(&self.store).vars.insert((mi.clone(), name.to_string()), value.clone());
            for v in &var.validations {
                let lookup = self.lookup(path, &mi);
                let scope = self.scope(&lookup, path, None);
                match eval(&v.condition.inner, v.condition.file, &scope)?.unmarked() {
                    Value::Bool(true) | Value::Unknown => {}
                    _ => {
                        let msg = match eval(&v.error_message.inner, v.error_message.file, &scope) {
                            Ok(m) if m.contains_sensitive() => {
                                "the error message uses a sensitive value, so it is not shown".to_string()
                            }
                            Ok(m) => m.as_str().map(str::to_string).unwrap_or_else(|| "validation failed".into()),
                            Err(_) => "validation failed".into(),
                        };
                        return Err(Diagnostic::error(format!("invalid value for variable `{name}`"))
                            .detail(msg.clone())
                            .at(v.condition.span())
                            .label(msg)
                            .hint("this check is the variable's `validation` block")
                            .into());
                    }
                }
            }
        }
        Ok(())
    }

    pub(crate) fn local_node(&self, path: &ModulePath, name: &str) -> R {
        let Some(l) = self.module(path).locals.get(name) else { return Ok(()) };
        for mi in self.module_instances(path) {
            let lookup = self.lookup(path, &mi);
            let v = eval(&l.expr.inner, l.expr.file, &self.scope(&lookup, path, None))?;
            locked(&self.store).locals.insert((mi, name.to_string()), v);
        }
        Ok(())
    }

    pub(crate) fn output_node(&self, path: &ModulePath, name: &str) -> R {
        let Some(o) = self.module(path).outputs.get(name) else { return Ok(()) };
        if self.options.destroy && path.is_empty() {
            // Root outputs are removed by a destroy, never evaluated (Terraform ≥ 0.14): what
            // they read may be gone already. Module outputs may configure providers: kept.
            return Ok(());
        }
        for mi in self.module_instances(path) {
            let lookup = self.lookup(path, &mi);
            let mut v = eval(&o.value.inner, o.value.file, &self.scope(&lookup, path, None))?;
            if path.is_empty() && v.contains_sensitive() && !o.sensitive {
                return Err(Diagnostic::error(format!("output `{name}` refers to sensitive values"))
                    .at(o.value.span())
                    .hint("add `sensitive = true` to the output to confirm it may hold secrets")
                    .into());
            }
            // A root output is hidden when declared sensitive. A module output's `sensitive`
            // only acknowledges the marks its value carries, as in Terraform: it adds none of
            // its own (`value = module.m.declared_sensitive` needs no `sensitive` above).
            if o.sensitive && path.is_empty() {
                v = v.mark_sensitive();
            }
            locked(&self.store).outputs.insert((mi, name.to_string()), v);
        }
        Ok(())
    }

    pub(crate) fn module_expand_node(&self, path: &ModulePath) -> R {
        let (name, parent_path) = match path.split_last() {
            Some((n, p)) => (n.clone(), p.to_vec()),
            None => return Ok(()),
        };
        let call = &self.module(&parent_path).module_calls[&name];
        let mut instances = Vec::new();
        let mut kind = ExpansionKind::Single;
        for parent in self.module_instances(&parent_path) {
            let (k, ctxs) = self.expand(
                &parent_path,
                &parent,
                call.count.as_ref(),
                call.for_each.as_ref(),
                &format!("module \"{name}\""),
            )?;
            kind = k;
            for c in ctxs {
                let mi = parent.child(&name, c.key.clone());
                locked(&self.store).module_iteration.insert(mi.clone(), (c.count_index, c.each));
                instances.push(mi);
            }
        }
        let child = self.module(path);
        if kind != ExpansionKind::Single && !child.providers.is_empty() {
            return Err(Diagnostic::error(format!(
                "module \"{name}\" declares provider configurations, so it cannot use count or for_each"
            ))
            .at(call.span.clone())
            .hint("declare the providers in the caller and pass them with `providers = { ... }`")
            .into());
        }
        let mut store = locked(&self.store);
        store.module_instances.insert(path.clone(), instances);
        store.module_kinds.insert(path.clone(), kind);
        Ok(())
    }

    pub(crate) async fn provider_node(&self, path: &ModulePath, pref: &ProviderRef) -> R {
        let key = ProviderConfigAddr::new(path.clone(), pref.clone());
        let addr = key.to_string();
        let Some(provider) = self.registry.providers.get(&pref.name).cloned() else {
            let names: Vec<&str> = self.registry.providers.keys().map(String::as_str).collect();
            let span = self.module(path).providers.iter().find(|p| &p.reference() == pref).and_then(|p| p.span.clone());
            // An implied provider (no `provider` block) has no span of its own: point at the
            // first resource or data block that implies it, so the error has a location.
            let user = self.module(path).resources.values().find(|r| &r.provider_ref() == pref);
            let span = span.or_else(|| user.and_then(|r| r.span.clone()));
            return Err(Diagnostic::error(format!("unknown provider `{}`", pref.name))
                .at(span)
                .maybe_detail(user.map(|r| format!("no provider in this build has the type `{}`", r.key.type_name)))
                .maybe_hint(crate::diag::did_you_mean(&pref.name, names))
                .into());
        };
        let schema = provider.config_schema();
        let decl = self.module(path).providers.iter().find(|p| &p.reference() == pref);
        let mi = ModuleInstanceAddr(path.iter().map(|c| (c.clone(), None)).collect());
        let (config, max_concurrency) = match decl {
            Some(p) => {
                let lookup = self.lookup(path, &mi);
                let scope = self.scope(&lookup, path, None);
                let (v, diags) = eval_body(&schema, &p.body, &scope, BodyMode::Provider(&pref.name));
                if diags.has_errors() {
                    return Err(diags);
                }
                let mc = p
                    .body
                    .inner
                    .get_attribute("max_concurrency")
                    .map(|a| crate::eval::eval(&a.value, p.body.file, &scope))
                    .transpose()?
                    .and_then(|v| v.as_i64())
                    .map(|n| n.max(1) as usize);
                (v, mc)
            }
            None => (
                crate::eval::eval_body(
                    &schema,
                    &empty_body(),
                    &crate::eval::Scope::new(&crate::eval::UnknownLookup, &self.env, self.root.dir.clone()),
                    BodyMode::Provider(&pref.name),
                )
                .0,
                None,
            ),
        };
        if !config.is_wholly_known() {
            let reason = format!("provider {} is configured during apply", display_ref(path, pref));
            locked(&self.providers).insert(key, ProviderSlot::Deferred { reason });
            return Ok(());
        }
        let bare = config.unmarked();
        let client = match provider.configure(&bare).await {
            Ok(c) => c,
            Err(e) => {
                // Reported by the first resource that needs it: a provider nothing uses (all its
                // resources have count = 0) must not fail the run.
                let d = Diagnostic::error(format!("failed to configure {addr}"))
                    .detail(e.message.clone())
                    .at(decl.and_then(|d| d.span.clone()))
                    .maybe_hint(e.hint.clone());
                locked(&self.providers).insert(key, ProviderSlot::Failed(d));
                return Ok(());
            }
        };
        let limit = Arc::new(Semaphore::new(
            max_concurrency.unwrap_or_else(|| provider.default_concurrency()).clamp(1, Semaphore::MAX_PERMITS),
        ));
        let was_deferred = self.phase == Phase::Apply
            && self.plan.is_some_and(|p| p.changes.iter().any(|c| c.deferred.is_some() && c.provider == addr));
        locked(&self.providers).insert(key, ProviderSlot::Configured { client, limit });
        if was_deferred {
            self.hook.event(Event::ProviderConfigured { provider: &addr, deferred: true });
        }
        Ok(())
    }
}

fn empty_body() -> crate::config::Body {
    crate::config::Body { file: u32::MAX, inner: hcl_edit::structure::Body::new(), span: None, from_json: false }
}

/// `kubernetes.foo` or `module.m.kubernetes.foo`, as a user names a provider configuration.
pub(crate) fn display_ref(path: &ModulePath, pref: &ProviderRef) -> String {
    let prefix: String = path.iter().map(|c| format!("module.{c}.")).collect();
    format!("{prefix}{pref}")
}
