//! Fidelity: the real kubectl (v1.32) against the server.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use common::{start, start_default, WIDGET_CRD};
use kube_test_server::{Config, LoadBalancerStatus};

const APP: &str = r#"
apiVersion: v1
kind: Namespace
metadata:
  name: demo
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: demo
data:
  mode: blue
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports: [{containerPort: 80}]
"#;

#[test]
fn version_and_api_resources() {
    let h = start_default();
    let version = h.ok(&["version"]);
    assert!(version.contains("Server Version: v1.32"), "{version}");
    let resources = h.ok(&["api-resources"]);
    for line in [
        "configmaps",
        "deployments",
        "customresourcedefinitions",
        "clusterrolebindings",
        "mutatingwebhookconfigurations",
        "csidrivers",
    ] {
        assert!(resources.contains(line), "{line} missing from:\n{resources}");
    }
}

#[test]
fn get_and_describe_built_ins() {
    let h = start_default();
    let namespaces = h.ok(&["get", "namespaces"]);
    for ns in ["default", "kube-system", "kube-public"] {
        assert!(namespaces.contains(ns), "{namespaces}");
    }
    let sa = h.ok(&["get", "serviceaccount", "default", "-n", "kube-system", "-o", "name"]);
    assert_eq!(sa.trim(), "serviceaccount/default");
    let described = h.ok(&["describe", "namespace", "default"]);
    assert!(described.contains("Status:") && described.contains("Active"), "{described}");
    h.ok_stdin(&["apply"], APP);
    let deploy = h.ok(&["describe", "deployment", "web", "-n", "demo"]);
    assert!(deploy.contains("nginx:1.25"), "{deploy}");
    let missing = h.fails(&["get", "pod", "nope", "-n", "demo"]);
    assert!(missing.contains("NotFound") && missing.contains("\"nope\" not found"), "{missing}");
}

#[test]
fn create_then_client_side_apply() {
    let h = start_default();
    let file = h.write(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c1, namespace: default}\ndata: {a: '1'}\n",
    );
    let file = file.to_string_lossy().into_owned();
    assert!(h.ok(&["create", "-f", &file]).contains("configmap/c1 created"));
    assert!(h.fails(&["create", "-f", &file]).contains("AlreadyExists"));
    let applied = h.write(
        "cm2.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c1, namespace: default}\ndata: {a: '2', b: '3'}\n",
    );
    let applied = applied.to_string_lossy().into_owned();
    assert!(h.ok(&["apply", "-f", &applied]).contains("configured"));
    assert!(h.ok(&["apply", "-f", &applied]).contains("unchanged"));
    let cm = h.json(&["get", "configmap", "c1", "-n", "default"]);
    assert_eq!(cm["data"], serde_json::json!({"a": "2", "b": "3"}));
}

#[test]
fn server_side_apply_multi_document() {
    let h = start_default();
    let out = h.ok_stdin(&["apply", "--server-side"], APP);
    assert!(
        out.contains("namespace/demo serverside-applied") && out.contains("deployment.apps/web serverside-applied"),
        "{out}"
    );
    let versions = || {
        ["configmap/settings", "deployment/web"]
            .map(|o| h.json(&["get", o, "-n", "demo"])["metadata"]["resourceVersion"].clone())
    };
    let first = versions();
    let again = h.ok_stdin(&["apply", "--server-side"], APP);
    assert!(again.contains("configmap/settings serverside-applied"), "{again}");
    assert_eq!(first, versions(), "a no-op apply must not write");
    assert!(
        h.ok_stdin(&["apply"], APP).contains("deployment.apps/web configured"),
        "client-side apply adds its annotation"
    );
    assert!(h.ok_stdin(&["apply"], APP).contains("deployment.apps/web unchanged"));

    // Another manager setting the same field to another value conflicts, unless forced.
    let other = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: demo}\ndata: {mode: green}\n";
    let file = h.write("other.yaml", other).to_string_lossy().into_owned();
    let conflict = h.fails(&["apply", "--server-side", "--field-manager", "other", "-f", &file]);
    assert!(conflict.contains("conflict") && conflict.contains(".data.mode"), "{conflict}");
    h.ok(&["apply", "--server-side", "--field-manager", "other", "--force-conflicts", "-f", &file]);
    let cm = h.json(&["get", "configmap", "settings", "-n", "demo", "--show-managed-fields"]);
    assert_eq!(cm["data"]["mode"], "green");
    let managers: Vec<&str> =
        cm["metadata"]["managedFields"].as_array().unwrap().iter().map(|m| m["manager"].as_str().unwrap()).collect();
    assert!(managers.contains(&"other"), "{managers:?}");
}

#[test]
fn crd_then_custom_resource() {
    let h = start_default();
    h.ok_stdin(&["apply"], WIDGET_CRD);
    let cr = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: default}\nspec: {size: 3, tags: [a]}\n";
    assert!(h.ok_stdin(&["apply"], cr).contains("widget.example.com/w1 created"));
    let table = h.ok(&["get", "widgets"]);
    assert!(table.contains("SIZE") && table.contains("w1"), "{table}");
    h.ok_stdin(&["apply"], &cr.replace("size: 3", "size: 5"));
    assert_eq!(h.json(&["get", "wd", "w1"])["spec"]["size"], 5);
    h.ok_stdin(&["apply", "--server-side"], &cr.replace("size: 3", "size: 6").replace("w1", "w2"));
    // kubectl validates server-side; unknown fields are rejected with a clear message.
    let bad = cr.replace("size: 3", "size: 3, bogus: 1").replace("w1", "w3");
    let file = h.write("bad.yaml", &bad).to_string_lossy().into_owned();
    let err = h.fails(&["apply", "-f", &file]);
    assert!(err.contains("unknown field \"spec.bogus\""), "{err}");
    // Deleting the CRD removes its objects and its discovery entry.
    h.ok(&["delete", "crd", "widgets.example.com"]);
    assert!(!h.ok(&["api-resources"]).contains("widgets"));
}

#[test]
fn patch_json_merge_and_strategic() {
    let h = start_default();
    h.ok_stdin(&["apply"], APP);
    h.ok(&[
        "patch",
        "configmap",
        "settings",
        "-n",
        "demo",
        "--type=json",
        "-p",
        r#"[{"op":"add","path":"/data/size","value":"xl"}]"#,
    ]);
    h.ok(&[
        "patch",
        "configmap",
        "settings",
        "-n",
        "demo",
        "--type=merge",
        "-p",
        r#"{"data":{"mode":null,"color":"red"}}"#,
    ]);
    let cm = h.json(&["get", "configmap", "settings", "-n", "demo"]);
    assert_eq!(cm["data"], serde_json::json!({"size": "xl", "color": "red"}));
    h.ok(&[
        "patch",
        "deployment",
        "web",
        "-n",
        "demo",
        "-p",
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"envoy:1"}]}}}}"#,
    ]);
    let deploy = h.json(&["get", "deployment", "web", "-n", "demo"]);
    let names: Vec<&str> = deploy["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["web", "sidecar"], "strategic merge keeps existing containers");
    assert_eq!(deploy["metadata"]["generation"], 2);
}

#[test]
fn delete_removes_objects_and_namespaces_cascade() {
    let h = start_default();
    h.ok_stdin(&["apply"], APP);
    assert!(h.ok(&["delete", "configmap", "settings", "-n", "demo"]).contains("deleted"));
    assert!(h.fails(&["get", "configmap", "settings", "-n", "demo"]).contains("NotFound"));
    h.ok(&["delete", "namespace", "demo"]);
    let left: Vec<String> = h
        .server
        .objects()
        .iter()
        .filter(|o| o["metadata"]["namespace"] == "demo")
        .map(|o| o["metadata"]["name"].to_string())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn get_watch_sees_an_update() {
    let h = start_default();
    // (`kubectl create configmap` would send protobuf, which the server does not speak.)
    h.ok_stdin(
        &["create"],
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: watched, namespace: default}\ndata: {v: '1'}\n",
    );
    let mut child = h
        .kubectl_command(&["get", "configmap", "watched", "-w", "-o", "jsonpath={.data.v}{\"\\n\"}"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("kubectl get -w starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // The first line is the current state; only then change it.
    let wait = Duration::from_secs(60);
    assert_eq!(rx.recv_timeout(wait).expect("initial line"), "1");
    h.ok(&["patch", "configmap", "watched", "--type=merge", "-p", r#"{"data":{"v":"2"}}"#]);
    assert_eq!(rx.recv_timeout(wait).expect("update line"), "2");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn wait_for_deployment_available() {
    let h = start(Config { ready_delay: Duration::from_millis(300), ..Config::named("waiting") });
    h.ok_stdin(&["apply"], APP);
    let out = h.ok(&["wait", "--for=condition=Available", "deployment/web", "-n", "demo", "--timeout=60s"]);
    assert!(out.contains("condition met"), "{out}");
    let deploy = h.json(&["get", "deployment", "web", "-n", "demo"]);
    assert_eq!(deploy["status"]["readyReplicas"], 2);
    assert_eq!(deploy["status"]["observedGeneration"], deploy["metadata"]["generation"]);
}

const LOAD_BALANCERS: &str = r#"
apiVersion: v1
kind: Service
metadata: {name: public, namespace: default}
spec: {type: LoadBalancer, selector: {app: a}, ports: [{port: 8443}]}
---
apiVersion: v1
kind: Service
metadata:
  name: private
  namespace: default
  annotations: {service.beta.kubernetes.io/aws-load-balancer-scheme: internal}
spec: {type: LoadBalancer, selector: {app: a}, ports: [{port: 8443}]}
"#;

fn load_balancer_ingress(h: &common::Harness, name: &str) -> serde_json::Value {
    h.ok(&["wait", "--for=jsonpath={.status.loadBalancer.ingress}", &format!("service/{name}"), "--timeout=30s"]);
    h.json(&["get", "service", name])["status"]["loadBalancer"]["ingress"][0].clone()
}

#[test]
fn load_balancers_report_an_ip_by_default() {
    let h = start_default();
    h.ok_stdin(&["apply"], LOAD_BALANCERS);
    let ingress = load_balancer_ingress(&h, "public");
    assert_eq!(ingress["ip"], "172.18.255.200", "{ingress}");
    assert!(ingress.get("hostname").is_none(), "{ingress}");
}

#[test]
fn aws_load_balancers_report_only_a_hostname() {
    let h = start(Config {
        load_balancer: LoadBalancerStatus::AwsHostname { region: "eu-west-1".into() },
        ..Config::named("eks")
    });
    h.ok_stdin(&["apply"], LOAD_BALANCERS);
    let public = load_balancer_ingress(&h, "public");
    assert!(public.get("ip").is_none(), "{public}");
    let host = public["hostname"].as_str().unwrap();
    assert!(host.ends_with(".eu-west-1.elb.amazonaws.com") && !host.starts_with("internal-"), "{host}");
    let private = load_balancer_ingress(&h, "private")["hostname"].as_str().unwrap().to_string();
    assert!(private.starts_with("internal-") && private != format!("internal-{host}"), "{private}");
    // The jsonpath a wait on `.ip` uses finds nothing.
    assert_eq!(h.ok(&["get", "service", "public", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}"]).trim(), "");
}

/// Minimal CRDs of our own for the two kinds whose readiness the server simulates.
fn crd(group: &str, kind: &str, plural: &str) -> String {
    format!(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {{name: {plural}.{group}}}\nspec:\n  group: {group}\n  scope: Namespaced\n  names: {{kind: {kind}, plural: {plural}, singular: {}}}\n  versions: [{{name: v1, served: true, storage: true, subresources: {{status: {{}}}}, schema: {{openAPIV3Schema: {{type: object, x-kubernetes-preserve-unknown-fields: true}}}}}}]\n",
        kind.to_lowercase()
    )
}

#[test]
fn certificates_turn_ready_and_istio_operators_healthy_after_the_delay() {
    let h = start(Config { ready_delay: Duration::from_millis(300), ..Config::named("operators") });
    h.ok_stdin(
        &["apply", "-f", "-"],
        &format!(
            "{}---\n{}",
            crd("cert-manager.io", "Certificate", "certificates"),
            crd("install.istio.io", "IstioOperator", "istiooperators")
        ),
    );
    h.ok(&[
        "wait",
        "--for=condition=Established",
        "crd/certificates.cert-manager.io",
        "crd/istiooperators.install.istio.io",
        "--timeout=30s",
    ]);
    let objects = "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: cacerts, namespace: default}\nspec: {secretName: cacerts}\n---\napiVersion: install.istio.io/v1\nkind: IstioOperator\nmetadata: {name: cp, namespace: default}\nspec: {profile: default}\n";
    h.ok_stdin(&["apply", "-f", "-"], objects);
    assert_eq!(
        h.ok(&["get", "istiooperator", "cp", "-o", "jsonpath={.status.status}"]).trim(),
        "",
        "HEALTHY before the delay"
    );
    h.ok(&["wait", "--for=condition=Ready", "certificate/cacerts", "--timeout=30s"]);
    h.ok(&["wait", "--for=jsonpath={.status.status}=HEALTHY", "istiooperator/cp", "--timeout=30s"]);
}

#[test]
fn wrong_token_is_unauthorized() {
    let h = start(Config { admin_token: Some("right-token".into()), ..Config::named("auth") });
    h.ok(&["get", "ns"]);
    let err = h.fails(&["--token", "wrong-token", "get", "ns"]);
    assert!(err.contains("Unauthorized"), "{err}");
}

#[test]
fn service_account_token_secret_authenticates() {
    let h = start_default();
    let objects = r#"
apiVersion: v1
kind: ServiceAccount
metadata: {name: istio-reader-service-account, namespace: default}
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: istio-reader-token
  namespace: default
  annotations: {kubernetes.io/service-account.name: istio-reader-service-account}
"#;
    h.ok_stdin(&["apply"], objects);
    let secret = h.json(&["get", "secret", "istio-reader-token"]);
    use base64::Engine;
    let token = base64::engine::general_purpose::STANDARD
        .decode(secret["data"]["token"].as_str().expect("token filled"))
        .unwrap();
    let token = String::from_utf8(token).unwrap();
    let ca = base64::engine::general_purpose::STANDARD.decode(secret["data"]["ca.crt"].as_str().unwrap()).unwrap();
    assert_eq!(String::from_utf8(ca).unwrap(), h.server.ca_pem);
    let out = h.ok(&["--token", &token, "get", "ns", "default", "-o", "name"]);
    assert_eq!(out.trim(), "namespace/default");
}
