//! The JSON plan next to a real `terraform show -json` plan of the same configuration:
//! Terraform 1.11 with the real hashicorp/aws provider (from the /opt/tf-plugins filesystem
//! mirror), both planning against moto on 127.0.0.1. Skipped, saying so, when terraform or
//! the mirror is missing. Only the provider blocks differ (Terraform's needs its skip_*
//! settings); everything compared comes from the shared resource file.

mod common;

use common::meshplan_env;
use meshplan_emulators::{Emulators, Options};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

const RESOURCES: &str = r#"
variable "cidr" {
  type    = string
  default = "10.0.0.0/16"
}
variable "names" {
  default = ["a", "b"]
}
resource "aws_vpc" "main" {
  cidr_block           = var.cidr
  enable_dns_hostnames = true
  tags = {
    Name = "main"
  }
}
resource "aws_subnet" "s" {
  count      = 2
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  tags       = { Name = var.names[count.index] }
}
resource "aws_security_group" "sg" {
  name       = "web"
  vpc_id     = aws_vpc.main.id
  depends_on = [aws_subnet.s]
}
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}
resource "aws_iam_role" "r" {
  name               = "app"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}
resource "aws_s3_bucket" "b" {
  for_each = toset(["logs", "data"])
  bucket   = "mp-${each.key}"
}
resource "aws_s3_bucket" "logs" {
  bucket = "mp-logs"
}
resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id
  versioning_configuration {
    status = "Enabled"
  }
}
resource "aws_eip" "ip" {
  domain = "vpc"
}
module "west" {
  count     = 1
  source    = "./west"
  providers = { aws = aws.west }
  prefix    = aws_s3_bucket.b["logs"].bucket
}
output "vpc_id" {
  value = aws_vpc.main.id
}
output "west_bucket" {
  value = module.west[0].bucket
}
output "first_subnet" {
  value     = aws_subnet.s[0].id
  sensitive = true
}
"#;

const WEST_MODULE: &str = r#"
variable "prefix" {}
resource "aws_s3_bucket" "w" {
  bucket = "${var.prefix}-west"
}
output "bucket" {
  value = aws_s3_bucket.w.bucket
}
"#;

const MIRROR: &str = "/opt/tf-plugins";

fn terraform_available() -> bool {
    let runs = Command::new("terraform").arg("version").output().is_ok_and(|o| o.status.success());
    runs && Path::new(MIRROR).join("registry.terraform.io/hashicorp/aws").is_dir()
}

fn terraform(dir: &Path, args: &[&str], env: &[(String, String)]) -> String {
    let out = Command::new("terraform")
        .current_dir(dir)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("TF_CLI_CONFIG_FILE", dir.join("cli.tfrc"))
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .expect("run terraform");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "terraform {args:?} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// `address` → resource of a module's `resources`.
fn by_address(module: &Value) -> std::collections::BTreeMap<String, Value> {
    module["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|r| (r["address"].as_str().unwrap_or_default().to_string(), r))
        .collect()
}

#[test]
fn configuration_section_matches_terraform() {
    if !terraform_available() {
        eprintln!("SKIPPED: terraform or the hashicorp/aws mirror in {MIRROR} is not installed");
        return;
    }
    let emu = Emulators::start(&Options::clusters(&[])).expect("start moto");
    let url = emu.moto().url();
    let tmp = tempfile::tempdir().unwrap();
    let (tf, mp) = (tmp.path().join("tf"), tmp.path().join("mp"));
    for d in [&tf, &mp] {
        std::fs::create_dir_all(d).unwrap();
        std::fs::write(d.join("main.tf"), RESOURCES).unwrap();
        std::fs::create_dir_all(d.join("west")).unwrap();
        std::fs::write(d.join("west/main.tf"), WEST_MODULE).unwrap();
    }
    std::fs::write(
        tf.join("cli.tfrc"),
        format!("provider_installation {{\n  filesystem_mirror {{\n    path    = \"{MIRROR}\"\n    include = [\"registry.terraform.io/hashicorp/aws\"]\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/hashicorp/aws\"]\n  }}\n}}\n"),
    )
    .unwrap();
    let endpoints = format!(
        "  endpoints {{\n    ec2 = \"{url}\"\n    iam = \"{url}\"\n    sts = \"{url}\"\n    s3  = \"{url}\"\n  }}\n"
    );
    std::fs::write(
        tf.join("providers.tf"),
        format!("provider \"aws\" {{\n  region = \"us-east-1\"\n  access_key = \"test\"\n  secret_key = \"test\"\n  skip_credentials_validation = true\n  skip_requesting_account_id = true\n  skip_metadata_api_check = true\n{endpoints}}}\nprovider \"aws\" {{\n  alias = \"west\"\n  region = \"us-west-2\"\n  access_key = \"test\"\n  secret_key = \"test\"\n  skip_credentials_validation = true\n  skip_requesting_account_id = true\n  skip_metadata_api_check = true\n{endpoints}}}\n"),
    )
    .unwrap();
    std::fs::write(mp.join("providers.tf"), format!("provider \"aws\" {{\n  region = \"us-east-1\"\n  access_key = \"test\"\n  secret_key = \"test\"\n{endpoints}}}\nprovider \"aws\" {{\n  alias = \"west\"\n  region = \"us-west-2\"\n  access_key = \"test\"\n  secret_key = \"test\"\n{endpoints}}}\n")).unwrap();

    let env = emu.env();
    terraform(&tf, &["init", "-input=false", "-no-color"], &env);
    terraform(&tf, &["plan", "-input=false", "-no-color", "-out=tfplan"], &env);
    let theirs: Value =
        serde_json::from_str(&terraform(&tf, &["show", "-json", "tfplan"], &env)).expect("terraform's JSON plan");
    let env_ref: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let ours = meshplan_env(&mp, &["plan", "-json"], &env_ref);
    ours.ok();
    let ours = ours.json();

    let (t, o) = (&theirs["configuration"]["root_module"], &ours["configuration"]["root_module"]);
    assert_eq!(o["outputs"], t["outputs"], "outputs");
    assert_eq!(o["variables"], t["variables"], "variables");
    assert_eq!(ours["variables"], theirs["variables"], "top-level variables");
    // The same set; Terraform's order follows its graph walk.
    let set = |p: &Value| -> std::collections::BTreeSet<String> {
        p["relevant_attributes"].as_array().unwrap().iter().map(Value::to_string).collect()
    };
    assert_eq!(set(&ours), set(&theirs), "relevant_attributes");
    compare_resources(t, o, "");
    let (tm, om) = (&t["module_calls"]["west"], &o["module_calls"]["west"]);
    for field in ["source", "expressions", "count_expression"] {
        assert_eq!(om[field], tm[field], "module west: {field}");
    }
    assert_eq!(om["module"]["outputs"], tm["module"]["outputs"], "module west: outputs");
    assert_eq!(om["module"]["variables"], tm["module"]["variables"], "module west: variables");
    compare_resources(&tm["module"], &om["module"], "module.west.");
    for key in ["aws", "aws.west"] {
        let (tp, op) =
            (&theirs["configuration"]["provider_config"][key], &ours["configuration"]["provider_config"][key]);
        for field in ["name", "full_name", "alias"] {
            assert_eq!(op[field], tp[field], "provider_config {key}: {field}");
        }
    }
    assert_eq!(
        ours["configuration"]["provider_config"]["aws"]["full_name"],
        json!("registry.terraform.io/hashicorp/aws")
    );
    let names = |p: &Value| -> Vec<(String, String)> {
        p["resource_changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["address"].as_str().unwrap().to_string(), c["provider_name"].as_str().unwrap().to_string()))
            .collect()
    };
    assert_eq!(names(&ours), names(&theirs), "resource_changes provider names");
    same_checkov_results(&tf.join("tf.json"), &theirs, &mp.join("mp.json"), &ours);
}

/// checkov's verdicts (graph checks such as CKV2_AWS_6, which follow `configuration`'s
/// references, included) on both plans, when checkov is installed (`CHECKOV` or on PATH).
fn same_checkov_results(tf_path: &Path, theirs: &Value, mp_path: &Path, ours: &Value) {
    let checkov = std::env::var("CHECKOV").unwrap_or_else(|_| "checkov".into());
    if !Command::new(&checkov).arg("--version").output().is_ok_and(|o| o.status.success()) {
        eprintln!("SKIPPED the checkov comparison: checkov is not installed (set CHECKOV=/path/to/checkov)");
        return;
    }
    let verdicts = |path: &Path, plan: &Value| -> std::collections::BTreeSet<(String, String, bool)> {
        std::fs::write(path, plan.to_string()).unwrap();
        let out = Command::new(&checkov)
            .args(["--skip-download", "--framework", "terraform_plan", "-o", "json", "-f"])
            .arg(path)
            .output()
            .expect("run checkov");
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("checkov's report ({e}):\n{}", String::from_utf8_lossy(&out.stdout)));
        let results = &report["results"];
        let mut all = std::collections::BTreeSet::new();
        for (key, passed) in [("passed_checks", true), ("failed_checks", false)] {
            for c in results[key].as_array().into_iter().flatten() {
                all.insert((
                    c["check_id"].as_str().unwrap_or_default().to_string(),
                    c["resource"].as_str().unwrap_or_default().to_string(),
                    passed,
                ));
            }
        }
        all
    };
    let (t, o) = (verdicts(tf_path, theirs), verdicts(mp_path, ours));
    assert!(t.iter().any(|(id, _, _)| id.starts_with("CKV2_")), "no graph check ran: {t:?}");
    assert_eq!(o, t, "checkov's verdicts differ");
}

/// The resources of one module: the same addresses, meta-arguments and, for every argument
/// Terraform writes, the same expression. (Which optional arguments a provider's schema lists
/// differs between the two aws providers, so only Terraform's are compared.)
fn compare_resources(theirs: &Value, ours: &Value, prefix: &str) {
    let (tr, or) = (by_address(theirs), by_address(ours));
    assert_eq!(or.keys().collect::<Vec<_>>(), tr.keys().collect::<Vec<_>>(), "{prefix}: resource addresses");
    for (address, theirs_r) in &tr {
        let ours_r = &or[address];
        for field in
            ["mode", "type", "name", "provider_config_key", "count_expression", "for_each_expression", "depends_on"]
        {
            assert_eq!(ours_r[field], theirs_r[field], "{prefix}{address}: {field}");
        }
        for (arg, e) in theirs_r["expressions"].as_object().unwrap() {
            assert_eq!(&ours_r["expressions"][arg], e, "{prefix}{address}: expression of {arg}");
        }
    }
}

/// Terraform's builtin provider needs no download: the whole `configuration`, `checks` and
/// the provider name are compared as they are.
#[test]
fn builtin_provider_configuration_and_checks_match_terraform() {
    if !terraform_available() {
        eprintln!("SKIPPED: terraform is not installed");
        return;
    }
    const CONFIG: &str = r#"
variable "want" {
  default = "b"
}
resource "terraform_data" "x" {
  input = "a"
  provisioner "local-exec" {
    command = "echo ${self.input} ${var.want}"
  }
}
resource "terraform_data" "y" {
  count = 2
  input = [terraform_data.x.output, var.want, count.index]
}
check "c" {
  assert {
    condition     = terraform_data.x.input == var.want
    error_message = "not ${var.want}"
  }
}
check "remote" {
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
output "o" {
  value = terraform_data.y[1].input
}
"#;
    let tmp = tempfile::tempdir().unwrap();
    let (tf, mp) = (tmp.path().join("tf"), tmp.path().join("mp"));
    for d in [&tf, &mp] {
        std::fs::create_dir_all(d).unwrap();
        std::fs::write(d.join("main.tf"), CONFIG).unwrap();
        std::fs::write(d.join("other.tfstate"), r#"{"version": 4, "terraform_version": "1.11.0", "serial": 1, "lineage": "x", "outputs": {"name": {"value": "m", "type": "string"}}, "resources": []}"#).unwrap();
    }
    std::fs::write(tf.join("cli.tfrc"), "").unwrap();
    terraform(&tf, &["init", "-input=false", "-no-color"], &[]);
    terraform(&tf, &["plan", "-input=false", "-no-color", "-out=tfplan"], &[]);
    let theirs: Value =
        serde_json::from_str(&terraform(&tf, &["show", "-json", "tfplan"], &[])).expect("terraform's JSON plan");
    let ours = meshplan_env(&mp, &["plan", "-json"], &[]);
    ours.ok();
    let ours = ours.json();
    assert_eq!(ours["configuration"], theirs["configuration"]);
    assert_eq!(ours["checks"], theirs["checks"]);
    assert_eq!(ours["variables"], theirs["variables"]);
    // Each change's address, actions, reason and provider; the data source's read value too.
    let changes = |p: &Value| -> Vec<Value> {
        p["resource_changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| json!([c["address"], c["change"]["actions"], c["action_reason"], c["provider_name"]]))
            .collect()
    };
    assert_eq!(changes(&ours), changes(&theirs));
    assert_eq!(
        ours["resource_changes"][0]["change"]["after"]["outputs"],
        theirs["resource_changes"][0]["change"]["after"]["outputs"]
    );
}
