//! Simulated controllers, so that readiness waits mean something: after `ready_delay`,
//! workloads report ready replicas and conditions, Pods run, PVCs bind, Jobs complete and
//! LoadBalancer Services get an address, cert-manager Certificates turn Ready and IstioOperators
//! HEALTHY. They watch the store like real controllers and write only status.

use std::sync::Arc;

use serde_json::{json, Value};
use tokio::sync::{broadcast, watch};

use crate::cluster::Cluster;
use crate::config::LoadBalancerStatus;
use crate::store::{EventType, ObjectKey, WatchEvent, Write};

pub fn spawn(cluster: Arc<Cluster>, mut shutdown: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let Some(mut subscription) = cluster.store.subscribe(cluster.store.revision()) else { return };
        loop {
            tokio::select! {
                _ = shutdown.changed() => return,
                received = subscription.live.recv() => match received {
                    Ok(event) => react(&cluster, &event),
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        // Missed events: look at everything once more.
                        for (key, object) in cluster.store.all() {
                            react(&cluster, &WatchEvent { key, kind: EventType::Modified, object, revision: 0 });
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
            }
        }
    })
}

fn react(cluster: &Arc<Cluster>, event: &WatchEvent) {
    if event.kind == EventType::Deleted || event.object.pointer("/metadata/deletionTimestamp").is_some() {
        return;
    }
    if desired_status(cluster, &event.key, &event.object).is_none() {
        return;
    }
    let cluster = cluster.clone();
    let key = event.key.clone();
    tokio::spawn(async move {
        if !cluster.ready_delay.is_zero() {
            tokio::time::sleep(cluster.ready_delay).await;
        }
        let _ = cluster.store.write(&key, |current| {
            let Some(current) = current else { return Ok(Write::Keep) };
            Ok(match desired_status(&cluster, &key, current) {
                Some(status) => {
                    let mut updated = current.clone();
                    updated["status"] = status;
                    Write::Put(updated)
                }
                None => Write::Keep,
            })
        });
    });
}

/// The status a settled object of this kind would have, or None when it already has it
/// (or the kind has no simulated controller).
fn desired_status(cluster: &Cluster, key: &ObjectKey, object: &Value) -> Option<Value> {
    let generation = object.pointer("/metadata/generation").and_then(Value::as_i64).unwrap_or(1);
    let status = object.get("status").cloned().unwrap_or_else(|| json!({}));
    let observed = status.get("observedGeneration").and_then(Value::as_i64);
    let replicas = object.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(1);
    let now = crate::time::now_rfc3339();
    let condition = |kind: &str, reason: &str| json!({"type": kind, "status": "True", "reason": reason, "lastUpdateTime": now, "lastTransitionTime": now});
    let settled = |s: &Value| {
        observed == Some(generation) && s.get("readyReplicas").and_then(Value::as_i64).unwrap_or(0) == replicas
    };
    match (key.group.as_str(), key.resource.as_str()) {
        ("apps", "deployments") if !settled(&status) => Some(json!({
            "observedGeneration": generation,
            "replicas": replicas,
            "updatedReplicas": replicas,
            "readyReplicas": replicas,
            "availableReplicas": replicas,
            "conditions": [
                condition("Available", "MinimumReplicasAvailable"),
                condition("Progressing", "NewReplicaSetAvailable"),
            ],
        })),
        ("apps", "statefulsets") if !settled(&status) => {
            let revision = format!("{}-{:x}", key.name, generation);
            Some(json!({
                "observedGeneration": generation,
                "replicas": replicas,
                "readyReplicas": replicas,
                "currentReplicas": replicas,
                "updatedReplicas": replicas,
                "availableReplicas": replicas,
                "currentRevision": revision,
                "updateRevision": revision,
                "collisionCount": 0,
            }))
        }
        ("apps", "replicasets") if !settled(&status) => Some(json!({
            "observedGeneration": generation,
            "replicas": replicas,
            "fullyLabeledReplicas": replicas,
            "readyReplicas": replicas,
            "availableReplicas": replicas,
        })),
        ("apps", "daemonsets") if observed != Some(generation) => Some(json!({
            "observedGeneration": generation,
            "currentNumberScheduled": 1,
            "desiredNumberScheduled": 1,
            "numberReady": 1,
            "numberAvailable": 1,
            "updatedNumberScheduled": 1,
            "numberMisscheduled": 0,
        })),
        ("batch", "jobs") if status.get("completionTime").is_none() => {
            let completions = object.pointer("/spec/completions").and_then(Value::as_i64).unwrap_or(1);
            Some(json!({
                "startTime": object.pointer("/metadata/creationTimestamp").cloned().unwrap_or(json!(now)),
                "completionTime": now,
                "succeeded": completions,
                "ready": 0,
                "conditions": [condition("SuccessCriteriaMet", "CompletionsReached"), condition("Complete", "CompletionsReached")],
            }))
        }
        ("", "pods") if status.get("phase").and_then(Value::as_str) != Some("Running") => {
            let containers: Vec<Value> = object
                .pointer("/spec/containers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|c| {
                    json!({
                        "name": c.get("name"),
                        "image": c.get("image"),
                        "imageID": "",
                        "ready": true,
                        "started": true,
                        "restartCount": 0,
                        "state": {"running": {"startedAt": now}},
                    })
                })
                .collect();
            let conditions: Vec<Value> = ["Initialized", "Ready", "ContainersReady", "PodScheduled"]
                .iter()
                .map(|c| json!({"type": c, "status": "True", "lastTransitionTime": now}))
                .collect();
            Some(json!({
                "phase": "Running",
                "podIP": "10.244.0.10",
                "podIPs": [{"ip": "10.244.0.10"}],
                "hostIP": "172.18.0.2",
                "startTime": now,
                "conditions": conditions,
                "containerStatuses": containers,
            }))
        }
        ("", "persistentvolumeclaims") if status.get("phase").and_then(Value::as_str) != Some("Bound") => Some(json!({
            "phase": "Bound",
            "accessModes": object.pointer("/spec/accessModes").cloned().unwrap_or(json!(["ReadWriteOnce"])),
            "capacity": object.pointer("/spec/resources/requests").cloned().unwrap_or(json!({})),
        })),
        // cert-manager's and the Istio operator's readiness signals (no certificate, Secret or
        // istiod is made): waits on them are exercised, and never pass before the delay.
        ("cert-manager.io", "certificates") if !has_condition(&status, "Ready") => {
            let mut s = status.clone();
            s["conditions"] = json!([{"type": "Ready", "status": "True", "reason": "Ready", "message": "Certificate is up to date and has not expired", "lastTransitionTime": now, "observedGeneration": generation}]);
            Some(s)
        }
        ("install.istio.io", "istiooperators") if status.get("status").and_then(Value::as_str) != Some("HEALTHY") => {
            Some(json!({"status": "HEALTHY"}))
        }
        ("", "services")
            if object.pointer("/spec/type").and_then(Value::as_str) == Some("LoadBalancer")
                && status.pointer("/loadBalancer/ingress").is_none() =>
        {
            Some(json!({"loadBalancer": {"ingress": [load_balancer_ingress(&cluster.load_balancer, key, object)]}}))
        }
        _ => None,
    }
}

fn load_balancer_ingress(style: &LoadBalancerStatus, key: &ObjectKey, object: &Value) -> Value {
    match style {
        LoadBalancerStatus::Ip => json!({"ip": "172.18.255.200", "ipMode": "VIP"}),
        LoadBalancerStatus::AwsHostname { region } => {
            let annotation = |k: &str| {
                object.pointer(&format!("/metadata/annotations/{}", k.replace('/', "~1"))).and_then(Value::as_str)
            };
            let internal = annotation("service.beta.kubernetes.io/aws-load-balancer-internal")
                .is_some_and(|v| v == "true" || v == "0.0.0.0/0")
                || annotation("service.beta.kubernetes.io/aws-load-balancer-scheme") == Some("internal");
            // Stable per Service, like the name AWS derives from the Service's UID.
            let id: u32 = format!("{}/{}", key.namespace, key.name)
                .bytes()
                .fold(2166136261, |h, b| (h ^ b as u32).wrapping_mul(16777619));
            let prefix = if internal { "internal-" } else { "" };
            json!({"hostname": format!("{prefix}a{id:08x}-{:010}.{region}.elb.amazonaws.com", id % 1_000_000_007)})
        }
    }
}

fn has_condition(status: &Value, kind: &str) -> bool {
    status.get("conditions").and_then(Value::as_array).into_iter().flatten().any(|c| {
        c.get("type").and_then(Value::as_str) == Some(kind) && c.get("status").and_then(Value::as_str) == Some("True")
    })
}
