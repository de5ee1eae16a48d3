//! Schemas in Terraform's `providers schema -json` shape, so tools written for Terraform
//! (and our comparison with the real providers) read them unchanged.

use crate::schema::{Attribute, AttributeMode, Block, Nesting, Schema, Type};
use crate::{DataSource, Provider, ResourceType};
use serde_json::{json, Map, Value as Json};
use std::sync::Arc;

/// A type as cty's JSON type notation: `"string"`, `["list","string"]`, `["object",{...}]`.
pub fn type_json(t: &Type) -> Json {
    match t {
        Type::String => json!("string"),
        Type::Number => json!("number"),
        Type::Bool => json!("bool"),
        Type::Any => json!("dynamic"),
        Type::List(e) => json!(["list", type_json(e)]),
        Type::Set(e) => json!(["set", type_json(e)]),
        Type::Map(e) => json!(["map", type_json(e)]),
        Type::Object(fields) => {
            let m: Map<String, Json> = fields.iter().map(|(k, v)| (k.clone(), type_json(v))).collect();
            json!(["object", m])
        }
    }
}

fn attribute_json(a: &Attribute) -> Json {
    let mut m = Map::new();
    m.insert("type".into(), type_json(&a.ty));
    if !a.description.is_empty() {
        m.insert("description".into(), json!(a.description));
    }
    m.insert("description_kind".into(), json!("plain"));
    let (required, optional, computed) = match a.mode {
        AttributeMode::Required => (true, false, false),
        AttributeMode::Optional => (false, true, false),
        AttributeMode::Computed => (false, false, true),
        AttributeMode::OptionalComputed => (false, true, true),
    };
    // Terraform writes only the flags that are true.
    for (key, on) in
        [("required", required), ("optional", optional), ("computed", computed), ("sensitive", a.sensitive)]
    {
        if on {
            m.insert(key.into(), json!(true));
        }
    }
    Json::Object(m)
}

fn block_type_json(b: &Block) -> Json {
    let mut m = Map::new();
    let mode = match b.nesting {
        Nesting::Single => "single",
        Nesting::List => "list",
        Nesting::Set => "set",
    };
    m.insert("nesting_mode".into(), json!(mode));
    m.insert("block".into(), block_json(&b.schema));
    // A single block's one-item limit is its nesting mode, not a max_items (as in Terraform).
    if b.nesting != Nesting::Single {
        if b.min_items > 0 {
            m.insert("min_items".into(), json!(b.min_items));
        }
        if let Some(max) = b.max_items {
            m.insert("max_items".into(), json!(max));
        }
    }
    Json::Object(m)
}

/// The `block` object of a schema: attributes, nested block types, description kind.
pub fn block_json(s: &Schema) -> Json {
    let mut m = Map::new();
    if !s.attributes.is_empty() {
        let attrs: Map<String, Json> = s.attributes.iter().map(|(k, a)| (k.clone(), attribute_json(a))).collect();
        m.insert("attributes".into(), Json::Object(attrs));
    }
    if !s.blocks.is_empty() {
        let blocks: Map<String, Json> = s.blocks.iter().map(|(k, b)| (k.clone(), block_type_json(b))).collect();
        m.insert("block_types".into(), Json::Object(blocks));
    }
    m.insert("description_kind".into(), json!("plain"));
    Json::Object(m)
}

/// `{"version": N, "block": {...}}`: one resource type's, data source's or provider's schema.
pub fn schema_json(s: &Schema) -> Json {
    json!({ "version": s.version, "block": block_json(s) })
}

/// One provider's entry under `provider_schemas`: its configuration, resource types and
/// data sources, each map sorted by type name.
pub fn provider_schema_json(p: &dyn Provider) -> Json {
    let mut resources: Vec<Arc<dyn ResourceType>> = p.resource_types();
    resources.sort_by_key(|r| r.type_name());
    let mut data: Vec<Arc<dyn DataSource>> = p.data_sources();
    data.sort_by_key(|d| d.type_name());
    let mut m = Map::new();
    m.insert("provider".into(), schema_json(&p.config_schema()));
    if !resources.is_empty() {
        let r: Map<String, Json> =
            resources.iter().map(|r| (r.type_name().to_string(), schema_json(&r.schema()))).collect();
        m.insert("resource_schemas".into(), Json::Object(r));
    }
    if !data.is_empty() {
        let d: Map<String, Json> = data.iter().map(|d| (d.type_name().to_string(), schema_json(&d.schema()))).collect();
        m.insert("data_source_schemas".into(), Json::Object(d));
    }
    Json::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_blocks_and_types_in_terraform_shape() {
        let s = Schema::new()
            .attr("name", Attribute::required(Type::String).describe("The name."))
            .attr("arn", Attribute::computed(Type::String))
            .attr("password", Attribute::optional_computed(Type::String).sensitive())
            .attr("ports", Attribute::optional(Type::set(Type::Number)))
            .attr("obj", Attribute::optional(Type::list(Type::Object([("a".to_string(), Type::Bool)].into()))))
            .block(
                "rule",
                Block::list(Schema::new().attr("x", Attribute::optional(Type::map(Type::Any))))
                    .min_items(1)
                    .max_items(2),
            )
            .block("one", Block::single(Schema::new()))
            .block("tags", Block::set(Schema::new()).max_items(50))
            .version(3);
        let got = schema_json(&s);
        let want = json!({
            "version": 3,
            "block": {
                "attributes": {
                    "arn": {"type": "string", "description_kind": "plain", "computed": true},
                    "name": {"type": "string", "description": "The name.", "description_kind": "plain", "required": true},
                    "obj": {"type": ["list", ["object", {"a": "bool"}]], "description_kind": "plain", "optional": true},
                    "password": {"type": "string", "description_kind": "plain", "optional": true, "computed": true, "sensitive": true},
                    "ports": {"type": ["set", "number"], "description_kind": "plain", "optional": true}
                },
                "block_types": {
                    "one": {"nesting_mode": "single", "block": {"description_kind": "plain"}},
                    "rule": {
                        "nesting_mode": "list",
                        "block": {"attributes": {"x": {"type": ["map", "dynamic"], "description_kind": "plain", "optional": true}}, "description_kind": "plain"},
                        "min_items": 1,
                        "max_items": 2
                    },
                    "tags": {"nesting_mode": "set", "block": {"description_kind": "plain"}, "max_items": 50}
                },
                "description_kind": "plain"
            }
        });
        assert_eq!(got, want);
        // Key order as Terraform writes it (tools diff the text).
        assert!(got.to_string().starts_with(
            r#"{"version":3,"block":{"attributes":{"arn":{"type":"string","description_kind":"plain","computed":true}"#
        ));
    }
}
