//! Hostile and broken input gets proper Status errors, never a panic or a dead server.

mod common;

use http_body_util::BodyExt;
use kube::client::Body;
use kube_test_server::{Config, TestServer};
use serde_json::{json, Value};

struct Raw {
    client: kube::Client,
}

impl Raw {
    async fn send(&self, method: &str, path: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
        let request = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", content_type)
            .body(Body::from(body))
            .unwrap();
        let response = self.client.send(request).await.expect("HTTP exchange");
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }
}

async fn raw(server: &TestServer) -> Raw {
    Raw { client: common::kube_client(server).await }
}

const CMS: &str = "/api/v1/namespaces/default/configmaps";

fn expect_status(answer: (u16, Value), code: u16, reason: &str) {
    let (status, body) = answer;
    assert_eq!(status, code, "{body}");
    assert_eq!(body["kind"], "Status", "{body}");
    assert_eq!(body["code"], code);
    assert_eq!(body["reason"], reason, "{body}");
}

#[tokio::test]
async fn malformed_bodies_are_bad_requests() {
    let server = TestServer::start(Config::named("robust")).unwrap();
    let r = raw(&server).await;
    expect_status(r.send("POST", CMS, "application/json", b"{not json".to_vec()).await, 400, "BadRequest");
    expect_status(r.send("POST", CMS, "application/json", b"[1,2,3]".to_vec()).await, 400, "BadRequest");
    expect_status(r.send("POST", CMS, "application/json", Vec::new()).await, 400, "BadRequest");
    expect_status(r.send("POST", CMS, "application/json", vec![0xff, 0xfe, 0x00]).await, 400, "BadRequest");
    expect_status(r.send("POST", CMS, "application/yaml", b"a: [unclosed".to_vec()).await, 400, "BadRequest");
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    expect_status(r.send("POST", CMS, "application/json", deep.into_bytes()).await, 400, "BadRequest");
    let apply = format!("{CMS}/x?fieldManager=t");
    expect_status(
        r.send("PATCH", &apply, "application/apply-patch+yaml", b"kind: [".to_vec()).await,
        400,
        "BadRequest",
    );
    expect_status(
        r.send(
            "PATCH",
            &format!("{CMS}/x"),
            "application/apply-patch+yaml",
            br#"{"apiVersion":"v1","kind":"ConfigMap"}"#.to_vec(),
        )
        .await,
        400,
        "BadRequest",
    );
    expect_status(
        r.send(
            "POST",
            CMS,
            "application/json",
            br#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}"#.to_vec(),
        )
        .await,
        400,
        "BadRequest",
    );
}

#[tokio::test]
async fn unknown_things_are_not_found_or_unsupported() {
    let server = TestServer::start(Config::named("robust")).unwrap();
    let r = raw(&server).await;
    expect_status(
        r.send("GET", "/apis/nope.example.com/v1/things", "application/json", Vec::new()).await,
        404,
        "NotFound",
    );
    expect_status(
        r.send("GET", "/api/v1/namespaces/default/frobs/x", "application/json", Vec::new()).await,
        404,
        "NotFound",
    );
    expect_status(
        r.send("GET", "/totally/unknown/path/of/many/parts", "application/json", Vec::new()).await,
        404,
        "NotFound",
    );
    expect_status(r.send("GET", &format!("{CMS}/missing"), "application/json", Vec::new()).await, 404, "NotFound");
    expect_status(
        r.send(
            "POST",
            "/api/v1/namespaces/nowhere/configmaps",
            "application/json",
            br#"{"metadata":{"name":"x"}}"#.to_vec(),
        )
        .await,
        404,
        "NotFound",
    );
    expect_status(
        r.send("POST", CMS, "application/vnd.kubernetes.protobuf", b"k8s\0".to_vec()).await,
        415,
        "UnsupportedMediaType",
    );
    expect_status(
        r.send("PATCH", &format!("{CMS}/x"), "text/plain", b"hi".to_vec()).await,
        415,
        "UnsupportedMediaType",
    );
}

#[tokio::test]
async fn invalid_objects_and_conflicts() {
    let server = TestServer::start(Config::named("robust")).unwrap();
    let r = raw(&server).await;
    let (code, body) = r.send("POST", CMS, "application/json", br#"{"metadata":{"name":"Not_Valid"}}"#.to_vec()).await;
    assert_eq!(code, 422, "{body}");
    assert_eq!(body["details"]["causes"][0]["field"], "metadata.name");
    let (code, _) = r
        .send(
            "POST",
            CMS,
            "application/json",
            br#"{"metadata":{"name":"ok","resourceVersion":"5"},"data":{"a":"1"}}"#.to_vec(),
        )
        .await;
    assert_eq!(code, 201);
    let stale = br#"{"metadata":{"name":"ok","resourceVersion":"1"},"data":{"a":"2"}}"#.to_vec();
    expect_status(r.send("PUT", &format!("{CMS}/ok"), "application/json", stale).await, 409, "Conflict");
    let failing_test = br#"[{"op":"test","path":"/data/a","value":"nope"}]"#.to_vec();
    expect_status(
        r.send("PATCH", &format!("{CMS}/ok"), "application/json-patch+json", failing_test).await,
        422,
        "Invalid",
    );
    expect_status(
        r.send("PATCH", &format!("{CMS}/ok"), "application/json-patch+json", b"{}".to_vec()).await,
        400,
        "BadRequest",
    );
    let immutable = br#"{"metadata":{"name":"frozen"},"data":{"a":"1"},"immutable":true}"#.to_vec();
    assert_eq!(r.send("POST", CMS, "application/json", immutable).await.0, 201);
    let change = br#"{"data":{"a":"2"}}"#.to_vec();
    expect_status(
        r.send("PATCH", &format!("{CMS}/frozen"), "application/merge-patch+json", change).await,
        422,
        "Invalid",
    );
    let strict = format!("{CMS}?fieldValidation=Strict");
    let (code, body) =
        r.send("POST", &strict, "application/json", br#"{"metadata":{"name":"typo"},"dta":{}}"#.to_vec()).await;
    assert_eq!(code, 400);
    assert!(body["message"].as_str().unwrap().contains("unknown field \"dta\""), "{body}");
}

#[tokio::test]
async fn huge_bodies_are_rejected_and_the_server_lives_on() {
    let server = TestServer::start(Config { max_body_bytes: 1024 * 1024, ..Config::named("robust") }).unwrap();
    let r = raw(&server).await;
    let huge =
        json!({"metadata": {"name": "big"}, "data": {"blob": "x".repeat(2 * 1024 * 1024)}}).to_string().into_bytes();
    expect_status(r.send("POST", CMS, "application/json", huge).await, 413, "RequestEntityTooLarge");
    let (code, _) = r.send("GET", CMS, "application/json", Vec::new()).await;
    assert_eq!(code, 200);
}

#[tokio::test]
async fn watch_with_a_malformed_version_is_a_bad_request() {
    let server = TestServer::start(Config::named("robust")).unwrap();
    let r = raw(&server).await;
    expect_status(
        r.send("GET", &format!("{CMS}?watch=true&resourceVersion=abc"), "application/json", Vec::new()).await,
        400,
        "BadRequest",
    );
    expect_status(
        r.send("GET", &format!("{CMS}?labelSelector=a+in+b"), "application/json", Vec::new()).await,
        400,
        "BadRequest",
    );
    expect_status(
        r.send("GET", &format!("{CMS}?continue=%%%"), "application/json", Vec::new()).await,
        400,
        "BadRequest",
    );
}
