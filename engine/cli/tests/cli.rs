//! End-to-end tests of the `meshplan` binary in temporary directories: the plan/apply/destroy
//! cycle, saved plans, targeting, state commands, graph, fmt, locking, partial failure and
//! secrets. Only local providers are used; nothing reaches the network.

mod common;

use common::{meshplan, Work};
use meshplan_state::{LockInfo, SledBackend, StateBackend};
use std::time::Duration;

const CYCLE: &str = r#"
variable "x" {
  default = "one"
}

resource "meshplan_data" "a" {
  input = var.x
}

resource "meshplan_data" "b" {
  input = "b-${meshplan_data.a.output}"
}

output "b" {
  value = meshplan_data.b.output
}
"#;

#[test]
fn plan_apply_update_destroy_cycle() {
    let w = Work::new(CYCLE);
    w.run(&["validate"]).ok().stdout_has("The configuration is valid");
    w.run(&["plan", "-detailed-exitcode"]).code(2).stdout_has("Plan: 2 to add, 0 to change, 0 to destroy.");
    assert!(w.state_list().is_empty(), "plan must not write state");
    w.run(&["apply", "-auto-approve"]).ok().stdout_has("Apply complete! Resources: 2 added, 0 changed, 0 destroyed.");
    assert_eq!(w.state_list(), ["meshplan_data.a", "meshplan_data.b"]);
    w.run(&["plan", "-detailed-exitcode"]).code(0).stdout_has("No changes.");

    let r = w.run(&["plan", "-detailed-exitcode", "-var", "x=two"]);
    r.code(2)
        .stdout_has("# meshplan_data.a will be updated in-place")
        .stdout_has("~ input  = \"one\" -> \"two\"")
        .stdout_has("Plan: 0 to add, 2 to change, 0 to destroy.");
    w.run(&["apply", "-auto-approve", "-var", "x=two"]).ok().stdout_has("0 added, 2 changed, 0 destroyed");
    assert_eq!(w.run(&["output", "-raw", "b"]).ok().stdout, "b-two");
    w.run(&["plan", "-detailed-exitcode", "-var", "x=two"]).code(0);

    w.run(&["destroy", "-auto-approve", "-var", "x=two"]).ok().stdout_has("Destroy complete! Resources: 2 destroyed.");
    assert!(w.state_list().is_empty());
    w.run(&["plan", "-detailed-exitcode"]).code(2);
}

/// A destroy evaluates what it must of the configuration (for_each keys, provider blocks);
/// data sources are not in the state, so it has to read them as a plan does.
const DATA_IN_DESTROY: &str = r#"
# A throwaway test key: the data source must be readable at plan time.
data "tls_public_key" "k" {
  private_key_pem = <<-EOT
    -----BEGIN PRIVATE KEY-----
    MC4CAQAwBQYDK2VwBCIEIMyASFaJimNIEb56fpjWvdR72YCr85mhK+ZwKfI7zgQ2
    -----END PRIVATE KEY-----
  EOT
}

locals {
  algorithm = lower(data.tls_public_key.k.algorithm)
}

resource "meshplan_data" "uses" {
  for_each = toset([local.algorithm])
  input    = each.key
}
"#;

#[test]
fn destroy_reads_data_sources_the_configuration_needs() {
    let w = Work::new(DATA_IN_DESTROY);
    w.run(&["apply", "-auto-approve"]).ok().stdout_has("Resources: 1 added");
    w.run(&["plan", "-destroy"]).ok().stdout_has("Plan: 0 to add, 0 to change, 1 to destroy.");
    w.run(&["destroy", "-auto-approve"]).ok().stdout_has("Destroy complete! Resources: 1 destroyed.");
    assert!(w.state_list().is_empty());
}

#[test]
fn variables_from_env_and_files() {
    let w = Work::new(CYCLE);
    w.write("x.auto.mpvars", "x = \"from-auto\"\n");
    w.run(&["apply", "-auto-approve"]).ok();
    assert_eq!(w.run(&["output", "-raw", "b"]).stdout, "b-from-auto");
    w.write("other.mpvars", "x = \"from-file\"\n");
    w.run(&["plan", "-var-file", "other.mpvars"]).ok().stdout_has("\"from-auto\" -> \"from-file\"");
    let r = common::meshplan_env(w.path(), &["plan", "-detailed-exitcode"], &[("MESHPLAN_VAR_x", "from-env")]);
    // Terraform's precedence: *.auto.mpvars beats the environment.
    r.code(0);
    w.run(&["plan", "-var", "novalue"]).code(1).stderr_has("invalid -var \"novalue\"").stderr_has("name=value");
}

#[test]
fn saved_plan_applies_exactly_and_stale_or_damaged_plans_are_refused() {
    let w = Work::new(CYCLE);
    w.run(&["plan", "-out=first.plan"]).ok();
    w.run(&["show", "first.plan"]).ok().stdout_has("Plan: 2 to add");
    w.run(&["apply", "first.plan"]).ok().stdout_has("2 added");
    // A second plan file, then the state moves on: the file is stale.
    w.run(&["plan", "-out=stale.plan", "-var", "x=two"]).ok();
    w.run(&["plan", "-out=fresh.plan", "-var", "x=three"]).ok();
    w.run(&["apply", "fresh.plan"]).ok();
    let before = w.state_json();
    w.run(&["apply", "stale.plan"]).code(1).stderr_has("saved plan is stale").stderr_has("run `meshplan plan` again");
    assert_eq!(w.state_json(), before, "a refused plan must not touch the state");
    assert_eq!(w.run(&["output", "-raw", "b"]).stdout, "b-three");

    // Damage a fresh plan in several ways: all refused, none half-applied.
    w.run(&["plan", "-out=ok.plan", "-var", "x=four"]).ok();
    let good = std::fs::read_to_string(w.file("ok.plan")).unwrap();
    let damaged = [
        ("truncated", good[..good.len() / 2].to_string()),
        ("flipped", good.replacen("four", "fivr", 1)),
        ("garbage", "not a plan at all".to_string()),
        ("empty", String::new()),
    ];
    for (what, text) in damaged {
        w.write("bad.plan", &text);
        let r = w.run(&["apply", "bad.plan"]);
        r.code(1);
        assert!(r.stderr.contains("is not a meshplan plan file, or it is damaged"), "{what}: {}", r.stderr);
        assert_eq!(w.state_json(), before, "{what}: state changed");
    }
    w.run(&["apply", "missing.plan"]).code(1).stderr_has("cannot read the plan file");
}

#[test]
fn target_replace_refresh_and_destroy_plans() {
    let w = Work::new(
        r#"
resource "meshplan_data" "a" {
  input = "a"
}
resource "meshplan_data" "b" {
  input = meshplan_data.a.output
}
resource "meshplan_data" "lonely" {
  input = "l"
}
resource "local_file" "f" {
  filename = "${path.module}/out/f.txt"
  content  = "hello"
}
"#,
    );
    // -target brings its dependencies along, and nothing else.
    w.run(&["apply", "-auto-approve", "-target=meshplan_data.b"]).ok().stdout_has("2 added");
    assert_eq!(w.state_list(), ["meshplan_data.a", "meshplan_data.b"]);
    w.run(&["apply", "-auto-approve"]).ok().stdout_has("2 added");
    assert_eq!(w.state_list().len(), 4);

    // -replace: the plan says so, and apply really creates a new object.
    let id = |w: &Work| {
        w.state_json()["values"]["root_module"]["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["address"] == "meshplan_data.lonely")
            .unwrap()["values"]["id"]
            .clone()
    };
    let old = id(&w);
    w.run(&["plan", "-replace=meshplan_data.lonely"])
        .ok()
        .stdout_has("-/+ resource \"meshplan_data\" \"lonely\"")
        .stdout_has("(requested with -replace)")
        .stdout_has("Plan: 1 to add, 0 to change, 1 to destroy.");
    w.run(&["apply", "-auto-approve", "-replace=meshplan_data.lonely"]).ok();
    assert_ne!(id(&w), old);

    // Refresh: a file deleted behind meshplan's back is noticed, unless -refresh=false.
    std::fs::remove_file(w.file("out/f.txt")).unwrap();
    let r = w.run(&["plan", "-detailed-exitcode"]);
    r.code(2).stdout_has("local_file.f: Refreshing state...").stdout_has("# local_file.f will be created");
    let r = w.run(&["plan", "-detailed-exitcode", "-refresh=false"]);
    r.code(0);
    assert!(!r.stdout.contains("Refreshing state"), "{}", r.stdout);

    // plan -destroy deletes everything (the deleted file is already gone).
    w.run(&["plan", "-destroy"]).ok().stdout_has("- destroy").stdout_has("Plan: 0 to add, 0 to change, 4 to destroy.");
    w.run(&["plan", "-destroy", "-out=d.plan"]).ok();
    w.run(&["apply", "d.plan"]).ok();
    assert!(w.state_list().is_empty());
}

#[test]
fn outputs_in_all_forms() {
    let w = Work::new(
        r#"
output "s" {
  value = "plain"
}
output "m" {
  value = { a = 1, b = ["x", "y"] }
}
"#,
    );
    w.run(&["apply", "-auto-approve"]).ok();
    let r = w.run(&["output"]);
    r.ok().stdout_has("s = \"plain\"");
    assert_eq!(w.run(&["output", "-raw", "s"]).ok().stdout, "plain");
    assert_eq!(w.run(&["output", "-json", "m"]).ok().json(), serde_json::json!({"a": 1, "b": ["x", "y"]}));
    let all = w.run(&["output", "-json"]).json();
    assert_eq!(all["s"], serde_json::json!({"sensitive": false, "type": "string", "value": "plain"}));
    w.run(&["output", "-raw", "m"]).code(1);
    w.run(&["output", "nope"]).code(1).stderr_has("nope");
}

#[test]
fn state_commands() {
    let w = Work::new(CYCLE);
    w.run(&["apply", "-auto-approve"]).ok();
    w.run(&["state", "show", "meshplan_data.a"])
        .ok()
        .stdout_has("resource \"meshplan_data\" \"a\"")
        .stdout_has("input  = \"one\"");
    w.run(&["state", "show", "meshplan_data.zzz"]).code(1);
    w.run(&["state", "mv", "meshplan_data.b", "meshplan_data.c"]).ok();
    assert_eq!(w.state_list(), ["meshplan_data.a", "meshplan_data.c"]);
    // The moved object is now an orphan for the config (b is missing, c is unknown).
    w.run(&["plan"]).ok().stdout_has("Plan: 1 to add, 0 to change, 1 to destroy.");
    w.run(&["state", "mv", "meshplan_data.c", "meshplan_data.b"]).ok();
    w.run(&["plan", "-detailed-exitcode"]).code(0);
    w.run(&["state", "rm", "meshplan_data.b"]).ok();
    assert_eq!(w.state_list(), ["meshplan_data.a"]);
    w.run(&["plan"]).ok().stdout_has("Plan: 1 to add, 0 to change, 0 to destroy.");
    w.run(&["state", "rm", "meshplan_data.b"]).code(1);
}

#[test]
fn graph_is_dot_with_reference_depends_on_and_provider_edges() {
    let w = Work::new(
        r#"
variable "v" {
  default = 1
}
resource "random_id" "r" {
  byte_length = var.v + 3
}
resource "meshplan_data" "a" {
  input = random_id.r.hex
}
resource "meshplan_data" "b" {
  depends_on = [meshplan_data.a]
}
output "o" {
  value = meshplan_data.a.output
}
"#,
    );
    // Plain `graph` is Terraform 1.7+'s resource view: dependents point at dependencies,
    // through the variables and outputs between them.
    let r = w.run(&["graph"]);
    r.ok();
    let dot = &r.stdout;
    assert!(dot.trim_start().starts_with("digraph G {"), "{dot}");
    assert!(dot.trim_end().ends_with('}'), "{dot}");
    assert!(dot.contains(r#""meshplan_data.a" -> "random_id.r";"#), "{dot}");
    assert!(dot.contains(r#""meshplan_data.b" -> "meshplan_data.a";"#), "{dot}");
    assert!(!dot.contains("var.v") && !dot.contains("output.o") && !dot.contains("provider"), "{dot}");
    assert!(!dot.contains(r#""meshplan_data.a" -> "meshplan_data.b""#), "{dot}");

    // `-type=plan` is every node, with Terraform's ids.
    let r = w.run(&["graph", "-type=plan"]);
    r.ok();
    let dot = &r.stdout;
    assert!(dot.trim_start().starts_with("digraph {"), "{dot}");
    for edge in [
        r#""[root] random_id.r (expand)" -> "[root] var.v""#,
        r#""[root] meshplan_data.a (expand)" -> "[root] random_id.r (expand)""#,
        r#""[root] meshplan_data.b (expand)" -> "[root] meshplan_data.a (expand)""#,
        r#""[root] output.o (expand)" -> "[root] meshplan_data.a (expand)""#,
        r#""[root] random_id.r (expand)" -> "[root] provider[\"random\"]""#,
        r#""[root] meshplan_data.b (expand)" -> "[root] provider[\"meshplan\"]""#,
    ] {
        assert!(dot.contains(edge), "missing edge {edge} in\n{dot}");
    }
    assert!(!dot.contains(r#""[root] meshplan_data.a (expand)" -> "[root] meshplan_data.b (expand)""#), "{dot}");
    w.run(&["graph", "-type=bogus"]).code(1).stderr_has("bogus");
}

#[test]
fn fmt_check_and_rewrite() {
    let ugly = "resource \"meshplan_data\" \"z\" {\ninput=\"x\"\n    triggers_replace = [1,2]\n}\n";
    let w = Work::new(ugly);
    let r = w.run(&["fmt", "-check"]);
    r.code(3).stdout_has("main.mp.hcl");
    assert_eq!(std::fs::read_to_string(w.file("main.mp.hcl")).unwrap(), ugly, "-check must not rewrite");
    w.run(&["fmt"]).ok().stdout_has("main.mp.hcl");
    let pretty = std::fs::read_to_string(w.file("main.mp.hcl")).unwrap();
    assert!(pretty.contains("\n  input            = \"x\"\n"), "{pretty}");
    assert!(pretty.contains("\n  triggers_replace = [1,"), "{pretty}");
    assert!(pretty.starts_with("resource \"meshplan_data\" \"z\" {\n"), "{pretty}");
    w.run(&["fmt", "-check"]).ok();
    // Formatting never changes meaning.
    w.run(&["validate"]).ok();
    // A file that does not parse is reported with its location and left alone.
    w.write("broken.mp.hcl", "resource {");
    w.run(&["fmt"]).code(1).stderr_has("broken.mp.hcl:1:");
    assert_eq!(std::fs::read_to_string(w.file("broken.mp.hcl")).unwrap(), "resource {");
}

#[test]
fn lock_contention_names_the_holder_and_force_unlock_releases() {
    let w = Work::new(CYCLE);
    w.run(&["apply", "-auto-approve"]).ok();
    let backend = SledBackend::open(&w.file(".meshplan")).expect("open state");
    let info = LockInfo {
        id: "0123456789abcdef0123456789abcdef".into(),
        who: "tester@ci-host".into(),
        pid: std::process::id(),
        operation: "apply".into(),
        since: "2030-01-01T00:00:00Z".into(),
    };
    let guard = backend.lock(info, Duration::ZERO).expect("take the lock");
    backend.close().expect("release sled's own file lock");

    let start = std::time::Instant::now();
    let r = w.run(&["apply", "-auto-approve", "-lock-timeout=1s", "-var", "x=two"]);
    r.code(1).stderr_has("locked by tester@ci-host").stderr_has("operation apply");
    // miette wraps the help text: compare with whitespace collapsed.
    let squashed = r.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(squashed.contains("meshplan force-unlock 0123456789abcdef0123456789abcdef"), "{}", r.stderr);
    assert!(start.elapsed() >= Duration::from_millis(900), "did not wait for -lock-timeout");
    w.run(&["plan", "-lock-timeout=0s", "-var", "x=two"]).code(1).stderr_has("tester@ci-host");

    w.run(&["force-unlock", "wrong-id"]).code(1).no_panic();
    w.run(&["force-unlock", "-force", "0123456789abcdef0123456789abcdef"]).ok();
    assert_eq!(w.run(&["output", "-raw", "b"]).ok().stdout, "b-one", "the refused apply changed nothing");
    w.run(&["apply", "-auto-approve", "-var", "x=two"]).ok();
    assert_eq!(w.run(&["output", "-raw", "b"]).stdout, "b-two");
    drop(guard);
}

#[test]
fn a_running_apply_holds_the_lock() {
    let w = Work::new("resource \"time_sleep\" \"w\" {\n  create_duration = \"2s\"\n}\n");
    let dir = w.path().to_path_buf();
    let slow = std::thread::spawn(move || {
        std::process::Command::new(common::BIN).current_dir(dir).args(["apply", "-auto-approve"]).output()
    });
    std::thread::sleep(Duration::from_millis(600));
    let r = w.run(&["apply", "-auto-approve", "-lock-timeout=100ms"]);
    r.code(1).stderr_has("the state is locked").stderr_has("operation apply");
    let first = slow.join().unwrap().unwrap();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert_eq!(w.state_list(), ["time_sleep.w"]);
}

#[test]
fn failed_apply_keeps_what_succeeded() {
    let w = Work::new(
        r#"
resource "meshplan_data" "ok1" {
  input = "fine"
}
resource "meshplan_data" "ok2" {
  input = meshplan_data.ok1.output
}
resource "local_file" "bad" {
  filename = "${path.module}/blocker/sub/f.txt"
  content  = "x"
}
resource "meshplan_data" "after_bad" {
  input = local_file.bad.id
}
"#,
    );
    // `blocker` is a regular file, so the directory for local_file.bad cannot be created.
    w.write("blocker", "not a directory");
    let r = w.run(&["apply", "-auto-approve"]);
    r.code(1).stderr_has("local_file.bad");
    let list = w.state_list();
    assert!(
        list.contains(&"meshplan_data.ok1".to_string()) && list.contains(&"meshplan_data.ok2".to_string()),
        "{list:?}"
    );
    assert!(
        !list.contains(&"meshplan_data.after_bad".to_string()),
        "a dependent of a failed node must be skipped: {list:?}"
    );
    // Fix the cause: the next apply finishes the job.
    std::fs::remove_file(w.file("blocker")).unwrap();
    w.run(&["apply", "-auto-approve"]).ok();
    assert_eq!(w.state_list().len(), 4);
    w.run(&["plan", "-detailed-exitcode"]).code(0);
}

#[test]
fn unreadable_state_is_an_error_and_is_left_alone() {
    let w = Work::new(CYCLE);
    w.run(&["apply", "-auto-approve"]).ok();
    // Damage every file of the state directory.
    let mut damaged = Vec::new();
    for e in walk(&w.file(".meshplan")) {
        let mut bytes = std::fs::read(&e).unwrap();
        if bytes.is_empty() || e.file_name().is_some_and(|n| n.to_string_lossy().contains("lock")) {
            continue;
        }
        for b in bytes.iter_mut().step_by(7) {
            *b = b.wrapping_add(0x5a);
        }
        std::fs::write(&e, &bytes).unwrap();
        damaged.push((e, bytes));
    }
    assert!(!damaged.is_empty());
    for args in [&["plan"][..], &["apply", "-auto-approve"], &["state", "list"], &["destroy", "-auto-approve"]] {
        let r = w.run(args);
        r.code(1);
        assert!(r.stderr.contains("state"), "{args:?}: {}", r.stderr);
    }
    for (path, bytes) in damaged {
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{} was rewritten", path.display());
    }

    // A state directory that is a file.
    let w2 = Work::new(CYCLE);
    w2.write(".meshplan", "oops");
    w2.run(&["plan"]).code(1).stderr_has("state");
    assert_eq!(std::fs::read_to_string(w2.file(".meshplan")).unwrap(), "oops");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn secrets_never_leak() {
    let w = Work::new(
        r#"
resource "random_password" "p" {
  length = 24
}
resource "tls_private_key" "k" {
  algorithm = "ED25519"
}
resource "meshplan_data" "uses" {
  input = {
    password = random_password.p.result
    key      = tls_private_key.k.private_key_pem
  }
}
output "pw" {
  value     = random_password.p.result
  sensitive = true
}
output "key" {
  value     = tls_private_key.k.private_key_pem
  sensitive = true
}
output "public" {
  value = tls_private_key.k.public_key_openssh
}
"#,
    );
    let mut seen = vec![w.run(&["plan"]), w.run(&["plan", "-json"])];
    let r = w.run(&["apply", "-auto-approve"]);
    r.ok();
    seen.push(r);
    let pw = w.run(&["output", "-raw", "pw"]).ok().stdout.clone();
    let key = w.run(&["output", "-raw", "key"]).ok().stdout.clone();
    assert_eq!(pw.chars().count(), 24, "{pw:?}");
    assert!(key.contains("BEGIN PRIVATE KEY"), "{key}");
    // A secret's lines, so a line-by-line rendering cannot leak it either.
    let key_body: Vec<String> = key.lines().filter(|l| !l.starts_with("-----")).map(str::to_string).collect();
    assert!(!key_body.is_empty());

    w.config(&std::fs::read_to_string(w.file("main.mp.hcl")).unwrap().replace("length = 24", "length = 25"));
    for args in [
        &["plan"][..],
        &["plan", "-json"],
        &["plan", "-out=s.plan"],
        &["show"],
        &["show", "-json"],
        &["show", "s.plan"],
        &["show", "-json", "s.plan"],
        &["output"],
        &["output", "-json"],
        &["state", "show", "random_password.p"],
        &["state", "show", "tls_private_key.k"],
        &["state", "show", "meshplan_data.uses"],
        &["graph"],
    ] {
        seen.push(w.run(args));
    }
    // An error that involves the secret.
    w.config("resource \"random_password\" \"p\" {\n  length = 25\n}\noutput \"bad\" {\n  value = random_password.p.result + 1\n}\n");
    seen.push(w.run(&["plan"]));
    let r = w.run(&["apply", "s.plan"]);
    seen.push(r);
    for r in &seen {
        r.no_panic();
        let all = r.all();
        assert!(!all.contains(&pw), "`meshplan {}` printed the password:\n{all}", r.args.join(" "));
        for l in &key_body {
            assert!(!all.contains(l.as_str()), "`meshplan {}` printed private key material:\n{all}", r.args.join(" "));
        }
    }
    // It was shown as sensitive, not silently dropped.
    assert!(seen[0].stdout.contains("(sensitive value)"), "{}", seen[0].stdout);
    // (The saved plan file itself holds prior values in clear, as Terraform's does: it is as
    // confidential as the state, so it is not checked here.)
}

#[test]
fn version_and_unknown_subcommand() {
    let w = Work::new("");
    w.run(&["version"]).ok().stdout_has("meshplan v");
    w.run(&["frobnicate"]).code(1).no_panic();
    let r = meshplan(w.path(), &["plan", "-no-such-flag"]);
    r.code(1).no_panic();
}

/// The state and saved plans hold secrets: `.meshplan/` is 0700 and every file in it and every
/// plan file 0600, whatever the umask (a group- or world-readable file is a leak).
#[cfg(unix)]
#[test]
fn state_and_plan_files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    fn loose(dir: &std::path::Path, found: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let mode = e.metadata().unwrap().permissions().mode() & 0o777;
            let want = if e.file_type().unwrap().is_dir() { 0o700 } else { 0o600 };
            if mode != want {
                found.push(format!("{} {mode:o}", e.path().display()));
            }
            if e.file_type().unwrap().is_dir() {
                loose(&e.path(), found);
            }
        }
    }
    let w = Work::new(CYCLE);
    w.run(&["apply", "-auto-approve"]).ok();
    w.run(&["plan", "-out=x.plan", "-var", "x=two"]).ok();
    let state_dir = w.file(".meshplan");
    assert_eq!(std::fs::metadata(&state_dir).unwrap().permissions().mode() & 0o777, 0o700);
    let mut found = Vec::new();
    loose(&state_dir, &mut found);
    assert!(found.is_empty(), "readable by others: {found:?}");
    assert_eq!(std::fs::metadata(w.file("x.plan")).unwrap().permissions().mode() & 0o777, 0o600);
    // A directory left 0755 by an older version is tightened on the next run.
    std::fs::set_permissions(&state_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    w.run(&["plan"]).ok();
    assert_eq!(std::fs::metadata(&state_dir).unwrap().permissions().mode() & 0o777, 0o700);
}

/// Each locked run backs up the state it found; `state pull` and `state push` move whole
/// states; a damaged database's error names the newest backup and the command that restores it.
#[test]
fn backups_pull_push_and_recovery_from_a_damaged_state() {
    let w = Work::new(CYCLE);
    w.run(&["apply", "-auto-approve"]).ok();
    w.run(&["apply", "-auto-approve", "-var", "x=two"]).ok();
    let backups: Vec<String> = std::fs::read_dir(w.file(".meshplan/backups"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    assert!(!backups.is_empty(), "no backup after two applies");
    let pulled = w.run(&["state", "pull"]).ok().stdout.clone();
    let doc: serde_json::Value = serde_json::from_str(&pulled).unwrap();
    assert!(doc["resources"].as_object().unwrap().contains_key("meshplan_data.b"), "{pulled}");
    w.write("now.json", &pulled);

    // An older serial is refused without -force.
    let mut list = backups.clone();
    list.sort_by_key(|n| n.trim_start_matches("serial-").trim_end_matches(".json").parse::<u64>().unwrap());
    let oldest = format!(".meshplan/backups/{}", list[0]);
    w.run(&["state", "push", &oldest]).code(1).stderr_has("older than the state");

    // Damage the database: the error says which backup to restore and how.
    for e in std::fs::read_dir(w.file(".meshplan/state")).unwrap().flatten() {
        if e.file_type().unwrap().is_file() {
            std::fs::write(e.path(), b"garbage garbage garbage garbage garbage garbage").unwrap();
        }
    }
    let r = w.run(&["plan"]);
    r.code(1);
    assert!(r.stderr.contains("backups/serial-") && r.stderr.contains("meshplan state push"), "{}", r.stderr);
    std::fs::rename(w.file(".meshplan/state"), w.file("damaged-state")).unwrap();
    w.run(&["state", "push", "now.json"]).ok();
    assert_eq!(w.state_list(), vec!["meshplan_data.a".to_string(), "meshplan_data.b".to_string()]);
    w.run(&["plan", "-var", "x=two", "-detailed-exitcode"]).code(0);
}

/// Workspaces: one state per name, `terraform.workspace` in expressions, selection by command
/// or by `TF_WORKSPACE`, and deletion that never orphans objects silently.
#[test]
fn workspaces_keep_separate_states() {
    let w = Work::new(
        r#"
resource "meshplan_data" "a" {
  input = "in-${terraform.workspace}"
}

output "where" {
  value = meshplan_data.a.output
}
"#,
    );
    w.run(&["apply", "-auto-approve"]).ok();
    assert_eq!(w.run(&["output", "-raw", "where"]).stdout, "in-default");
    w.run(&["workspace", "new", "staging"]).ok().stdout_has("Created and switched to workspace \"staging\"");
    w.run(&["workspace", "new", "staging"]).code(1).stderr_has("already exists");
    w.run(&["plan"]).ok().stdout_has("1 to add");
    w.run(&["apply", "-auto-approve"]).ok();
    assert_eq!(w.run(&["output", "-raw", "where"]).stdout, "in-staging");
    assert_eq!(w.run(&["workspace", "show"]).stdout.trim(), "staging");
    assert_eq!(w.run(&["workspace", "list"]).stdout, "  default\n* staging\n");
    w.run(&["workspace", "delete", "staging"]).code(1).stderr_has("is selected");
    w.run(&["workspace", "select", "default"]).ok();
    w.run(&["plan", "-detailed-exitcode"]).code(0);
    // The environment variable wins over the selection, as TF_WORKSPACE does in Terraform.
    let r = common::meshplan_env(w.path(), &["output", "-raw", "where"], &[("TF_WORKSPACE", "staging")]);
    assert_eq!(r.stdout, "in-staging", "{}", r.all());
    w.run(&["workspace", "select", "nope"]).code(1).stderr_has("does not exist");
    w.run(&["workspace", "new", "../escape"]).code(1).stderr_has("invalid workspace name");
    w.run(&["workspace", "delete", "staging"]).code(1).stderr_has("still manages 1 resource instance");
    w.run(&["workspace", "delete", "-force", "staging"]).ok();
    assert_eq!(w.run(&["workspace", "list"]).stdout, "* default\n");
    w.run(&["workspace", "delete", "default"]).code(1).stderr_has("cannot be deleted");
}

#[test]
fn taint_and_untaint_mark_an_instance_for_replacement() {
    let w = Work::new(CYCLE);
    w.run(&["apply", "-auto-approve"]).ok();
    w.run(&["taint", "meshplan_data.a"])
        .ok()
        .stdout_has("Resource instance meshplan_data.a has been marked as tainted.");
    w.run(&["plan", "-detailed-exitcode"])
        .code(2)
        .stdout_has("# meshplan_data.a is tainted, so must be replaced")
        .stdout_has("-/+ resource \"meshplan_data\" \"a\"")
        .stdout_has("Plan: 1 to add, 1 to change, 1 to destroy.");
    w.run(&["untaint", "meshplan_data.a"])
        .ok()
        .stdout_has("Resource instance meshplan_data.a has been successfully untainted.");
    w.run(&["plan", "-detailed-exitcode"]).code(0).stdout_has("No changes.");
    // Untainting what is not tainted, or naming what is not in the state, is an error.
    w.run(&["untaint", "meshplan_data.a"])
        .code(1)
        .stderr_has("Resource instance meshplan_data.a is not currently tainted");
    w.run(&["taint", "meshplan_data.c"]).code(1).stderr_has("No such resource instance").stderr_has("meshplan_data.a");
    w.run(&["taint", "-allow-missing", "meshplan_data.c"]).ok().stderr_has("was not found, but this is not an error");
    // A held lock stops taint; -lock=false does not take it (Terraform's flag).
    let backend = SledBackend::open(&w.file(".meshplan")).expect("open state");
    let info = LockInfo {
        id: "feedfeedfeedfeedfeedfeedfeedfeed".into(),
        who: "tester@ci-host".into(),
        pid: std::process::id(),
        operation: "apply".into(),
        since: "2030-01-01T00:00:00Z".into(),
    };
    let guard = backend.lock(info, Duration::ZERO).expect("take the lock");
    backend.close().expect("release sled's own file lock");
    w.run(&["taint", "meshplan_data.b"]).code(1).stderr_has("locked by tester@ci-host");
    w.run(&["taint", "-lock=false", "meshplan_data.b"]).ok();
    w.run(&["state", "mv", "meshplan_data.a", "meshplan_data.z"]).code(1).stderr_has("locked by tester@ci-host");
    w.run(&["state", "mv", "-lock=false", "meshplan_data.a", "meshplan_data.z"]).ok();
    w.run(&["state", "mv", "-lock=false", "meshplan_data.z", "meshplan_data.a"]).ok();
    w.run(&["plan", "-lock=false"]).ok().stdout_has("# meshplan_data.b is tainted, so must be replaced");
    w.run(&["apply", "-lock=false", "-auto-approve"]).ok().stdout_has("Resources: 1 added, 0 changed, 1 destroyed.");
    drop(guard);
    w.run(&["plan", "-detailed-exitcode"]).code(0);
}
