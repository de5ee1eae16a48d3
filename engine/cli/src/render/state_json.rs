//! Terraform's JSON for what the state holds: `output -json` and the parts of `show -json`
//! that describe state records (instance index, mode).

use meshplan_state::{OutputRecord, ResourceMode, ResourceRecord};
use serde_json::{json, Map, Value as J};
use std::collections::BTreeMap;

/// A value's type in cty's JSON form, inferred from the stored value as Terraform infers a
/// literal's: `"string"`, `["tuple",["string","number"]]`, `["object",{"a":"bool"}]`.
pub fn cty_type(v: &J) -> J {
    match v {
        J::String(_) => json!("string"),
        J::Number(_) => json!("number"),
        J::Bool(_) => json!("bool"),
        J::Null => json!("dynamic"),
        J::Array(items) => json!(["tuple", items.iter().map(cty_type).collect::<Vec<_>>()]),
        J::Object(m) => json!(["object", m.iter().map(|(k, x)| (k.clone(), cty_type(x))).collect::<Map<_, _>>()]),
    }
}

/// `output -json`: `{"name": {"sensitive": false, "type": "string", "value": "x"}}`. Sensitive
/// values are `null` (Terraform prints them; meshplan keeps secrets in the state only).
pub fn outputs_json(outputs: &BTreeMap<String, OutputRecord>) -> J {
    let m: Map<String, J> = outputs
        .iter()
        .map(|(k, o)| (k.clone(), json!({"sensitive": o.sensitive, "type": cty_type(&o.value), "value": if o.sensitive { J::Null } else { o.value.clone() }})))
        .collect();
    J::Object(m)
}

/// The instance key at the end of an address: `x[0]` → `0`, `x["a"]` → `"a"`; with the
/// address without it.
pub fn split_index(address: &str) -> (&str, Option<J>) {
    if let Some(stripped) = address.strip_suffix("\"]") {
        if let Some(i) = stripped.rfind("[\"") {
            let key = serde_json::from_str::<String>(&address[i + 1..address.len() - 1])
                .unwrap_or_else(|_| stripped[i + 2..].to_string());
            return (&address[..i], Some(J::String(key)));
        }
    }
    if let Some(stripped) = address.strip_suffix(']') {
        if let Some(i) = stripped.rfind('[') {
            if let Ok(n) = stripped[i + 1..].parse::<u64>() {
                return (&address[..i], Some(json!(n)));
            }
        }
    }
    (address, None)
}

/// `mode`, `name`, `index` and module address of a record as Terraform's state JSON has them.
pub fn record_identity(r: &ResourceRecord) -> (&'static str, String, Option<J>, String) {
    let (base, index) = split_index(&r.address);
    let name = base.rsplit('.').next().unwrap_or_default().to_string();
    let mode = match r.mode {
        ResourceMode::Managed => "managed",
        ResourceMode::Data => "data",
    };
    // `module.m["k"].data.x.y` → `module.m["k"]`.
    let head = base.strip_suffix(&format!("{}.{name}", r.type_name)).unwrap_or("").trim_end_matches('.');
    let module = head.strip_suffix("data").unwrap_or(head).trim_end_matches('.').to_string();
    (mode, name, index, module)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_indexes() {
        assert_eq!(
            cty_type(&json!({"a": 1, "b": ["x", true]})),
            json!(["object", {"a": "number", "b": ["tuple", ["string", "bool"]]}])
        );
        assert_eq!(
            split_index("module.m[\"k\"].aws_vpc.v[\"a.b\"]"),
            ("module.m[\"k\"].aws_vpc.v", Some(json!("a.b")))
        );
        assert_eq!(split_index("aws_vpc.v[3]"), ("aws_vpc.v", Some(json!(3))));
        assert_eq!(split_index("module.m[0].aws_vpc.v"), ("module.m[0].aws_vpc.v", None));
    }
}
