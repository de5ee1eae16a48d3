//! Typed addresses through the real binary: `-target` and `-replace` (instances, resources,
//! modules, malformed input), `state list|show|rm|mv` by resource and module, and `moved`
//! between a resource and one of its instances.

mod common;
use common::Work;

const CONFIG: &str = r#"
resource "meshplan_data" "n" {
  count = 3
  input = "n${count.index}"
}

module "m" {
  source = "./m"
  for_each = toset(["a", "b"])
  word = each.key
}

resource "meshplan_data" "after" {
  input = meshplan_data.n[0].output
}
"#;

const MODULE: &str = r#"
variable "word" {}

resource "meshplan_data" "w" {
  input = var.word
}
"#;

fn work() -> Work {
    let w = Work::files(&[("main.mp.hcl", CONFIG), ("m/main.mp.hcl", MODULE)]);
    w.run(&["init"]).ok();
    w
}

fn planned(w: &Work, args: &[&str]) -> Vec<String> {
    let mut all = vec!["plan", "-json"];
    all.extend_from_slice(args);
    let plan = w.run(&all).ok().json();
    let mut out: Vec<String> = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"]["actions"] != serde_json::json!(["no-op"]))
        .map(|c| c["address"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn targets_name_instances_resources_and_modules() {
    let w = work();
    assert_eq!(planned(&w, &["-target=meshplan_data.n[1]"]), ["meshplan_data.n[1]"]);
    assert_eq!(
        planned(&w, &["-target=meshplan_data.n"]),
        ["meshplan_data.n[0]", "meshplan_data.n[1]", "meshplan_data.n[2]"]
    );
    // A dependency of a target is planned whole, whatever other target names one instance.
    assert_eq!(
        planned(&w, &["-target=meshplan_data.after", "-target=meshplan_data.n[2]"]),
        ["meshplan_data.after", "meshplan_data.n[0]", "meshplan_data.n[1]", "meshplan_data.n[2]"]
    );
    assert_eq!(planned(&w, &["-target=module.m[\"b\"]"]), ["module.m[\"b\"].meshplan_data.w"]);
    assert_eq!(
        planned(&w, &["-target=module.m"]),
        ["module.m[\"a\"].meshplan_data.w", "module.m[\"b\"].meshplan_data.w"]
    );
    w.run(&["plan", "-target=meshplan_data.n[x]"])
        .code(1)
        .stderr_has("Invalid -target address")
        .stderr_has("expected a number or a quoted string key");
    w.run(&["plan", "-replace=module.m"]).code(1).stderr_has("Invalid -replace address");
}

#[test]
fn state_commands_take_resources_and_modules() {
    let w = work();
    w.run(&["apply", "-auto-approve"]).ok();
    let list = |filters: &[&str]| {
        let mut args = vec!["state", "list"];
        args.extend_from_slice(filters);
        w.run(&args).ok().stdout.lines().map(str::to_string).collect::<Vec<_>>()
    };
    assert_eq!(list(&["module.m"]), ["module.m[\"a\"].meshplan_data.w", "module.m[\"b\"].meshplan_data.w"]);
    assert_eq!(list(&["meshplan_data.n[2]"]), ["meshplan_data.n[2]"]);
    assert_eq!(list(&["meshplan_data.n"]).len(), 3);
    w.run(&["state", "list", "meshplan_data"]).code(1).stderr_has("Invalid state list address");

    w.run(&["state", "show", "module.m[\"a\"].meshplan_data.w"])
        .ok()
        .stdout_has("# module.m[\"a\"].meshplan_data.w:\nresource \"meshplan_data\" \"w\" {\n")
        .stdout_has("    input  = \"a\"");

    // A whole resource moves with its instance keys; the re-plan then wants the old ones back.
    w.run(&["state", "mv", "meshplan_data.n", "meshplan_data.k"]).ok().stdout_has("Successfully moved 3 object(s).");
    assert_eq!(list(&["meshplan_data.k"]).len(), 3);
    w.run(&["state", "mv", "meshplan_data.k", "meshplan_data.n"]).ok();
    w.run(&["state", "mv", "meshplan_data.n[0]", "meshplan_data.n[1]"])
        .code(1)
        .stderr_has("already exists in the state");
    w.run(&["plan", "-detailed-exitcode"]).code(0);

    // Removing a module forgets everything in all its instances.
    w.run(&["state", "rm", "module.m"]).ok().stdout_has("Successfully removed 2 resource instance(s).");
    assert!(list(&["module.m"]).is_empty());
    w.run(&["state", "rm", "module.m"]).code(1).stderr_has("no resource instance \"module.m\" in the state");
}

#[test]
fn moved_between_a_resource_and_its_instance() {
    let w = Work::new("resource \"meshplan_data\" \"one\" {\n  input = \"x\"\n}\n");
    w.run(&["apply", "-auto-approve"]).ok();
    w.config(
        "resource \"meshplan_data\" \"one\" {\n  count = 1\n  input = \"x\"\n}\n\nmoved {\n  from = meshplan_data.one\n  to   = meshplan_data.one[0]\n}\n",
    );
    w.run(&["apply", "-auto-approve"]).ok();
    assert_eq!(w.state_list(), ["meshplan_data.one[0]"]);
    w.run(&["plan", "-detailed-exitcode"]).code(0);
}
