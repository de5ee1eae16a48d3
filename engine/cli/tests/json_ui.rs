//! The machine-readable UI stream (`apply -json`, `destroy -json`, `plan -json=ui`): one JSON
//! message per line, in Terraform's message types and fields. Checked on its own, and against
//! the real `terraform` on the same `*.tf` configuration when it is on PATH.

mod common;

use common::{meshplan_env, Work};
use serde_json::{json, Value as J};
use std::path::Path;
use std::process::Command;

const CONFIG: &str = r#"
resource "terraform_data" "a" {
  input = "x"
}
resource "terraform_data" "b" {
  count = 2
  input = terraform_data.a.output
}
output "o" {
  value = terraform_data.a.output
}
output "s" {
  value     = "hunter2"
  sensitive = true
}
"#;

fn lines(stdout: &str) -> Vec<J> {
    stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}"))).collect()
}

fn of_type<'a>(msgs: &'a [J], kind: &str) -> Vec<&'a J> {
    msgs.iter().filter(|m| m["type"] == kind).collect()
}

/// A message without what differs between runs or tools: timestamps, ids, the version line's
/// text and fields.
fn normalized(m: &J) -> J {
    let mut m = m.clone();
    let o = m.as_object_mut().expect("object");
    o.remove("@timestamp");
    if o["type"] == "version" {
        return json!({"type": "version", "ui": o["ui"]});
    }
    if let Some(msg) = o.get("@message").and_then(J::as_str) {
        let cut = msg.find(" [id=").map_or(msg, |i| &msg[..i]).to_string();
        o.insert("@message".into(), J::String(cut));
    }
    if let Some(hook) = o.get_mut("hook").and_then(J::as_object_mut) {
        hook.remove("id_value");
    }
    m
}

fn sorted(msgs: &[J]) -> Vec<String> {
    let mut v: Vec<String> = msgs.iter().map(|m| normalized(m).to_string()).collect();
    v.sort();
    v
}

#[test]
fn apply_plan_and_destroy_stream_terraforms_ui_messages() {
    let w = Work::files(&[("main.tf", CONFIG)]);

    // plan -json=ui: version first, a planned_change per instance, the summary, outputs.
    let r = w.run(&["plan", "-json=ui"]);
    r.ok();
    let plan = lines(&r.stdout);
    assert_eq!(plan[0]["type"], "version");
    assert_eq!(plan[0]["ui"], "1.2");
    assert_eq!(plan[0]["@module"], "terraform.ui");
    let ts = plan[0]["@timestamp"].as_str().expect("timestamp");
    assert!(ts.len() > 20 && ts.contains('T') && ts.ends_with('Z'), "{ts}");
    let planned = of_type(&plan, "planned_change");
    assert_eq!(planned.len(), 3, "{}", r.stdout);
    let b1 = planned.iter().find(|m| m["change"]["resource"]["addr"] == "terraform_data.b[1]").expect("b[1]");
    assert_eq!(b1["@message"], "terraform_data.b[1]: Plan to create");
    assert_eq!(
        b1["change"],
        json!({"resource": {"addr": "terraform_data.b[1]", "module": "", "resource": "terraform_data.b[1]",
               "implied_provider": "terraform", "resource_type": "terraform_data", "resource_name": "b",
               "resource_key": 1}, "action": "create"})
    );
    let summary = of_type(&plan, "change_summary");
    assert_eq!(summary[0]["@message"], "Plan: 3 to add, 0 to change, 0 to destroy.");
    assert_eq!(summary[0]["changes"], json!({"add": 3, "change": 0, "import": 0, "remove": 0, "operation": "plan"}));
    assert_eq!(of_type(&plan, "outputs")[0]["outputs"]["s"], json!({"sensitive": true, "action": "create"}));
    // The default `plan -json` is still the plan document.
    assert!(w.run(&["plan", "-json"]).ok().json()["resource_changes"].is_array());

    // apply -json needs approval given up front.
    let r = w.run(&["apply", "-json"]);
    r.code(1);
    let refused = lines(&r.stdout);
    assert_eq!(refused[1]["type"], "diagnostic");
    assert_eq!(refused[1]["@level"], "error");
    assert_eq!(refused[1]["diagnostic"]["summary"], "Plan file or auto-approve required");
    assert!(w.state_list().is_empty());

    let r = w.run(&["apply", "-json", "-auto-approve"]);
    r.ok();
    let applied = lines(&r.stdout);
    let done = of_type(&applied, "apply_complete");
    assert_eq!(done.len(), 3);
    let a = done.iter().find(|m| m["hook"]["resource"]["addr"] == "terraform_data.a").expect("a");
    assert_eq!(a["hook"]["action"], "create");
    assert_eq!(a["hook"]["id_key"], "id");
    let id = a["hook"]["id_value"].as_str().expect("id");
    assert!(a["@message"].as_str().unwrap().starts_with("terraform_data.a: Creation complete after "));
    assert!(a["@message"].as_str().unwrap().ends_with(&format!("[id={id}]")));
    assert_eq!(of_type(&applied, "apply_start").len(), 3);
    let last = &applied[applied.len() - 1];
    assert_eq!(last["type"], "outputs");
    assert_eq!(last["outputs"]["o"], json!({"sensitive": false, "type": "string", "value": "x"}));
    // A secret never appears, not even typed as sensitive.
    assert_eq!(last["outputs"]["s"], json!({"sensitive": true, "type": "string"}));
    assert!(!r.stdout.contains("hunter2"));
    let sum = &applied[applied.len() - 2];
    assert_eq!(sum["@message"], "Apply complete! Resources: 3 added, 0 changed, 0 destroyed.");
    assert_eq!(sum["changes"]["operation"], "apply");

    // -replace: the planned change says why.
    let r = w.run(&["plan", "-json=ui", "-replace=terraform_data.a"]);
    let replaced = lines(&r.ok().stdout);
    let a = of_type(&replaced, "planned_change")
        .into_iter()
        .find(|m| m["change"]["resource"]["addr"] == "terraform_data.a")
        .cloned()
        .expect("a");
    assert_eq!(a["change"]["action"], "replace");
    assert_eq!(a["change"]["reason"], "requested");
    assert!(of_type(&replaced, "refresh_start").len() == 3, "refresh lines: {}", r.stdout);

    // b's input was unknown at plan time (a's output after the replacement) and turns out the
    // same: the planned updates change nothing once known, so they are not applied.
    let r = w.run(&["apply", "-json", "-auto-approve", "-replace=terraform_data.a"]);
    let applied = lines(&r.ok().stdout);
    assert!(of_type(&applied, "apply_start").iter().all(|m| m["hook"]["resource"]["addr"] == "terraform_data.a"));
    let sum = &applied[applied.len() - 2];
    assert_eq!(sum["@message"], "Apply complete! Resources: 1 added, 0 changed, 1 destroyed.");

    let r = w.run(&["destroy", "-json", "-auto-approve"]);
    let destroyed = lines(&r.ok().stdout);
    let deletes = of_type(&destroyed, "apply_start");
    assert!(deletes.iter().all(|m| m["hook"]["action"] == "delete") && deletes.len() == 3);
    let sum = &destroyed[destroyed.len() - 1];
    assert_eq!(sum["@message"], "Destroy complete! Resources: 3 destroyed.");
    assert_eq!(sum["changes"], json!({"add": 0, "change": 0, "import": 0, "remove": 3, "operation": "destroy"}));
}

#[test]
fn errors_are_diagnostic_messages_with_ranges() {
    let w = Work::files(&[("main.tf", "resource \"terraform_data\" \"a\" {\n  input = nope.x\n}\n")]);
    let r = w.run(&["apply", "-json", "-auto-approve"]);
    r.code(1);
    let msgs = lines(&r.stdout);
    let d = of_type(&msgs, "diagnostic");
    assert_eq!(d.len(), 1, "{}", r.stdout);
    assert_eq!(d[0]["@level"], "error");
    assert_eq!(d[0]["diagnostic"]["range"]["filename"], "main.tf");
    assert_eq!(d[0]["diagnostic"]["range"]["start"]["line"], 2);
    assert!(r.stderr.is_empty(), "human diagnostics leaked to stderr: {}", r.stderr);
}

fn terraform(dir: &Path, args: &[&str]) -> Option<String> {
    let out =
        Command::new("terraform").args(args).current_dir(dir).env("TF_CLI_CONFIG_FILE", "/dev/null").output().ok()?;
    assert!(out.status.success(), "terraform {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The same configuration through Terraform and meshplan: the same messages, apart from
/// timestamps, ids and the order of parallel operations.
#[test]
fn the_stream_matches_terraforms_on_the_same_configuration() {
    let tf = Work::files(&[("main.tf", CONFIG)]);
    if terraform(tf.path(), &["init", "-input=false", "-no-color"]).is_none() {
        eprintln!("SKIPPED: terraform is not on PATH");
        return;
    }
    let mp = Work::files(&[("main.tf", CONFIG)]);
    let steps: [(&[&str], &[&str]); 4] = [
        (&["plan", "-json"], &["plan", "-json=ui"]),
        (&["apply", "-json", "-auto-approve"], &["apply", "-json", "-auto-approve"]),
        (
            &["apply", "-json", "-auto-approve", "-replace=terraform_data.a"],
            &["apply", "-json", "-auto-approve", "-replace=terraform_data.a"],
        ),
        (&["destroy", "-json", "-auto-approve"], &["destroy", "-json", "-auto-approve"]),
    ];
    for (theirs, ours) in steps {
        let t = lines(&terraform(tf.path(), theirs).expect("terraform"));
        let m = lines(&meshplan_env(mp.path(), ours, &[]).ok().stdout);
        // Terraform reports refreshes with the object's id and a completion line; meshplan
        // reports the start only.
        let keep = |v: &[J]| -> Vec<J> {
            v.iter().filter(|x| !x["type"].as_str().unwrap().starts_with("refresh_")).cloned().collect()
        };
        assert_eq!(sorted(&keep(&m)), sorted(&keep(&t)), "step {ours:?}");
    }
}
