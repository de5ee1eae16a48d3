//! Encryption at rest (`terraform { encryption { ... } }`) through the real binary: nothing
//! secret in clear under `.meshplan/` or in a saved plan, wrong keys refused with exit 1,
//! migrations both ways keep every resource, configuration errors with spans.
//!
//! The key provider's `iterations` are lowered to 1000 through
//! `MESHPLAN_TEST_PBKDF2_MIN_ITERATIONS` (a test-only lower bound) except in
//! `default_iterations_work`, which pays for OpenTofu's 600,000.

mod common;

use common::{meshplan_env, Run, Work};
use std::path::Path;

const PASS: &str = "correct horse battery staple";
const DB_PASSWORD: &str = "Hunter2-db-password-XyZ";

fn encryption_block(state: &str, plan: &str, iterations: Option<u32>) -> String {
    let iters = iterations.map(|n| format!("iterations = {n}")).unwrap_or_default();
    format!(
        r#"
terraform {{
  required_version = ">= 1.0"
  encryption {{
    key_provider "pbkdf2" "mykey" {{
      passphrase = var.passphrase
      {iters}
    }}
    method "aes_gcm" "new" {{
      keys = key_provider.pbkdf2.mykey
    }}
    method "unencrypted" "migrate" {{}}
    state {{
      {state}
    }}
    plan {{
      {plan}
    }}
  }}
}}
"#
    )
}

const RESOURCES: &str = r#"
variable "passphrase" {
  type      = string
  sensitive = true
  default   = ""
}
variable "db_password" {
  type      = string
  sensitive = true
}
resource "tls_private_key" "k" {
  algorithm = "ED25519"
}
resource "meshplan_data" "uses" {
  input = {
    password = var.db_password
    key      = tls_private_key.k.private_key_pem
  }
}
output "key" {
  value     = tls_private_key.k.private_key_pem
  sensitive = true
}
"#;

fn encrypted(state_fallback: bool) -> String {
    let state = if state_fallback {
        "method = method.aes_gcm.new\n fallback { method = method.unencrypted.migrate }"
    } else {
        "method = method.aes_gcm.new\n enforced = true"
    };
    encryption_block(state, "method = method.aes_gcm.new", Some(1000)) + RESOURCES
}

fn run(w: &Work, args: &[&str], pass: &str) -> Run {
    meshplan_env(
        w.path(),
        args,
        &[
            ("TF_VAR_passphrase", pass),
            ("TF_VAR_db_password", DB_PASSWORD),
            ("MESHPLAN_TEST_PBKDF2_MIN_ITERATIONS", "1000"),
        ],
    )
}

fn state_list(w: &Work, pass: &str) -> Vec<String> {
    let r = run(w, &["state", "list"], pass);
    r.ok();
    r.stdout.lines().filter(|l| !l.is_empty()).map(str::to_string).collect()
}

/// Files under `dir` whose bytes contain `needle`.
fn files_with(dir: &Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if std::fs::read(&p).unwrap_or_default().windows(needle.len()).any(|w| w == needle.as_bytes()) {
                hits.push(p.display().to_string());
            }
        }
    }
    hits
}

#[test]
fn nothing_secret_in_clear_at_rest_and_plans_round_trip() {
    let w = Work::new(&encrypted(false));
    run(&w, &["apply", "-auto-approve"], PASS).ok();
    let key = run(&w, &["output", "-raw", "key"], PASS).ok().stdout.clone();
    assert!(key.contains("PRIVATE KEY"), "{key}");
    let body: Vec<&str> = key.lines().filter(|l| !l.starts_with("-----") && !l.is_empty()).collect();
    // A second run backs up serial 1; a saved plan replaces the key.
    run(&w, &["plan", "-replace=tls_private_key.k", "-out=plan.bin"], PASS).ok();
    let secrets: Vec<&str> = ["PRIVATE KEY", DB_PASSWORD, PASS].into_iter().chain(body.iter().copied()).collect();
    for s in &secrets {
        assert_eq!(files_with(&w.path().join(".meshplan"), s), Vec::<String>::new(), "{s:?} in clear under .meshplan/");
        assert!(
            !std::fs::read(w.file("plan.bin")).unwrap().windows(s.len()).any(|x| x == s.as_bytes()),
            "{s:?} in clear in the plan file"
        );
    }
    assert!(std::fs::read_dir(w.path().join(".meshplan/backups")).unwrap().next().is_some(), "a backup was written");
    run(&w, &["show", "plan.bin"], PASS).ok().stdout_has("tls_private_key.k");
    run(&w, &["apply", "plan.bin"], PASS).ok();
    assert_ne!(run(&w, &["output", "-raw", "key"], PASS).ok().stdout, key, "the saved plan replaced the key");
    for s in ["PRIVATE KEY", DB_PASSWORD] {
        assert_eq!(files_with(&w.path().join(".meshplan"), s), Vec::<String>::new(), "{s:?} in clear under .meshplan/");
    }
    assert_eq!(state_list(&w, PASS), vec!["meshplan_data.uses", "tls_private_key.k"]);
    run(&w, &["plan", "-detailed-exitcode"], PASS).ok();
}

#[test]
fn a_wrong_or_missing_key_is_a_clear_error() {
    let w = Work::new(&encrypted(false));
    run(&w, &["apply", "-auto-approve"], PASS).ok();
    run(&w, &["plan", "-replace=tls_private_key.k", "-out=plan.bin"], PASS).ok();
    let wrong = "this is not the passphrase";
    for args in [
        &["plan"][..],
        &["apply", "-auto-approve"],
        &["state", "list"],
        &["output"],
        &["apply", "plan.bin"],
        &["show", "plan.bin"],
    ] {
        let r = run(&w, args, wrong);
        r.code(1).stderr_has("cannot decrypt the state: wrong passphrase or key?");
        assert!(!r.all().contains(wrong) && !r.all().contains(PASS), "a passphrase was printed:\n{}", r.all());
    }
    // No passphrase at all: the passphrase is too short (the empty default).
    run(&w, &["plan"], "").code(1).stderr_has("too short");
    // Without the encryption block, the state is refused (not read as empty).
    let w2 = Work::new(RESOURCES);
    common::copy_dir(&w.path().join(".meshplan"), &w2.path().join(".meshplan"));
    run(&w2, &["plan"], PASS).code(1).stderr_has("encrypted");
    // Still intact with the right key.
    assert_eq!(state_list(&w, PASS).len(), 2);
}

#[test]
fn migrating_to_encryption_and_back_keeps_every_resource() {
    let w = Work::new(RESOURCES);
    run(&w, &["apply", "-auto-approve"], PASS).ok();
    run(&w, &["apply", "-auto-approve", "-replace=meshplan_data.uses"], PASS).ok(); // a backup in clear
    let before = state_list(&w, PASS);
    assert_eq!(before.len(), 2);

    // Encryption without a fallback refuses the plain state.
    w.config(&encrypted(false));
    run(&w, &["plan"], PASS).code(1).stderr_has("not encrypted");

    // With the unencrypted fallback, the first locked run seals everything.
    w.config(&encrypted(true));
    run(&w, &["plan", "-detailed-exitcode"], PASS).ok();
    for entry in std::fs::read_dir(w.path().join(".meshplan/backups")).unwrap().flatten() {
        let text = std::fs::read(entry.path()).unwrap();
        assert!(text.starts_with(b"{\"meshplan_encrypted\""), "{} is sealed", entry.path().display());
    }
    w.config(&encrypted(false));
    assert_eq!(state_list(&w, PASS), before, "readable without the fallback: every record was sealed");
    run(&w, &["plan", "-detailed-exitcode"], PASS).ok();

    // Back to clear: unencrypted, with the old key as the fallback.
    let back = encryption_block(
        "method = method.unencrypted.migrate\n fallback { method = method.aes_gcm.new }",
        "method = method.unencrypted.migrate",
        Some(1000),
    ) + RESOURCES;
    w.config(&back);
    run(&w, &["plan", "-detailed-exitcode"], PASS).ok();
    w.config(RESOURCES);
    assert_eq!(state_list(&w, PASS), before);
    run(&w, &["plan", "-detailed-exitcode"], PASS).ok();
    run(&w, &["apply", "-auto-approve"], PASS).ok();
}

#[test]
fn configuration_errors_point_at_the_mistake() {
    let cases: &[(&str, &str)] = &[
        ("method = method.unencrypted.migrate\n enforced = true", "enforced, but its method is unencrypted"),
        ("method = method.aes_gcm.nope", "undeclared method.aes_gcm.nope"),
        ("method = method.aes_gcm.new\n mystery = 1", "unsupported argument `mystery` in `state`"),
    ];
    for (state, want) in cases {
        let w = Work::new(&(encryption_block(state, "method = method.aes_gcm.new", Some(1000)) + RESOURCES));
        let r = run(&w, &["plan"], PASS);
        r.code(1).stderr_has(want).stderr_has("main.mp.hcl:");
        assert!(!r.stderr.contains("needs `method"), "one error per mistake:\n{}", r.stderr);
    }
    let w = Work::new(
        &(encryption_block("method = method.aes_gcm.new", "method = method.aes_gcm.new", Some(1000))
            .replace("key_provider.pbkdf2.mykey", "key_provider.pbkdf2.other")
            + RESOURCES),
    );
    run(&w, &["validate"], PASS).code(1).stderr_has("undeclared key_provider.pbkdf2.other");
    let w = Work::new(
        &(encryption_block("method = method.aes_gcm.new", "method = method.aes_gcm.new", Some(10)) + RESOURCES),
    );
    run(&w, &["plan"], PASS).code(1).stderr_has("`iterations` must be a whole number from 1000");
    let short = "shortpass";
    let r = run(
        &Work::new(
            &(encryption_block("method = method.aes_gcm.new", "method = method.aes_gcm.new", Some(1000)) + RESOURCES),
        ),
        &["plan"],
        short,
    );
    r.code(1).stderr_has("at least 16 characters");
    assert!(!r.all().contains(short), "the passphrase was printed:\n{}", r.all());

    // terraform {}: unknown blocks and arguments are errors; Terraform's own are accepted.
    let w = Work::new("terraform {\n  required_version = \">= 1.0\"\n  experiments = []\n  required_providers {}\n  cloud {}\n  provider_meta \"x\" {}\n  backnd \"local\" {}\n  bogus = 1\n}\n");
    let r = w.run(&["validate"]);
    r.code(1)
        .stderr_has("unsupported block `backnd` in `terraform`")
        .stderr_has("backend")
        .stderr_has("unsupported argument `bogus` in `terraform`");
    for ok in ["`required_version`", "`experiments`", "`required_providers`", "`cloud`", "`provider_meta`"] {
        assert!(
            !r.stderr.contains(&format!("unsupported argument {ok}"))
                && !r.stderr.contains(&format!("unsupported block {ok}")),
            "{ok} refused:\n{}",
            r.stderr
        );
    }
}

/// OpenTofu's default 600,000 PBKDF2 rounds, no test-only bound: prints the time it takes.
#[test]
fn default_iterations_work() {
    let config = encryption_block("method = method.aes_gcm.new", "method = method.aes_gcm.new", None) + RESOURCES;
    let w = Work::new(&config);
    let env = [("TF_VAR_passphrase", PASS), ("TF_VAR_db_password", DB_PASSWORD)];
    let t = std::time::Instant::now();
    meshplan_env(w.path(), &["apply", "-auto-approve"], &env).ok();
    let with = t.elapsed();
    meshplan_env(w.path(), &["plan", "-detailed-exitcode"], &env).ok();
    let plain = Work::new(RESOURCES);
    let t = std::time::Instant::now();
    meshplan_env(plain.path(), &["apply", "-auto-approve"], &env).ok();
    eprintln!("apply with encryption (600000 rounds): {with:?}; without: {:?}", t.elapsed());
}

#[test]
fn the_passphrase_may_come_from_locals() {
    let config = encryption_block("method = method.aes_gcm.new", "method = method.aes_gcm.new", Some(1000))
        .replace("passphrase = var.passphrase", "passphrase = local.outer")
        + RESOURCES
        + "locals {\n  inner = \"${var.passphrase}!\"\n  outer = upper(local.inner)\n}\n";
    let w = Work::new(&config);
    run(&w, &["apply", "-auto-approve"], PASS).ok();
    assert_eq!(state_list(&w, PASS).len(), 2);
    run(&w, &["plan"], "another passphrase, long").code(1).stderr_has("wrong passphrase or key?");
    // A cycle of locals is an error, not a hang (the encryption is evaluated before the graph).
    w.config(
        &(config.replace("passphrase = local.outer", "passphrase = local.loop_a")
            + "locals {\n  loop_a = local.loop_b\n  loop_b = local.loop_a\n}\n"),
    );
    run(&w, &["plan"], PASS).code(1).stderr_has("cannot evaluate `passphrase`");
}

#[test]
fn workspaces_are_encrypted_and_delete_reads_them() {
    let w = Work::new(&encrypted(false));
    run(&w, &["workspace", "new", "staging"], PASS).ok();
    run(&w, &["apply", "-auto-approve"], PASS).ok();
    assert_eq!(files_with(&w.path().join(".meshplan"), "PRIVATE KEY"), Vec::<String>::new());
    run(&w, &["workspace", "select", "default"], PASS).ok();
    run(&w, &["workspace", "delete", "staging"], PASS).code(1).stderr_has("still manages 2 resource instance");
    run(&w, &["workspace", "delete", "staging"], "not the right passphrase")
        .code(1)
        .stderr_has("wrong passphrase or key?");
}
