//! Values computed during a walk, by module instance, and the [`Lookup`] that lets an
//! expression in one module instance see them.

use super::locked;
use crate::config::references::Target;
use crate::config::{Module, ResourceKey};
use crate::diag::did_you_mean;
use crate::eval::Lookup;
use crate::graph::{InstanceKey, ModuleInstanceAddr, ModulePath};
use meshplan_provider::Value;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// A resource's value as expressions see it: one object, a list (`count`) or a map (`for_each`).
#[derive(Clone, Debug)]
pub enum Expanded {
    Single(Value),
    Count(Vec<Value>),
    ForEach(BTreeMap<String, Value>),
}

impl Expanded {
    pub fn from_instances(kind: ExpansionKind, instances: Vec<(Option<InstanceKey>, Value)>) -> Self {
        match kind {
            ExpansionKind::Single => {
                Expanded::Single(instances.into_iter().next().map(|(_, v)| v).unwrap_or(Value::Null))
            }
            ExpansionKind::Count => Expanded::Count(instances.into_iter().map(|(_, v)| v).collect()),
            ExpansionKind::ForEach => Expanded::ForEach(
                instances
                    .into_iter()
                    .map(|(k, v)| {
                        (
                            match k {
                                Some(InstanceKey::Str(s)) => s,
                                Some(InstanceKey::Int(i)) => i.to_string(),
                                None => String::new(),
                            },
                            v,
                        )
                    })
                    .collect(),
            ),
        }
    }
    fn to_value(&self) -> Value {
        match self {
            Expanded::Single(v) => v.clone(),
            Expanded::Count(l) => Value::List(l.clone()),
            Expanded::ForEach(m) => Value::Object(m.clone()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpansionKind {
    Single,
    Count,
    ForEach,
}

#[derive(Default)]
pub struct Store {
    pub vars: HashMap<(ModuleInstanceAddr, String), Value>,
    pub locals: HashMap<(ModuleInstanceAddr, String), Value>,
    pub outputs: HashMap<(ModuleInstanceAddr, String), Value>,
    pub resources: HashMap<(ModuleInstanceAddr, ResourceKey), Expanded>,
    /// The instances of each module path, known once its call has been expanded.
    pub module_instances: HashMap<ModulePath, Vec<ModuleInstanceAddr>>,
    pub module_kinds: HashMap<ModulePath, ExpansionKind>,
    /// `count.index` / `each` of each module instance, for evaluating its call's inputs.
    pub module_iteration: HashMap<ModuleInstanceAddr, (Option<Value>, Option<(Value, Value)>)>,
}

/// Name resolution for expressions evaluated in one module instance.
pub struct InstanceLookup<'a> {
    pub store: &'a Mutex<Store>,
    pub module: &'a Module,
    pub instance: ModuleInstanceAddr,
}

impl Lookup for InstanceLookup<'_> {
    fn lookup(&self, target: &Target) -> Result<Value, String> {
        let store = locked(self.store);
        let mi = &self.instance;
        match target {
            Target::Var(name) => store.vars.get(&(mi.clone(), name.clone())).cloned().ok_or_else(|| {
                let hint = did_you_mean(name, self.module.variables.keys().map(String::as_str))
                    .map(|h| format!("; {h}"))
                    .unwrap_or_default();
                format!("reference to undeclared input variable `var.{name}`{hint}")
            }),
            Target::Local(name) => {
                if !self.module.locals.contains_key(name) {
                    let hint = did_you_mean(name, self.module.locals.keys().map(String::as_str))
                        .map(|h| format!("; {h}"))
                        .unwrap_or_default();
                    return Err(format!("reference to undeclared local value `local.{name}`{hint}"));
                }
                Ok(store.locals.get(&(mi.clone(), name.clone())).cloned().unwrap_or(Value::Unknown))
            }
            Target::Resource(key) => {
                if !self.module.resources.contains_key(key) {
                    let names: Vec<String> = self.module.resources.keys().map(|k| k.to_string()).collect();
                    let hint = did_you_mean(&key.to_string(), names.iter().map(String::as_str))
                        .map(|h| format!("; {h}"))
                        .unwrap_or_default();
                    return Err(format!("reference to undeclared resource `{key}`{hint}"));
                }
                Ok(store.resources.get(&(mi.clone(), key.clone())).map(Expanded::to_value).unwrap_or(Value::Unknown))
            }
            Target::Module(call, _) => {
                let Some(child) = self.module.children.get(call) else {
                    let hint = did_you_mean(call, self.module.module_calls.keys().map(String::as_str))
                        .map(|h| format!("; {h}"))
                        .unwrap_or_default();
                    return Err(format!("reference to undeclared module `module.{call}`{hint}"));
                };
                let mut path = mi.path();
                path.push(call.clone());
                let Some(instances) = store.module_instances.get(&path) else { return Ok(Value::Unknown) };
                let outputs_of = |ci: &ModuleInstanceAddr| {
                    Value::Object(
                        child
                            .outputs
                            .keys()
                            .map(|o| {
                                (
                                    o.clone(),
                                    store.outputs.get(&(ci.clone(), o.clone())).cloned().unwrap_or(Value::Unknown),
                                )
                            })
                            .collect(),
                    )
                };
                let mine: Vec<&ModuleInstanceAddr> =
                    instances.iter().filter(|ci| ci.parent().as_ref() == Some(mi)).collect();
                Ok(match store.module_kinds.get(&path).copied().unwrap_or(ExpansionKind::Single) {
                    ExpansionKind::Single => mine.first().map(|ci| outputs_of(ci)).unwrap_or(Value::Unknown),
                    ExpansionKind::Count => Value::List(mine.iter().map(|ci| outputs_of(ci)).collect()),
                    ExpansionKind::ForEach => Value::Object(
                        mine.iter()
                            .map(|ci| {
                                let key = match ci.0.last().and_then(|(_, k)| k.clone()) {
                                    Some(InstanceKey::Str(s)) => s,
                                    Some(InstanceKey::Int(i)) => i.to_string(),
                                    None => String::new(),
                                };
                                (key, outputs_of(ci))
                            })
                            .collect(),
                    ),
                })
            }
            Target::Builtin | Target::Unknown(_) => Ok(Value::Unknown),
        }
    }
}
