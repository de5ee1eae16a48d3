//! `find` after an interrupted create: the object named by the planned state, read as the
//! create would have returned it; nothing before the create and after the delete.

mod common;

use common::*;
use meshplan_provider::{ResourceType, Value};
use serde_json::json;

const TOKEN: &str = "mp-0123456789abcdef01234567";

async fn check(rt: &dyn ResourceType, ctx: &meshplan_provider::Ctx, config: &Value) {
    let planned = plan(rt, ctx, None, config).await.state;
    assert_eq!(
        rt.find(ctx, TOKEN, &planned).await.expect("find"),
        None,
        "{}: found before it was made",
        rt.type_name()
    );
    let created = rt.create(ctx, &planned).await.expect("create");
    let found =
        rt.find(ctx, TOKEN, &planned).await.expect("find").unwrap_or_else(|| panic!("{}: not found", rt.type_name()));
    assert_eq!(found, created, "{}: find differs from create", rt.type_name());
    assert_no_op(rt, ctx, &found, config).await;
    rt.delete(ctx, &created).await.expect("delete");
    assert_eq!(rt.find(ctx, TOKEN, &planned).await.expect("find"), None, "{}: found after delete", rt.type_name());
}

#[tokio::test]
async fn typed_and_manifest_objects_are_found_by_name() {
    let server = server("find");
    let ctx = ctx(&server, "kubernetes_x.y").await;
    let ns = resource("kubernetes_namespace");
    let ns_cfg = shaped(&ns.schema(), &json!({"metadata": {"name": "spire", "labels": {"team": "mesh"}}}));
    let ns_planned = plan(ns.as_ref(), &ctx, None, &ns_cfg).await.state;
    let ns_state = ns.create(&ctx, &ns_planned).await.expect("namespace");
    assert_eq!(ns.find(&ctx, TOKEN, &ns_planned).await.expect("find").as_ref(), Some(&ns_state));

    let cm = resource("kubernetes_config_map");
    check(
        cm.as_ref(),
        &ctx,
        &shaped(&cm.schema(), &json!({"metadata": {"name": "bundle", "namespace": "spire"}, "data": {"k": "v"}})),
    )
    .await;
    let secret = resource("kubernetes_secret");
    check(
        secret.as_ref(),
        &ctx,
        &shaped(&secret.schema(), &json!({"metadata": {"name": "s", "namespace": "spire"}, "data": {"k": "v"}})),
    )
    .await;
    let manifest = resource("kubernetes_manifest");
    let m = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "namespace": "spire"}, "data": {"a": "1"}});
    check(manifest.as_ref(), &ctx, &shaped(&manifest.schema(), &json!({"manifest": m}))).await;

    // A patch is found only once its keys are there with the planned values.
    let labels = resource("kubernetes_labels");
    let l_cfg = shaped(
        &labels.schema(),
        &json!({"api_version": "v1", "kind": "Namespace", "metadata": {"name": "spire"}, "labels": {"istio-injection": "enabled"}}),
    );
    let l_planned = plan(labels.as_ref(), &ctx, None, &l_cfg).await.state;
    assert_eq!(labels.find(&ctx, TOKEN, &l_planned).await.expect("find"), None);
    let l_state = labels.create(&ctx, &l_planned).await.expect("labels");
    assert_eq!(labels.find(&ctx, TOKEN, &l_planned).await.expect("find").as_ref(), Some(&l_state));
}
