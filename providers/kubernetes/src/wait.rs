//! The `wait` block: after an apply, wait until the object is rolled out, has conditions, or
//! has field values. One check ([`WaitFor::unmet`]) over the live object, polled by
//! [`crate::cluster::poll_until`].

use crate::cluster::{poll_until, Cluster, Deadline, Poll};
use crate::errors::Failure;
use crate::object_ref::ObjectRef;
use meshplan_provider::{Attribute, Block, ProviderError, Schema, Type, Value};
use serde_json::Value as Json;

pub(crate) fn block() -> Block {
    Block::single(
        Schema::new()
            .attr("rollout", Attribute::optional(Type::Bool))
            .attr("fields", Attribute::optional(Type::map(Type::String)))
            .block(
                "condition",
                Block::list(
                    Schema::new()
                        .attr("type", Attribute::required(Type::String))
                        .attr("status", Attribute::required(Type::String)),
                ),
            ),
    )
}

/// What to wait for, from the `wait` block.
#[derive(Debug, Default)]
pub(crate) struct WaitFor {
    rollout: bool,
    conditions: Vec<(String, String)>,
    /// Path (`status.phase`, `status.conditions[0].type`) → regex the value must match fully.
    fields: Vec<(String, regex::Regex)>,
}

impl WaitFor {
    pub fn from_state(state: &Value) -> Result<WaitFor, ProviderError> {
        let wait = state.get("wait");
        let conditions = wait
            .get("condition")
            .as_list()
            .into_iter()
            .flatten()
            .filter_map(|c| Some((c.get_str("type")?.to_string(), c.get_str("status")?.to_string())))
            .collect();
        let mut fields = Vec::new();
        for (path, pattern) in wait.get("fields").as_object().into_iter().flatten() {
            let pattern = pattern.as_str().unwrap_or_default();
            let re = regex::Regex::new(&format!("^(?:{pattern})$")).map_err(|e| {
                ProviderError::new(format!("wait.fields[{path:?}] is not a valid regular expression: {e}"))
                    .at_attribute("wait")
            })?;
            fields.push((path.clone(), re));
        }
        Ok(WaitFor { rollout: wait.get("rollout").as_bool().unwrap_or(false), conditions, fields })
    }

    /// Waiting for one condition only (a CRD's `Established`).
    pub fn condition(kind: &str, status: &str) -> WaitFor {
        WaitFor { conditions: vec![(kind.to_string(), status.to_string())], ..WaitFor::default() }
    }

    /// Waiting for a workload's rollout only (`wait_for_rollout`).
    pub fn rollout() -> WaitFor {
        WaitFor { rollout: true, ..WaitFor::default() }
    }

    pub fn is_empty(&self) -> bool {
        !self.rollout && self.conditions.is_empty() && self.fields.is_empty()
    }

    /// What is not there yet, or `None` when everything waited for is.
    pub fn unmet(&self, live: &Json) -> Option<String> {
        if self.rollout {
            if let Some(why) = rollout_pending(live) {
                return Some(why);
            }
        }
        for (kind, status) in &self.conditions {
            let found = live
                .pointer("/status/conditions")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .find(|c| c.get("type").and_then(Json::as_str) == Some(kind.as_str()));
            let actual = found.and_then(|c| c.get("status")).and_then(Json::as_str);
            if actual != Some(status.as_str()) {
                return Some(format!("condition {kind} is {}, waiting for {status}", actual.unwrap_or("absent")));
            }
        }
        for (path, re) in &self.fields {
            let actual = field_at(live, path).map(scalar_text);
            if !actual.as_deref().is_some_and(|v| re.is_match(v)) {
                return Some(format!(
                    "{path} is {}, waiting for /{}/",
                    actual.as_deref().unwrap_or("absent"),
                    re.as_str()
                ));
            }
        }
        None
    }

    /// Polls the object until nothing is unmet; returns the final live object.
    pub async fn wait(
        &self,
        cluster: &Cluster,
        object: &ObjectRef,
        live: Json,
        deadline: Deadline,
    ) -> Result<Json, Failure> {
        if self.unmet(&live).is_none() {
            return Ok(live);
        }
        poll_until(deadline, object, "satisfy its wait block", || async {
            match cluster.get(object).await? {
                None => Ok(Poll::Pending("the object is gone".to_string())),
                Some(live) => Ok(match self.unmet(&live) {
                    None => Poll::Ready(live),
                    Some(why) => Poll::Pending(why),
                }),
            }
        })
        .await
    }
}

/// Whether a workload's rollout is complete, by kind (other kinds have no rollout).
fn rollout_pending(live: &Json) -> Option<String> {
    let int = |p: &str| live.pointer(p).and_then(Json::as_i64);
    let generation = int("/metadata/generation").unwrap_or(0);
    if int("/status/observedGeneration").unwrap_or(-1) < generation {
        let kind = live.get("kind").and_then(Json::as_str).unwrap_or_default();
        if matches!(kind, "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet") {
            return Some(format!("generation {generation} not yet observed by the controller"));
        }
    }
    let replicas = int("/spec/replicas").unwrap_or(1);
    let check = |field: &str, want: i64| {
        let have = int(&format!("/status/{field}")).unwrap_or(0);
        (have != want).then(|| format!("{field} {have}/{want}"))
    };
    match live.get("kind").and_then(Json::as_str) {
        Some("Deployment") => check("updatedReplicas", replicas).or_else(|| check("availableReplicas", replicas)),
        Some("StatefulSet") => check("readyReplicas", replicas).or_else(|| {
            let (cur, upd) = (live.pointer("/status/currentRevision"), live.pointer("/status/updateRevision"));
            (cur != upd).then(|| "revision update in progress".to_string())
        }),
        Some("DaemonSet") => {
            let desired = int("/status/desiredNumberScheduled").unwrap_or(0);
            check("numberReady", desired).or_else(|| check("updatedNumberScheduled", desired))
        }
        Some("ReplicaSet") => check("readyReplicas", replicas),
        _ => None,
    }
}

/// The value at `status.conditions[0].type`-style paths.
fn field_at<'a>(live: &'a Json, path: &str) -> Option<&'a Json> {
    let mut cur = live;
    for part in path.split('.') {
        let (key, indexes) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            cur = cur.get(key)?;
        }
        for index in indexes.split(['[', ']']).filter(|s| !s.is_empty()) {
            cur = cur.get(index.parse::<usize>().ok()?)?;
        }
    }
    Some(cur)
}

fn scalar_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn wait(v: Json) -> WaitFor {
        WaitFor::from_state(&Value::object([("wait", Value::from_json(&v))])).unwrap()
    }

    #[test]
    fn deployment_rollout() {
        let w = wait(json!({"rollout": true}));
        let pending = json!({"kind": "Deployment", "metadata": {"generation": 1}, "spec": {"replicas": 2}});
        assert!(w.unmet(&pending).is_some());
        let done = json!({"kind": "Deployment", "metadata": {"generation": 1}, "spec": {"replicas": 2},
            "status": {"observedGeneration": 1, "updatedReplicas": 2, "availableReplicas": 2}});
        assert_eq!(w.unmet(&done), None);
    }

    #[test]
    fn conditions_and_fields() {
        let w = wait(
            json!({"condition": [{"type": "Ready", "status": "True"}], "fields": {"status.phase": "Run.*", "status.items[1]": "b"}}),
        );
        let live = json!({"status": {"phase": "Running", "items": ["a", "b"], "conditions": [{"type": "Ready", "status": "False"}]}});
        assert!(w.unmet(&live).unwrap().contains("Ready is False"));
        let live = json!({"status": {"phase": "Running", "items": ["a", "b"], "conditions": [{"type": "Ready", "status": "True"}]}});
        assert_eq!(w.unmet(&live), None);
    }
}
