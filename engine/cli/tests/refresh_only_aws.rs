//! `plan -refresh-only` / `apply -refresh-only` against moto: a tag changed outside meshplan
//! (with boto3) is shown as drift, recorded in the state by apply, and nothing in AWS changes.

mod common;

use common::{meshplan_env, Work};
use meshplan_emulators::{Emulators, Options};

const CONFIG: &str = r#"
variable "region" {
  type = string
}
variable "aws_endpoints" {
  type = map(string)
}
variable "aws_access_key" {
  type      = string
  sensitive = true
}
variable "aws_secret_key" {
  type      = string
  sensitive = true
}
provider "aws" {
  region     = var.region
  access_key = var.aws_access_key
  secret_key = var.aws_secret_key
  endpoints {
    ec2 = lookup(var.aws_endpoints, "ec2", null)
    sts = lookup(var.aws_endpoints, "sts", null)
  }
}
resource "aws_vpc" "v" {
  cidr_block = "10.42.0.0/16"
  tags = {
    Name = "drift"
  }
}
"#;

#[test]
fn a_tag_changed_outside_is_drift_and_apply_refresh_only_records_it() {
    let emu =
        Emulators::start(&Options::clusters(&[])).expect("moto must start (scripts/setup-test-tools installs it)");
    let w = Work::new(CONFIG);
    emu.write_mpvars(w.path()).unwrap();
    let env: Vec<(String, String)> = emu.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let run = |args: &[&str]| meshplan_env(w.path(), args, &env);
    run(&["apply", "-auto-approve"]).ok();
    let id = w.state_json()["values"]["root_module"]["resources"][0]["values"]["id"].as_str().unwrap().to_string();
    emu.boto3(&format!("client('ec2').create_tags(Resources=[{id:?}], Tags=[{{'Key': 'Name', 'Value': 'changed'}}])"))
        .unwrap();

    let r = run(&["plan", "-refresh-only", "-no-color", "-detailed-exitcode"]);
    r.code(2).stdout_has("# aws_vpc.v has changed").stdout_has(r#"~ "Name" = "drift" -> "changed""#);
    assert!(!r.stdout.contains("Plan:"), "{}", r.stdout);
    run(&["apply", "-refresh-only", "-auto-approve"]).ok().stdout_has("# aws_vpc.v has changed");
    assert_eq!(w.state_json()["values"]["root_module"]["resources"][0]["values"]["tags"]["Name"], "changed");
    let tag = emu.boto3(&format!("print(client('ec2').describe_vpcs(VpcIds=[{id:?}])['Vpcs'][0]['Tags'])")).unwrap();
    assert!(tag.contains("'changed'"), "a refresh-only apply must not change AWS: {tag}");
    // The configuration still says "drift": a normal plan now puts it back.
    run(&["plan", "-refresh-only", "-detailed-exitcode"]).code(0);
    run(&["plan", "-no-color"]).ok().stdout_has(r#""Name" = "changed" -> "drift""#);
}
