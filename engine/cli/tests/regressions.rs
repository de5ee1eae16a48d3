//! Bugs found by writing modules, each pinned by the smallest configuration that showed it.

mod common;
use common::{serve_http, Work};

#[test]
fn destroy_reads_data_sources_that_expansions_use() {
    let url = serve_http("a,b,c");
    let w = Work::new(&format!(
        r#"
data "http" "zones" {{
  url = "{url}"
}}
resource "meshplan_data" "x" {{
  for_each = toset(slice(split(",", data.http.zones.response_body), 0, 2))
  input    = each.key
}}
"#
    ));
    w.run(&["apply", "-auto-approve"]).ok();
    assert_eq!(w.state_list().len(), 2);
    w.run(&["destroy", "-auto-approve"]).ok();
    assert!(w.state_list().is_empty());
}

#[test]
fn destroy_of_a_never_applied_config_with_derived_values() {
    let w = Work::new(
        r#"
resource "meshplan_data" "a" {
  input = "x"
}
locals {
  v = upper(meshplan_data.a.output)
}
output "v" {
  value = local.v
}
"#,
    );
    w.run(&["destroy", "-auto-approve"]).ok();
}

#[test]
fn merge_with_unknown_values_keeps_keys_for_for_each() {
    let w = Work::new(
        r#"
resource "random_id" "a" {
  byte_length = 4
}
resource "meshplan_data" "m" {
  for_each = merge({ a = random_id.a.hex }, { b = "k" })
  input    = each.value
}
"#,
    );
    w.run(&["plan"])
        .ok()
        .stdout_has("meshplan_data.m[\"a\"] will be created")
        .stdout_has("meshplan_data.m[\"b\"] will be created");
}

#[test]
fn a_provider_only_count_zero_resources_use_is_never_needed() {
    let w = Work::new(
        r#"
provider "kubernetes" {}
resource "kubernetes_namespace" "x" {
  count = 0
  metadata {
    name = "r"
  }
}
resource "meshplan_data" "y" {
  input = 1
}
"#,
    );
    w.run(&["apply", "-auto-approve"]).ok();
}

#[test]
fn depends_on_a_module_waits_for_everything_in_it() {
    let w = Work::new(
        r#"
module "m" {
  source = "./m"
}
resource "meshplan_data" "after" {
  input      = 1
  depends_on = [module.m]
}
"#,
    );
    w.write("m/main.mp.hcl", "resource \"meshplan_data\" \"inner\" {\n  input = 1\n}\n");
    let dot = w.run(&["graph"]).ok().stdout.clone();
    assert!(dot.contains("\"meshplan_data.after\" -> \"module.m.meshplan_data.inner\""), "{dot}");
}

#[test]
fn an_explicit_null_module_argument_stays_null() {
    let w = Work::new(
        r#"
module "m" {
  source = "./m"
  x      = null
}
output "x" {
  value = module.m.x == null ? "null" : module.m.x
}
"#,
    );
    w.write("m/main.mp.hcl", "variable \"x\" {\n  default = \"dflt\"\n}\noutput \"x\" {\n  value = var.x\n}\n");
    w.run(&["apply", "-auto-approve"]).ok();
    assert_eq!(w.run(&["output", "-raw", "x"]).ok().stdout, "null");
}

#[test]
fn nonsensitive_and_sensitive_functions() {
    let w = Work::new(
        r#"
variable "secret" {
  default   = "hunter2"
  sensitive = true
}
output "plain" {
  value = nonsensitive(upper(var.secret))
}
output "hidden" {
  value     = sensitive("visible")
  sensitive = true
}
"#,
    );
    w.run(&["apply", "-auto-approve"]).ok().stdout_has("plain  = \"HUNTER2\"").stdout_has("hidden = <sensitive>");
}

#[test]
fn fmt_leaves_heredoc_content_alone() {
    let w = Work::new("locals {\n  x = <<-EOT\n    a = 1\n    bbb = 2\n  EOT\n}\n");
    w.run(&["fmt", "-check"]).ok();
}

#[test]
fn the_binary_configures_a_kubernetes_provider() {
    // Several crates enable both rustls crypto backends; the binary must still pick one.
    let server = kube_test_server::TestServer::start(kube_test_server::Config::named("foo")).unwrap();
    let w = Work::new("provider \"kubernetes\" {\n  config_path = \"kc.yaml\"\n}\nresource \"kubernetes_namespace\" \"a\" {\n  metadata {\n    name = \"a\"\n  }\n}\n");
    server.info().write_kubeconfig(&w.file("kc.yaml")).unwrap();
    w.run(&["apply", "-auto-approve"]).ok();
    assert!(server.objects().iter().any(|o| o["kind"] == "Namespace" && o["metadata"]["name"] == "a"));
}

/// The Terraform kubernetes provider's idioms: `_v1` names, `metadata[0].name`, and the
/// kubeconfig from KUBE_CONFIG_PATH.
#[test]
fn kubernetes_metadata_is_a_list_block_and_kube_config_path_is_read() {
    let server = kube_test_server::TestServer::start(kube_test_server::Config::named("idioms")).unwrap();
    let w = Work::new(
        r#"provider "kubernetes" {}
resource "kubernetes_namespace_v1" "ns" {
  metadata {
    name = "mesh"
  }
}
resource "kubernetes_config_map" "cm" {
  metadata {
    name      = "settings"
    namespace = kubernetes_namespace_v1.ns.metadata[0].name
  }
  data = { uid = kubernetes_namespace_v1.ns.metadata[0].uid }
}
output "where" {
  value = "${kubernetes_config_map.cm.metadata[0].namespace}/${kubernetes_config_map.cm.metadata[0].name}"
}
"#,
    );
    server.info().write_kubeconfig(&w.file("kc.yaml")).unwrap();
    let kc = w.file("kc.yaml").display().to_string();
    common::meshplan_env(w.path(), &["apply", "-auto-approve"], &[("KUBE_CONFIG_PATH", &kc)]).ok();
    assert_eq!(
        common::meshplan_env(w.path(), &["output", "-raw", "where"], &[("KUBE_CONFIG_PATH", &kc)]).ok().stdout,
        "mesh/settings"
    );
    let cm = server
        .objects()
        .into_iter()
        .find(|o| o["kind"] == "ConfigMap" && o["metadata"]["name"] == "settings")
        .expect("the ConfigMap");
    assert!(cm["data"]["uid"].as_str().is_some_and(|u| !u.is_empty()), "{cm}");
    common::meshplan_env(w.path(), &["plan", "-detailed-exitcode"], &[("KUBE_CONFIG_PATH", &kc)]).code(0);
    // Without it there is no cluster to talk to.
    let r = w.run(&["plan"]);
    r.code(1).no_panic();
}

#[test]
fn constant_locals_in_nested_modules_are_known() {
    let w = Work::new("module \"inner\" {\n  source = \"./inner\"\n}\noutput \"v\" {\n  value = module.inner.v\n}\n");
    w.write(
        "inner/main.mp.hcl",
        "module \"leaf\" {\n  source = \"./leaf\"\n}\noutput \"v\" {\n  value = module.leaf.v\n}\n",
    );
    w.write("inner/leaf/main.mp.hcl", "locals {\n  t = \"const\"\n}\nresource \"meshplan_data\" \"d\" {\n  input = { t = local.t }\n}\noutput \"v\" {\n  value = meshplan_data.d.input\n}\n");
    w.run(&["plan"]).ok().stdout_has("\"t\" = \"const\"");
    w.run(&["apply", "-auto-approve"]).ok();
    w.run(&["plan", "-detailed-exitcode"]).code(0);
}

/// `timestamp()` is unknown while planning and known during apply, as in Terraform: a
/// resource argument using it plans as "(known after apply)" and applies without an
/// "inconsistent final plan" (it used to have a value at plan time that apply then changed).
#[test]
fn timestamp_is_known_only_during_apply() {
    let w = Work::new("resource \"meshplan_data\" \"t\" {\n  input = timestamp()\n}\n\noutput \"t\" {\n  value = meshplan_data.t.output\n}\n");
    w.run(&["plan"]).ok().stdout_has("input  = (known after apply)");
    w.run(&["apply", "-auto-approve"]).ok();
    let t = w.run(&["output", "-raw", "t"]).ok().stdout.clone();
    assert!(t.len() == 20 && t.ends_with('Z') && t.as_bytes()[10] == b'T', "not an RFC 3339 UTC time: {t:?}");
}

/// Destroy needs no data: a data source whose configuration depends on an object that is not
/// in the state (here never created, outside an earlier -target) stays unread and the destroy
/// completes (it failed with "configuration still unknown during apply").
#[test]
fn destroy_leaves_unreadable_data_sources_unread() {
    let w = Work::new(
        "resource \"terraform_data\" \"a\" {\n  input = \"x\"\n}\nresource \"terraform_data\" \"b\" {\n  input = \"y\"\n}\ndata \"http\" \"h\" {\n  url = \"http://127.0.0.1:9/${terraform_data.a.output}\"\n}\n",
    );
    w.run(&["apply", "-auto-approve", "-target=terraform_data.b"]).ok();
    w.run(&["destroy", "-auto-approve"]).ok().stdout_has("Destroy complete! Resources: 1 destroyed.");
    assert!(w.state_list().is_empty());
}
