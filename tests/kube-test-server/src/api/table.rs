//! `meta.k8s.io/v1` Table output for `kubectl get`: NAME, a few per-kind columns, AGE.
//! CRD kinds use their `additionalPrinterColumns` (simple `.a.b` JSON paths).

use serde_json::{json, Value};

use crate::kinds::KindInfo;

struct Column {
    name: String,
    path: String,
}

fn builtin_columns(kind: &KindInfo) -> Vec<(&'static str, &'static str)> {
    match kind.kind.as_str() {
        "Deployment" => vec![
            ("Ready", "=ready"),
            ("Up-to-date", ".status.updatedReplicas"),
            ("Available", ".status.availableReplicas"),
        ],
        "StatefulSet" => vec![("Ready", "=ready")],
        "Pod" => vec![("Status", ".status.phase")],
        "Service" => vec![("Type", ".spec.type"), ("Cluster-IP", ".spec.clusterIP")],
        "Namespace" => vec![("Status", ".status.phase")],
        "Secret" => vec![("Type", ".type"), ("Data", "=data")],
        "ConfigMap" => vec![("Data", "=data")],
        "PersistentVolumeClaim" => vec![("Status", ".status.phase")],
        "Job" => vec![("Succeeded", ".status.succeeded")],
        _ => Vec::new(),
    }
}

fn columns(kind: &KindInfo) -> Vec<Column> {
    if kind.custom {
        return kind
            .printer_columns
            .iter()
            .filter(|c| c.get("priority").and_then(Value::as_i64).unwrap_or(0) == 0)
            .filter_map(|c| {
                Some(Column {
                    name: c.get("name")?.as_str()?.to_string(),
                    path: c.get("jsonPath")?.as_str()?.to_string(),
                })
            })
            .filter(|c| c.path != ".metadata.creationTimestamp")
            .collect();
    }
    builtin_columns(kind).into_iter().map(|(n, p)| Column { name: n.to_string(), path: p.to_string() }).collect()
}

fn cell(object: &Value, path: &str) -> Value {
    match path {
        "=ready" => {
            let n = |p: &str| object.pointer(p).and_then(Value::as_i64).unwrap_or(0);
            json!(format!("{}/{}", n("/status/readyReplicas"), n("/spec/replicas")))
        }
        "=data" => json!(object.get("data").and_then(Value::as_object).map_or(0, |d| d.len())),
        _ => {
            let pointer = path.replace('.', "/");
            match object.pointer(&pointer) {
                Some(Value::String(s)) => json!(s),
                Some(Value::Null) | None => json!("<none>"),
                Some(other) => json!(other.to_string()),
            }
        }
    }
}

pub fn render(kind: &KindInfo, objects: &[Value], revision: &str, include_object: Option<&str>) -> Value {
    let columns = columns(kind);
    let mut definitions = vec![
        json!({"name": "Name", "type": "string", "format": "name", "description": "Name of the object", "priority": 0}),
    ];
    definitions.extend(
        columns
            .iter()
            .map(|c| json!({"name": c.name, "type": "string", "format": "", "description": "", "priority": 0})),
    );
    definitions.push(
        json!({"name": "Age", "type": "date", "format": "", "description": "Time since creation", "priority": 0}),
    );
    let rows: Vec<Value> = objects
        .iter()
        .map(|object| {
            let mut cells = vec![object.pointer("/metadata/name").cloned().unwrap_or(Value::Null)];
            cells.extend(columns.iter().map(|c| cell(object, &c.path)));
            cells.push(json!(age(object)));
            let embedded = match include_object {
                Some("None") => Value::Null,
                Some("Object") => object.clone(),
                _ => json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": object.get("metadata").cloned().unwrap_or(Value::Null)}),
            };
            json!({"cells": cells, "object": embedded})
        })
        .collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": revision},
        "columnDefinitions": definitions,
        "rows": rows,
    })
}

/// kubectl's short human duration: `45s`, `12m`, `3h`, `5d`.
fn age(object: &Value) -> String {
    let Some(created) = object.pointer("/metadata/creationTimestamp").and_then(Value::as_str) else {
        return "<unknown>".to_string();
    };
    let Ok(created) = created.parse::<jiff::Timestamp>() else { return "<unknown>".to_string() };
    let seconds = (jiff::Timestamp::now().as_second() - created.as_second()).max(0);
    match seconds {
        s if s < 120 => format!("{s}s"),
        s if s < 3 * 3600 => format!("{}m", s / 60),
        s if s < 48 * 3600 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86400),
    }
}
