//! Declared fields: a typed kind's attributes and blocks written once, in the Terraform
//! provider's names, from which come both its schema and the conversion between Terraform's
//! block form (snake_case, single objects as lists of at most one) and Kubernetes JSON
//! (camelCase, objects).
//!
//! A name maps to its key by snake → camel (`container_port` → `containerPort`) unless the
//! field says otherwise (`port` → `ports`, `cluster_ip` → `clusterIP`); values that Terraform
//! holds differently (int-or-string ports, octal modes, integers as strings) carry a [`Conv`].

use meshplan_provider::{Attribute, AttributeMode, Block, Schema, Type, Value};
use serde_json::{Map, Value as Json};

/// How a scalar is held in Terraform and in Kubernetes, when that differs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Conv {
    Plain,
    /// Terraform string, Kubernetes int-or-string (`target_port = "8080"` → `8080`, `"http"` stays).
    IntOrString,
    /// Terraform string, Kubernetes integer (`run_as_user = "1000"`).
    IntText,
    /// Terraform octal string, Kubernetes integer (`default_mode = "0644"` → `420`).
    Octal,
}

#[derive(Clone, Debug)]
pub(crate) enum Shape {
    Scalar(Type, Conv),
    /// A list block of at most one: a Kubernetes object.
    One(Vec<F>),
    /// A repeated list block: a Kubernetes list of objects.
    Many(Vec<F>),
}

/// One declared field.
#[derive(Clone, Debug)]
pub(crate) struct F {
    pub name: &'static str,
    key: Option<&'static str>,
    pub mode: AttributeMode,
    pub shape: Shape,
    force_new: bool,
    default: Option<Value>,
}

fn field(name: &'static str, shape: Shape) -> F {
    F { name, key: None, mode: AttributeMode::Optional, shape, force_new: false, default: None }
}
pub(crate) fn string(name: &'static str) -> F {
    field(name, Shape::Scalar(Type::String, Conv::Plain))
}
pub(crate) fn number(name: &'static str) -> F {
    field(name, Shape::Scalar(Type::Number, Conv::Plain))
}
pub(crate) fn boolean(name: &'static str) -> F {
    field(name, Shape::Scalar(Type::Bool, Conv::Plain))
}
pub(crate) fn strings(name: &'static str) -> F {
    field(name, Shape::Scalar(Type::list(Type::String), Conv::Plain))
}
pub(crate) fn string_set(name: &'static str) -> F {
    field(name, Shape::Scalar(Type::set(Type::String), Conv::Plain))
}
pub(crate) fn number_set(name: &'static str) -> F {
    field(name, Shape::Scalar(Type::set(Type::Number), Conv::Plain))
}
pub(crate) fn map(name: &'static str) -> F {
    field(name, Shape::Scalar(Type::map(Type::String), Conv::Plain))
}
pub(crate) fn int_or_string(name: &'static str) -> F {
    field(name, Shape::Scalar(Type::String, Conv::IntOrString))
}
pub(crate) fn int_text(name: &'static str) -> F {
    field(name, Shape::Scalar(Type::String, Conv::IntText))
}
pub(crate) fn octal(name: &'static str) -> F {
    field(name, Shape::Scalar(Type::String, Conv::Octal))
}
pub(crate) fn one(name: &'static str, fields: Vec<F>) -> F {
    field(name, Shape::One(fields))
}
pub(crate) fn many(name: &'static str, fields: Vec<F>) -> F {
    field(name, Shape::Many(fields))
}

impl F {
    /// The Kubernetes key, when it is not the camelCase of the name.
    pub fn key(mut self, key: &'static str) -> F {
        self.key = Some(key);
        self
    }
    pub fn required(mut self) -> F {
        self.mode = AttributeMode::Required;
        self
    }
    /// Optional, and filled from the live object when not set (server defaults).
    pub fn computed(mut self) -> F {
        self.mode = AttributeMode::OptionalComputed;
        self
    }
    pub fn force_new(mut self) -> F {
        self.force_new = true;
        self
    }
    pub fn default(mut self, v: impl Into<Value>) -> F {
        self.default = Some(v.into());
        self
    }

    fn k8s_key(&self) -> String {
        self.key.map(str::to_string).unwrap_or_else(|| camel(self.name))
    }

    fn fills_from_live(&self) -> bool {
        matches!(self.mode, AttributeMode::OptionalComputed | AttributeMode::Computed)
    }
}

/// `container_port` → `containerPort`.
pub(crate) fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        match (c, upper) {
            ('_', _) => upper = true,
            (c, true) => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            (c, false) => out.push(c),
        }
    }
    out
}

/// The schema of `fields`, added to `schema`.
pub(crate) fn add_to_schema(mut schema: Schema, fields: &[F]) -> Schema {
    for f in fields {
        schema = match &f.shape {
            Shape::Scalar(ty, _) => {
                let mut a = match f.mode {
                    AttributeMode::Required => Attribute::required(ty.clone()),
                    AttributeMode::Optional => Attribute::optional(ty.clone()),
                    AttributeMode::OptionalComputed => Attribute::optional_computed(ty.clone()),
                    AttributeMode::Computed => Attribute::computed(ty.clone()),
                };
                if let Some(d) = &f.default {
                    a = a.default(d.clone());
                }
                if f.force_new {
                    a = a.force_new();
                }
                schema.attr(f.name, a)
            }
            Shape::One(inner) | Shape::Many(inner) => {
                let mut b = Block::list(add_to_schema(Schema::new(), inner));
                if matches!(f.shape, Shape::One(_)) {
                    b = b.max_items(1);
                }
                if f.mode == AttributeMode::Required {
                    b = b.min_items(1);
                }
                if f.force_new {
                    b = b.force_new();
                }
                schema.block(f.name, b)
            }
        };
    }
    schema
}

/// Terraform block form → Kubernetes JSON: the fields of `tf` that are set (unknown and null
/// values are left out; an empty block is an empty object, as `empty_dir {}` must be).
pub(crate) fn to_k8s(fields: &[F], tf: &Value) -> Map<String, Json> {
    let mut out = Map::new();
    for f in fields {
        let v = tf.get(f.name);
        let converted = match &f.shape {
            Shape::Scalar(_, conv) if v.is_wholly_known() && !v.is_null() => Some(scalar_to_k8s(*conv, v)),
            Shape::Scalar(..) => None,
            Shape::One(inner) => v.as_list().and_then(|l| l.first()).map(|item| Json::Object(to_k8s(inner, item))),
            Shape::Many(inner) => match v.as_list() {
                Some(items) if !items.is_empty() => {
                    Some(Json::Array(items.iter().map(|item| Json::Object(to_k8s(inner, item))).collect()))
                }
                _ => None,
            },
        };
        if let Some(json) = converted {
            out.insert(f.k8s_key(), json);
        }
    }
    out
}

fn scalar_to_k8s(conv: Conv, v: &Value) -> Json {
    let text = v.as_str().map(str::trim);
    match conv {
        Conv::Plain => v.to_json(),
        Conv::IntOrString | Conv::IntText => match text.and_then(|t| t.parse::<i64>().ok()) {
            Some(n) => Json::from(n),
            None => v.to_json(),
        },
        Conv::Octal => match text.and_then(|t| i64::from_str_radix(t, 8).ok()) {
            Some(n) => Json::from(n),
            None => v.to_json(),
        },
    }
}

fn scalar_to_tf(conv: Conv, j: &Json) -> Value {
    match (conv, j) {
        (Conv::IntOrString | Conv::IntText, Json::Number(n)) => Value::from(n.to_string()),
        (Conv::Octal, Json::Number(n)) => match n.as_i64() {
            Some(i) => Value::from(format!("{i:04o}")),
            None => Value::from(n.to_string()),
        },
        _ => Value::from_json(j),
    }
}

/// Kubernetes JSON → Terraform block form, every field present (null, or an empty list for
/// blocks). `managed` is the live object projected onto what was sent; `live` the whole live
/// object. Computed fields the prior state leaves unset take their live value (server
/// defaults), all others their managed value, so nothing the user did not write shows up.
/// With no prior (import), pass the live object as both.
pub(crate) fn to_tf(fields: &[F], managed: Option<&Json>, live: Option<&Json>, prior: Option<&Value>) -> Value {
    let mut out = Value::empty_object();
    for f in fields {
        let key = f.k8s_key();
        let prior_v = prior.map(|p| p.get(f.name));
        let (m, l) = (managed.and_then(|m| m.get(&key)), live.and_then(|l| l.get(&key)));
        let value = match &f.shape {
            Shape::Scalar(_, conv) => {
                let unset = prior_v.is_none_or(|p| p.is_null() || !p.is_wholly_known());
                let source = if f.fills_from_live() && unset { l } else { m };
                source.filter(|j| !j.is_null()).map(|j| scalar_to_tf(*conv, j)).unwrap_or(Value::Null)
            }
            Shape::One(inner) => match m.filter(|j| j.is_object()) {
                Some(obj) => {
                    let p = prior_v.and_then(Value::as_list).and_then(|l| l.first());
                    Value::List(vec![to_tf(inner, Some(obj), l, p)])
                }
                None => Value::List(vec![]),
            },
            Shape::Many(inner) => match m.and_then(Json::as_array) {
                Some(items) => Value::List(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| {
                            let li = l.and_then(|l| l.get(i));
                            let p = prior_v.and_then(Value::as_list).and_then(|l| l.get(i));
                            to_tf(inner, Some(item), li, p)
                        })
                        .collect(),
                ),
                None => Value::List(vec![]),
            },
        };
        out.set(f.name, value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn container() -> Vec<F> {
        vec![
            string("name").required(),
            string("image"),
            string("image_pull_policy").computed(),
            many("port", vec![number("container_port").required(), string("protocol").default("TCP")]).key("ports"),
            one("http_get", vec![int_or_string("port"), string("path")]),
            one("empty_dir", vec![string("medium")]),
            octal("default_mode"),
            int_text("run_as_user"),
        ]
    }

    fn tf(json: Json) -> Value {
        Value::from_json(&json)
    }

    #[test]
    fn names_become_camel_case() {
        assert_eq!(camel("container_port"), "containerPort");
        assert_eq!(camel("image"), "image");
        assert_eq!(camel("termination_grace_period_seconds"), "terminationGracePeriodSeconds");
    }

    #[test]
    fn blocks_become_objects_and_lists_with_overrides() {
        let state = tf(json!({
            "name": "web", "image": "nginx:1.27", "image_pull_policy": null,
            "port": [{"container_port": 80, "protocol": "TCP"}],
            "http_get": [{"port": "8080", "path": "/"}],
            "empty_dir": [{"medium": null}],
            "default_mode": "0644", "run_as_user": "1000",
        }));
        let k8s = Json::Object(to_k8s(&container(), &state));
        assert_eq!(
            k8s,
            json!({"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80, "protocol": "TCP"}],
                "httpGet": {"port": 8080, "path": "/"}, "emptyDir": {}, "defaultMode": 420, "runAsUser": 1000})
        );
        // Named ports stay strings; unknowns are not sent.
        let named = tf(json!({"name": "web", "image": null, "http_get": [{"port": "http"}], "port": []}));
        let mut with_unknown = named.clone();
        with_unknown.set("image", Value::Unknown);
        assert_eq!(
            Json::Object(to_k8s(&container(), &with_unknown)),
            json!({"name": "web", "httpGet": {"port": "http"}})
        );
    }

    #[test]
    fn back_to_block_form_round_trips_and_fills_computed_from_live() {
        let fields = container();
        let state = tf(json!({
            "name": "web", "image": "nginx", "image_pull_policy": null,
            "port": [{"container_port": 80, "protocol": "TCP"}], "http_get": [{"port": "8080", "path": null}],
            "empty_dir": [], "default_mode": "0644", "run_as_user": null,
        }));
        let sent = Json::Object(to_k8s(&fields, &state));
        let mut live = sent.clone();
        live["imagePullPolicy"] = json!("Always");
        live["terminationMessagePath"] = json!("/dev/termination-log");
        let back = to_tf(&fields, Some(&sent), Some(&live), Some(&state));
        let mut expected = state.clone();
        expected.set("image_pull_policy", Value::from("Always"));
        assert_eq!(back, expected);
        // Once known, the computed value is managed: drift in it shows.
        live["imagePullPolicy"] = json!("Never");
        let mut managed = sent.clone();
        managed["imagePullPolicy"] = json!("Never");
        assert_eq!(
            to_tf(&fields, Some(&managed), Some(&live), Some(&expected)).get_str("image_pull_policy"),
            Some("Never")
        );
    }

    #[test]
    fn schema_has_list_blocks_of_at_most_one() {
        let schema = add_to_schema(Schema::new(), &container());
        assert_eq!(schema.blocks["http_get"].max_items, Some(1));
        assert_eq!(schema.blocks["port"].max_items, None);
        assert!(schema.blocks["port"].schema.attributes["protocol"].default.is_some());
        assert_eq!(schema.attributes["image_pull_policy"].mode, AttributeMode::OptionalComputed);
    }
}
