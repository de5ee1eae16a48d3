//! API semantics beyond plain CRUD: status subresource, generation, finalizers, paging,
//! field selectors, TokenRequest, namespace existence.

mod common;

use k8s_openapi::api::authentication::v1::TokenRequest;
use k8s_openapi::api::core::v1::{ConfigMap, ServiceAccount};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, GroupVersionKind, ListParams, Patch, PatchParams, PostParams,
};
use kube_test_server::{Config, TestServer};
use serde_json::json;

fn server() -> TestServer {
    TestServer::start(Config::named("semantics")).expect("server starts")
}

#[tokio::test]
async fn status_is_a_separate_subresource_and_generation_tracks_spec() {
    let server = server();
    let client = common::kube_client(&server).await;
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    crds.create(&PostParams::default(), &serde_norway::from_str(common::WIDGET_CRD).unwrap()).await.unwrap();
    let resource = ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk("example.com", "v1", "Widget"), "widgets");
    let api: Api<DynamicObject> = Api::namespaced_with(client, "default", &resource);
    let apply = |size: i64| {
        Patch::Apply(
            json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": size}, "status": {"ignored": true}}),
        )
    };

    let created = api.patch("w", &PatchParams::apply("t"), &apply(1)).await.unwrap();
    assert_eq!(created.metadata.generation, Some(1));
    assert!(created.data.get("status").is_none(), "status is not written through the main resource");

    let with_status = api
        .patch_status("w", &PatchParams::default(), &Patch::Merge(json!({"status": {"phase": "Ready"}})))
        .await
        .unwrap();
    assert_eq!(with_status.data["status"]["phase"], "Ready");
    assert_eq!(with_status.metadata.generation, Some(1), "status changes do not bump generation");

    let resized = api.patch("w", &PatchParams::apply("t"), &apply(2)).await.unwrap();
    assert_eq!(resized.metadata.generation, Some(2));
    assert_eq!(resized.data["status"]["phase"], "Ready", "spec writes keep status");
}

#[tokio::test]
async fn finalizers_delay_deletion() {
    let server = server();
    let api: Api<ConfigMap> = Api::namespaced(common::kube_client(&server).await, "default");
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "held", "finalizers": ["example.com/hold"]}});
    api.patch("held", &PatchParams::apply("t"), &Patch::Apply(cm)).await.unwrap();
    api.delete("held", &DeleteParams::default()).await.unwrap();
    let terminating = api.get("held").await.expect("still there");
    assert!(terminating.metadata.deletion_timestamp.is_some());
    api.patch("held", &PatchParams::default(), &Patch::Merge(json!({"metadata": {"finalizers": null}}))).await.unwrap();
    assert!(api.get_opt("held").await.unwrap().is_none());
}

#[tokio::test]
async fn lists_page_and_filter() {
    let server = server();
    let api: Api<ConfigMap> = Api::namespaced(common::kube_client(&server).await, "default");
    for i in 0..5 {
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": format!("page-{i}"), "labels": {"even": (i % 2 == 0).to_string()}}});
        api.patch(&format!("page-{i}"), &PatchParams::apply("t"), &Patch::Apply(cm)).await.unwrap();
    }
    let first = api.list(&ListParams::default().limit(2)).await.unwrap();
    assert_eq!(first.items.len(), 2);
    let token = first.metadata.continue_.clone().expect("continue token");
    let rest = api.list(&ListParams::default().limit(10).continue_token(&token)).await.unwrap();
    assert_eq!(rest.items.len(), 3);
    assert!(rest.metadata.continue_.as_deref().unwrap_or("").is_empty());
    let even = api.list(&ListParams::default().labels("even=true")).await.unwrap();
    assert_eq!(even.items.len(), 3);
    let one = api.list(&ListParams::default().fields("metadata.name=page-3")).await.unwrap();
    assert_eq!(one.items.len(), 1);
}

#[tokio::test]
async fn token_requests_and_missing_namespaces() {
    let server = server();
    let client = common::kube_client(&server).await;
    let accounts: Api<ServiceAccount> = Api::namespaced(client.clone(), "default");
    let token: TokenRequest =
        accounts.create_token_request("default", &PostParams::default(), &TokenRequest::default()).await.unwrap();
    let token = token.status.expect("status").token.expect("token");
    assert_eq!(token.split('.').count(), 3, "JWT-shaped");

    let elsewhere: Api<ConfigMap> = Api::namespaced(client, "missing");
    let cm: ConfigMap = serde_json::from_value(json!({"metadata": {"name": "x"}})).unwrap();
    let err = elsewhere.create(&PostParams::default(), &cm).await.unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 404 && s.message.contains("namespaces \"missing\" not found")),
        "{err:?}"
    );
}
