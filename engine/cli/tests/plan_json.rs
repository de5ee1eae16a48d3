//! The JSON plan (`plan -json`, `show -json PLANFILE`) has the shape of Terraform's, which the
//! policy tools (checkov, OPA/conftest) read: asserted field by field here.

mod common;

use common::Work;
use serde_json::{json, Value};

const CONFIG: &str = r#"
variable "secret" {
  type      = string
  default   = "hunter2-very-secret"
  sensitive = true
}

resource "meshplan_data" "plain" {
  count = 2
  input = "p${count.index}"
}

resource "meshplan_data" "hidden" {
  input = { user = "svc", password = var.secret }
}

resource "random_password" "pw" {
  length = 16
}

module "m" {
  source = "./mod"
  name   = "inner"
}

output "plain" {
  value = meshplan_data.plain[0].input
}

output "secret" {
  value     = var.secret
  sensitive = true
}
"#;

const MODULE: &str = r#"
variable "name" {
  type = string
}

resource "meshplan_data" "inner" {
  input = var.name
}

output "id" {
  value = meshplan_data.inner.id
}
"#;

fn change<'a>(plan: &'a Value, address: &str) -> &'a Value {
    plan["resource_changes"]
        .as_array()
        .expect("resource_changes is an array")
        .iter()
        .find(|c| c["address"] == address)
        .unwrap_or_else(|| panic!("no resource_changes entry for {address} in\n{plan:#}"))
}

#[test]
fn json_plan_has_terraforms_shape() {
    let w = Work::new(CONFIG);
    w.write("mod/main.mp.hcl", MODULE);
    let r = w.run(&["plan", "-json"]);
    r.ok();
    let plan = r.json();
    assert!(!r.stdout.contains("hunter2"), "a sensitive value is in the JSON plan");

    assert!(plan["format_version"].as_str().is_some_and(|v| v.starts_with("1.")), "{}", plan["format_version"]);
    let root = &plan["planned_values"]["root_module"];
    let addrs: Vec<&str> =
        root["resources"].as_array().unwrap().iter().map(|r| r["address"].as_str().unwrap()).collect();
    for a in ["meshplan_data.plain[0]", "meshplan_data.plain[1]", "meshplan_data.hidden", "random_password.pw"] {
        assert!(addrs.contains(&a), "{a} missing from planned_values: {addrs:?}");
    }
    assert!(!addrs.iter().any(|a| a.starts_with("module.")), "module resources belong in child_modules");
    let child = &root["child_modules"][0];
    assert_eq!(child["address"], "module.m");
    assert_eq!(child["resources"][0]["address"], "module.m.meshplan_data.inner");
    assert_eq!(child["resources"][0]["values"]["input"], "inner");

    let c = change(&plan, "meshplan_data.plain[1]");
    assert_eq!(c["mode"], "managed");
    assert_eq!(c["type"], "meshplan_data");
    assert_eq!(c["name"], "plain");
    assert_eq!(c["index"], 1);
    assert!(c["provider_name"].as_str().unwrap().ends_with("/meshplan"), "{}", c["provider_name"]);
    assert_eq!(c["change"]["actions"], json!(["create"]));
    assert_eq!(c["change"]["before"], Value::Null);
    assert_eq!(c["change"]["after"]["input"], "p1");
    assert_eq!(c["change"]["after_unknown"]["id"], true);
    assert_eq!(c["change"]["after_unknown"]["output"], true);

    let m = change(&plan, "module.m.meshplan_data.inner");
    assert_eq!(m["module_address"], "module.m");

    // Sensitive: the value is null, the mark says why.
    let h = change(&plan, "meshplan_data.hidden");
    assert_eq!(h["change"]["after"]["input"]["password"], Value::Null);
    assert_eq!(h["change"]["after"]["input"]["user"], "svc");
    assert_eq!(h["change"]["after_sensitive"]["input"]["password"], true);

    assert_eq!(plan["output_changes"]["plain"]["actions"], json!(["create"]));
    assert_eq!(plan["output_changes"]["plain"]["after"], "p0");
    assert_eq!(plan["output_changes"]["secret"]["after_sensitive"], true);
    assert_eq!(plan["output_changes"]["secret"]["after"], Value::Null);
}

#[test]
fn json_plan_after_apply_has_prior_state_and_updates() {
    let w = Work::new(CONFIG);
    w.write("mod/main.mp.hcl", MODULE);
    w.run(&["apply", "-auto-approve"]).ok();
    let pw = w.run(&["output", "-raw", "secret"]).ok().stdout.clone();
    assert_eq!(pw, "hunter2-very-secret");
    w.config(&CONFIG.replace("\"p${count.index}\"", "\"q${count.index}\"").replace("length = 16", "length = 17"));
    w.run(&["plan", "-out=p.plan"]).ok();
    let r = w.run(&["show", "-json", "p.plan"]);
    r.ok();
    assert!(!r.stdout.contains("hunter2"), "a sensitive value is in the JSON plan");
    let plan = r.json();

    // prior_state: `plan -json` has it (a saved plan file does not embed the state, so
    // `show -json PLANFILE` has none; see the report of issue 3).
    let direct = w.run(&["plan", "-json"]).json();
    let prior: Vec<&str> = direct["prior_state"]["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["address"].as_str().unwrap())
        .collect();
    assert!(prior.contains(&"meshplan_data.plain[0]") && prior.contains(&"random_password.pw"), "{prior:?}");

    let c = change(&plan, "meshplan_data.plain[0]");
    assert_eq!(c["change"]["actions"], json!(["update"]));
    assert_eq!(c["change"]["before"]["input"], "p0");
    assert_eq!(c["change"]["after"]["input"], "q0");

    // random_password.length forces replacement; its old result is sensitive and null.
    let p = change(&plan, "random_password.pw");
    assert_eq!(p["change"]["actions"], json!(["delete", "create"]));
    assert_eq!(p["change"]["before"]["result"], Value::Null);
    assert_eq!(p["change"]["before_sensitive"]["result"], true);
    assert_eq!(p["change"]["after_unknown"]["result"], true);
    assert!(p["change"]["replace_paths"].to_string().contains("length"), "{}", p["change"]);

    let unchanged = change(&plan, "meshplan_data.hidden");
    assert_eq!(unchanged["change"]["actions"], json!(["no-op"]));
    assert_eq!(plan["output_changes"]["plain"]["actions"], json!(["update"]));

    // `plan -json` and `show -json PLANFILE` describe the same changes.
    let actions = |p: &Value| -> Vec<(String, Value)> {
        p["resource_changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["address"].as_str().unwrap().to_string(), c["change"]["actions"].clone()))
            .collect()
    };
    assert_eq!(actions(&direct), actions(&plan));
}

const CONFIGURED: &str = r#"
variable "region" {
  default     = "eu-west-1"
  description = "where"
}
variable "secret" {
  default   = "hunter2-very-secret"
  sensitive = true
}
provider "random" {}
provider "random" {
  alias = "other"
}
resource "tls_private_key" "ca" {
  algorithm = "ECDSA"
}
resource "tls_self_signed_cert" "ca" {
  private_key_pem       = tls_private_key.ca.private_key_pem
  validity_period_hours = 24
  allowed_uses          = ["cert_signing"]
  subject {
    common_name  = "ca-${var.region}"
    organization = "meshplan"
  }
}
resource "random_password" "pw" {
  provider = random.other
  count    = 2
  length   = 16
}
resource "meshplan_data" "d" {
  for_each   = toset(["a"])
  input      = { pw = random_password.pw[0].result, ws = terraform.workspace, k = each.key, s = var.secret }
  depends_on = [tls_self_signed_cert.ca]
}
module "m" {
  source    = "./mod"
  providers = { random = random.other }
  name      = var.region
}
output "cert" {
  value       = tls_self_signed_cert.ca.cert_pem
  description = "the CA"
}
output "m" {
  value     = module.m.id
  sensitive = true
}
output "literal_secret" {
  value     = "hunter2-in-an-output"
  sensitive = true
}
"#;

const CONFIGURED_MODULE: &str = r#"
variable "name" {}
resource "random_id" "x" {
  byte_length = 4
  keepers     = { n = var.name }
}
output "id" {
  value = random_id.x.hex
}
"#;

fn config_resource<'a>(module: &'a Value, address: &str) -> &'a Value {
    module["resources"]
        .as_array()
        .unwrap_or_else(|| panic!("no resources in {module:#}"))
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("no {address} in {module:#}"))
}

#[test]
fn json_plan_configuration_has_terraforms_shape() {
    let w = Work::new(CONFIGURED);
    w.write("mod/main.mp.hcl", CONFIGURED_MODULE);
    let r = w.run(&["plan", "-json", "-out=p.plan"]);
    r.ok();
    assert!(!r.stdout.contains("hunter2"), "a sensitive default is in the JSON plan");
    let plan = r.json();
    let cfg = &plan["configuration"];

    // Providers: blocks (aliases as name.alias) and the ones used without a block.
    let pc = &cfg["provider_config"];
    assert_eq!(pc["random"]["full_name"], "registry.terraform.io/hashicorp/random");
    assert_eq!(pc["random.other"]["name"], "random");
    assert_eq!(pc["random.other"]["alias"], "other");
    assert_eq!(pc["tls"]["full_name"], "registry.terraform.io/hashicorp/tls");
    assert!(pc["meshplan"]["full_name"].as_str().unwrap().ends_with("/meshplan"), "{pc:#}");

    let root = &cfg["root_module"];
    let cert = config_resource(root, "tls_self_signed_cert.ca");
    assert_eq!(cert["mode"], "managed");
    assert_eq!(cert["type"], "tls_self_signed_cert");
    assert_eq!(cert["name"], "ca");
    assert_eq!(cert["provider_config_key"], "tls");
    assert_eq!(cert["schema_version"], 0);
    let e = &cert["expressions"];
    assert_eq!(
        e["private_key_pem"],
        json!({ "references": ["tls_private_key.ca.private_key_pem", "tls_private_key.ca"] })
    );
    assert_eq!(e["validity_period_hours"], json!({ "constant_value": 24 }));
    assert_eq!(e["allowed_uses"], json!({ "constant_value": ["cert_signing"] }));
    assert_eq!(
        e["subject"],
        json!([{ "common_name": { "references": ["var.region"] }, "organization": { "constant_value": "meshplan" } }])
    );

    let pw = config_resource(root, "random_password.pw");
    assert_eq!(pw["provider_config_key"], "random.other");
    assert_eq!(pw["count_expression"], json!({ "constant_value": 2 }));
    let d = config_resource(root, "meshplan_data.d");
    // Terraform evaluates constants without functions: `toset([...])` has no constant value,
    // and an empty meta-argument expression is left out.
    assert_eq!(d["for_each_expression"], Value::Null);
    assert_eq!(d["depends_on"], json!(["tls_self_signed_cert.ca"]));
    assert_eq!(
        d["expressions"]["input"]["references"],
        json!([
            "random_password.pw[0].result",
            "random_password.pw[0]",
            "random_password.pw",
            "terraform.workspace",
            "each.key",
            "var.secret"
        ])
    );

    // Module calls nest the child's configuration; a passed provider keeps the parent's key.
    let m = &root["module_calls"]["m"];
    assert_eq!(m["source"], "./mod");
    assert_eq!(m["expressions"]["name"], json!({ "references": ["var.region"] }));
    let x = config_resource(&m["module"], "random_id.x");
    assert_eq!(x["provider_config_key"], "random.other");
    assert_eq!(x["expressions"]["keepers"], json!({ "references": ["var.name"] }));
    assert_eq!(m["module"]["outputs"]["id"]["expression"], json!({ "references": ["random_id.x.hex", "random_id.x"] }));

    assert_eq!(
        root["outputs"]["cert"],
        json!({ "expression": { "references": ["tls_self_signed_cert.ca.cert_pem", "tls_self_signed_cert.ca"] }, "description": "the CA" })
    );
    assert_eq!(
        root["outputs"]["m"],
        json!({ "expression": { "references": ["module.m.id", "module.m"] }, "sensitive": true })
    );
    assert_eq!(root["outputs"]["literal_secret"], json!({ "expression": {}, "sensitive": true }));
    assert_eq!(root["variables"]["region"], json!({ "default": "eu-west-1", "description": "where" }));
    assert_eq!(root["variables"]["secret"], json!({ "sensitive": true }));

    // Every root variable's value, defaults included; a sensitive one is null.
    assert_eq!(plan["variables"], json!({ "region": { "value": "eu-west-1" }, "secret": { "value": null } }));
    let relevant = plan["relevant_attributes"].as_array().expect("relevant_attributes");
    assert!(
        relevant.contains(&json!({ "resource": "tls_private_key.ca", "attribute": ["private_key_pem"] })),
        "{relevant:?}"
    );
    assert!(
        relevant.contains(&json!({ "resource": "tls_self_signed_cert.ca", "attribute": ["cert_pem"] })),
        "{relevant:?}"
    );
    assert_eq!(change(&plan, "tls_private_key.ca")["provider_name"], "registry.terraform.io/hashicorp/tls");
    assert_eq!(change(&plan, "random_password.pw[0]")["provider_name"], "registry.terraform.io/hashicorp/random");

    // The saved plan carries the same configuration.
    let shown = w.run(&["show", "-json", "p.plan"]).json();
    assert_eq!(shown["configuration"], plan["configuration"]);
    assert_eq!(shown["relevant_attributes"], plan["relevant_attributes"]);
}
