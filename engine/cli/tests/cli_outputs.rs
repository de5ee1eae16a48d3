//! Snapshots of CLI outputs a Terraform user reads or scripts against: `output -json` with
//! cty types, `show -json` instance identity, the graph views, taint messages. Through the
//! real binary, local providers only.

mod common;

use common::Work;

const CONFIG: &str = r#"
variable "names" {
  default = ["a", "b.c"]
}
resource "meshplan_data" "counted" {
  count = 2
  input = count.index
}
resource "meshplan_data" "each" {
  for_each = toset(var.names)
  input    = meshplan_data.counted[0].output
}
output "s" {
  value = "plain"
}
output "n" {
  value = 2
}
output "m" {
  value = { a = 1, b = ["x", true] }
}
output "secret" {
  value     = "hunter2"
  sensitive = true
}
"#;

#[test]
fn output_json_has_cty_types_and_raw_prints_scalars() {
    let w = Work::new(CONFIG);
    w.run(&["apply", "-auto-approve"]).ok();
    let all = w.run(&["output", "-json"]).ok().json();
    insta::assert_snapshot!("output-json", serde_json::to_string_pretty(&all).unwrap());
    assert_eq!(w.run(&["output", "-raw", "n"]).ok().stdout, "2");
    assert_eq!(w.run(&["output", "-raw", "s"]).ok().stdout, "plain");
    assert!(!w.run(&["output", "-json"]).stdout.contains("hunter2"));
}

#[test]
fn show_json_gives_instances_their_index_mode_and_provider() {
    let w = Work::new(CONFIG);
    w.run(&["apply", "-auto-approve"]).ok();
    let state = w.run(&["show", "-json"]).ok().json();
    // Only the identity fields: ids are random.
    let ids: Vec<serde_json::Value> = state["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| serde_json::json!({"address": r["address"], "mode": r["mode"], "type": r["type"], "name": r["name"], "index": r["index"], "provider_name": r["provider_name"]}))
        .collect();
    insta::assert_snapshot!("show-json-identity", serde_json::to_string_pretty(&ids).unwrap());
    assert_eq!(
        state["values"]["outputs"]["m"]["type"],
        serde_json::json!(["object", {"a": "number", "b": ["tuple", ["string", "bool"]]}])
    );
}

#[test]
fn graph_views_and_taint_messages() {
    let w = Work::new(CONFIG);
    insta::assert_snapshot!("graph", w.run(&["graph"]).ok().stdout.clone());
    insta::assert_snapshot!("graph-type-plan", w.run(&["graph", "-type=plan"]).ok().stdout.clone());
    w.run(&["apply", "-auto-approve"]).ok();
    let t = w.run(&["taint", "meshplan_data.each[\"b.c\"]"]).ok().stdout.clone();
    let u = w.run(&["untaint", "meshplan_data.each[\"b.c\"]"]).ok().stdout.clone();
    let missing = w.run(&["taint", "-no-color", "meshplan_data.each[\"b.d\"]"]);
    missing.code(1);
    insta::assert_snapshot!("taint-messages", format!("{t}{u}---\n{}", missing.stderr));
}

#[test]
fn validate_json_is_terraforms_format_with_spans_in_the_users_files() {
    let w = Work::new("resource \"meshplan_data\" \"a\" {\n  inpt = 1\n}\n");
    // A JSON configuration is rewritten as HCL internally: the range must point into the JSON.
    w.write("extra.tf.json", "{\n  \"resource\": {\"meshplan_data\": {\"j\": {\"inpt\": 2}}}\n}\n");
    let r = w.run(&["validate", "-json"]);
    r.code(1);
    let doc = r.json();
    assert_eq!(doc["format_version"], "1.0");
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["error_count"], 2, "{doc:#}");
    insta::assert_snapshot!("validate-json-errors", r.stdout.clone());
    assert!(r.stderr.is_empty(), "nothing but the JSON: {}", r.stderr);

    let ok = Work::new("resource \"meshplan_data\" \"a\" {\n  input = 1\n}\n");
    let r = ok.run(&["validate", "-json"]);
    r.ok();
    assert_eq!(
        r.json(),
        serde_json::json!({"format_version": "1.0", "valid": true, "error_count": 0, "warning_count": 0, "diagnostics": []})
    );
}

const UNFORMATTED: &str = "locals {\n  a = [ 1,2 ]\n  b = [1 , 2,3]\n  longer = max(1,2 )\n  d = { x = 1 }\n  e = [ ]\n  f = [\"a,b\" ,\"${join(\",\", [ \"x\" ])}\"]\n  g = [\n    1,\n    2,\n  ]\n  i = [ for x in [1,2] : x ]   # a [ comment ]\n  j = ( 1 + 2 )\n}\n";

#[test]
fn fmt_diff_list_and_write_flags() {
    let w = Work::files(&[("main.tf", UNFORMATTED)]);
    let r = w.run(&["fmt", "-diff", "-list=false", "-write=false"]);
    r.ok();
    insta::assert_snapshot!("fmt-diff", r.stdout.clone());
    assert_eq!(std::fs::read_to_string(w.file("main.tf")).unwrap(), UNFORMATTED, "-write=false must not rewrite");
    assert!(!r.stdout.lines().any(|l| l == "main.tf"), "-list=false: {}", r.stdout);
    w.run(&["fmt", "-check", "-list=false"]).code(3);
    // Targets: a file, a directory, and `-` (stdin to stdout).
    w.write("sub/x.tf", "a = [ 1 ]\n");
    w.run(&["fmt", "-check", "main.tf"]).code(3);
    assert_eq!(w.run(&["fmt", "sub"]).ok().stdout, format!("{}\n", std::path::Path::new("sub").join("x.tf").display()));
    w.run(&["fmt", "nowhere"]).code(1).stderr_has("No file or directory at nowhere");
    assert_eq!(w.run(&["fmt"]).ok().stdout, "main.tf\n");
    w.run(&["fmt", "-check"]).ok();
    let mut child = std::process::Command::new(common::BIN)
        .current_dir(w.path())
        .args(["fmt", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"b = [ 2,3 ]\n").unwrap();
    assert_eq!(String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap(), "b = [2, 3]\n");
}

/// The same input through the real `terraform fmt` (skipped when terraform is not on PATH).
#[test]
fn fmt_matches_terraform_fmt() {
    let Ok(out) = std::process::Command::new("terraform")
        .args(["fmt", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().expect("stdin").write_all(UNFORMATTED.as_bytes())?;
            c.wait_with_output()
        })
    else {
        eprintln!("terraform not on PATH: skipped");
        return;
    };
    assert!(out.status.success(), "terraform fmt failed: {}", String::from_utf8_lossy(&out.stderr));
    let theirs = String::from_utf8(out.stdout).unwrap();
    let w = Work::files(&[("main.tf", UNFORMATTED)]);
    w.run(&["fmt"]).ok();
    assert_eq!(std::fs::read_to_string(w.file("main.tf")).unwrap(), theirs);
}

#[test]
fn refresh_only_plan_shows_drift_and_apply_records_it() {
    let w = Work::new("resource \"local_file\" \"f\" {\n  filename = \"${path.module}/out.txt\"\n  content  = \"v1\"\n}\nresource \"meshplan_data\" \"d\" {\n  input = 1\n}\n");
    w.run(&["apply", "-auto-approve"]).ok();
    let clean = w.run(&["plan", "-refresh-only", "-detailed-exitcode"]);
    clean.code(0).stdout_has("No changes. Your infrastructure still matches the configuration.");

    std::fs::remove_file(w.file("out.txt")).unwrap();
    let before = w.state_list();
    let r = w.run(&["plan", "-refresh-only", "-no-color", "-detailed-exitcode"]);
    r.code(2)
        .stdout_has("Note: Objects have changed outside of meshplan")
        .stdout_has("# local_file.f has been deleted")
        .stdout_has("This is a refresh-only plan");
    assert!(
        !r.stdout.contains("will be created") && !r.stdout.contains("Plan:"),
        "no resource changes in a refresh-only plan:\n{}",
        r.stdout
    );
    let text = r
        .stdout
        .split("Note:")
        .nth(1)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim_start().starts_with("- id ") && !l.contains("filename"))
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("refresh-only-plan", text);
    assert_eq!(w.state_list(), before, "plan -refresh-only must not write the state");

    // Terraform's incompatible flags.
    w.run(&["plan", "-refresh-only", "-destroy"]).code(1).stderr_has("Incompatible refresh options");
    w.run(&["plan", "-refresh-only", "-refresh=false"]).code(1).stderr_has("Incompatible refresh options");
    w.run(&["apply", "-refresh-only"]).code(1).stderr_has("no approval given");
    assert_eq!(w.state_list(), before, "an unapproved refresh-only apply must not write the state");

    w.run(&["apply", "-refresh-only", "-auto-approve"])
        .ok()
        .stdout_has("# local_file.f has been deleted")
        .stdout_has("Apply complete! Resources: 0 added, 0 changed, 0 destroyed.");
    assert_eq!(w.state_list(), ["meshplan_data.d"], "the deleted object is forgotten, nothing else changes");
    assert!(!w.file("out.txt").exists(), "a refresh-only apply changes no remote object");
    w.run(&["plan", "-detailed-exitcode"])
        .code(2)
        .stdout_has("# local_file.f will be created")
        .stdout_has("Plan: 1 to add, 0 to change, 0 to destroy.");
}

#[test]
fn compact_warnings_are_one_line_each_at_the_end() {
    let w = Work::new(
        "resource \"meshplan_data\" \"d\" {\n  input = 1\n}\ncheck \"one\" {\n  assert {\n    condition     = meshplan_data.d.input == 2\n    error_message = \"input is not 2\"\n  }\n}\ncheck \"two\" {\n  assert {\n    condition     = meshplan_data.d.input == 3\n    error_message = \"input is not 3\"\n  }\n}\n",
    );
    let full = w.run(&["plan", "-no-color"]);
    full.ok();
    assert!(!full.stderr.contains("Warnings:") && full.stderr.contains("input is not 2"), "{}", full.stderr);
    let r = w.run(&["plan", "-no-color", "-compact-warnings"]);
    r.ok().stdout_has("Plan: 1 to add");
    assert!(!r.stderr.contains("input is not 2"), "only the summaries: {}", r.stderr);
    insta::assert_snapshot!("compact-warnings", r.stderr.clone());
    w.run(&["apply", "-auto-approve", "-compact-warnings"])
        .ok()
        .stderr_has("To see the full warning notes, run meshplan without -compact-warnings.");
}

#[test]
fn unknown_types_are_named_plainly_once_and_tf_only_directories_load() {
    let w = Work::files(&[
        ("main.tf", "module \"m\" {\n  source = \"./m\"\n  count  = 2\n}\nresource \"terraform_dta\" \"t\" {}\nresource \"aws_foo\" \"a\" {}\nresource \"aws_foo\" \"b\" {}\n"),
        ("m/main.tf", "resource \"random_shuffle\" \"r\" {}\n"),
    ]);
    let r = w.run(&["validate", "-no-color"]);
    r.code(1);
    assert!(!r.stderr.contains("no configuration files"), "{}", r.stderr);
    let once = |text: &str, needle: &str| assert_eq!(text.matches(needle).count(), 1, "{needle:?} once in:\n{text}");
    once(&r.stderr, "meshplan's aws provider does not implement aws_foo yet");
    once(&r.stderr, "meshplan's random provider does not implement random_shuffle yet");
    let squashed = r.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(squashed.contains("did you mean `terraform_data`?"), "{}", r.stderr);

    // In a plan, the error of a module's two instances is one error.
    let p = Work::files(&[
        ("main.tf", "module \"m\" {\n  source = \"./m\"\n  count  = 2\n}\n"),
        ("m/main.tf", "resource \"random_shuffle\" \"r\" {}\n"),
    ]);
    let r = p.run(&["plan", "-no-color"]);
    r.code(1);
    once(&r.stderr, "does not implement random_shuffle yet");
}

/// `echo EXPR | meshplan console`: stdout and stderr, and whether it succeeded.
fn console(w: &Work, input: &str) -> (String, String, bool) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(common::BIN)
        .current_dir(w.path())
        .args(["console", "-no-color"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    let out = child.wait_with_output().expect("console");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

#[test]
fn console_evaluates_against_the_configuration_and_state() {
    let w = Work::new(
        "variable \"x\" {\n  default = \"hello\"\n}\nvariable \"pw\" {\n  default   = \"hunter2\"\n  sensitive = true\n}\nlocals {\n  up = upper(var.x)\n}\nresource \"meshplan_data\" \"c\" {\n  count = 2\n  input = \"c${count.index}\"\n}\nresource \"meshplan_data\" \"e\" {\n  for_each = toset([\"a\", \"b\"])\n  input    = each.key\n}\n",
    );
    w.run(&["apply", "-auto-approve"]).ok();
    let (out, err, ok) = console(&w, "var.x\nlocal.up\nmeshplan_data.c[1].output\nmeshplan_data.e[\"b\"].input\n[ 1, 2 ]\n{a = 1}\nlength(meshplan_data.c)\nvar.pw\nexit\nvar.x\n");
    assert!(ok && err.is_empty(), "{err}");
    insta::assert_snapshot!("console", out);
    assert!(!out.contains("hunter2"));

    // Errors are reported (input named by line) and the rest still runs; the exit code is 1.
    let (out, err, ok) = console(&w, "var.nope\nvar.x\n1 +\n");
    assert!(!ok);
    assert_eq!(out, "\"hello\"\n");
    assert!(
        err.contains("an input variable with the name \"nope\" has not been declared")
            && err.contains("<console-input 1>")
            && err.contains("<console-input 3>"),
        "{err}"
    );
}

#[test]
fn an_error_in_every_module_instance_is_reported_once_naming_them() {
    let w = Work::files(&[
        ("main.tf", "module \"m\" {\n  source   = \"./m\"\n  for_each = toset([\"a\", \"b\"])\n}\n"),
        ("m/main.tf", "resource \"meshplan_data\" \"r\" {\n  input = file(\"${path.module}/nope.txt\")\n}\n"),
    ]);
    let r = w.run(&["plan", "-no-color"]);
    r.code(1);
    assert_eq!(r.stderr.matches("error in function call file()").count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains(r#"in module.m["a"], module.m["b"]"#), "{}", r.stderr);
}

#[test]
fn console_treats_required_variables_without_a_value_as_unknown() {
    // As Terraform's console: a module opened on its own (no -var) still evaluates its
    // locals; what depends on an unset required variable is known after apply.
    let w = Work::new(
        "variable \"name\" {\n  type = string\n}\nvariable \"o\" {\n  type    = object({ a = optional(bool, true) })\n  default = {}\n}\nlocals {\n  path = try(var.o.a, true) ? \"/p/${var.name}/q\" : \"\"\n  n    = 2\n}\n",
    );
    let (out, err, ok) = console(&w, "local.path\nlocal.n\n");
    assert!(ok && err.is_empty(), "{err}");
    assert_eq!(out, "(known after apply)\n2\n");
}
