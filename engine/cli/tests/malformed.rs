//! The malformed-configuration corpus: every case under `tests/malformed/` is run through the
//! real binary and must fail cleanly — exit code 1 (not 101), no panic, the expected message,
//! the expected `file:line:col`, the expected hint — and leave an existing state untouched.
//!
//! A case is one `NN-what.mp.hcl` file (copied as `main.mp.hcl`) or one `NN-what/` directory
//! (copied as is; its `main.mp.hcl` holds the header). The header is four comment lines:
//!
//! ```text
//! # expect: <substring of the error message>
//! # at: <file:line:col that must appear, or ->
//! # hint: <substring of the help text, or ->
//! # cmd: <commands that must fail: validate and/or plan> [| args: <extra plan args>]
//! ```
//!
//! The header lines count: line 5 of the file is the first line of the configuration.

mod common;

use common::{copy_dir, meshplan, Work};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

struct Case {
    name: String,
    path: PathBuf,
    expect: String,
    at: Option<String>,
    hint: Option<String>,
    commands: Vec<String>,
    args: Vec<String>,
}

fn header_value<'a>(text: &'a str, key: &str) -> &'a str {
    let prefix = format!("# {key}: ");
    text.lines()
        .take(4)
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("header line `# {key}:` missing"))
        .trim()
}

fn load_cases() -> Vec<Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed");
    let mut cases: Vec<Case> = std::fs::read_dir(&root)
        .expect("tests/malformed")
        .map(|e| e.expect("entry").path())
        .map(|path| {
            let main = if path.is_dir() { path.join("main.mp.hcl") } else { path.clone() };
            let text = std::fs::read_to_string(&main).expect("read case");
            let opt = |v: &str| (v != "-").then(|| v.to_string());
            let cmd_line = header_value(&text, "cmd");
            let (cmds, args) = match cmd_line.split_once(" | args: ") {
                Some((c, a)) => (c, a.split_whitespace().map(str::to_string).collect()),
                None => (cmd_line, vec![]),
            };
            Case {
                name: path.file_name().unwrap().to_string_lossy().trim_end_matches(".mp.hcl").to_string(),
                expect: header_value(&text, "expect").to_string(),
                at: opt(header_value(&text, "at")),
                hint: opt(header_value(&text, "hint")),
                commands: cmds.split_whitespace().map(str::to_string).collect(),
                args,
                path,
            }
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

/// A state with one resource, applied once; each case starts from a copy of it.
fn seed_state() -> Work {
    let w = Work::new("resource \"meshplan_data\" \"keep\" {\n  input = \"kept\"\n}\n");
    w.run(&["apply", "-auto-approve"]).ok();
    assert_eq!(w.state_list(), ["meshplan_data.keep"]);
    w
}

fn run_case(case: &Case, seed: &Path) -> Result<(), String> {
    let dir = tempfile::Builder::new().prefix("meshplan-malformed-").tempdir().map_err(|e| e.to_string())?;
    copy_dir(&seed.join(".meshplan"), &dir.path().join(".meshplan"));
    let before = meshplan(dir.path(), &["show", "-json"]);
    if case.path.is_dir() {
        copy_dir(&case.path, dir.path());
    } else {
        std::fs::copy(&case.path, dir.path().join("main.mp.hcl")).map_err(|e| e.to_string())?;
    }
    let mut problems = Vec::new();
    for cmd in &case.commands {
        let mut args: Vec<&str> = vec![cmd.as_str()];
        if cmd == "plan" {
            args.extend(case.args.iter().map(String::as_str));
        }
        let r = meshplan(dir.path(), &args);
        let mut fail = |what: String| problems.push(format!("`meshplan {}`: {what}", args.join(" ")));
        if r.code != 1 {
            fail(format!("exit code {} (want 1)", r.code));
        }
        if r.stderr.contains("panicked") {
            fail("panicked".into());
        }
        if !r.stderr.contains(&case.expect) {
            fail(format!("message {:?} missing", case.expect));
        }
        if let Some(at) = &case.at {
            if !r.stderr.contains(at.as_str()) {
                fail(format!("location {at:?} missing"));
            }
        }
        if let Some(hint) = &case.hint {
            let help = r.stderr.split_once("help:").map(|(_, h)| h).unwrap_or("");
            // miette wraps help text at 100 columns: compare with whitespace collapsed.
            let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
            if !squash(help).contains(&squash(hint)) {
                fail(format!("hint {hint:?} missing"));
            }
        }
        if problems.iter().any(|p| p.starts_with(&format!("`meshplan {}`", args.join(" ")))) {
            problems.push(format!("--- stderr of `meshplan {}`:\n{}", args.join(" "), r.stderr));
        }
    }
    // The state as read without the broken configuration (some cases break the backend block).
    let clean = tempfile::Builder::new().prefix("meshplan-malformed-state-").tempdir().map_err(|e| e.to_string())?;
    copy_dir(&dir.path().join(".meshplan"), &clean.path().join(".meshplan"));
    let after = meshplan(clean.path(), &["show", "-json"]);
    let list = meshplan(clean.path(), &["state", "list"]);
    if before.stdout != after.stdout || before.code != 0 || after.code != 0 {
        problems.push(format!(
            "state changed or unreadable:\nbefore: {}\nafter: {}{}",
            before.stdout, after.stdout, after.stderr
        ));
    }
    if list.stdout.trim() != "meshplan_data.keep" {
        problems.push(format!("state list changed: {:?}", list.stdout));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[test]
fn malformed_corpus_fails_cleanly() {
    let cases = load_cases();
    assert!(cases.len() >= 60, "the corpus has {} cases; the issue asks for at least 60", cases.len());
    let seed = seed_state();
    let next = Mutex::new(cases.iter());
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| loop {
                let Some(case) = next.lock().unwrap().next() else { break };
                if let Err(e) = run_case(case, seed.path()) {
                    failures.lock().unwrap().push(format!("== {}\n{e}", case.name));
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} malformed cases misbehaved:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// Each header names distinct expectations (a copy-pasted header would test nothing new).
#[test]
fn corpus_cases_are_distinct() {
    let cases = load_cases();
    let mut names: Vec<&str> = cases.iter().map(|c| &c.name[..2]).collect();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "two cases share a number");
}
