//! Tokens that expire during an apply (issue 16): EKS accepts a token for 15 minutes after
//! signing, and an apply that creates a cluster, then node groups, addons and installs runs
//! longer. The emulated clusters here accept EKS tokens for a few seconds only
//! (`Options::with_eks_token_ttl`), so a provider that keeps its first token fails with 401
//! and one that renews it carries on. Both `exec` paths are covered: the built-in
//! `aws eks get-token` and a real plugin (a script written here, counting its runs).

mod common;

use common::*;
use meshplan_emulators::{Emulators, Options};
use meshplan_engine::ops::{self, PlanOptions, Workspace};
use meshplan_engine::registry::Registry;
use meshplan_engine::walk::NoHook;
use meshplan_provider::{Ctx, Provider, Value};
use meshplan_provider_kubernetes::KubernetesProvider;
use meshplan_state::{SledBackend, StateBackend};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Long enough for a step to finish on a busy machine, short enough to wait out.
const TTL: Duration = Duration::from_secs(6);

fn emulators(cluster: &str) -> Emulators {
    let emu = Emulators::start(&Options::clusters(&[cluster]).with_eks_token_ttl(TTL))
        .unwrap_or_else(|e| panic!("starting the emulators: {e}"));
    // moto's DescribeCluster answers with the kube test server's endpoint and CA.
    emu.boto3(&format!("client('eks').create_cluster(name={cluster:?}, roleArn='arn:aws:iam::123456789012:role/eks', resourcesVpcConfig={{}})"))
        .unwrap_or_else(|e| panic!("{e}"));
    emu
}

/// The provider block with `exec` in place of a token.
fn exec_config(host: &str, ca: &str, command: &str, args: &[&str], env: serde_json::Value) -> Value {
    shaped(
        &KubernetesProvider.config_schema(),
        &json!({"host": host, "cluster_ca_certificate": ca, "field_manager": "meshplan",
                "exec": {"api_version": "client.authentication.k8s.io/v1beta1", "command": command, "args": args, "env": env}}),
    )
}

async fn create_namespace(ctx: &Ctx, name: &str) {
    let rt = resource("kubernetes_namespace");
    let config = shaped(&rt.schema(), &json!({"metadata": {"name": name}}));
    let planned = plan(rt.as_ref(), ctx, None, &config).await;
    rt.create(ctx, &planned.state).await.unwrap_or_else(|e| panic!("creating namespace {name}: {e} ({:?})", e.hint));
}

/// An exec plugin: a script that appends a line to `runs` each time it runs, then prints an
/// ExecCredential made by `body` (shell).
fn plugin_script(dir: &Path, body: &str) -> (PathBuf, PathBuf) {
    let script = dir.join("plugin.sh");
    let runs = dir.join("runs");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nset -e\necho run >> {runs:?}\n{body}\n", runs = runs.display().to_string()),
    )
    .unwrap();
    let mut perms = std::fs::metadata(&script).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&script, perms).unwrap();
    (script, runs)
}

fn runs(path: &Path) -> usize {
    std::fs::read_to_string(path).map(|s| s.lines().count()).unwrap_or(0)
}

const CONFIG: &str = r#"
variable "region" { type = string }
variable "aws_endpoints" { type = map(string) }
variable "aws_access_key" { type = string }
variable "aws_secret_key" { type = string }

provider "aws" {
  region     = var.region
  access_key = var.aws_access_key
  secret_key = var.aws_secret_key
  endpoints {
    eks = var.aws_endpoints.eks
    sts = var.aws_endpoints.sts
  }
}

data "aws_eks_cluster" "foo" {
  name = "foo"
}

# As the Terraform docs recommend for EKS; `aws eks get-token` is made in-process.
provider "kubernetes" {
  host                   = data.aws_eks_cluster.foo.endpoint
  cluster_ca_certificate = base64decode(data.aws_eks_cluster.foo.certificate_authority[0].data)
  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", data.aws_eks_cluster.foo.name, "--region", var.region]
    env = {
      AWS_ACCESS_KEY_ID     = var.aws_access_key
      AWS_SECRET_ACCESS_KEY = var.aws_secret_key
      AWS_ENDPOINT_URL_STS  = var.aws_endpoints.sts
    }
  }
}

resource "kubernetes_namespace" "before" {
  metadata {
    name = "before"
  }
}

# Longer than the clusters accept a token: what follows needs a renewed one.
resource "time_sleep" "past_token_lifetime" {
  depends_on      = [kubernetes_namespace.before]
  create_duration = "8s"
}

resource "kubernetes_namespace" "after" {
  depends_on = [time_sleep.past_token_lifetime]
  metadata {
    name = "after"
  }
}
"#;

/// The issue's scenario through the engine: one apply outlives the token it started with.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_apply_longer_than_the_token_lifetime_renews_the_eks_token() {
    let emu = emulators("foo");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.mp.hcl"), CONFIG).unwrap();
    emu.write_mpvars(dir.path()).unwrap();
    let mut providers = meshplan_provider_builtin::all();
    providers.push(Arc::new(meshplan_provider_aws::AwsProvider));
    providers.push(Arc::new(KubernetesProvider));
    let mut ws = Workspace::new(dir.path(), Registry::new(providers));
    let root = ws.load().unwrap();
    let backend = Arc::new(SledBackend::open(&ws.state_dir).unwrap());
    let snap = backend.read().unwrap();
    let (plan, diags) = ops::plan(&ws, &root, &snap, &PlanOptions::default(), &NoHook).await.unwrap();
    assert!(!diags.has_errors(), "{diags:?}");

    let report = ops::apply(&ws, &root, &snap, &plan, backend.clone(), 10, &NoHook).await.unwrap();
    assert!(!report.diags.has_errors(), "{:?}", report.diags);
    let server = &emu.cluster("foo").server;
    assert!(stored(server, "Namespace", "before") && stored(server, "Namespace", "after"));
    backend.close().unwrap();
}

/// The built-in needs no aws CLI: with no PATH at all it still makes (and remakes) tokens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn built_in_eks_tokens_need_no_aws_cli_and_are_renewed_on_401() {
    let emu = emulators("foo");
    let server = &emu.cluster("foo").server;
    let env = json!({"PATH": "/nonexistent", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_ENDPOINT_URL_STS": emu.moto().url()});
    let config = exec_config(
        &server.url,
        &server.ca_pem,
        "aws",
        &["--region", emu.region(), "eks", "get-token", "--cluster-name", "foo"],
        env,
    );
    let client =
        KubernetesProvider.configure(&config).await.unwrap_or_else(|e| panic!("configure: {e} ({:?})", e.hint));
    let ctx = Ctx::new(client, "kubernetes_namespace.x");
    create_namespace(&ctx, "first").await;
    tokio::time::sleep(TTL + Duration::from_secs(2)).await;
    // The server refuses the first token now; the provider re-presigns and sends again.
    create_namespace(&ctx, "second").await;
    assert!(stored(server, "Namespace", "second"));
}

/// A real plugin that says its token lasts 14 minutes (as `aws eks get-token` does) while the
/// cluster refuses it sooner: the 401 makes the provider run the plugin again, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exec_plugin_is_run_again_when_its_token_is_refused() {
    let emu = emulators("foo");
    let server = &emu.cluster("foo").server;
    let dir = tempfile::tempdir().unwrap();
    let presign = r#"
import base64, boto3, datetime, json, os
sts = boto3.client('sts', endpoint_url=os.environ['MOTO_URL'], region_name='us-east-1', aws_access_key_id='test', aws_secret_access_key='test')
params = {'method': 'GET', 'url': os.environ['MOTO_URL'] + '/?Action=GetCallerIdentity&Version=2011-06-15',
          'body': {}, 'headers': {'x-k8s-aws-id': 'foo'}, 'context': {}}
url = sts._request_signer.generate_presigned_url(params, region_name='us-east-1', expires_in=60, operation_name='')
expiry = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=14)).strftime('%Y-%m-%dT%H:%M:%SZ')
print(json.dumps({'kind': 'ExecCredential', 'apiVersion': 'client.authentication.k8s.io/v1beta1',
                  'status': {'expirationTimestamp': expiry, 'token': 'k8s-aws-v1.' + base64.urlsafe_b64encode(url.encode()).decode().rstrip('=')}}))
"#;
    std::fs::write(dir.path().join("presign.py"), presign).unwrap();
    let python = emu.moto().python().display().to_string();
    let (script, runs_file) = plugin_script(
        dir.path(),
        &format!("exec {python:?} {:?}", dir.path().join("presign.py").display().to_string()),
    );
    let config = exec_config(
        &server.url,
        &server.ca_pem,
        &script.display().to_string(),
        &[],
        json!({"MOTO_URL": emu.moto().url()}),
    );
    let client =
        KubernetesProvider.configure(&config).await.unwrap_or_else(|e| panic!("configure: {e} ({:?})", e.hint));
    let ctx = Ctx::new(client, "kubernetes_namespace.x");
    assert_eq!(runs(&runs_file), 1, "configure runs the plugin once");
    create_namespace(&ctx, "first").await;
    let before = runs(&runs_file);
    tokio::time::sleep(TTL + Duration::from_secs(2)).await;
    create_namespace(&ctx, "second").await;
    assert_eq!(runs(&runs_file), before + 1, "the refused token was replaced by running the plugin again, once");
    assert!(stored(server, "Namespace", "second"));
}

/// A plugin whose token carries an `expirationTimestamp` is run again once that time nears,
/// before any request is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exec_plugin_is_run_again_when_its_token_expires() {
    let server = server("exec");
    let dir = tempfile::tempdir().unwrap();
    let body = r#"printf '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","status":{"token":"%s","expirationTimestamp":"%s"}}' "$TOKEN" "$(date -u -d '+12 seconds' +%Y-%m-%dT%H:%M:%SZ)""#;
    let (script, runs_file) = plugin_script(dir.path(), body);
    let info = server.info();
    let config =
        exec_config(&info.url, &info.ca_pem, &script.display().to_string(), &[], json!({"TOKEN": info.admin_token}));
    let client =
        KubernetesProvider.configure(&config).await.unwrap_or_else(|e| panic!("configure: {e} ({:?})", e.hint));
    let ctx = Ctx::new(client, "kubernetes_namespace.x");
    create_namespace(&ctx, "first").await;
    assert_eq!(runs(&runs_file), 1, "one run serves requests until the expiry nears");
    tokio::time::sleep(Duration::from_secs(10)).await;
    create_namespace(&ctx, "second").await;
    assert_eq!(runs(&runs_file), 2, "an expired token is renewed before it is sent");
    create_namespace(&ctx, "third").await;
    assert_eq!(runs(&runs_file), 2, "and the new one is reused");
}

/// An exec user in a kubeconfig file (as `aws eks update-kubeconfig` writes one) is run by the
/// provider too.
#[tokio::test]
async fn a_kubeconfig_exec_user_is_run_by_the_provider() {
    let server = server("kubeconfig-exec");
    let dir = tempfile::tempdir().unwrap();
    let info = server.info();
    let body = r#"printf '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","status":{"token":"%s"}}' "$TOKEN""#;
    let (script, runs_file) = plugin_script(dir.path(), body);
    let kubeconfig = json!({
        "apiVersion": "v1", "kind": "Config", "current-context": "c",
        "clusters": [{"name": "c", "cluster": {"server": info.url, "certificate-authority-data": base64(&info.ca_pem)}}],
        "users": [{"name": "u", "user": {"exec": {"apiVersion": "client.authentication.k8s.io/v1beta1", "command": script.display().to_string(),
                   "env": [{"name": "TOKEN", "value": info.admin_token}], "interactiveMode": "Never"}}}],
        "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}],
    });
    let path = dir.path().join("kubeconfig");
    std::fs::write(&path, kubeconfig.to_string()).unwrap();
    let config = shaped(
        &KubernetesProvider.config_schema(),
        &json!({"config_path": path.display().to_string(), "field_manager": "meshplan"}),
    );
    let client =
        KubernetesProvider.configure(&config).await.unwrap_or_else(|e| panic!("configure: {e} ({:?})", e.hint));
    create_namespace(&Ctx::new(client, "kubernetes_namespace.x"), "from-kubeconfig").await;
    assert_eq!(runs(&runs_file), 1, "no expiry: one run serves");
    assert!(stored(&server, "Namespace", "from-kubeconfig"));
}

fn base64(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[tokio::test]
async fn a_broken_plugin_fails_configure_with_a_hint() {
    let server = server("broken");
    let dir = tempfile::tempdir().unwrap();
    let (script, _) = plugin_script(dir.path(), "echo 'not logged in' >&2; exit 1");
    let info = server.info();
    let Err(err) = KubernetesProvider
        .configure(&exec_config(&info.url, &info.ca_pem, &script.display().to_string(), &[], json!({})))
        .await
    else {
        panic!("configure must fail");
    };
    assert!(err.message.contains("not logged in"), "{}", err.message);
    assert!(err.hint.as_deref().unwrap_or_default().contains("ExecCredential"), "{:?}", err.hint);
}
