//! `kubectl_manifest` (the kubectl provider) against a kube test server: apply, no-op
//! re-plan, drift through the in-cluster fingerprints, ignore_fields, in-place updates and
//! replacements, objects made again out of band, apply_only, import, sensitive_fields.

mod common;

use common::*;
use kube::api::{DeleteParams, Patch, PatchParams};
use meshplan_provider::{Provider, ResourceType, Value};
use meshplan_provider_kubernetes::KubectlProvider;
use serde_json::json;
use std::sync::Arc;

fn kubectl_manifest() -> Arc<dyn ResourceType> {
    KubectlProvider.resource_types().into_iter().find(|t| t.type_name() == "kubectl_manifest").unwrap()
}

fn config(yaml: &str, extra: serde_json::Value) -> Value {
    let mut json = extra;
    json["yaml_body"] = json!(yaml);
    shaped(&kubectl_manifest().schema(), &json)
}

fn deployment(replicas: u32) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n"
    )
}

fn config_map(name: &str, value: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  k: \"{value}\"\n")
}

#[tokio::test]
async fn applies_detects_drift_and_puts_it_back() {
    let server = server("kubectl");
    let ctx = ctx(&server, "kubectl_manifest.web").await;
    let rt = kubectl_manifest();
    let cfg = config(&deployment(2), json!({}));
    let planned = plan(rt.as_ref(), &ctx, None, &cfg).await;
    assert_eq!(planned.state.get_str("kind"), Some("Deployment"));
    assert_eq!(planned.state.get_str("name"), Some("web"));
    assert!(planned.state.get("uid").is_unknown());
    let state = create_and_check_no_op(rt.as_ref(), &ctx, &cfg).await;
    assert_eq!(state.get("uid"), state.get("live_uid"));
    let live = server.objects().into_iter().find(|o| o["kind"] == "Deployment").unwrap();
    assert_eq!(live["status"]["availableReplicas"], 2, "waited for the rollout");
    assert_eq!(live["metadata"]["managedFields"][0]["manager"], "kubectl");

    // Drift in a field the YAML sets: the fingerprints differ, the plan is an update.
    let raw = raw_client(&server).await;
    let deployments = raw_api(&raw, "apps/v1", "Deployment", Some("default"));
    deployments.patch("web", &PatchParams::default(), &Patch::Merge(json!({"spec": {"replicas": 5}}))).await.unwrap();
    let drifted = rt.read(&ctx, &state).await.unwrap().unwrap();
    assert_ne!(drifted.get("live_manifest_incluster"), drifted.get("yaml_incluster"));
    let state = update(rt.as_ref(), &ctx, &drifted, &cfg).await;
    let live = server.objects().into_iter().find(|o| o["kind"] == "Deployment").unwrap();
    assert_eq!(live["spec"]["replicas"], 2, "put back");

    // With ignore_fields the same drift is no change.
    let ignoring = config(&deployment(2), json!({"ignore_fields": ["spec.replicas"]}));
    let state = update(rt.as_ref(), &ctx, &state, &ignoring).await;
    deployments.patch("web", &PatchParams::default(), &Patch::Merge(json!({"spec": {"replicas": 4}}))).await.unwrap();
    assert_no_op(rt.as_ref(), &ctx, &state, &ignoring).await;

    // A changed YAML body updates in place; the plan does not know the new fingerprints.
    let changed =
        update(rt.as_ref(), &ctx, &state, &config(&deployment(3), json!({"ignore_fields": ["spec.replicas"]}))).await;
    assert_eq!(changed.get("uid"), state.get("uid"), "same object");
    rt.delete(&ctx, &changed).await.unwrap();
    assert!(!stored(&server, "Deployment", "web"));
}

#[tokio::test]
async fn replacements_apply_only_import_and_sensitive_fields() {
    let server = server("kubectl2");
    let ctx = ctx(&server, "kubectl_manifest.cm").await;
    let rt = kubectl_manifest();
    let cfg = config(&config_map("a", "1"), json!({"override_namespace": "kube-system"}));
    let state = create_and_check_no_op(rt.as_ref(), &ctx, &cfg).await;
    assert_eq!(state.get_str("namespace"), Some("kube-system"));
    assert!(server
        .objects()
        .iter()
        .any(|o| o["metadata"]["name"] == "a" && o["metadata"]["namespace"] == "kube-system"));

    // Renaming replaces; with force_new any change does.
    let renamed = plan(
        rt.as_ref(),
        &ctx,
        Some(&state),
        &config(&config_map("b", "1"), json!({"override_namespace": "kube-system"})),
    )
    .await;
    assert!(renamed.replaces());
    let in_place = plan(
        rt.as_ref(),
        &ctx,
        Some(&state),
        &config(&config_map("a", "2"), json!({"override_namespace": "kube-system"})),
    )
    .await;
    assert!(!in_place.replaces());
    assert!(in_place.state.get("yaml_incluster").is_unknown());
    let forced = json!({"override_namespace": "kube-system", "force_new": true});
    let state = update(rt.as_ref(), &ctx, &state, &config(&config_map("a", "1"), forced.clone())).await;
    assert!(plan(rt.as_ref(), &ctx, Some(&state), &config(&config_map("a", "2"), forced.clone())).await.replaces());

    // Deleted and made again out of band: another object, so the plan replaces it.
    let raw = raw_client(&server).await;
    let maps = raw_api(&raw, "v1", "ConfigMap", Some("kube-system"));
    maps.delete("a", &DeleteParams::default()).await.unwrap();
    let again: kube::api::DynamicObject = serde_json::from_value(
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "1"}}),
    )
    .unwrap();
    maps.create(&Default::default(), &again).await.unwrap();
    let refreshed = rt.read(&ctx, &state).await.unwrap().unwrap();
    assert_ne!(refreshed.get("live_uid"), refreshed.get("uid"));
    assert!(plan(rt.as_ref(), &ctx, Some(&refreshed), &config(&config_map("a", "1"), forced)).await.replaces());

    // Import by the kubectl provider's ID.
    let imported = rt.import(&ctx, "v1//ConfigMap//a//kube-system").await.unwrap();
    assert_eq!(imported.get("uid"), refreshed.get("live_uid"));
    assert!(imported.get_str("yaml_body").unwrap().contains("name: a"));
    assert!(rt.import(&ctx, "ConfigMap/a").await.is_err());

    // apply_only: destroy leaves the object.
    let kept = config(&config_map("kept", "1"), json!({"apply_only": true}));
    let kept_state = create_and_check_no_op(rt.as_ref(), &ctx, &kept).await;
    rt.delete(&ctx, &kept_state).await.unwrap();
    assert!(stored(&server, "ConfigMap", "kept"));

    // sensitive_fields: hidden in yaml_body_parsed (what plans show); yaml_body is sensitive.
    let secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  password: hunter2\n";
    let planned = plan(rt.as_ref(), &ctx, None, &config(secret, json!({"sensitive_fields": ["stringData"]}))).await;
    let shown = planned.state.get_str("yaml_body_parsed").unwrap();
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(rt.schema().attributes["yaml_body"].sensitive);

    // Two documents are an error that says what to do.
    let two = format!("{}---\n{}", config_map("x", "1"), config_map("y", "1"));
    let err = rt
        .plan(&ctx, meshplan_provider::PlanRequest { prior: None, config: &config(&two, json!({})) })
        .await
        .unwrap_err();
    assert!(err.hint.as_deref().unwrap_or_default().contains("kubectl_file_documents"), "{err:?}");
}

#[tokio::test]
async fn file_documents_split_a_stream() {
    let server = server("kubectl3");
    let ctx = ctx(&server, "data.kubectl_file_documents.d").await;
    let ds = KubectlProvider.data_sources().into_iter().find(|d| d.type_name() == "kubectl_file_documents").unwrap();
    let content = format!("{}---\n# comment only\n---\n{}", config_map("x", "1"), config_map("y", "2"));
    let out = ds.read(&ctx, &shaped(&ds.schema(), &json!({"content": content}))).await.unwrap();
    assert_eq!(out.get("documents").as_list().unwrap().len(), 2);
    let manifests = out.get("manifests").as_object().unwrap();
    assert_eq!(manifests.keys().collect::<Vec<_>>(), ["/api/v1/configmaps/x", "/api/v1/configmaps/y"]);
    let dup = format!("{}---\n{}", config_map("x", "1"), config_map("x", "2"));
    assert!(ds.read(&ctx, &shaped(&ds.schema(), &json!({"content": dup}))).await.is_err());
}
