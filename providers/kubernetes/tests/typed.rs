//! Typed conveniences, labels/annotations and data sources against a kube test server.

mod common;

use common::*;
use kube::api::{DeleteParams, Patch, PatchParams};
use meshplan_provider::Value;
use serde_json::json;

fn config(type_name: &str, json: serde_json::Value) -> Value {
    shaped(&resource(type_name).schema(), &json)
}

#[tokio::test]
async fn namespace_service_account_config_map() {
    let server = server("typed");
    let ctx = ctx(&server, "kubernetes_x.y").await;
    let raw = raw_client(&server).await;

    let ns_rt = resource("kubernetes_namespace");
    let ns_cfg = config("kubernetes_namespace", json!({"metadata": {"name": "spire", "labels": {"team": "mesh"}}}));
    let ns = create_and_check_no_op(ns_rt.as_ref(), &ctx, &ns_cfg).await;
    assert_eq!(ns.get_str("id"), Some("spire"));
    let ns_cfg2 = config(
        "kubernetes_namespace",
        json!({"metadata": {"name": "spire", "labels": {"team": "mesh", "istio-injection": "enabled"}}}),
    );
    let ns = update(ns_rt.as_ref(), &ctx, &ns, &ns_cfg2).await;

    let sa_rt = resource("kubernetes_service_account");
    let arn = "arn:aws:iam::123456789012:role/spire";
    let sa_cfg = config(
        "kubernetes_service_account",
        json!({"metadata": {"name": "spire-server", "namespace": "spire", "annotations": {"eks.amazonaws.com/role-arn": arn}}}),
    );
    let sa = create_and_check_no_op(sa_rt.as_ref(), &ctx, &sa_cfg).await;
    assert_eq!(sa.get_str("id"), Some("spire/spire-server"));
    // Drift: the annotation changed out of band.
    raw_api(&raw, "v1", "ServiceAccount", Some("spire"))
        .patch(
            "spire-server",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"annotations": {"eks.amazonaws.com/role-arn": "other"}}})),
        )
        .await
        .unwrap();
    let drifted = sa_rt.read(&ctx, &sa).await.unwrap().unwrap();
    assert_eq!(metadata(&drifted).get("annotations").get_str("eks.amazonaws.com/role-arn"), Some("other"));
    let sa = update(sa_rt.as_ref(), &ctx, &drifted, &sa_cfg).await;
    let imported = sa_rt.import(&ctx, "spire/spire-server").await.unwrap();
    assert_eq!(metadata(&imported).get("annotations"), metadata(&sa).get("annotations"));
    assert_eq!(
        metadata(&plan(sa_rt.as_ref(), &ctx, Some(&imported), &sa_cfg).await.state).get("annotations"),
        metadata(&imported).get("annotations")
    );

    let cm_rt = resource("kubernetes_config_map");
    let cm_cfg = config(
        "kubernetes_config_map",
        json!({"metadata": {"name": "trust-bundle", "namespace": "spire"}, "data": {"root-cert.pem": "PEM"}}),
    );
    let cm = create_and_check_no_op(cm_rt.as_ref(), &ctx, &cm_cfg).await;
    let cm = update(
        cm_rt.as_ref(),
        &ctx,
        &cm,
        &config(
            "kubernetes_config_map",
            json!({"metadata": {"name": "trust-bundle", "namespace": "spire"}, "data": {"root-cert.pem": "PEM2"}}),
        ),
    )
    .await;
    let imported = cm_rt.import(&ctx, "spire/trust-bundle").await.unwrap();
    assert_eq!(imported.get("data"), cm.get("data"));
    raw_api(&raw, "v1", "ConfigMap", Some("spire")).delete("trust-bundle", &DeleteParams::default()).await.unwrap();
    assert_eq!(cm_rt.read(&ctx, &cm).await.unwrap(), None, "deleted out of band");

    // Renaming replaces.
    let renamed = config("kubernetes_service_account", json!({"metadata": {"name": "other", "namespace": "spire"}}));
    assert!(plan(sa_rt.as_ref(), &ctx, Some(&sa), &renamed).await.replaces());

    sa_rt.delete(&ctx, &sa).await.unwrap();
    ns_rt.delete(&ctx, &ns).await.unwrap();
    assert!(!stored(&server, "Namespace", "spire"));
    assert!(!stored(&server, "ServiceAccount", "spire-server"));
}

#[tokio::test]
async fn secrets_plain_and_service_account_token() {
    let server = server("secrets");
    let ctx = ctx(&server, "kubernetes_secret.s").await;
    let rt = resource("kubernetes_secret");
    let cfg = config(
        "kubernetes_secret",
        json!({"metadata": {"name": "creds"}, "data": {"user": "admin"}, "string_data": {"password": "hunter2"}}),
    );
    let state = create_and_check_no_op(rt.as_ref(), &ctx, &cfg).await;
    assert_eq!(state.get("data").get_str("user"), Some("admin"));
    assert_eq!(state.get("string_data").get_str("password"), Some("hunter2"));
    let live =
        server.objects().into_iter().find(|o| o["kind"] == "Secret" && o["metadata"]["name"] == "creds").unwrap();
    assert_eq!(live["data"]["user"], "YWRtaW4=", "stored base64 as the API wants");

    // Drift in a secret value is detected; an error never shows secret values.
    let raw = raw_client(&server).await;
    raw_api(&raw, "v1", "Secret", Some("default"))
        .patch("creds", &PatchParams::default(), &Patch::Merge(json!({"data": {"user": "cm9vdA=="}})))
        .await
        .unwrap();
    let drifted = rt.read(&ctx, &state).await.unwrap().unwrap();
    assert_eq!(drifted.get("data").get_str("user"), Some("root"));
    let state = update(rt.as_ref(), &ctx, &drifted, &cfg).await;
    rt.delete(&ctx, &state).await.unwrap();

    // A service-account-token Secret waits for its token, exposed as sensitive computed data.
    let sa = config("kubernetes_service_account", json!({"metadata": {"name": "istio-reader-service-account"}}));
    create_and_check_no_op(resource("kubernetes_service_account").as_ref(), &ctx, &sa).await;
    let token_cfg = config(
        "kubernetes_secret",
        json!({
        "metadata": {"name": "istio-reader-token", "annotations": {"kubernetes.io/service-account.name": "istio-reader-service-account"}},
        "type": "kubernetes.io/service-account-token"}),
    );
    assert!(rt.schema().attributes["data"].sensitive);
    let planned = plan(rt.as_ref(), &ctx, None, &token_cfg).await;
    assert_eq!(planned.state.get("data"), &Value::Unknown);
    let token = rt.create(&ctx, &planned.state).await.unwrap();
    assert!(
        token.get("data").get_str("token").is_some_and(|t| !t.is_empty()),
        "{}",
        token.get("data").as_object().map(|m| m.len()).unwrap_or(0)
    );
    assert!(token.get("data").get_str("ca.crt").is_some_and(|c| c.contains("BEGIN CERTIFICATE")));
    assert_no_op(rt.as_ref(), &ctx, &token, &token_cfg).await;
    let imported = rt.import(&ctx, "default/istio-reader-token").await.unwrap();
    assert_eq!(imported.get("data"), token.get("data"));
}

#[tokio::test]
async fn labels_and_annotations_on_objects_we_do_not_own() {
    let server = server("labels");
    let ctx = ctx(&server, "kubernetes_labels.gp2").await;
    let raw = raw_client(&server).await;
    // Someone else's StorageClass, with their own annotation.
    raw_api(&raw, "storage.k8s.io/v1", "StorageClass", None)
        .patch("gp2", &PatchParams::apply("eks"), &Patch::Apply(json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": {"name": "gp2", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}, "labels": {"owner": "eks"}},
            "provisioner": "kubernetes.io/aws-ebs"})))
        .await
        .unwrap();

    let ann = resource("kubernetes_annotations");
    let base = json!({"api_version": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "gp2"}});
    let with = |field: &str, values: serde_json::Value, force: bool| {
        let mut c = base.clone();
        c[field] = values;
        c["force"] = json!(force);
        c
    };
    // The annotation belongs to the "eks" manager: a conflict unless forced.
    let polite = shaped(
        &ann.schema(),
        &with("annotations", json!({"storageclass.kubernetes.io/is-default-class": "false"}), false),
    );
    let planned = plan(ann.as_ref(), &ctx, None, &polite).await;
    let err = ann.create(&ctx, &planned.state).await.unwrap_err();
    assert!(err.message.contains("\"eks\""), "{}", err.message);
    let forced = shaped(
        &ann.schema(),
        &with("annotations", json!({"storageclass.kubernetes.io/is-default-class": "false"}), true),
    );
    let state = create_and_check_no_op(ann.as_ref(), &ctx, &forced).await;
    assert_eq!(state.get_str("id"), Some("apiVersion=storage.k8s.io/v1,kind=StorageClass,name=gp2"));

    let labels = resource("kubernetes_labels");
    let lcfg = shaped(&labels.schema(), &with("labels", json!({"tier": "legacy"}), false));
    let lstate = create_and_check_no_op(labels.as_ref(), &ctx, &lcfg).await;
    let lcfg2 = shaped(&labels.schema(), &with("labels", json!({"tier": "old"}), false));
    let lstate = update(labels.as_ref(), &ctx, &lstate, &lcfg2).await;
    // Drift on our label only.
    raw_api(&raw, "storage.k8s.io/v1", "StorageClass", None)
        .patch("gp2", &PatchParams::default(), &Patch::Merge(json!({"metadata": {"labels": {"tier": "x"}}})))
        .await
        .unwrap();
    let drifted = labels.read(&ctx, &lstate).await.unwrap().unwrap();
    assert_eq!(drifted.get("labels"), &Value::from_json(&json!({"tier": "x"})));
    // The out-of-band writer now owns the label: taking it back needs force.
    let lcfg3 = shaped(&labels.schema(), &with("labels", json!({"tier": "old"}), true));
    let lstate = update(labels.as_ref(), &ctx, &drifted, &lcfg3).await;
    let imported = labels.import(&ctx, "apiVersion=storage.k8s.io/v1,kind=StorageClass,name=gp2").await.unwrap();
    assert_eq!(imported.get("labels").get_str("tier"), Some("old"));

    // Deleting gives our keys up and leaves the object and others' keys alone.
    labels.delete(&ctx, &lstate).await.unwrap();
    ann.delete(&ctx, &state).await.unwrap();
    let live = server.objects().into_iter().find(|o| o["kind"] == "StorageClass").expect("object kept");
    assert_eq!(live["metadata"]["labels"], json!({"owner": "eks"}));

    // A missing object is an error, not a creation.
    let missing = shaped(
        &labels.schema(),
        &json!({"api_version": "v1", "kind": "ConfigMap", "metadata": [{"name": "nope", "namespace": "default"}], "labels": {"a": "b"}}),
    );
    let planned = plan(labels.as_ref(), &ctx, None, &missing).await;
    let started = std::time::Instant::now();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), labels.create(&ctx, &planned.state)).await;
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    assert!(!stored(&server, "ConfigMap", "nope"));
}

/// `template_annotations`: keys on a workload's pod template (a changed value rolls the
/// pods, as `kubectl rollout restart` does), the object's own annotations untouched.
#[tokio::test]
async fn template_annotations_on_a_daemonset_we_do_not_own() {
    let server = server("template");
    let ctx = ctx(&server, "kubernetes_annotations.restart").await;
    let raw = raw_client(&server).await;
    let ds = json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "aws-node", "namespace": "kube-system", "annotations": {"owner": "eks"}},
        "spec": {"selector": {"matchLabels": {"k8s-app": "aws-node"}},
                 "template": {"metadata": {"labels": {"k8s-app": "aws-node"}, "annotations": {"theirs": "x"}},
                              "spec": {"containers": [{"name": "aws-node", "image": "amazon-k8s-cni"}]}}}});
    let dss = raw_api(&raw, "apps/v1", "DaemonSet", Some("kube-system"));
    dss.patch("aws-node", &PatchParams::apply("eks"), &Patch::Apply(ds)).await.unwrap();

    let ann = resource("kubernetes_annotations");
    let cfg = |at: &str| {
        config(
            "kubernetes_annotations",
            json!({"api_version": "apps/v1", "kind": "DaemonSet",
                   "metadata": {"name": "aws-node", "namespace": "kube-system"},
                   "template_annotations": {"kubectl.kubernetes.io/restartedAt": at}}),
        )
    };
    let live_template = || async {
        let live = dss.get("aws-node").await.unwrap();
        (live.data["spec"]["template"]["metadata"]["annotations"].clone(), live.metadata.annotations.clone())
    };
    let state = create_and_check_no_op(ann.as_ref(), &ctx, &cfg("2026-01-01T00:00:00Z")).await;
    assert!(state.get("annotations").is_null());
    let (template, own) = live_template().await;
    assert_eq!(template, json!({"theirs": "x", "kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z"}));
    assert_eq!(own.unwrap().get("owner").map(String::as_str), Some("eks"));

    // Drift on our key is seen; an update writes the new value.
    dss.patch(
        "aws-node",
        &PatchParams::default(),
        &Patch::Merge(
            json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": "y"}}}}}),
        ),
    )
    .await
    .unwrap();
    let drifted = ann.read(&ctx, &state).await.unwrap().unwrap();
    assert_eq!(drifted.get("template_annotations").get_str("kubectl.kubernetes.io/restartedAt"), Some("y"));
    let planned = plan(ann.as_ref(), &ctx, Some(&drifted), &cfg("2026-02-02T00:00:00Z")).await;
    let mut forced = planned.state.clone();
    forced.set("force", Value::Bool(true));
    let state = ann.update(&ctx, &drifted, &forced).await.unwrap();
    assert_eq!(live_template().await.0["kubectl.kubernetes.io/restartedAt"], json!("2026-02-02T00:00:00Z"));
    assert!(ann.find(&ctx, "token", &state).await.unwrap().is_some());

    // Deleting gives our template key up; theirs stays.
    ann.delete(&ctx, &state).await.unwrap();
    assert_eq!(live_template().await.0, json!({"theirs": "x"}));
}

#[tokio::test]
async fn data_sources_read_objects_lists_and_version() {
    let server = server("data");
    let ctx = ctx(&server, "data.kubernetes_resource.x").await;
    let raw = raw_client(&server).await;
    for (name, team) in [("a", "x"), ("b", "x"), ("c", "y")] {
        raw_api(&raw, "v1", "ConfigMap", Some("default"))
            .patch(name, &PatchParams::apply("test"), &Patch::Apply(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": {"team": team}}, "data": {"k": name}})))
            .await
            .unwrap();
    }
    let one = data_source("kubernetes_resource");
    let cfg = shaped(
        &one.schema(),
        &json!({"api_version": "v1", "kind": "ConfigMap", "metadata": [{"name": "b", "namespace": "default"}]}),
    );
    let read = one.read(&ctx, &cfg).await.unwrap();
    assert_eq!(read.get("object").get("data").get_str("k"), Some("b"));
    let cfg = shaped(
        &one.schema(),
        &json!({"api_version": "v1", "kind": "ConfigMap", "metadata": [{"name": "zzz", "namespace": "default"}]}),
    );
    assert_eq!(one.read(&ctx, &cfg).await.unwrap().get("object"), &Value::Null);

    let many = data_source("kubernetes_resources");
    let cfg = shaped(
        &many.schema(),
        &json!({"api_version": "v1", "kind": "ConfigMap", "namespace": "default", "label_selector": "team=x"}),
    );
    let listed = many.read(&ctx, &cfg).await.unwrap();
    let names: Vec<&str> =
        listed.get("objects").as_list().unwrap().iter().filter_map(|o| metadata(o).get_str("name")).collect();
    assert_eq!(names, ["a", "b"]);

    let version = data_source("kubernetes_server_version");
    let v = version.read(&ctx, &shaped(&version.schema(), &json!({}))).await.unwrap();
    assert!(v.get_str("version").is_some_and(|s| s.starts_with('v')), "{v}");
    assert!(v.get_str("major").is_some() && v.get_str("git_version").is_some(), "{v}");
}

/// `kubernetes_config_map_v1_data`: keys of a ConfigMap made elsewhere (EKS's `aws-auth`, as
/// the eks modules manage it): ours by field manager, others' keys left alone, given up on
/// delete.
#[tokio::test]
async fn config_map_data_keys_on_a_config_map_we_do_not_own() {
    let server = server("cmdata");
    let ctx = ctx(&server, "kubernetes_config_map_v1_data.aws_auth").await;
    let raw = raw_client(&server).await;
    raw_api(&raw, "v1", "ConfigMap", Some("kube-system"))
        .patch(
            "aws-auth",
            &PatchParams::apply("eks"),
            &Patch::Apply(json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "aws-auth", "namespace": "kube-system"}, "data": {"mapRoles": "- eks-nodes"}})),
        )
        .await
        .unwrap();
    let rt = resource("kubernetes_config_map_v1_data");
    assert!(!rt.schema().attributes.contains_key("kind"));
    let cfg = |users: &str, force: bool| {
        shaped(
            &rt.schema(),
            &json!({"metadata": {"name": "aws-auth", "namespace": "kube-system"}, "data": {"mapUsers": users}, "force": force}),
        )
    };
    let state = create_and_check_no_op(rt.as_ref(), &ctx, &cfg("- admin", false)).await;
    let live = || server.objects().into_iter().find(|o| o["metadata"]["name"] == "aws-auth").unwrap();
    assert_eq!(live()["data"], json!({"mapRoles": "- eks-nodes", "mapUsers": "- admin"}));
    let state = update(rt.as_ref(), &ctx, &state, &cfg("- admin\n- ops", false)).await;
    assert_eq!(live()["data"]["mapUsers"], "- admin\n- ops");
    // Someone else's key is theirs: claiming it needs force.
    let theirs = shaped(
        &rt.schema(),
        &json!({"metadata": {"name": "aws-auth", "namespace": "kube-system"}, "data": {"mapRoles": "- mine"}}),
    );
    let planned = plan(rt.as_ref(), &ctx, Some(&state), &theirs).await;
    assert!(rt.update(&ctx, &state, &planned.state).await.is_err());
    rt.delete(&ctx, &state).await.unwrap();
    assert_eq!(live()["data"], json!({"mapRoles": "- eks-nodes"}), "our key given up, theirs kept");
}
