//! Language pieces through the real binary: `check` blocks (Terraform 1.5), `removed` blocks
//! (1.7), the `terraform_remote_state` data source, `provider::terraform::*` functions and
//! `templatefile` with a path known only at apply.

mod common;

use common::{meshplan_env, Work};
use serde_json::json;

#[test]
fn check_assertions_warn_at_plan_and_apply_and_show_in_the_json_plan() {
    let w = Work::new(
        r#"
variable "replicas" {
  default = 1
}
resource "meshplan_data" "app" {
  input = var.replicas
}
check "enough_replicas" {
  assert {
    condition     = var.replicas >= 2
    error_message = "run at least 2 replicas, not ${var.replicas}"
  }
}
check "known_later" {
  assert {
    condition     = meshplan_data.app.output != null
    error_message = "the app has no output"
  }
}
"#,
    );
    let r = w.run(&["plan"]);
    r.ok().stderr_has("Check block assertion failed").stderr_has("run at least 2 replicas, not 1");
    assert!(r.stdout.contains("1 to add"), "{}", r.stdout);

    let plan = w.run(&["plan", "-json"]).json();
    let checks = plan["checks"].as_array().expect("checks in the JSON plan");
    let by_name = |n: &str| {
        checks
            .iter()
            .find(|c| c["address"]["name"] == n)
            .unwrap_or_else(|| panic!("no check {n} in {checks:?}"))
            .clone()
    };
    let failed = by_name("enough_replicas");
    assert_eq!(failed["status"], "fail");
    assert_eq!(failed["address"]["kind"], "check");
    assert_eq!(failed["instances"][0]["problems"][0]["message"], "run at least 2 replicas, not 1");
    // Its condition reads a value only apply knows: not judged at plan time.
    assert_eq!(by_name("known_later")["status"], "unknown");

    // Apply goes ahead (a warning, not an error) and checks again at the end.
    let r = w.run(&["apply", "-auto-approve"]);
    r.ok().stderr_has("Check block assertion failed");
    assert_eq!(w.state_list(), vec!["meshplan_data.app"]);
    // Passing: no warning. Destroying: not judged.
    let r = meshplan_env(w.path(), &["plan"], &[("TF_VAR_replicas", "3")]);
    r.ok();
    assert!(!r.stderr.contains("assertion failed"), "{}", r.stderr);
    let r = w.run(&["plan", "-destroy"]);
    r.ok();
    assert!(!r.stderr.contains("assertion failed"), "{}", r.stderr);
}

#[test]
fn a_check_scoped_data_source_that_fails_is_a_warning() {
    // A port nothing listens on: the request fails.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let w = Work::new(&format!(
        r#"
resource "meshplan_data" "app" {{
  input = "x"
}}
check "health" {{
  data "http" "probe" {{
    url = "http://127.0.0.1:{port}/health"
  }}
  assert {{
    condition     = data.http.probe.status_code == 200
    error_message = "the service is unhealthy"
  }}
}}
"#
    ));
    let r = w.run(&["apply", "-auto-approve"]);
    r.ok().stderr_has("check \"health\"");
    assert_eq!(w.state_list(), vec!["meshplan_data.app"]);
}

#[test]
fn check_blocks_are_validated_when_loaded() {
    let w = Work::new("check \"empty\" {\n  thing = 1\n}\n");
    let r = w.run(&["validate"]);
    r.code(1).stderr_has("unsupported content in check \"empty\"").stderr_has("has no `assert` block");
    // Malformed blocks are diagnostics with a place and a hint, never a panic.
    for (config, want) in [
        ("check {\n  assert {\n    condition = true\n    error_message = \"x\"\n  }\n}\n", "`check` block needs 1 label(s)"),
        ("check \"c\" {\n  assert {\n    condition = true\n  }\n}\n", "`assert` needs `condition` and `error_message`"),
        ("check \"c\" {\n  data \"http\" {\n  }\n  assert {\n    condition = true\n    error_message = \"x\"\n  }\n}\n", "`data` block needs 2 label(s)"),
        ("removed {\n}\n", "`removed` block needs `from`"),
        ("removed {\n  from = meshplan_data.x\n  lifecycle {\n    destroy = \"no\"\n  }\n}\n", "`destroy` must be true or false"),
        ("removed {\n  from = meshplan_data.x\n  to = meshplan_data.y\n}\n", "unsupported content in `removed`"),
    ] {
        w.config(config);
        let r = w.run(&["validate"]);
        r.code(1).stderr_has(want).stderr_has("main.mp.hcl:");
    }
    w.config("removed {\n  from = meshplan_data.x[0]\n}\n");
    w.run(&["plan"]).code(1).stderr_has("cannot name one instance");
}

const FILE_RESOURCE: &str = r#"
resource "local_file" "keep" {
  filename = "${path.module}/kept.txt"
  content  = "precious"
}
resource "meshplan_data" "other" {
  input = "o"
}
"#;

#[test]
fn removed_with_destroy_false_forgets_without_destroying() {
    let w = Work::new(FILE_RESOURCE);
    w.run(&["apply", "-auto-approve"]).ok();
    assert!(w.file("kept.txt").exists());

    w.config(
        r#"
resource "meshplan_data" "other" {
  input = "o"
}
removed {
  from = local_file.keep
  lifecycle {
    destroy = false
  }
}
"#,
    );
    let r = w.run(&["plan", "-detailed-exitcode"]);
    r.code(2)
        .stdout_has("# local_file.keep will no longer be managed by meshplan, but will not be destroyed")
        .stdout_has("# (destroy = false is set in the configuration)")
        .stdout_has("  . resource \"local_file\" \"keep\" {")
        .stdout_has("Plan: 0 to add, 0 to change, 0 to destroy.")
        .stderr_has("Some objects will no longer be managed by meshplan")
        .stderr_has(" - local_file.keep");
    assert!(!r.stdout.contains("will be destroyed"), "{}", r.stdout);
    let plan = w.run(&["plan", "-json"]).json();
    let forget = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "local_file.keep")
        .expect("a change for the forgotten resource")
        .clone();
    assert_eq!(forget["change"]["actions"], json!(["forget"]));

    w.run(&["plan", "-out=forget.plan"]).ok();
    w.run(&["apply", "forget.plan"]).ok();
    assert_eq!(w.state_list(), vec!["meshplan_data.other"]);
    assert!(w.file("kept.txt").exists(), "a forgotten object was destroyed");
    // Nothing left to do: the block stays harmless once the record is gone.
    w.run(&["plan", "-detailed-exitcode"]).code(0);
}

#[test]
fn removed_with_destroy_true_destroys_and_a_configured_resource_is_an_error() {
    let w = Work::new(FILE_RESOURCE);
    w.run(&["apply", "-auto-approve"]).ok();
    w.config(&format!("{FILE_RESOURCE}\nremoved {{\n  from = local_file.keep\n}}\n"));
    w.run(&["plan"]).code(1).stderr_has("removed resource block still exists: local_file.keep");

    w.config("resource \"meshplan_data\" \"other\" {\n  input = \"o\"\n}\nremoved {\n  from = local_file.keep\n  lifecycle {\n    destroy = true\n  }\n}\n");
    w.run(&["plan"]).ok().stdout_has("# local_file.keep will be destroyed");
    w.run(&["apply", "-auto-approve"]).ok();
    assert!(!w.file("kept.txt").exists());

    w.config("removed {\n  from = \"local_file.keep\"\n  lifecycle {\n    forget = true\n  }\n}\n");
    let r = w.run(&["validate"]);
    r.code(1).stderr_has("lifecycle holds only `destroy`");
}

const NETWORK: &str = r#"
output "vpc_id" {
  value = "vpc-123"
}
output "subnets" {
  value = ["a", "b"]
}
output "token" {
  value     = "s3cr3t-token-value"
  sensitive = true
}
"#;

#[test]
fn terraform_remote_state_reads_another_states_outputs() {
    let net = Work::new(NETWORK);
    net.run(&["apply", "-auto-approve"]).ok();
    let net_dir = net.path().display().to_string();
    let app = Work::new(&format!(
        r#"
data "terraform_remote_state" "net" {{
  backend = "local"
  config = {{
    path = "{net_dir}"
  }}
  defaults = {{
    region = "eu-west-1"
  }}
}}
data "terraform_remote_state" "by_state_dir" {{
  backend = "sled"
  config = {{
    path = "{net_dir}/.meshplan"
  }}
}}
output "vpc" {{
  value = data.terraform_remote_state.net.outputs.vpc_id
}}
output "second_subnet" {{
  value = data.terraform_remote_state.by_state_dir.outputs.subnets[1]
}}
output "region" {{
  value = data.terraform_remote_state.net.outputs.region
}}
output "token" {{
  value     = data.terraform_remote_state.net.outputs.token
  sensitive = true
}}
"#
    ));
    let r = app.run(&["apply", "-auto-approve"]);
    r.ok();
    assert!(!r.all().contains("s3cr3t"), "a sensitive remote output was printed:\n{}", r.all());
    let out = app.run(&["output", "-json"]).json();
    assert_eq!(out["vpc"]["value"], "vpc-123");
    assert_eq!(out["second_subnet"]["value"], "b");
    assert_eq!(out["region"]["value"], "eu-west-1");
    assert_eq!(out["token"]["sensitive"], true);

    // A remote output that is sensitive stays sensitive: exposing it unmarked is an error.
    app.config(&format!(
        "data \"terraform_remote_state\" \"net\" {{\n  backend = \"local\"\n  config = {{ path = \"{net_dir}\" }}\n}}\noutput \"leak\" {{\n  value = data.terraform_remote_state.net.outputs.token\n}}\n"
    ));
    let r = app.run(&["plan"]);
    r.code(1);
    assert!(!r.all().contains("s3cr3t"), "{}", r.all());
}

/// A Terraform configuration reads its sibling's `terraform.tfstate`; when meshplan applied
/// that sibling, its state is the `.meshplan` directory there (the seed's 1.foo-eks reads
/// `../0.vpc/terraform.tfstate`).
#[test]
fn terraform_remote_state_finds_a_meshplan_state_beside_a_tfstate_path() {
    let vpc = Work::new("output \"vpc_id\" {\n  value = \"vpc-123\"\n}\n");
    vpc.run(&["apply", "-auto-approve"]).ok();
    let eks = Work::new(&format!(
        "data \"terraform_remote_state\" \"vpc\" {{\n  backend = \"local\"\n  config = {{\n    path = \"{}/terraform.tfstate\"\n  }}\n}}\noutput \"id\" {{\n  value = data.terraform_remote_state.vpc.outputs.vpc_id\n}}\n",
        vpc.path().display()
    ));
    eks.run(&["apply", "-auto-approve"]).ok();
    assert_eq!(eks.run(&["output", "-raw", "id"]).ok().stdout, "vpc-123");
    assert!(!vpc.file("terraform.tfstate").exists(), "nothing written where the file would be");
}

#[test]
fn terraform_remote_state_reads_a_terraform_state_file_and_names_its_errors() {
    let w = Work::new("");
    w.write(
        "other/terraform.tfstate",
        r#"{"version": 4, "terraform_version": "1.11.0", "serial": 3, "lineage": "x", "outputs": {"name": {"value": "from-terraform", "type": "string"}}, "resources": []}"#,
    );
    let cfg = |backend: &str, path: &str, ws: &str| {
        format!("data \"terraform_remote_state\" \"o\" {{\n  backend   = \"{backend}\"\n  workspace = \"{ws}\"\n  config    = {{ path = \"{path}\" }}\n}}\noutput \"name\" {{\n  value = data.terraform_remote_state.o.outputs.name\n}}\n")
    };
    w.config(&cfg("local", "other/terraform.tfstate", "default"));
    w.run(&["apply", "-auto-approve"]).ok();
    assert_eq!(w.run(&["output", "-raw", "name"]).ok().stdout, "from-terraform");

    // Diagnostics wrap long lines: compare with the whitespace folded.
    let fails_with = |backend: &str, path: &str, ws: &str, want: &str| {
        w.config(&cfg(backend, path, ws));
        let r = w.run(&["plan"]);
        r.code(1);
        let text = r.stderr.replace('│', " ").split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains(want), "{want:?} not in:\n{}", r.stderr);
    };
    fails_with("local", "missing", "default", "no state at");
    // A directory without a state is not turned into one.
    fails_with("local", "other", "default", "no state at");
    assert!(!w.file("other/state").exists() && !w.file("other/.meshplan").exists());
    fails_with("local", "other/terraform.tfstate", "staging", "holds only the default workspace");
    fails_with("gcs", "missing", "default", "unsupported backend \"gcs\"");
    // s3 takes the s3 backend's arguments (tests/state_on_aws.rs reads real objects).
    fails_with("s3", "missing", "default", "unsupported argument `path` in backend \"s3\"");
}

#[test]
fn terraform_remote_state_refuses_an_encrypted_state() {
    let net = Work::new(&format!(
        r#"
terraform {{
  encryption {{
    key_provider "pbkdf2" "k" {{
      passphrase = "a-long-enough-passphrase-for-tests"
      iterations = 1000
    }}
    method "aes_gcm" "m" {{
      keys = key_provider.pbkdf2.k
    }}
    state {{
      method = method.aes_gcm.m
    }}
  }}
}}
{NETWORK}"#
    ));
    let env = [("MESHPLAN_TEST_PBKDF2_MIN_ITERATIONS", "1000")];
    meshplan_env(net.path(), &["apply", "-auto-approve"], &env).ok();
    let app = Work::new(&format!(
        "data \"terraform_remote_state\" \"net\" {{\n  backend = \"local\"\n  config = {{ path = \"{}\" }}\n}}\noutput \"vpc\" {{\n  value = data.terraform_remote_state.net.outputs.vpc_id\n}}\n",
        net.path().display()
    ));
    app.run(&["plan"]).code(1).stderr_has("is encrypted").stderr_has("encrypted states cannot be read as remote state");
}

#[test]
fn terraform_provider_functions_and_templatefile_with_an_unknown_path() {
    let w = Work::new(
        r#"
variable "env" {
  type = string
}
locals {
  vars = { region = "eu-west-1", replicas = 3, tags = { team = "core" } }
}
output "tfvars" {
  value = provider::terraform::encode_tfvars(local.vars)
}
output "round_trip" {
  value = provider::terraform::decode_tfvars(provider::terraform::encode_tfvars(local.vars)) == local.vars
}
output "expr" {
  value = provider::terraform::encode_expr(["a", 1, true, null])
}
output "rendered" {
  value = templatefile("${path.module}/${var.env}.tpl", { name = "x" })
}
"#,
    );
    w.write("prod.tpl", "hello ${name}");
    // validate sees every variable as unknown: the template path is unknown, not an error.
    w.run(&["validate"]).ok();
    let r = meshplan_env(w.path(), &["apply", "-auto-approve"], &[("TF_VAR_env", "prod")]);
    r.ok();
    let out = w.run(&["output", "-json"]).json();
    assert_eq!(out["tfvars"]["value"], "region   = \"eu-west-1\"\nreplicas = 3\ntags = {\n  team = \"core\"\n}\n");
    assert_eq!(out["round_trip"]["value"], true);
    assert_eq!(out["expr"]["value"], "[\"a\", 1, true, null]");
    assert_eq!(out["rendered"]["value"], "hello x");

    w.config("output \"bad\" {\n  value = provider::terraform::encode_tfvars(\"text\")\n}\n");
    w.run(&["plan"]).code(1).stderr_has("encode_tfvars: the value must be an object");
    w.config("output \"bad\" {\n  value = provider::terraform::decode_tfvars(\"a = var.x\")\n}\n");
    w.run(&["plan"]).code(1).stderr_has("decode_tfvars");
}

#[test]
fn check_and_removed_blocks_in_json_syntax() {
    let w = Work::files(&[(
        "main.tf.json",
        r#"{
  "resource": { "meshplan_data": { "a": { "input": "x" } } },
  "check": { "input_is_upper": { "assert": { "condition": "${meshplan_data.a.input == upper(meshplan_data.a.input)}", "error_message": "input is ${meshplan_data.a.input}" } } },
  "removed": { "from": "meshplan_data.gone", "lifecycle": { "destroy": false } }
}"#,
    )]);
    w.run(&["plan"]).ok().stderr_has("Check block assertion failed").stderr_has("input is x");
    w.write(
        "main.tf.json",
        r#"{ "resource": { "meshplan_data": { "a": { "input": "x" } } }, "removed": { "from": "meshplan_data.a" } }"#,
    );
    w.run(&["plan"])
        .code(1)
        .stderr_has("removed resource block still exists: meshplan_data.a")
        .stderr_has("main.tf.json");
}

#[test]
fn removed_forgets_every_instance_of_a_module_and_works_inside_modules() {
    let w = Work::new("module \"m\" {\n  source = \"./m\"\n  count  = 2\n  n      = count.index\n}\nmodule \"keep\" {\n  source = \"./keep\"\n}\n");
    w.write("m/main.mp.hcl", "variable \"n\" {}\nresource \"local_file\" \"f\" {\n  filename = \"${path.root}/f${var.n}.txt\"\n  content  = \"x\"\n}\n");
    w.write("keep/main.mp.hcl", "resource \"meshplan_data\" \"old\" {\n  input = \"o\"\n}\nresource \"meshplan_data\" \"stays\" {\n  input = \"s\"\n}\n");
    w.run(&["apply", "-auto-approve"]).ok();
    assert_eq!(w.state_list().len(), 4, "{:?}", w.state_list());

    // The whole module call goes from the root; a child drops one of its own resources.
    w.config("module \"keep\" {\n  source = \"./keep\"\n}\nremoved {\n  from = module.m\n  lifecycle {\n    destroy = false\n  }\n}\n");
    w.write("keep/main.mp.hcl", "resource \"meshplan_data\" \"stays\" {\n  input = \"s\"\n}\nremoved {\n  from = meshplan_data.old\n  lifecycle {\n    destroy = false\n  }\n}\n");
    let r = w.run(&["apply", "-auto-approve"]);
    r.ok()
        .stdout_has("module.m[1].local_file.f will no longer be managed by meshplan")
        .stdout_has("module.keep.meshplan_data.old will no longer be managed");
    assert!(!r.stdout.contains("will be destroyed"), "{}", r.stdout);
    assert_eq!(w.state_list(), vec!["module.keep.meshplan_data.stays"]);
    assert!(w.file("f0.txt").exists() && w.file("f1.txt").exists(), "a forgotten file was deleted");
}

#[test]
fn checks_in_module_instances_are_judged_per_instance() {
    let w = Work::new(
        "module \"svc\" {\n  source   = \"./svc\"\n  for_each = { a = 1, b = 3 }\n  replicas = each.value\n}\n",
    );
    w.write("svc/main.mp.hcl", "variable \"replicas\" {}\ncheck \"ha\" {\n  assert {\n    condition     = var.replicas >= 2\n    error_message = \"only ${var.replicas} replica(s)\"\n  }\n}\n");
    let r = w.run(&["plan", "-json"]);
    r.ok();
    let plan = r.json();
    let checks = plan["checks"].as_array().expect("checks");
    let status = |display: &str| {
        checks.iter().find(|c| c["instances"][0]["address"]["to_display"] == display).map(|c| c["status"].clone())
    };
    assert_eq!(status("module.svc[\"a\"].check.ha"), Some(json!("fail")), "{checks:?}");
    assert_eq!(status("module.svc[\"b\"].check.ha"), Some(json!("pass")), "{checks:?}");
    assert_eq!(checks[0]["address"]["to_display"], "module.svc.check.ha");
    w.run(&["plan"]).ok().stderr_has("only 1 replica(s)");
}

#[test]
fn a_check_that_names_something_undeclared_is_an_error() {
    let w = Work::new("variable \"n\" {\n  default = 1\n}\ncheck \"c\" {\n  assert {\n    condition     = var.m > 0\n    error_message = \"${local.nope}\"\n  }\n}\n");
    let r = w.run(&["validate"]);
    r.code(1)
        .stderr_has("reference to undeclared input variable `var.m`")
        .stderr_has("reference to undeclared local value `local.nope`");
    w.run(&["plan"]).code(1).stderr_has("var.m");
}

#[test]
fn terraform_remote_state_reads_a_named_workspace() {
    let net = Work::new("output \"env\" {\n  value = terraform.workspace\n}\n");
    net.run(&["apply", "-auto-approve"]).ok();
    net.run(&["workspace", "new", "staging"]).ok();
    net.run(&["apply", "-auto-approve"]).ok();
    let app = Work::new(&format!(
        "data \"terraform_remote_state\" \"d\" {{\n  backend = \"local\"\n  config  = {{ path = \"{p}\" }}\n}}\ndata \"terraform_remote_state\" \"s\" {{\n  backend   = \"local\"\n  workspace = \"staging\"\n  config    = {{ path = \"{p}\" }}\n}}\noutput \"both\" {{\n  value = [data.terraform_remote_state.d.outputs.env, data.terraform_remote_state.s.outputs.env]\n}}\n",
        p = net.path().display()
    ));
    app.run(&["apply", "-auto-approve"]).ok();
    assert_eq!(app.run(&["output", "-json", "both"]).json(), json!(["default", "staging"]));
}

#[test]
fn a_check_scoped_data_source_is_read_again_during_apply() {
    let w = Work::new("");
    w.write("other.tfstate", r#"{"version": 4, "serial": 1, "lineage": "x", "outputs": {"name": {"value": "m", "type": "string"}}, "resources": []}"#);
    w.config(
        r#"
resource "meshplan_data" "x" {
  input = "a"
}
check "c" {
  data "terraform_remote_state" "s" {
    backend = "local"
    config = {
      path = "other.tfstate"
    }
  }
  assert {
    condition     = data.terraform_remote_state.s.outputs.name == "n"
    error_message = "not n"
  }
}
"#,
    );
    let r = w.run(&["plan"]);
    r.ok()
        .stdout_has("# data.terraform_remote_state.s will be read during apply")
        .stdout_has("config will be reloaded to verify a check block")
        .stderr_has("not n");
    let plan = w.run(&["plan", "-json"]).json();
    let read = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "data.terraform_remote_state.s")
        .expect("a read of the check's data source")
        .clone();
    assert_eq!(read["change"]["actions"], json!(["read"]));
    assert_eq!(read["action_reason"], "read_because_check_nested");
    assert_eq!(read["change"]["after"]["outputs"]["name"], "m");
    // Apply reads it again: the check sees the state as it is then.
    w.write("other.tfstate", r#"{"version": 4, "serial": 2, "lineage": "x", "outputs": {"name": {"value": "n", "type": "string"}}, "resources": []}"#);
    w.run(&["plan", "-out=p.plan"]).ok();
    w.write("other.tfstate", r#"{"version": 4, "serial": 3, "lineage": "x", "outputs": {"name": {"value": "changed", "type": "string"}}, "resources": []}"#);
    w.run(&["apply", "p.plan"]).ok().stderr_has("not n");
    // With nothing else to do, the re-read alone is no change.
    let r = w.run(&["plan", "-detailed-exitcode"]);
    r.code(0)
        .stdout_has("No changes.")
        .stdout_has("1 data source(s) of check blocks will be read again during apply")
        .stderr_has("not n");
}

/// `validate` checks the attribute a reference names against the resource type's schema, as
/// Terraform's validate does (it used to pass, and plan failed later).
#[test]
fn validate_reports_unsupported_attributes_of_resources() {
    let w = Work::new(
        r#"
resource "meshplan_data" "one" {
  input = "x"
}
resource "meshplan_data" "many" {
  count = 2
  input = "y"
}
data "http" "h" {
  url = "http://127.0.0.1:9/"
}
output "ok" {
  value = [meshplan_data.one.output, meshplan_data.many[0].id, meshplan_data.many[*].output, data.http.h.status_code]
}
output "bad" {
  value = meshplan_data.one.outptu
}
output "bad_data" {
  value = data.http.h.nosuch
}
output "bad_indexed" {
  value = meshplan_data.many[1].inptu
}
"#,
    );
    let r = w.run(&["validate"]);
    r.code(1).stderr_has("Unsupported attribute").stderr_has("named `outptu`").stderr_has("did you mean `output`");
    r.stderr_has("named `nosuch`").stderr_has("named `inptu`");
    assert_eq!(r.stderr.matches("Unsupported attribute").count(), 3, "{}", r.stderr);
}
