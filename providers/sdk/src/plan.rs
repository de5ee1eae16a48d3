//! Planning a resource's new state from its configuration and prior state.
//!
//! [`plan_with_schema`] is the rule most resource types need: set attributes take the
//! configured value, computed ones keep their prior value (or become unknown on create),
//! and a change to a `force_new` attribute replaces the object.

use crate::path::Path;
use crate::schema::{AttributeMode, Nesting, Schema};
use crate::Value;

/// Input of [`crate::ResourceType::plan`].
#[derive(Clone, Copy, Debug)]
pub struct PlanRequest<'a> {
    /// The refreshed prior state; `None` when the object is to be created.
    pub prior: Option<&'a Value>,
    /// The configuration: an object with every schema attribute (null when unset), nested
    /// blocks as lists of objects. May contain unknowns; never sensitive marks.
    pub config: &'a Value,
}

/// Output of [`crate::ResourceType::plan`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Planned {
    /// The state the object will have after apply; unknown where the provider computes it.
    pub state: Value,
    /// Attributes whose change forces replacement (shown as `# forces replacement`).
    pub requires_replace: Vec<Path>,
    /// Replacement reasons not tied to an attribute (e.g. a certificate due for renewal).
    /// Any reason forces replacement.
    pub replace_reasons: Vec<String>,
}

impl Planned {
    pub fn replaces(&self) -> bool {
        !self.requires_replace.is_empty() || !self.replace_reasons.is_empty()
    }
}

/// Plans by schema alone: see the module docs.
pub fn plan_with_schema(schema: &Schema, req: PlanRequest<'_>) -> Planned {
    let mut replace = Vec::new();
    let state = plan_object(schema, req.prior, req.config, Path::root(), &mut replace);
    if req.prior.is_some() && !replace.is_empty() {
        // A replacement is a new object: computed attributes are not carried over.
        let fresh = plan_object(schema, None, req.config, Path::root(), &mut Vec::new());
        return Planned { state: fresh, requires_replace: replace, replace_reasons: vec![] };
    }
    Planned { state, requires_replace: replace, replace_reasons: vec![] }
}

fn plan_object(schema: &Schema, prior: Option<&Value>, config: &Value, at: Path, replace: &mut Vec<Path>) -> Value {
    if config.is_unknown() {
        return Value::Unknown;
    }
    let mut out = std::collections::BTreeMap::new();
    for (name, attr) in &schema.attributes {
        let cfg = config.get(name);
        let pri = prior.map(|p| p.get(name));
        let planned = match attr.mode {
            AttributeMode::Required | AttributeMode::Optional => {
                if cfg.is_null() {
                    attr.default.clone().unwrap_or(Value::Null)
                } else {
                    cfg.clone()
                }
            }
            AttributeMode::Computed => match pri {
                Some(v) => v.clone(),
                None => Value::Unknown,
            },
            AttributeMode::OptionalComputed => {
                if !cfg.is_null() {
                    cfg.clone()
                } else if let Some(v) = pri {
                    // An existing object keeps what the provider chose, null included.
                    v.clone()
                } else {
                    attr.default.clone().unwrap_or(Value::Unknown)
                }
            }
        };
        if attr.force_new && attr.is_settable() {
            if let Some(p) = pri {
                if !planned.is_wholly_known() || &planned != p {
                    replace.push(at.key(name));
                }
            }
        }
        out.insert(name.clone(), planned);
    }
    for (name, block) in &schema.blocks {
        let cfg = config.get(name);
        let pri = prior.map(|p| p.get(name));
        let planned = match block.nesting {
            Nesting::Single => {
                if cfg.is_null() {
                    Value::Null
                } else {
                    let p = pri.filter(|v| !v.is_null());
                    plan_object(&block.schema, p, cfg, at.key(name), replace)
                }
            }
            Nesting::List | Nesting::Set => match cfg.peel() {
                Value::List(items) => Value::List(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| {
                            let p = pri.and_then(|v| v.as_list()).and_then(|l| l.get(i));
                            plan_object(&block.schema, p, item, at.key(name).index(i), replace)
                        })
                        .collect(),
                ),
                Value::Unknown => Value::Unknown,
                _ => Value::List(vec![]),
            },
        };
        if block.force_new {
            if let Some(p) = pri {
                if !planned.is_wholly_known() || &planned != p {
                    replace.push(at.key(name));
                }
            }
        }
        out.insert(name.clone(), planned);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Attribute, Type};

    fn schema() -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("cidr_block", Attribute::required(Type::String).force_new())
            .attr("tags", Attribute::optional(Type::map(Type::String)))
            .attr("arn", Attribute::computed(Type::String))
    }

    #[test]
    fn create_leaves_computed_unknown() {
        let cfg = Value::object([("cidr_block", Value::from("10.0.0.0/16"))]);
        let p = plan_with_schema(&schema(), PlanRequest { prior: None, config: &cfg });
        assert_eq!(p.state.get("id"), &Value::Unknown);
        assert_eq!(p.state.get("tags"), &Value::Null);
        assert!(!p.replaces());
    }

    #[test]
    fn optional_computed_force_new_left_unset_is_stable() {
        let s = Schema::new().attr("az", Attribute::optional_computed(Type::String).force_new());
        let prior = Value::object([("az", Value::Null)]);
        let cfg = Value::object([("az", Value::Null)]);
        let p = plan_with_schema(&s, PlanRequest { prior: Some(&prior), config: &cfg });
        assert!(!p.replaces(), "{p:?}");
        assert_eq!(p.state, prior);
    }

    #[test]
    fn update_keeps_computed_and_force_new_replaces() {
        let prior = Value::object([
            ("id", Value::from("vpc-1")),
            ("arn", Value::from("arn:1")),
            ("cidr_block", Value::from("10.0.0.0/16")),
            ("tags", Value::Null),
        ]);
        let same = Value::object([("cidr_block", Value::from("10.0.0.0/16"))]);
        let p = plan_with_schema(&schema(), PlanRequest { prior: Some(&prior), config: &same });
        assert_eq!(p.state, prior);

        let changed = Value::object([("cidr_block", Value::from("10.1.0.0/16"))]);
        let p = plan_with_schema(&schema(), PlanRequest { prior: Some(&prior), config: &changed });
        assert_eq!(p.requires_replace, vec![Path::from("cidr_block")]);
        assert_eq!(p.state.get("id"), &Value::Unknown, "a replacement is a new object");
    }
}
