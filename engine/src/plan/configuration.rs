//! The `configuration` section of Terraform's JSON plan: the module tree as written, each
//! argument either a `constant_value` or the `references` it makes. Graph-based policy checks
//! (checkov's `CKV2_*`) connect resources through these references.
//!
//! Built when the plan is made and saved with it, so `show -json PLANFILE` has it too.
//! Constant values of sensitive arguments (by the provider's schema) and defaults of
//! sensitive variables are left out: secrets never reach output.

use crate::config::references::{expr_references, Reference, Target};
use crate::config::{traversal_path, Body, Expr, Mode, Module, ProviderRef, Resource, ResourceKey};
use crate::eval::{eval, EvalEnv, Scope, UnknownLookup};
use crate::plan::{Action, ResourceChange};
use crate::registry::Registry;
use hcl_edit::structure::Structure;
use meshplan_provider::Schema;
use serde_json::{json, Map, Value as J};
use std::collections::{BTreeMap, BTreeSet};

/// Providers published by HashiCorp under the same names: policy tools key on these.
/// `registry.terraform.io/hashicorp/aws`: the provider's key in `providers schema -json`.
pub fn provider_full_name(name: &str) -> String {
    crate::registry::source_address(name)
}

/// `configuration` of the JSON plan for the module tree under `root`.
pub fn describe(root: &Module, registry: &Registry, env: &EvalEnv) -> J {
    let mut d = Describer { registry, env, provider_config: Map::new() };
    let keys = d.provider_keys(root, "", &BTreeMap::new(), &[]);
    let root_module = d.module(root, "", &keys);
    json!({ "provider_config": d.provider_config, "root_module": root_module })
}

struct Describer<'a> {
    registry: &'a Registry,
    env: &'a EvalEnv,
    provider_config: Map<String, J>,
}

/// Local provider name (`aws`, `aws.west`) → key in `provider_config`.
type ProviderKeys = BTreeMap<ProviderRef, String>;

impl Describer<'_> {
    /// Registers the module's own provider blocks and resolves the keys its resources use:
    /// its own blocks, else what the caller passed (`providers = {...}`), else inherited.
    fn provider_keys(
        &mut self,
        m: &Module,
        path: &str,
        parent: &ProviderKeys,
        passed: &[(ProviderRef, ProviderRef)],
    ) -> ProviderKeys {
        let mut keys = ProviderKeys::new();
        for (child, from) in passed {
            if let Some(k) = parent.get(from) {
                keys.insert(child.clone(), k.clone());
            }
        }
        for p in &m.providers {
            let r = p.reference();
            let key = if path.is_empty() { r.to_string() } else { format!("{path}:{r}") };
            let schema = self.registry.providers.get(&p.name).map(|x| x.config_schema());
            let mut o = Map::new();
            o.insert("name".into(), json!(p.name));
            o.insert("full_name".into(), json!(provider_full_name(&p.name)));
            if let Some(a) = &p.alias {
                o.insert("alias".into(), json!(a));
            }
            if !path.is_empty() {
                o.insert("module_address".into(), json!(path));
            }
            o.insert("expressions".into(), J::Object(self.body(&p.body, schema.as_ref(), m)));
            self.provider_config.insert(key.clone(), J::Object(o));
            keys.insert(r, key);
        }
        for r in m.resources.values() {
            let pref = r.provider_ref();
            if keys.contains_key(&pref) {
                continue;
            }
            let key = parent.get(&pref).cloned().unwrap_or_else(|| {
                // No block anywhere: the provider runs with its defaults, listed as Terraform
                // lists a required provider without configuration.
                let key = if path.is_empty() { pref.to_string() } else { format!("{path}:{pref}") };
                self.provider_config
                    .entry(key.clone())
                    .or_insert_with(|| json!({ "name": pref.name, "full_name": provider_full_name(&pref.name) }));
                key
            });
            keys.insert(pref, key);
        }
        // Default configurations flow down to children that do not name them.
        for (k, v) in parent {
            if k.alias.is_none() {
                keys.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        keys
    }

    fn module(&mut self, m: &Module, path: &str, keys: &ProviderKeys) -> J {
        let mut o = Map::new();
        let outputs: Map<String, J> = m
            .outputs
            .values()
            .map(|out| {
                let mut x = Map::new();
                // A sensitive output's literal value is as secret as its result.
                x.insert("expression".into(), self.expression(&out.value, m, out.sensitive));
                if out.sensitive {
                    x.insert("sensitive".into(), json!(true));
                }
                if let Some(d) = &out.description {
                    x.insert("description".into(), json!(d));
                }
                if !out.depends_on.is_empty() {
                    x.insert("depends_on".into(), json!(depends_on(&out.depends_on)));
                }
                (out.name.clone(), J::Object(x))
            })
            .collect();
        if !outputs.is_empty() {
            o.insert("outputs".into(), J::Object(outputs));
        }
        let resources: Vec<J> = m.resources.values().map(|r| self.resource(r, m, keys)).collect();
        if !resources.is_empty() {
            o.insert("resources".into(), J::Array(resources));
        }
        let mut calls = Map::new();
        for call in m.module_calls.values() {
            let mut x = Map::new();
            x.insert("source".into(), json!(call.source));
            let inputs: Map<String, J> =
                call.inputs.iter().map(|(k, e)| (k.clone(), self.expression(e, m, false))).collect();
            x.insert("expressions".into(), J::Object(inputs));
            self.meta_expression(&mut x, "count_expression", call.count.as_ref(), m);
            self.meta_expression(&mut x, "for_each_expression", call.for_each.as_ref(), m);
            if !call.depends_on.is_empty() {
                x.insert("depends_on".into(), json!(depends_on(&call.depends_on)));
            }
            if let Some(child) = m.children.get(&call.name) {
                let child_path = if path.is_empty() {
                    format!("module.{}", call.name)
                } else {
                    format!("{path}.module.{}", call.name)
                };
                let child_keys = self.provider_keys(child, &child_path, keys, &call.providers);
                x.insert("module".into(), self.module(child, &child_path, &child_keys));
            }
            calls.insert(call.name.clone(), J::Object(x));
        }
        if !calls.is_empty() {
            o.insert("module_calls".into(), J::Object(calls));
        }
        let variables: Map<String, J> = m
            .variables
            .values()
            .map(|v| {
                let mut x = Map::new();
                if let (Some(d), false) = (&v.default, v.sensitive) {
                    if let Some(c) = self.constant(d, m) {
                        x.insert("default".into(), c);
                    }
                }
                if let Some(d) = &v.description {
                    x.insert("description".into(), json!(d));
                }
                if v.sensitive {
                    x.insert("sensitive".into(), json!(true));
                }
                (v.name.clone(), J::Object(x))
            })
            .collect();
        if !variables.is_empty() {
            o.insert("variables".into(), J::Object(variables));
        }
        J::Object(o)
    }

    fn resource(&mut self, r: &Resource, m: &Module, keys: &ProviderKeys) -> J {
        let schema = match r.key.mode {
            Mode::Managed => self.registry.resources.get(&r.key.type_name).map(|t| t.schema()),
            Mode::Data => self.registry.data_sources.get(&r.key.type_name).map(|t| t.schema()),
        };
        let pref = r.provider_ref();
        let mut o = Map::new();
        o.insert("address".into(), json!(r.key.to_string()));
        o.insert("mode".into(), json!(if r.key.mode == Mode::Managed { "managed" } else { "data" }));
        o.insert("type".into(), json!(r.key.type_name));
        o.insert("name".into(), json!(r.key.name));
        o.insert("provider_config_key".into(), json!(keys.get(&pref).cloned().unwrap_or_else(|| pref.to_string())));
        if !r.provisioners.is_empty() {
            let list: Vec<J> = r
                .provisioners
                .iter()
                .map(|p| {
                    let mut e = Map::new();
                    e.insert("command".into(), self.expression(&p.command, m, false));
                    if let Some(env) = &p.environment {
                        e.insert("environment".into(), self.expression(env, m, false));
                    }
                    json!({ "type": "local-exec", "expressions": e })
                })
                .collect();
            o.insert("provisioners".into(), J::Array(list));
        }
        o.insert("expressions".into(), J::Object(self.body(&r.body, schema.as_ref(), m)));
        o.insert("schema_version".into(), json!(schema.as_ref().map_or(0, |s| s.version)));
        self.meta_expression(&mut o, "count_expression", r.count.as_ref(), m);
        self.meta_expression(&mut o, "for_each_expression", r.for_each.as_ref(), m);
        if !r.depends_on.is_empty() {
            o.insert("depends_on".into(), json!(depends_on(&r.depends_on)));
        }
        J::Object(o)
    }

    /// Arguments as expressions, nested blocks as arrays of the same. `dynamic` blocks are
    /// left out, as Terraform leaves them out.
    fn body(&mut self, b: &Body, schema: Option<&Schema>, m: &Module) -> Map<String, J> {
        let mut out = Map::new();
        self.structures(&b.inner, b.file, schema, m, &mut out);
        out
    }

    fn structures(
        &mut self,
        body: &hcl_edit::structure::Body,
        file: crate::diag::FileId,
        schema: Option<&Schema>,
        m: &Module,
        out: &mut Map<String, J>,
    ) {
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let name = a.key.as_str();
                    // A block written as an attribute (helm 3's `set_sensitive = [...]`) is
                    // secret when anything in its schema is.
                    let sensitive = schema.is_some_and(|s| {
                        s.attributes.get(name).is_some_and(|x| x.sensitive)
                            || s.blocks.get(name).is_some_and(|b| holds_sensitive(&b.schema))
                    });
                    let e = Expr { file, inner: a.value.clone() };
                    out.insert(name.to_string(), self.expression(&e, m, sensitive));
                }
                Structure::Block(blk) if blk.ident.as_str() == "dynamic" => {}
                Structure::Block(blk) => {
                    let name = blk.ident.as_str().to_string();
                    let nested = schema.and_then(|s| s.blocks.get(&name));
                    let mut inner = Map::new();
                    self.structures(&blk.body, file, nested.map(|n| &n.schema), m, &mut inner);
                    // Always a list: the hashicorp providers meshplan's mirror (SDKv2) have no
                    // single-nested blocks; a block allowed once is a list of at most one.
                    if let Some(J::Array(list)) = out.get_mut(&name) {
                        list.push(J::Object(inner));
                    } else {
                        out.insert(name, json!([inner]));
                    }
                }
            }
        }
    }

    /// `{"references": [...]}` when the expression refers to anything, else
    /// `{"constant_value": V}` (`{}` when the value is secret or cannot be worked out).
    fn expression(&mut self, e: &Expr, m: &Module, sensitive: bool) -> J {
        let refs = expr_references(&e.inner);
        if !refs.is_empty() {
            return json!({ "references": reference_strings(&refs) });
        }
        match self.constant(e, m) {
            Some(v) if !sensitive => json!({ "constant_value": v }),
            _ => json!({}),
        }
    }

    /// `count_expression` / `for_each_expression`, left out (as Terraform does) when it is
    /// neither a constant nor a reference.
    fn meta_expression(&mut self, o: &mut Map<String, J>, key: &str, e: Option<&Expr>, m: &Module) {
        let Some(e) = e else { return };
        let x = self.expression(e, m, false);
        if x.as_object().is_some_and(|x| !x.is_empty()) {
            o.insert(key.into(), x);
        }
    }

    /// The value of an expression that refers to nothing. As Terraform evaluates these
    /// without functions, an expression that calls one has no constant value.
    fn constant(&self, e: &Expr, m: &Module) -> Option<J> {
        if calls_a_function(&e.inner) {
            return None;
        }
        let scope = Scope::new(&UnknownLookup, self.env, m.dir.clone());
        let v = eval(&e.inner, e.file, &scope).ok()?;
        (v.is_wholly_known() && !v.contains_sensitive()).then(|| v.to_json())
    }
}

fn holds_sensitive(schema: &Schema) -> bool {
    schema.attributes.values().any(|a| a.sensitive) || schema.blocks.values().any(|b| holds_sensitive(&b.schema))
}

fn calls_a_function(e: &hcl_edit::expr::Expression) -> bool {
    struct Finder(bool);
    impl hcl_edit::visit::Visit for Finder {
        fn visit_func_call(&mut self, _: &hcl_edit::expr::FuncCall) {
            self.0 = true;
        }
    }
    let mut f = Finder(false);
    hcl_edit::visit::Visit::visit_expr(&mut f, e);
    f.0
}

fn depends_on(list: &[Expr]) -> Vec<String> {
    list.iter().filter_map(|e| traversal_path(&e.inner)).map(|p| p.join(".")).collect()
}

/// Terraform's reference strings: the whole traversal, then each shorter prefix down to the
/// referenced object, then the object without its instance key (`aws_vpc.main[0].id`,
/// `aws_vpc.main[0]`, `aws_vpc.main`); a module output adds its module call (instance).
pub(crate) fn reference_strings(refs: &[Reference]) -> Vec<String> {
    let mut out = Vec::new();
    for r in refs {
        let steps = &r.steps;
        let keyed = |i: usize| steps.get(i).is_some_and(|s| s.starts_with('['));
        let (subject, extra): (usize, Option<usize>) = match &r.target {
            Target::Resource(k) => {
                let base = if k.mode == Mode::Data { 3 } else { 2 };
                if keyed(base) {
                    (base + 1, Some(base))
                } else {
                    (base, None)
                }
            }
            // `module.m[0].out` → that, then the call instance `module.m[0]`; `module.m[0]`
            // alone → that, then the call `module.m`.
            Target::Module(..) => {
                let key = usize::from(keyed(2));
                let output = steps.len() > 2 + key;
                if output {
                    (3 + key, Some(2 + key))
                } else {
                    (2 + key, (key == 1).then_some(2))
                }
            }
            // `self.x` refers to `self`; `count.index`, `path.module`, `each.key` are names.
            Target::Builtin if steps.first().is_some_and(|s| s == "self") => (1, None),
            Target::Var(_) | Target::Local(_) | Target::Builtin => (2, None),
            Target::Unknown(_) => (steps.len(), None),
        };
        let subject = subject.min(steps.len());
        for len in (subject + 1..=steps.len()).rev() {
            out.push(steps[..len].concat());
        }
        out.push(steps[..subject].concat());
        if let Some(n) = extra.filter(|n| *n <= steps.len()) {
            out.push(steps[..n].concat());
        }
    }
    out
}

/// `relevant_attributes`: the resource attributes that changing resources, outputs and module
/// inputs refer to (`{"resource": "aws_vpc.main", "attribute": ["id"]}`), sorted as Terraform sorts
/// them, so a policy tool knows which values the plan's changes depend on.
pub fn relevant_attributes(root: &Module, changes: &[ResourceChange]) -> J {
    let changed: BTreeSet<(String, String)> = changes
        .iter()
        .filter(|c| c.action != Action::NoOp)
        .map(|c| {
            (
                strip_keys(&c.module_address),
                ResourceKey { mode: c.mode, type_name: c.type_name.clone(), name: c.name.clone() }.to_string(),
            )
        })
        .collect();
    // Module instances by configuration path (`module.m` → `module.m["a"]`, `module.m["b"]`).
    let mut instances: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in changes.iter().filter(|c| !c.module_address.is_empty()) {
        instances.entry(strip_keys(&c.module_address)).or_default().insert(c.module_address.clone());
    }
    let mut found = BTreeSet::new();
    collect_relevant(root, "", &changed, &instances, &mut found);
    J::Array(
        found
            .into_iter()
            .map(|(resource, steps)| json!({ "resource": resource, "attribute": steps.iter().map(|s| step_json(s)).collect::<Vec<_>>() }))
            .collect(),
    )
}

fn collect_relevant(
    m: &Module,
    path: &str,
    changed: &BTreeSet<(String, String)>,
    instances: &BTreeMap<String, BTreeSet<String>>,
    found: &mut BTreeSet<(String, Vec<String>)>,
) {
    // A reference inside a module is relevant in each of its instances.
    let prefixes: Vec<String> = match instances.get(path) {
        _ if path.is_empty() => vec![String::new()],
        Some(list) => list.iter().map(|i| format!("{i}.")).collect(),
        None => vec![format!("{path}.")],
    };
    let mut refs = Vec::new();
    for r in m.resources.values() {
        if changed.contains(&(path.to_string(), r.key.to_string())) {
            refs.extend(crate::config::references::body_references(&r.body.inner));
        }
    }
    // Outputs and module inputs pass values on whether or not anything changes.
    for o in m.outputs.values() {
        refs.extend(expr_references(&o.value.inner));
    }
    for call in m.module_calls.values() {
        for e in call.inputs.values() {
            refs.extend(expr_references(&e.inner));
        }
    }
    for rf in refs {
        let Target::Resource(k) = &rf.target else { continue };
        let mut base = if k.mode == Mode::Data { 3 } else { 2 };
        if rf.steps.get(base).is_some_and(|s| s.starts_with('[')) {
            base += 1;
        }
        if rf.steps.len() <= base {
            continue;
        }
        let attribute = rf.steps[base..].to_vec();
        for prefix in &prefixes {
            found.insert((format!("{prefix}{}", rf.steps[..base].concat()), attribute.clone()));
        }
    }
    let path_prefix = if path.is_empty() { String::new() } else { format!("{path}.") };
    for (name, child) in &m.children {
        collect_relevant(child, &format!("{path_prefix}module.{name}"), changed, instances, found);
    }
}

fn strip_keys(module_address: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in module_address.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// `.id` → "id", `[0]` → 0, `["k"]` → "k".
fn step_json(step: &str) -> J {
    if let Some(name) = step.strip_prefix('.') {
        return json!(name);
    }
    let inner = step.trim_start_matches('[').trim_end_matches(']');
    inner.parse::<u64>().map(|n| json!(n)).unwrap_or_else(|_| json!(inner.trim_matches('"')))
}
