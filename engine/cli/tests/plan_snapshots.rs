//! Plan rendering snapshots: each `tests/fixtures/plan/<case>/` holds `before.mp.hcl` (applied
//! first, to make the prior state), `after.mp.hcl` (then planned) and any module directories.
//! The plan text (`-no-color`) and the JSON plan, with temp paths, UUIDs, ports and timestamps
//! normalized, are compared with the committed snapshots in `tests/snapshots/`.
//!
//! Review changes with `cargo insta review`, or regenerate with `INSTA_UPDATE=always cargo test
//! -p meshplan-cli --test plan_snapshots` and read the diff before committing. In CI
//! (`CI=true`) insta never writes snapshots, so a changed rendering fails the build.

mod common;

use common::{copy_dir, Work};
use std::path::Path;

/// Replaces what differs between runs: the work directory, UUIDs, the server port.
fn normalize(text: &str, dir: &Path, url: &str) -> String {
    let mut t = text.to_string();
    for d in [std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf()), dir.to_path_buf()] {
        t = t.replace(&d.display().to_string(), "<DIR>");
    }
    if !url.is_empty() {
        t = t.replace(url, "<URL>");
    }
    replace_uuids(&t)
}

fn replace_uuids(t: &str) -> String {
    let is_uuid = |s: &[u8]| {
        s.len() == 36
            && s.iter().enumerate().all(|(i, c)| {
                if [8, 13, 18, 23].contains(&i) {
                    *c == b'-'
                } else {
                    c.is_ascii_hexdigit() && !c.is_ascii_uppercase()
                }
            })
    };
    let b = t.as_bytes();
    let mut out = String::with_capacity(t.len());
    let mut i = 0;
    while i < b.len() {
        if i + 36 <= b.len() && is_uuid(&b[i..i + 36]) {
            out.push_str("<UUID>");
            i += 36;
        } else {
            let ch = t[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// The JSON plan with volatile fields blanked, pretty-printed.
fn normalize_json(text: &str, dir: &Path, url: &str) -> String {
    fn blank(j: &mut serde_json::Value) {
        match j {
            serde_json::Value::Object(o) => {
                for (k, v) in o.iter_mut() {
                    if k == "timestamp" || k == "terraform_version" {
                        *v = serde_json::Value::String(format!("<{}>", k.to_uppercase()));
                    } else {
                        blank(v);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(blank),
            _ => {}
        }
    }
    let mut j: serde_json::Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("plan -json is not JSON ({e}):\n{text}"));
    blank(&mut j);
    normalize(&serde_json::to_string_pretty(&j).unwrap(), dir, url)
}

struct Planned {
    text: String,
    json: String,
}

fn plan_fixture(name: &str) -> Planned {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plan").join(name);
    let w = Work::new("");
    copy_dir(&root, w.path());
    std::fs::remove_file(w.file("after.mp.hcl")).unwrap();
    std::fs::rename(w.file("before.mp.hcl"), w.file("main.mp.hcl")).unwrap();
    let url = if name.contains("data-source") { common::serve_http("{\"replicas\": 3}") } else { String::new() };
    let var = format!("url={url}");
    let vars: Vec<&str> = if url.is_empty() { vec![] } else { vec!["-var", &var] };
    let with = |args: &[&str]| -> Vec<String> {
        args.iter().map(|s| s.to_string()).chain(vars.iter().map(|s| s.to_string())).collect()
    };
    let run = |args: Vec<String>| w.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    run(with(&["apply", "-auto-approve"])).ok();
    std::fs::copy(root.join("after.mp.hcl"), w.file("main.mp.hcl")).unwrap();
    let text = run(with(&["plan", "-no-color"]));
    text.ok();
    let json = run(with(&["plan", "-json"]));
    json.ok();
    Planned { text: normalize(&text.stdout, w.path(), &url), json: normalize_json(&json.stdout, w.path(), &url) }
}

macro_rules! fixture {
    ($test:ident, $name:literal) => {
        #[test]
        fn $test() {
            let p = plan_fixture($name);
            insta::assert_snapshot!(concat!($name, ".txt"), p.text);
            insta::assert_snapshot!(concat!($name, ".json"), p.json);
        }
    };
}

fixture!(create, "01-create");
fixture!(update_in_place, "02-update-in-place");
fixture!(replace_forced, "03-replace-forced");
fixture!(delete, "04-delete");
fixture!(create_before_destroy, "05-create-before-destroy");
fixture!(data_source_read, "06-data-source-read");
fixture!(multiline_string, "07-multiline-string");
fixture!(json_document, "08-json-document");
fixture!(sensitive, "09-sensitive");
fixture!(output_changes, "10-output-changes");
fixture!(no_changes, "11-no-changes");
fixture!(module_count_for_each, "12-module-count-for-each");

/// Beyond the snapshot: the secret values themselves never reach either rendering.
#[test]
fn sensitive_values_are_not_rendered() {
    let p = plan_fixture("09-sensitive");
    for secret in ["old-secret-token", "new-secret-token"] {
        assert!(!p.text.contains(secret) && !p.json.contains(secret), "{secret} leaked:\n{}\n{}", p.text, p.json);
    }
}
