//! The declared typed kinds (workloads, services, storage, RBAC, network policies) against a
//! kube test server: each applies, reads back with no drift, re-plans clean, updates in place
//! and is destroyed; deployments and services are checked with the real kubectl too.

mod common;

use common::*;
use kube_test_server::TestServer;
use meshplan_provider::{Ctx, ResourceType, Value};
use serde_json::{json, Value as Json};
use std::time::Duration;

fn config(type_name: &str, json: Json) -> Value {
    shaped(&resource(type_name).schema(), &json)
}

/// Create, no-op re-plan, update to `changed`, no-op again, delete: the object is gone.
async fn lifecycle(ctx: &Ctx, server: &TestServer, type_name: &str, first: Json, changed: Json) -> (Value, Value) {
    let rt = resource(type_name);
    let created = create_and_check_no_op(rt.as_ref(), ctx, &config(type_name, first)).await;
    let updated = update(rt.as_ref(), ctx, &created, &config(type_name, changed)).await;
    rt.delete(ctx, &updated).await.unwrap_or_else(|e| panic!("delete {type_name}: {e}"));
    let name = metadata(&updated).get_str("name").unwrap().to_string();
    let kind = live_kind(rt.as_ref());
    assert!(!stored(server, &kind, &name), "{type_name} {name} is gone");
    (created, updated)
}

fn live_kind(rt: &dyn ResourceType) -> String {
    let name = rt.type_name().trim_start_matches("kubernetes_").trim_end_matches("_v1").replace('_', "");
    [
        "Deployment",
        "DaemonSet",
        "StatefulSet",
        "Job",
        "Service",
        "PersistentVolumeClaim",
        "StorageClass",
        "ClusterRoleBinding",
        "ClusterRole",
        "RoleBinding",
        "Role",
        "NetworkPolicy",
        "Ingress",
        "CronJob",
        "PodDisruptionBudget",
        "PriorityClass",
    ]
    .into_iter()
    .find(|k| k.to_lowercase() == name)
    .unwrap_or_else(|| panic!("kind of {name}"))
    .to_string()
}

fn web_pod(image: &str) -> Json {
    json!({
        "metadata": {"labels": {"app": "web"}},
        "spec": {
            "service_account_name": "default",
            "init_container": [{"name": "init", "image": "busybox:1.36", "command": ["sh", "-c", "true"]}],
            "container": [{
                "name": "web",
                "image": image,
                "args": ["--port", "8080"],
                "port": [{"container_port": 8080, "name": "http"}],
                "env": [
                    {"name": "MODE", "value": "prod"},
                    {"name": "PASSWORD", "value_from": {"secret_key_ref": {"name": "creds", "key": "password"}}},
                    {"name": "LEVEL", "value_from": {"config_map_key_ref": {"name": "settings", "key": "level"}}},
                    {"name": "POD_IP", "value_from": {"field_ref": {"field_path": "status.podIP"}}},
                ],
                "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"cpu": "100m"}},
                "volume_mount": [{"name": "config", "mount_path": "/etc/web"}, {"name": "token", "mount_path": "/var/run/token", "read_only": true}],
                "liveness_probe": {"http_get": {"path": "/healthz", "port": "http"}, "initial_delay_seconds": 5},
                "readiness_probe": {"tcp_socket": {"port": "8080"}},
                "startup_probe": {"exec": {"command": ["cat", "/tmp/ready"]}},
                "security_context": {"run_as_user": "1000", "run_as_non_root": true, "capabilities": {"drop": ["ALL"]}},
            }],
            "volume": [
                {"name": "config", "config_map": {"name": "settings", "default_mode": "0644"}},
                {"name": "scratch", "empty_dir": {}},
                {"name": "host", "host_path": {"path": "/var/log"}},
                {"name": "token", "projected": {"sources": [{"service_account_token": {"audience": "sts.amazonaws.com", "path": "token"}}]}},
            ],
            "toleration": [{"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"}],
            "node_selector": {"kubernetes.io/os": "linux"},
        },
    })
}

fn deployment(image: &str, replicas: u32) -> Json {
    json!({
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
        "spec": {
            "replicas": replicas,
            "selector": {"match_labels": {"app": "web"}},
            "strategy": {"type": "RollingUpdate", "rolling_update": {"max_surge": "1", "max_unavailable": "0"}},
            "template": web_pod(image),
        },
    })
}

#[tokio::test]
async fn deployment_converts_applies_and_shows_in_kubectl() {
    let server = server("deploy");
    let ctx = ctx(&server, "kubernetes_deployment_v1.web").await;
    let rt = resource("kubernetes_deployment_v1");
    let state =
        create_and_check_no_op(rt.as_ref(), &ctx, &config("kubernetes_deployment_v1", deployment("nginx:1.27", 2)))
            .await;
    let live = server.objects().into_iter().find(|o| o["kind"] == "Deployment").unwrap();
    let c = &live["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["ports"][0], json!({"containerPort": 8080, "name": "http", "protocol": "TCP"}));
    assert_eq!(c["livenessProbe"]["httpGet"]["port"], json!("http"));
    assert_eq!(c["readinessProbe"]["tcpSocket"]["port"], json!(8080), "int-or-string sent as a number");
    assert_eq!(c["securityContext"]["runAsUser"], json!(1000));
    assert_eq!(c["env"][1]["valueFrom"]["secretKeyRef"], json!({"name": "creds", "key": "password"}));
    assert_eq!(live["spec"]["template"]["spec"]["volumes"][0]["configMap"]["defaultMode"], json!(420));
    assert_eq!(live["spec"]["template"]["spec"]["volumes"][1]["emptyDir"], json!({}));
    assert_eq!(live["spec"]["strategy"]["rollingUpdate"]["maxSurge"], json!(1));
    // Server defaults come back into computed attributes, others stay as written.
    let spec = &state.get("spec").as_list().unwrap()[0];
    let pod = &spec.get("template").as_list().unwrap()[0].get("spec").as_list().unwrap()[0];
    let container = &pod.get("container").as_list().unwrap()[0];
    assert_eq!(container.get_str("image_pull_policy"), Some("IfNotPresent"));
    assert_eq!(
        pod.get("volume").as_list().unwrap()[0].get("config_map").as_list().unwrap()[0].get_str("default_mode"),
        Some("0644")
    );
    // wait_for_rollout: the rollout finished before create returned.
    let live = server.objects().into_iter().find(|o| o["kind"] == "Deployment").unwrap();
    assert_eq!(live["status"]["availableReplicas"], json!(2));

    let state =
        update(rt.as_ref(), &ctx, &state, &config("kubernetes_deployment_v1", deployment("nginx:1.28", 3))).await;
    let out = kubectl(&server, &["get", "deployment", "web", "-n", "default", "-o", "json"]);
    let shown: Json = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.28");
    assert_eq!(shown["spec"]["replicas"], 3);
    let imported = rt.import(&ctx, "default/web").await.unwrap();
    assert_eq!(imported.get("spec"), state.get("spec"), "import reads the same block form");

    // Drift in a managed field shows, and the next apply puts it back.
    let raw = raw_client(&server).await;
    raw_api(&raw, "apps/v1", "Deployment", Some("default"))
        .patch("web", &kube::api::PatchParams::default(), &kube::api::Patch::Merge(json!({"spec": {"replicas": 7}})))
        .await
        .unwrap();
    let drifted = rt.read(&ctx, &state).await.unwrap().unwrap();
    assert_eq!(drifted.get("spec").as_list().unwrap()[0].get("replicas").as_f64(), Some(7.0));
    let state =
        update(rt.as_ref(), &ctx, &drifted, &config("kubernetes_deployment_v1", deployment("nginx:1.28", 3))).await;

    rt.delete(&ctx, &state).await.unwrap();
    assert!(!stored(&server, "Deployment", "web"));
    assert!(kubectl_fails(&server, &["get", "deployment", "web", "-n", "default"]));
}

#[tokio::test]
async fn rollout_waits_for_the_controller() {
    let server = server_with_ready_delay("rollout", Duration::from_millis(1500));
    let ctx = ctx(&server, "kubernetes_deployment.web").await;
    let rt = resource("kubernetes_deployment");
    let started = std::time::Instant::now();
    let state =
        create_and_check_no_op(rt.as_ref(), &ctx, &config("kubernetes_deployment", deployment("nginx:1.27", 1))).await;
    assert!(started.elapsed() >= Duration::from_millis(1400), "waited for the rollout");
    rt.delete(&ctx, &state).await.unwrap();

    let mut no_wait = deployment("nginx:1.27", 1);
    no_wait["wait_for_rollout"] = json!(false);
    let started = std::time::Instant::now();
    let state = create_and_check_no_op(rt.as_ref(), &ctx, &config("kubernetes_deployment", no_wait)).await;
    assert!(started.elapsed() < Duration::from_millis(1400), "did not wait");
    rt.delete(&ctx, &state).await.unwrap();
}

#[tokio::test]
async fn daemon_set_stateful_set_and_job() {
    let server = server("workloads");
    let ctx = ctx(&server, "kubernetes_x.y").await;
    let pod = |image: &str| json!({"metadata": {"labels": {"app": "agent"}}, "spec": {"container": [{"name": "agent", "image": image}]}});
    let ds = |image: &str| {
        json!({"metadata": {"name": "agent", "namespace": "default"}, "spec": {
            "selector": {"match_labels": {"app": "agent"}},
            "strategy": {"type": "RollingUpdate", "rolling_update": {"max_unavailable": "1"}},
            "template": pod(image)}})
    };
    lifecycle(&ctx, &server, "kubernetes_daemonset", ds("agent:1"), ds("agent:2")).await;
    let (created, _) = lifecycle(&ctx, &server, "kubernetes_daemon_set_v1", ds("agent:1"), ds("agent:2")).await;
    assert_eq!(created.get_str("id"), Some("default/agent"));

    let sts = |replicas: u32| {
        json!({"metadata": {"name": "db", "namespace": "default"}, "spec": {
            "replicas": replicas, "service_name": "db",
            "selector": {"match_labels": {"app": "agent"}},
            "template": pod("postgres:16"),
            "volume_claim_template": [{"metadata": {"name": "data"}, "spec": {
                "access_modes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]}})
    };
    let (created, _) = lifecycle(&ctx, &server, "kubernetes_stateful_set_v1", sts(1), sts(2)).await;
    let spec = &created.get("spec").as_list().unwrap()[0];
    assert_eq!(spec.get("volume_claim_template").as_list().unwrap().len(), 1);

    let job = |backoff: u32| {
        json!({"metadata": {"name": "migrate", "namespace": "default", "labels": {"v": backoff.to_string()}}, "spec": {
            "backoff_limit": backoff,
            "template": {"metadata": {}, "spec": {"container": [{"name": "m", "image": "migrate:1", "command": ["migrate", "up"]}]}}}})
    };
    let (created, _) = lifecycle(&ctx, &server, "kubernetes_job_v1", job(2), job(3)).await;
    let pod_spec =
        &created.get("spec").as_list().unwrap()[0].get("template").as_list().unwrap()[0].get("spec").as_list().unwrap()
            [0];
    assert_eq!(pod_spec.get_str("restart_policy"), Some("Never"));
}

#[tokio::test]
async fn services_and_claims() {
    let server = server("services");
    let ctx = ctx(&server, "kubernetes_service_v1.web").await;
    let rt = resource("kubernetes_service_v1");
    let svc = |kind: &str, port: u32| {
        json!({"metadata": {"name": "web", "namespace": "default"}, "spec": {
            "type": kind, "selector": {"app": "web"},
            "port": [{"name": "http", "port": port, "target_port": "8080"}]}})
    };
    let state = create_and_check_no_op(rt.as_ref(), &ctx, &config("kubernetes_service_v1", svc("ClusterIP", 80))).await;
    let spec = &state.get("spec").as_list().unwrap()[0];
    let ip = spec.get_str("cluster_ip").expect("cluster IP filled by the server").to_string();
    let out = kubectl(&server, &["get", "service", "web", "-n", "default", "-o", "json"]);
    let shown: Json = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["spec"]["clusterIP"], json!(ip));
    assert_eq!(shown["spec"]["ports"][0]["targetPort"], json!(8080));
    let state = update(rt.as_ref(), &ctx, &state, &config("kubernetes_service_v1", svc("ClusterIP", 81))).await;
    // To a LoadBalancer: wait_for_load_balancer waits for the address, shown in status.
    let state = update(rt.as_ref(), &ctx, &state, &config("kubernetes_service_v1", svc("LoadBalancer", 81))).await;
    let ingress = &state.get("status").as_list().unwrap()[0].get("load_balancer").as_list().unwrap()[0];
    assert!(ingress.get("ingress").as_list().unwrap()[0].get_str("ip").is_some(), "{state}");
    let spec = &state.get("spec").as_list().unwrap()[0];
    assert_eq!(spec.get_str("cluster_ip"), Some(ip.as_str()), "the cluster IP is kept");
    rt.delete(&ctx, &state).await.unwrap();
    assert!(!stored(&server, "Service", "web"));

    let pvc = |label: &str| {
        json!({"metadata": {"name": "data", "namespace": "default", "labels": {"tier": label}}, "spec": {
            "access_modes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "5Gi"}}}})
    };
    let (created, _) = lifecycle(&ctx, &server, "kubernetes_persistent_volume_claim_v1", pvc("a"), pvc("b")).await;
    assert_eq!(created.get("wait_until_bound"), &Value::Bool(true));
}

#[tokio::test]
async fn storage_rbac_and_network_policy() {
    let server = server("rbac");
    let ctx = ctx(&server, "kubernetes_x.y").await;
    let sc = |expand: bool| {
        json!({"metadata": {"name": "gp3"}, "storage_provisioner": "ebs.csi.aws.com",
            "parameters": {"type": "gp3"}, "volume_binding_mode": "WaitForFirstConsumer", "allow_volume_expansion": expand})
    };
    let (created, _) = lifecycle(&ctx, &server, "kubernetes_storage_class_v1", sc(true), sc(false)).await;
    assert_eq!(created.get_str("reclaim_policy"), Some("Delete"));
    assert_eq!(created.get_str("id"), Some("gp3"));

    let rules = |verbs: Json| json!([{"api_groups": [""], "resources": ["pods"], "verbs": verbs}, {"non_resource_urls": ["/metrics"], "verbs": ["get"]}]);
    let cr = |verbs| json!({"metadata": {"name": "reader"}, "rule": rules(verbs)});
    lifecycle(&ctx, &server, "kubernetes_cluster_role", cr(json!(["get"])), cr(json!(["get", "list"]))).await;
    let crb = |ns: &str| {
        json!({"metadata": {"name": "reader"}, "role_ref": {"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "reader"},
            "subject": [{"kind": "ServiceAccount", "name": "default", "namespace": ns}]})
    };
    lifecycle(&ctx, &server, "kubernetes_cluster_role_binding_v1", crb("default"), crb("kube-system")).await;
    // A new role_ref replaces the binding (roleRef is immutable).
    let rt = resource("kubernetes_cluster_role_binding_v1");
    let state =
        create_and_check_no_op(rt.as_ref(), &ctx, &config("kubernetes_cluster_role_binding_v1", crb("default"))).await;
    let mut other = crb("default");
    other["role_ref"]["name"] = json!("admin");
    assert!(plan(rt.as_ref(), &ctx, Some(&state), &config("kubernetes_cluster_role_binding_v1", other))
        .await
        .replaces());
    rt.delete(&ctx, &state).await.unwrap();

    let role = |verbs| json!({"metadata": {"name": "pods", "namespace": "default"}, "rule": [{"api_groups": [""], "resources": ["pods"], "verbs": verbs}]});
    lifecycle(&ctx, &server, "kubernetes_role_v1", role(json!(["get"])), role(json!(["get", "watch"]))).await;
    let rb = |name: &str| {
        json!({"metadata": {"name": "pods", "namespace": "default"}, "role_ref": {"api_group": "rbac.authorization.k8s.io", "kind": "Role", "name": "pods"},
            "subject": [{"kind": "User", "name": name, "api_group": "rbac.authorization.k8s.io"}]})
    };
    lifecycle(&ctx, &server, "kubernetes_role_binding", rb("alice"), rb("bob")).await;

    let np = |port: &str| {
        json!({"metadata": {"name": "web", "namespace": "default"}, "spec": {
            "pod_selector": {"match_labels": {"app": "web"}},
            "ingress": [{"from": [{"namespace_selector": {"match_labels": {"team": "a"}}}, {"ip_block": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}],
                "ports": [{"port": port, "protocol": "TCP"}]}],
            "egress": [{"to": [{"pod_selector": {}}]}],
            "policy_types": ["Ingress", "Egress"]}})
    };
    lifecycle(&ctx, &server, "kubernetes_network_policy_v1", np("8080"), np("http")).await;
}

fn kubectl_command(server: &TestServer, args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    std::fs::write(&path, &server.info().kubeconfig).unwrap();
    std::process::Command::new("kubectl").arg("--kubeconfig").arg(&path).args(args).output().expect("kubectl runs")
}

fn kubectl(server: &TestServer, args: &[&str]) -> String {
    let out = kubectl_command(server, args);
    assert!(out.status.success(), "kubectl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn kubectl_fails(server: &TestServer, args: &[&str]) -> bool {
    !kubectl_command(server, args).status.success()
}

#[tokio::test]
async fn ingress_cron_job_disruption_budget_priority_class() {
    let server = server("more");
    let ctx = ctx(&server, "kubernetes_x.y").await;
    let ing = |host: &str| {
        json!({"metadata": {"name": "web", "namespace": "default"}, "spec": {
            "ingress_class_name": "alb",
            "rule": [{"host": host, "http": {"path": [{"path": "/", "path_type": "Prefix",
                "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}],
            "tls": [{"hosts": [host], "secret_name": "web-tls"}]}})
    };
    lifecycle(&ctx, &server, "kubernetes_ingress_v1", ing("a.example.com"), ing("b.example.com")).await;
    let live = |kind: &str| server.objects().into_iter().find(|o| o["kind"] == kind);
    let cron = |schedule: &str| {
        json!({"metadata": {"name": "backup", "namespace": "default"}, "spec": {
            "schedule": schedule,
            "job_template": {"metadata": {}, "spec": {"template": {"metadata": {}, "spec": {
                "container": [{"name": "backup", "image": "backup:1"}]}}}}}})
    };
    let rt = resource("kubernetes_cron_job_v1");
    let state = create_and_check_no_op(rt.as_ref(), &ctx, &config("kubernetes_cron_job_v1", cron("0 3 * * *"))).await;
    let stored_job = live("CronJob").unwrap();
    assert_eq!(stored_job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"], "Never");
    let state = update(rt.as_ref(), &ctx, &state, &config("kubernetes_cron_job_v1", cron("0 4 * * *"))).await;
    rt.delete(&ctx, &state).await.unwrap();

    let pdb = |n: &str| {
        json!({"metadata": {"name": "web", "namespace": "default"}, "spec": {
            "max_unavailable": n, "selector": {"match_labels": {"app": "web"}}}})
    };
    lifecycle(&ctx, &server, "kubernetes_pod_disruption_budget_v1", pdb("1"), pdb("50%")).await;
    let pc =
        |description: &str| json!({"metadata": {"name": "critical"}, "value": 1000000, "description": description});
    lifecycle(&ctx, &server, "kubernetes_priority_class_v1", pc("a"), pc("b")).await;
}
