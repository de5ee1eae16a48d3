//! `helm_release` (the helm provider) against a kube test server, with a stand-in `helm`
//! script (the real CLI is not installed here) that renders a small chart from its arguments
//! the way `helm template` does, and logs its command lines: install into a created
//! namespace, no-op re-plan, upgrade adding then dropping an object, secrets kept off the
//! command line, a failed render, delete.

mod common;

use common::*;
use meshplan_provider::{Ctx, Provider, ResourceType, Value};
use meshplan_provider_kubernetes::HelmProvider;
use serde_json::json;
use std::sync::Arc;

const FAKE_HELM: &str = r#"#!/bin/bash
echo "$@" >> "$HELM_ARGS_LOG"
[ "$1" = template ] || { echo "unexpected command $1" >&2; exit 2; }
name=$2; chart=$3; shift 3
sets=""; vals=""; secrets=""; extra=no
while [ $# -gt 0 ]; do
  case "$1" in
    --set|--set-string) sets="$sets $2"; [ "$2" = "extra=true" ] && extra=yes; shift 2 ;;
    --set-file) secrets="$secrets
  ${2%%=*}: \"$(cat "${2#*=}")\""; shift 2 ;;
    --values) vals="$vals$(tr '\n' ' ' < "$2")"; shift 2 ;;
    --namespace|--version|--repo) shift 2 ;;
    *) shift ;;
  esac
done
if [ "$chart" = broken ]; then echo "Error: chart \"broken\" not found in repository" >&2; exit 1; fi
cat <<END_OF_CHART
---
# Source: $chart/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: $name-config
data:
  chart: "$chart"
  sets: "$sets"
  values: "$vals"$secrets
---
# Source: $chart/templates/clusterrole.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: $name-reader
rules: []
END_OF_CHART
if [ $extra = yes ]; then printf -- '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s-extra\n' "$name"; fi
"#;

fn helm_release() -> Arc<dyn ResourceType> {
    HelmProvider.resource_types().into_iter().find(|t| t.type_name() == "helm_release").unwrap()
}

fn config(extra: serde_json::Value) -> Value {
    let mut j = json!({"name": "web", "chart": "demo", "namespace": "apps", "create_namespace": true,
                       "values": ["replicas: 2\n"], "set": [{"name": "image.tag", "value": "1.2"}]});
    for (k, v) in extra.as_object().unwrap() {
        j[k] = v.clone();
    }
    shaped(&helm_release().schema(), &j)
}

fn live(server: &kube_test_server::TestServer, kind: &str, name: &str) -> Option<serde_json::Value> {
    server.objects().into_iter().find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
}

#[tokio::test]
async fn installs_upgrades_and_deletes_a_release_rendered_by_helm() {
    let dir = tempfile::tempdir().unwrap();
    let helm = dir.path().join("helm");
    std::fs::write(&helm, FAKE_HELM).unwrap();
    std::fs::set_permissions(&helm, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let log = dir.path().join("args.log");
    std::env::set_var("MESHPLAN_HELM", &helm);
    std::env::set_var("HELM_ARGS_LOG", &log);

    // The helm provider reaches the cluster through its nested kubernetes block.
    let server = server("helm");
    let info = server.info();
    let provider = shaped(
        &HelmProvider.config_schema(),
        &json!({"kubernetes": [{"host": info.url, "cluster_ca_certificate": info.ca_pem, "token": info.admin_token}]}),
    );
    let ctx = Ctx::new(HelmProvider.configure(&provider).await.expect("configures"), "helm_release.web");
    let rt = helm_release();

    let planned = plan(rt.as_ref(), &ctx, None, &config(json!({}))).await;
    assert_eq!(planned.state.get_str("id"), Some("web"));
    assert!(planned.state.get("manifest").is_unknown() && planned.state.get("status").is_unknown());
    let state = create_and_check_no_op(rt.as_ref(), &ctx, &config(json!({}))).await;
    assert_eq!(state.get_str("status"), Some("deployed"));
    assert!(live(&server, "Namespace", "apps").is_some(), "create_namespace");
    let cm = live(&server, "ConfigMap", "web-config").expect("configmap");
    assert_eq!(cm["metadata"]["namespace"], "apps", "namespaced objects go to the release namespace");
    assert_eq!(cm["data"]["sets"], " image.tag=1.2");
    assert_eq!(cm["data"]["values"], "replicas: 2 ");
    assert_eq!(cm["metadata"]["annotations"]["meta.helm.sh/release-name"], "web");
    assert_eq!(cm["metadata"]["managedFields"][0]["manager"], "helm");
    let role = live(&server, "ClusterRole", "web-reader").expect("cluster role");
    assert!(role["metadata"]["namespace"].is_null(), "cluster-scoped objects stay cluster-scoped");
    assert_eq!(state.get("metadata").as_list().unwrap()[0].get("revision").as_f64(), Some(1.0));

    // Upgrade: a new object appears; the next upgrade drops it, and it is deleted.
    let secret = json!([{"name": "auth.password", "value": "s3cr3t-value"}]);
    let with_extra = config(json!({"set": [{"name": "extra", "value": "true"}], "set_sensitive": secret}));
    let upgraded = update(rt.as_ref(), &ctx, &state, &with_extra).await;
    assert!(live(&server, "ConfigMap", "web-extra").is_some());
    assert_eq!(live(&server, "ConfigMap", "web-config").unwrap()["data"]["auth.password"], "s3cr3t-value");
    assert_eq!(upgraded.get("metadata").as_list().unwrap()[0].get("revision").as_f64(), Some(2.0));
    let args = std::fs::read_to_string(&log).unwrap();
    assert!(!args.contains("s3cr3t-value"), "a set_sensitive value reached helm's command line: {args}");
    assert!(args.contains("--include-crds") && args.contains("--namespace apps"));
    let back = update(rt.as_ref(), &ctx, &upgraded, &config(json!({}))).await;
    assert!(live(&server, "ConfigMap", "web-extra").is_none(), "an object the new render lacks is deleted");

    // A render failure is helm's message; nothing changes.
    let broken = plan(rt.as_ref(), &ctx, Some(&back), &config(json!({"chart": "broken"}))).await;
    let err = rt.update(&ctx, &back, &broken.state).await.unwrap_err();
    assert!(err.to_string().contains("not found in repository"), "{err}");
    assert!(live(&server, "ConfigMap", "web-config").is_some());

    rt.delete(&ctx, &back).await.unwrap();
    assert!(live(&server, "ConfigMap", "web-config").is_none() && live(&server, "ClusterRole", "web-reader").is_none());
    assert!(rt.read(&ctx, &back).await.unwrap().is_none(), "a release whose objects are gone is gone");

    // Without the helm CLI: a clear error and what to do.
    std::env::set_var("MESHPLAN_HELM", dir.path().join("no-such-helm"));
    let err = rt.create(&ctx, &planned.state).await.unwrap_err();
    assert!(err.to_string().contains("cannot run"), "{err}");
    assert!(err.hint.as_deref().unwrap_or_default().contains("helm 3 CLI"));
}
