//! `kubernetes_manifest` against a kube test server: lifecycle, drift, import, waits, CRDs,
//! ordering that heals, conflicts, finalizers.

mod common;

use common::*;
use kube::api::{DeleteParams, Patch, PatchParams};
use meshplan_provider::{Ctx, Value};
use serde_json::{json, Value as Json};
use std::time::{Duration, Instant};

fn manifest_config(manifest: Json, extra: Json) -> Value {
    let mut all = json!({"manifest": manifest});
    if let (Some(all), Some(extra)) = (all.as_object_mut(), extra.as_object()) {
        all.extend(extra.clone());
    }
    shaped(&resource("kubernetes_manifest").schema(), &all)
}

fn config_map(data: Json) -> Json {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "namespace": "default"}, "data": data})
}

#[tokio::test]
async fn create_update_drift_import_delete() {
    let server = server("manifest");
    let ctx = ctx(&server, "kubernetes_manifest.settings").await;
    let rt = resource("kubernetes_manifest");
    let rt = rt.as_ref();

    let v1 = manifest_config(config_map(json!({"a": "1"})), json!({}));
    let state = create_and_check_no_op(rt, &ctx, &v1).await;
    assert_eq!(state.get("object").get("metadata").get_str("namespace"), Some("default"));
    assert!(state.get("object").get("metadata").get("uid").as_str().is_some(), "object is the live object");

    let v2 = manifest_config(config_map(json!({"a": "2", "b": "x"})), json!({}));
    let state = update(rt, &ctx, &state, &v2).await;
    assert_eq!(state.get("object").get("data").get_str("b"), Some("x"));

    // Drift: a managed field changed out of band shows as a diff of that field only.
    let raw = raw_client(&server).await;
    let api = raw_api(&raw, "v1", "ConfigMap", Some("default"));
    api.patch(
        "settings",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"a": "tampered"}, "metadata": {"labels": {"other": "x"}}})),
    )
    .await
    .unwrap();
    let refreshed = rt.read(&ctx, &state).await.unwrap().expect("still there");
    assert_eq!(refreshed.get("manifest").get("data").get_str("a"), Some("tampered"));
    assert_eq!(refreshed.get("manifest").get("metadata").get("labels"), &Value::Null, "unmanaged labels are no drift");
    let state = update(rt, &ctx, &refreshed, &v2).await;
    assert_eq!(state.get("object").get("data").get_str("a"), Some("2"));

    // Import of an existing object, by ID.
    let imported = rt.import(&ctx, "apiVersion=v1,kind=ConfigMap,namespace=default,name=settings").await.unwrap();
    assert_eq!(imported.get("manifest").get("data"), state.get("manifest").get("data"));
    let after_import = plan(rt, &ctx, Some(&imported), &v2).await;
    assert!(!after_import.replaces());

    // Deleted out of band: read says gone (the engine plans a create).
    api.delete("settings", &DeleteParams::default()).await.unwrap();
    assert_eq!(rt.read(&ctx, &state).await.unwrap(), None);
    let state = create_and_check_no_op(rt, &ctx, &v2).await;

    rt.delete(&ctx, &state).await.unwrap();
    assert!(!stored(&server, "ConfigMap", "settings"));
    rt.delete(&ctx, &state).await.expect("deleting what is gone is fine");
}

#[tokio::test]
async fn rollout_wait_outlasts_the_ready_delay() {
    let server = server_with_ready_delay("rollout", Duration::from_millis(1500));
    let ctx = ctx(&server, "kubernetes_manifest.web").await;
    let rt = resource("kubernetes_manifest");
    let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}});
    let config = manifest_config(deployment, json!({"wait": {"rollout": true}, "timeouts": {"create": "30s"}}));
    let started = Instant::now();
    let state = create_and_check_no_op(rt.as_ref(), &ctx, &config).await;
    assert!(started.elapsed() >= Duration::from_millis(1400), "waited for the rollout: {:?}", started.elapsed());
    assert_eq!(state.get("object").get("status").get("availableReplicas").as_i64(), Some(2));
}

#[tokio::test]
async fn condition_and_field_waits_and_their_timeout() {
    let server = server_with_ready_delay("conditions", Duration::from_millis(800));
    let ctx = ctx(&server, "kubernetes_manifest.job").await;
    let rt = resource("kubernetes_manifest");
    let job = |name: &str| {
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name, "namespace": "default"},
        "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}})
    };
    let config = manifest_config(
        job("done"),
        json!({"wait": {"condition": [{"type": "Complete", "status": "True"}], "fields": {"status.succeeded": "1"}}}),
    );
    let planned = plan(rt.as_ref(), &ctx, None, &config).await;
    let state = rt.create(&ctx, &planned.state).await.unwrap();
    assert_eq!(state.get("object").get("status").get("succeeded").as_i64(), Some(1));

    // A condition that never comes: a timeout naming what was seen, with the object kept.
    let never = manifest_config(
        job("never"),
        json!({"wait": {"condition": [{"type": "Failed", "status": "True"}]}, "timeouts": {"create": "2s"}}),
    );
    let planned = plan(rt.as_ref(), &ctx, None, &never).await;
    let err = rt.create(&ctx, &planned.state).await.unwrap_err();
    assert!(
        err.message.contains("timed out after 2s") && err.message.contains("condition Failed is absent"),
        "{}",
        err.message
    );
    assert!(err.partial_state.is_some(), "the created object is not lost");
}

#[tokio::test]
async fn custom_resource_applied_before_its_crd_waits_for_the_kind() {
    let server = server("crd");
    let ctx = ctx(&server, "kubernetes_manifest.widget").await;
    let rt = resource("kubernetes_manifest");
    let widget = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w1", "namespace": "default"}, "spec": {"size": 3}});
    let widget_config = manifest_config(widget, json!({"timeouts": {"create": "30s"}}));
    // Plan works while the kind does not exist (plan never asks the cluster).
    let planned_widget = plan(rt.as_ref(), &ctx, None, &widget_config).await;

    let crd_config = manifest_config(serde_json::from_str(WIDGET_CRD).unwrap(), json!({}));
    let planned_crd = plan(rt.as_ref(), &ctx, None, &crd_config).await;
    let widget_task = {
        let (rt, ctx, planned) = (rt.clone(), ctx.clone(), planned_widget.state.clone());
        tokio::spawn(async move { rt.create(&ctx, &planned).await })
    };
    tokio::time::sleep(Duration::from_millis(700)).await;
    let crd = rt.create(&ctx, &planned_crd.state).await.unwrap();
    let conditions = crd.get("object").get("status").get("conditions");
    assert!(conditions.to_string().contains("Established"), "CRD waited for: {conditions}");
    let widget = widget_task.await.unwrap().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(widget.get("object").get("spec").get("size").as_i64(), Some(3));
    assert_no_op(rt.as_ref(), &ctx, &widget, &widget_config).await;

    // Deleting the CRD takes its objects: the widget reads as gone, and deleting it is fine.
    rt.delete(&ctx, &crd).await.unwrap();
    assert_eq!(rt.read(&ctx, &widget).await.unwrap(), None);
    rt.delete(&ctx, &widget).await.unwrap();
}

#[tokio::test]
async fn missing_namespace_heals_when_it_appears() {
    let server = server("ordering");
    let ctx = ctx(&server, "kubernetes_manifest.cm").await;
    let rt = resource("kubernetes_manifest");
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "late", "namespace": "spire"}, "data": {"a": "1"}});
    let config = manifest_config(cm, json!({"timeouts": {"create": "20s"}}));
    let planned = plan(rt.as_ref(), &ctx, None, &config).await;
    let task = {
        let (rt, ctx, planned) = (rt.clone(), ctx.clone(), planned.state.clone());
        tokio::spawn(async move { rt.create(&ctx, &planned).await })
    };
    tokio::time::sleep(Duration::from_millis(600)).await;
    let ns =
        manifest_config(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "spire"}}), json!({}));
    let planned_ns = plan(rt.as_ref(), &ctx, None, &ns).await;
    rt.create(&ctx, &planned_ns.state).await.unwrap();
    task.await.unwrap().unwrap_or_else(|e| panic!("{e}"));
    assert!(stored(&server, "ConfigMap", "late"));

    // Without the namespace ever appearing, the error says what is missing within the timeout.
    let lost = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "lost", "namespace": "nowhere"}});
    let planned = plan(rt.as_ref(), &ctx, None, &manifest_config(lost, json!({"timeouts": {"create": "1s"}}))).await;
    let err = rt.create(&ctx, &planned.state).await.unwrap_err();
    assert!(err.message.contains("ConfigMap nowhere/lost (v1)") && err.message.contains("nowhere"), "{}", err.message);
}

#[tokio::test]
async fn conflicts_name_the_manager_unless_forced() {
    let server = server("conflicts");
    let ctx = ctx(&server, "kubernetes_manifest.shared").await;
    let rt = resource("kubernetes_manifest");
    let raw = raw_client(&server).await;
    raw_api(&raw, "v1", "ConfigMap", Some("default"))
        .patch(
            "shared",
            &PatchParams::apply("alice"),
            &Patch::Apply(
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "shared"}, "data": {"key": "a"}}),
            ),
        )
        .await
        .unwrap();
    let ours = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "shared", "namespace": "default"}, "data": {"key": "b"}});
    let polite = manifest_config(ours.clone(), json!({"field_manager": {"force_conflicts": false}}));
    let planned = plan(rt.as_ref(), &ctx, None, &polite).await;
    let err = rt.create(&ctx, &planned.state).await.unwrap_err();
    assert!(err.message.contains("alice") && err.message.contains("data.key"), "{}", err.message);
    assert!(err.message.contains("ConfigMap default/shared (v1)"), "{}", err.message);
    assert!(err.hint.as_deref().unwrap_or_default().contains("force_conflicts"), "{:?}", err.hint);

    let forced = manifest_config(ours, json!({}));
    let planned = plan(rt.as_ref(), &ctx, None, &forced).await;
    let state = rt.create(&ctx, &planned.state).await.unwrap();
    assert_eq!(state.get("object").get("data").get_str("key"), Some("b"));
}

#[tokio::test]
async fn deletion_waits_for_finalizers() {
    let server = server("finalizers");
    let ctx: Ctx = ctx(&server, "kubernetes_manifest.held").await;
    let rt = resource("kubernetes_manifest");
    let held = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "held", "namespace": "default", "finalizers": ["example.com/hold"]}});
    let planned = plan(rt.as_ref(), &ctx, None, &manifest_config(held, json!({}))).await;
    let state = rt.create(&ctx, &planned.state).await.unwrap();
    let raw = raw_client(&server).await;
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1200)).await;
        raw_api(&raw, "v1", "ConfigMap", Some("default"))
            .patch("held", &PatchParams::default(), &Patch::Merge(json!({"metadata": {"finalizers": null}})))
            .await
            .unwrap();
    });
    let started = Instant::now();
    rt.delete(&ctx, &state).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(1100), "deletion waited for the finalizer");
    assert!(!stored(&server, "ConfigMap", "held"));
    release.await.unwrap();
}
