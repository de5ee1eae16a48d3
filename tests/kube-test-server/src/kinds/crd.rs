//! Turning a CustomResourceDefinition object into served kinds.

use serde_json::Value;

use super::KindInfo;
use crate::error::Cause;

/// The served versions a CRD defines, or the reasons it is invalid.
pub fn served_kinds(crd: &Value) -> Result<Vec<KindInfo>, Vec<Cause>> {
    let mut causes = Vec::new();
    let text = |ptr: &str| crd.pointer(ptr).and_then(Value::as_str).unwrap_or("").to_string();
    let group = text("/spec/group");
    let kind = text("/spec/names/kind");
    let plural = text("/spec/names/plural");
    let scope = text("/spec/scope");
    let name = text("/metadata/name");
    let mut require = |value: &str, field: &str| {
        if value.is_empty() {
            causes.push(Cause {
                kind: "FieldValueRequired",
                field: field.to_string(),
                message: "Required value".to_string(),
            });
        }
    };
    require(&group, "spec.group");
    require(&kind, "spec.names.kind");
    require(&plural, "spec.names.plural");
    if scope != "Namespaced" && scope != "Cluster" {
        causes.push(Cause {
            kind: "FieldValueNotSupported",
            field: "spec.scope".to_string(),
            message: format!("Unsupported value: {scope:?}: supported values: \"Cluster\", \"Namespaced\""),
        });
    }
    if !group.is_empty() && !plural.is_empty() && name != format!("{plural}.{group}") {
        causes.push(Cause {
            kind: "FieldValueInvalid",
            field: "metadata.name".to_string(),
            message: format!("Invalid value: {name:?}: must be spec.names.plural+\".\"+spec.group"),
        });
    }
    let versions = crd.pointer("/spec/versions").and_then(Value::as_array).cloned().unwrap_or_default();
    if versions.is_empty() {
        causes.push(Cause {
            kind: "FieldValueRequired",
            field: "spec.versions".to_string(),
            message: "Required value: must have exactly one version marked as storage version".to_string(),
        });
    }
    if !causes.is_empty() {
        return Err(causes);
    }
    let strings = |ptr: &str| -> Vec<String> {
        crd.pointer(ptr)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    let singular = match text("/spec/names/singular") {
        s if s.is_empty() => kind.to_lowercase(),
        s => s,
    };
    let served = versions.iter().filter(|v| v.get("served").and_then(Value::as_bool).unwrap_or(false));
    Ok(served
        .map(|v| KindInfo {
            group: group.clone(),
            version: v.get("name").and_then(Value::as_str).unwrap_or("v1").to_string(),
            kind: kind.clone(),
            plural: plural.clone(),
            singular: singular.clone(),
            namespaced: scope == "Namespaced",
            short_names: strings("/spec/names/shortNames"),
            categories: strings("/spec/names/categories"),
            status_subresource: v.pointer("/subresources/status").is_some(),
            top_level_fields: None,
            schema: v.pointer("/schema/openAPIV3Schema").cloned(),
            custom: true,
            printer_columns: v.get("additionalPrinterColumns").and_then(Value::as_array).cloned().unwrap_or_default(),
        })
        .collect())
}
