//! Every local example (no emulators needed) applies, re-plans "No changes.", and destroys,
//! through the real binary, in a temporary copy.

use std::path::{Path, PathBuf};
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let name = e.file_name();
        if name == ".meshplan" || name == "out" {
            continue;
        }
        if p.is_dir() {
            copy_dir(&p, &to.join(&name));
        } else {
            std::fs::copy(&p, to.join(&name)).unwrap();
        }
    }
}

fn meshplan(dir: &Path, args: &[&str]) -> (i32, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_meshplan")).current_dir(dir).args(args).arg("-no-color").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(!text.contains("panicked"), "{text}");
    (out.status.code().unwrap_or(-1), text)
}

fn round_trip(example: &str) {
    let src: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "..", "examples", example].iter().collect();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(example);
    copy_dir(&src, &dir);
    let (code, text) = meshplan(&dir, &["apply", "-auto-approve"]);
    assert_eq!(code, 0, "apply failed:\n{text}");
    assert!(text.contains("Apply complete!"), "{text}");
    let (code, text) = meshplan(&dir, &["plan", "-detailed-exitcode"]);
    assert_eq!(code, 0, "a second plan must find nothing to do:\n{text}");
    assert!(text.contains("No changes."), "{text}");
    let (code, text) = meshplan(&dir, &["destroy", "-auto-approve"]);
    assert_eq!(code, 0, "destroy failed:\n{text}");
    let (_, list) = meshplan(&dir, &["state", "list"]);
    assert!(list.trim().is_empty(), "state not empty after destroy: {list}");
}

#[test]
fn hello_round_trip() {
    round_trip("hello");
}

#[test]
fn pki_round_trip() {
    round_trip("pki");
}

#[test]
fn every_example_and_module_test_config_validates() {
    let root: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", ".."].iter().collect();
    let mut dirs = Vec::new();
    for parent in ["examples", "tests/modules"] {
        for e in std::fs::read_dir(root.join(parent)).unwrap().flatten() {
            if e.path().is_dir() {
                dirs.push(e.path());
            }
        }
    }
    assert!(dirs.len() >= 8, "{dirs:?}");
    for d in dirs {
        let (code, text) = meshplan(&d, &["validate"]);
        assert_eq!(code, 0, "{} does not validate:\n{text}", d.display());
    }
}
