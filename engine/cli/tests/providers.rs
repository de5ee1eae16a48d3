//! `meshplan providers` and `providers schema -json` (Terraform's formats), and the
//! provider defaults the JSON plan carries where Terraform plans them.

mod common;

use common::Work;
use serde_json::{json, Value};

#[test]
fn providers_tree_lists_configuration_and_state_providers() {
    let w = Work::new(
        r#"
terraform {
  required_providers {
    aws    = { source = "hashicorp/aws", version = "~> 5.0" }
    random = ">= 3.0"
    http   = { source = "registry.terraform.io/hashicorp/http" }
  }
}
resource "null_resource" "a" {}
resource "random_id" "r" { byte_length = 4 }
data "aws_region" "here" {}
module "child" { source = "./child" }
"#,
    );
    w.write(
        "child/main.mp.hcl",
        "resource \"terraform_data\" \"d\" {}\nresource \"tls_private_key\" \"k\" { algorithm = \"ED25519\" }\n",
    );
    let r = w.run(&["providers"]);
    r.ok();
    let want = "
Providers required by configuration:
.
├── provider[registry.terraform.io/hashicorp/aws] ~> 5.0
├── provider[registry.terraform.io/hashicorp/http]
├── provider[registry.terraform.io/hashicorp/null]
├── provider[registry.terraform.io/hashicorp/random] >= 3.0
└── module.child
    ├── provider[registry.terraform.io/hashicorp/tls]
    └── provider[terraform.io/builtin/terraform]

";
    assert_eq!(r.stdout, want);
    assert!(!w.file(".meshplan").exists(), "`providers` made a state directory");

    // After an apply of the resources that need no cloud, the state's providers are listed too.
    w.config("resource \"null_resource\" \"a\" {}\nresource \"random_id\" \"r\" { byte_length = 4 }\n");
    w.run(&["apply", "-auto-approve"]).ok();
    let r = w.run(&["providers"]);
    r.ok();
    assert!(
        r.stdout.ends_with(
            "Providers required by state:\n\n    provider[registry.terraform.io/hashicorp/null]\n    provider[registry.terraform.io/hashicorp/random]\n\n"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn providers_with_a_broken_configuration_is_a_diagnostic() {
    let w = Work::new("resource \"null_resource\" {\n");
    let r = w.run(&["providers"]);
    r.code(1);
    assert!(r.stderr.contains("main.mp.hcl"), "{}", r.stderr);

    let w = Work::new("variable \"v\" {}\nterraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\", version = var.v }\n  }\n}\n");
    w.run(&["providers"]).code(1).stderr_has("`version` must be a literal string");
}

#[test]
fn providers_schema_json_has_terraforms_format() {
    let w = Work::new("");
    w.run(&["providers", "schema"]).code(1).stderr_has("requires the `-json` flag");
    let r = w.run(&["providers", "schema", "-json"]);
    r.ok();
    let s = r.json();
    assert_eq!(s["format_version"], "1.0");
    let schemas = s["provider_schemas"].as_object().unwrap();
    for p in [
        "registry.terraform.io/hashicorp/aws",
        "registry.terraform.io/hashicorp/kubernetes",
        "registry.terraform.io/hashicorp/tls",
        "registry.terraform.io/hashicorp/null",
        "registry.terraform.io/hashicorp/random",
        "terraform.io/builtin/terraform",
    ] {
        assert!(schemas.contains_key(p), "{p} missing from {:?}", schemas.keys().collect::<Vec<_>>());
    }
    let aws = &schemas["registry.terraform.io/hashicorp/aws"];
    assert_eq!(aws["provider"]["version"], 0);
    assert_eq!(
        aws["provider"]["block"]["attributes"]["secret_key"],
        json!({"type": "string", "description_kind": "plain", "optional": true, "sensitive": true})
    );
    let sg = &aws["resource_schemas"]["aws_security_group"]["block"];
    assert_eq!(sg["attributes"]["tags"]["type"], json!(["map", "string"]));
    assert_eq!(sg["block_types"]["ingress"]["nesting_mode"], "list");
    assert_eq!(
        sg["block_types"]["ingress"]["block"]["attributes"]["security_groups"]["type"],
        json!(["set", "string"])
    );
    assert!(aws["data_source_schemas"]["aws_iam_policy_document"].is_object());

    // A small part, byte for byte: the key order and flags tools diff against.
    let key = &schemas["registry.terraform.io/hashicorp/tls"]["resource_schemas"]["tls_private_key"];
    insta::assert_snapshot!("tls_private_key_schema", serde_json::to_string_pretty(key).unwrap());
}

/// An address nobody listens on: planning a create needs no AWS call.
const AWS_OFFLINE: &str = r#"
provider "aws" {
  region     = "us-east-1"
  access_key = "test"
  secret_key = "test"
  endpoints {
    ec2 = "http://127.0.0.1:9"
    sts = "http://127.0.0.1:9"
    iam = "http://127.0.0.1:9"
    eks = "http://127.0.0.1:9"
    s3  = "http://127.0.0.1:9"
  }
}

resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = "vpc-12345678"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
  egress {
    from_port = 0
    to_port   = 0
    protocol  = "-1"
    self      = true
  }
}
"#;

#[test]
fn json_plan_has_security_group_rule_defaults_as_terraform_plans_them() {
    let w = Work::new(AWS_OFFLINE);
    w.run(&["plan", "-out=tfplan"]).ok();
    let r = w.run(&["show", "-json", "tfplan"]);
    r.ok();
    let plan = r.json();
    let change = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "aws_security_group.web")
        .expect("the group's change");
    let after = &change["change"]["after"];
    let ingress = &after["ingress"][0];
    assert_eq!(ingress["cidr_blocks"], json!(["10.0.0.0/8"]));
    for (field, want) in [
        ("ipv6_cidr_blocks", json!([])),
        ("prefix_list_ids", json!([])),
        ("security_groups", json!([])),
        ("description", json!("")),
        ("self", json!(false)),
    ] {
        assert_eq!(ingress[field], want, "ingress {field}: {ingress:#}");
    }
    let egress = &after["egress"][0];
    for (field, want) in
        [("cidr_blocks", json!([])), ("ipv6_cidr_blocks", json!([])), ("self", json!(true)), ("description", json!(""))]
    {
        assert_eq!(egress[field], want, "egress {field}: {egress:#}");
    }
    let planned: &Value = &plan["planned_values"]["root_module"]["resources"][0]["values"]["ingress"][0];
    assert_eq!(planned["prefix_list_ids"], json!([]), "planned_values carries the defaults too");
    // Tools join the plan with `providers schema -json` by provider name, as with Terraform's.
    assert_eq!(change["provider_name"], "registry.terraform.io/hashicorp/aws");
}
