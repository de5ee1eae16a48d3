//! Terraform's JSON for what the state holds: `output -json` and the parts of `show -json`
//! that describe state records (instance index, mode).

use meshplan_state::OutputRecord;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cty_types() {
        assert_eq!(
            cty_type(&json!({"a": 1, "b": ["x", true]})),
            json!(["object", {"a": "number", "b": ["tuple", ["string", "bool"]]}])
        );
    }
}
