//! Fidelity: kube-rs (client, discovery, runtime watcher) against the server.

mod common;

use std::collections::BTreeMap;

use futures::TryStreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, GroupVersionKind, ListParams, Patch, PatchParams, PostParams,
};
use kube::discovery::Discovery;
use kube::runtime::{watcher, WatchStreamExt};
use kube_test_server::{Config, TestServer};
use serde_json::json;

fn server() -> TestServer {
    TestServer::start(Config::named("kube-rs")).expect("server starts")
}

#[tokio::test]
async fn dynamic_object_crud() {
    let server = server();
    let client = common::kube_client(&server).await;
    let resource = ApiResource::from_gvk(&GroupVersionKind::gvk("", "v1", "ConfigMap"));
    let api: Api<DynamicObject> = Api::namespaced_with(client, "default", &resource);

    let mut object = DynamicObject::new("crud", &resource).data(json!({"data": {"a": "1"}}));
    object.metadata.labels = Some(BTreeMap::from([("team".to_string(), "x".to_string())]));
    let created = api.create(&PostParams::default(), &object).await.expect("create");
    let uid = created.metadata.uid.clone().expect("uid");
    let first_version = created.metadata.resource_version.clone().expect("resourceVersion");
    assert!(created.metadata.creation_timestamp.is_some());
    let err = api.create(&PostParams::default(), &object).await.unwrap_err();
    assert!(matches!(err, kube::Error::Api(ref s) if s.code == 409 && s.reason == "AlreadyExists"), "{err:?}");

    let mut fetched = api.get("crud").await.expect("get");
    assert_eq!(fetched.metadata.uid.as_deref(), Some(uid.as_str()));
    fetched.data["data"]["a"] = json!("2");
    let replaced = api.replace("crud", &PostParams::default(), &fetched).await.expect("replace");
    assert_ne!(replaced.metadata.resource_version.as_deref(), Some(first_version.as_str()));
    // Replacing with the now stale version is a conflict.
    let stale = api.replace("crud", &PostParams::default(), &fetched).await.unwrap_err();
    assert!(matches!(stale, kube::Error::Api(ref s) if s.code == 409), "{stale:?}");

    let patched = api
        .patch("crud", &PatchParams::default(), &Patch::Merge(json!({"data": {"b": "3"}})))
        .await
        .expect("merge patch");
    assert_eq!(patched.data["data"], json!({"a": "2", "b": "3"}));

    let listed = api.list(&ListParams::default().labels("team=x")).await.expect("list");
    assert_eq!(listed.items.len(), 1);
    assert!(api.list(&ListParams::default().labels("team=y")).await.unwrap().items.is_empty());

    api.delete("crud", &DeleteParams::default()).await.expect("delete");
    let gone = api.get("crud").await.unwrap_err();
    assert!(matches!(gone, kube::Error::Api(ref s) if s.code == 404), "{gone:?}");
}

#[tokio::test]
async fn server_side_apply_conflicts_and_force() {
    let server = server();
    let client = common::kube_client(&server).await;
    let api: Api<ConfigMap> = Api::namespaced(client, "default");
    let config = |value: &str| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "shared"}, "data": {"key": value}});

    let created =
        api.patch("shared", &PatchParams::apply("alice"), &Patch::Apply(config("a"))).await.expect("apply creates");
    assert_eq!(created.data.unwrap()["key"], "a");
    let err = api.patch("shared", &PatchParams::apply("bob"), &Patch::Apply(config("b"))).await.unwrap_err();
    match err {
        kube::Error::Api(status) => {
            assert_eq!(status.code, 409);
            assert!(status.message.contains("conflict with \"alice\""), "{}", status.message);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let forced = api
        .patch("shared", &PatchParams::apply("bob").force(), &Patch::Apply(config("b")))
        .await
        .expect("forced apply");
    assert_eq!(forced.data.unwrap()["key"], "b");
    let managers: Vec<String> = forced.metadata.managed_fields.unwrap().into_iter().filter_map(|m| m.manager).collect();
    assert_eq!(managers, ["bob"], "alice lost her only field");

    // Fields dropped from an applier's config are removed.
    let two = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "shared"}, "data": {"key": "b", "extra": "1"}});
    api.patch("shared", &PatchParams::apply("bob"), &Patch::Apply(two)).await.unwrap();
    let back = api.patch("shared", &PatchParams::apply("bob"), &Patch::Apply(config("b"))).await.unwrap();
    assert_eq!(back.data.unwrap(), BTreeMap::from([("key".to_string(), "b".to_string())]));
}

#[tokio::test]
async fn discovery_finds_a_freshly_created_crd() {
    let server = server();
    let client = common::kube_client(&server).await;
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let crd: CustomResourceDefinition = serde_norway::from_str(common::WIDGET_CRD).expect("CRD parses");
    let created = crds.create(&PostParams::default(), &crd).await.expect("CRD created");
    let conditions = created.status.and_then(|s| s.conditions).unwrap_or_default();
    assert!(conditions.iter().any(|c| c.type_ == "Established" && c.status == "True"));

    let discovery = Discovery::new(client.clone()).run().await.expect("discovery");
    let (resource, caps) = discovery
        .groups()
        .flat_map(|g| g.recommended_resources())
        .find(|(r, _)| r.kind == "Widget")
        .expect("Widget discovered");
    assert_eq!(resource.plural, "widgets");
    assert_eq!(caps.scope, kube::discovery::Scope::Namespaced);

    let widgets: Api<DynamicObject> = Api::namespaced_with(client, "default", &resource);
    let widget = DynamicObject::new("w", &resource).data(json!({"spec": {"size": 2}}));
    widgets.create(&PostParams::default(), &widget).await.expect("custom resource created");
    assert_eq!(widgets.get("w").await.unwrap().data["spec"]["size"], 2);
}

#[tokio::test]
async fn runtime_watcher_sees_changes() {
    let server = server();
    let client = common::kube_client(&server).await;
    let api: Api<ConfigMap> = Api::namespaced(client, "default");
    let config = |value: &str| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "watched"}, "data": {"v": value}});
    api.patch("watched", &PatchParams::apply("test"), &Patch::Apply(config("1"))).await.unwrap();

    let stream = watcher(api.clone(), watcher::Config::default()).applied_objects();
    let mut stream = Box::pin(stream);
    let mut updated = false;
    while let Some(object) = stream.try_next().await.expect("watch stream") {
        let value = object.data.unwrap_or_default().get("v").cloned().unwrap_or_default();
        match value.as_str() {
            "1" if !updated => {
                updated = true;
                api.patch("watched", &PatchParams::apply("test"), &Patch::Apply(config("2"))).await.unwrap();
            }
            "2" => break,
            _ => {}
        }
    }
    assert!(updated);
}

#[tokio::test]
async fn concurrent_server_side_applies() {
    let server = server();
    let client = common::kube_client(&server).await;
    let api: Api<ConfigMap> = Api::namespaced(client, "default");
    // 32 concurrent appliers: each owns one key of a shared ConfigMap and one ConfigMap of its own.
    let tasks = (0..32).map(|i| {
        let api = api.clone();
        tokio::spawn(async move {
            let manager = format!("writer-{i}");
            let shared = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "shared"}, "data": {format!("k{i}"): i.to_string()}});
            let own = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": format!("own-{i}")}, "data": {"i": i.to_string()}});
            let a = api.patch("shared", &PatchParams::apply(&manager), &Patch::Apply(shared)).await.expect("shared apply");
            let b = api.patch(&format!("own-{i}"), &PatchParams::apply(&manager), &Patch::Apply(own)).await.expect("own apply");
            [a.metadata.resource_version.unwrap(), b.metadata.resource_version.unwrap()]
        })
    });
    let mut versions: Vec<u64> = futures::future::join_all(tasks)
        .await
        .into_iter()
        .flat_map(|r| r.expect("task"))
        .map(|v| v.parse().expect("numeric resourceVersion"))
        .collect();
    versions.sort_unstable();
    let before = versions.len();
    versions.dedup();
    assert_eq!(versions.len(), before, "every write got its own resourceVersion");

    let shared = api.get("shared").await.unwrap();
    let data = shared.data.unwrap();
    assert_eq!(data.len(), 32);
    for i in 0..32 {
        assert_eq!(data[&format!("k{i}")], i.to_string());
    }
    assert_eq!(shared.metadata.managed_fields.unwrap().len(), 32, "one Apply entry per writer");
    let highest = *versions.last().unwrap();
    assert!(shared.metadata.resource_version.unwrap().parse::<u64>().unwrap() <= highest);
    let own = api.list(&ListParams::default()).await.unwrap();
    assert_eq!(
        own.items.iter().filter(|c| c.metadata.name.as_deref().is_some_and(|n| n.starts_with("own-"))).count(),
        32
    );
}

#[tokio::test]
async fn two_servers_side_by_side() {
    let foo = TestServer::start(Config::named("foo")).unwrap();
    let bar = TestServer::start(Config::named("bar")).unwrap();
    assert_ne!(foo.addr, bar.addr);
    let foo_api: Api<ConfigMap> = Api::namespaced(common::kube_client(&foo).await, "default");
    let bar_api: Api<ConfigMap> = Api::namespaced(common::kube_client(&bar).await, "default");
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "only-foo"}});
    foo_api.patch("only-foo", &PatchParams::apply("t"), &Patch::Apply(cm)).await.unwrap();
    assert!(bar_api.get_opt("only-foo").await.unwrap().is_none());
    let names: Vec<_> =
        foo_api.list(&ListParams::default()).await.unwrap().items.into_iter().filter_map(|c| c.metadata.name).collect();
    assert_eq!(names, ["only-foo"]);
}
