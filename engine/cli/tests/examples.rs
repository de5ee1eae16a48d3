//! Every local example (no emulators needed) applies, re-plans "No changes.", and destroys,
//! through the real binary, in a temporary copy; the AWS examples refuse our test fixtures as
//! install manifests when planned against AWS itself.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

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

/// `examples/<example>` with the repository layout it refers to (../../modules, ../../tests/fixtures).
fn copy_with_layout(example: &str) -> (tempfile::TempDir, PathBuf) {
    let root: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", ".."].iter().collect();
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&root.join("examples").join(example), &tmp.path().join("examples").join(example));
    copy_dir(&root.join("modules"), &tmp.path().join("modules"));
    copy_dir(&root.join("tests/fixtures"), &tmp.path().join("tests/fixtures"));
    let dir = tmp.path().join("examples").join(example);
    (tmp, dir)
}

/// A local listener standing in for every AWS endpoint: it counts connections and closes them,
/// so nothing can leave 127.0.0.1.
fn aws_stand_in() -> (String, Arc<AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (endpoint, count)
}

/// `meshplan plan` as against AWS itself (no `aws_endpoints`; fake keys), AWS reached only
/// through `endpoint`.
fn plan_against_aws(dir: &Path, endpoint: &str, extra: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_meshplan"));
    cmd.current_dir(dir)
        .arg("plan")
        .args(extra)
        .arg("-no-color")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "AKIAFAKEFAKEFAKEFAKE")
        .env("AWS_SECRET_ACCESS_KEY", "fake")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}

/// Against real AWS (`aws_endpoints` empty) an example whose install manifests are still our
/// test fixtures (placeholder `example.invalid` images) fails its plan with a message naming
/// the inputs and the README section, before any AWS call.
#[test]
fn a_plan_against_aws_with_fixture_manifests_stops_before_any_aws_call() {
    let cases: [(&str, &[&str], &[&str]); 3] = [
        ("foo-bar-federation", &[], &["cert_manager_manifests_path", "spire_crds_path", "istio_manifests_path"]),
        ("nsm-on-eks", &[], &["spire_crds_path", "nsm_manifests_path"]),
        (
            "eks-network-security",
            &["-var", "awspca_arn=arn:aws:acm-pca:us-west-2:123456789012:certificate-authority/x"],
            &["cert_manager_manifests_path", "istio_csr_manifests_path", "istio_manifests_path"],
        ),
    ];
    for (example, extra, inputs) in cases {
        let (_tmp, dir) = copy_with_layout(example);
        let (endpoint, calls) = aws_stand_in();
        let out = plan_against_aws(&dir, &endpoint, extra).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
        assert!(!text.contains("panicked"), "{text}");
        assert_eq!(out.status.code(), Some(1), "{example}: {text}");
        assert!(text.contains("are still meshplan's test fixtures"), "{example}: {text}");
        assert!(text.contains("README.md, \"Pinned inputs\""), "{example}: {text}");
        for input in inputs {
            assert!(text.contains(input), "{example}: {input} not named:\n{text}");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 0, "{example}: the plan called AWS before failing:\n{text}");
    }
}

/// The control for the test above: with inputs that are not fixtures the same plan goes on to
/// call AWS (the stand-in), so "no call" above is the validation's doing.
#[test]
fn a_plan_against_aws_with_other_inputs_gets_to_aws() {
    let (_tmp, dir) = copy_with_layout("nsm-on-eks");
    // Relative to the example, as the variables are.
    std::fs::write(dir.join("pinned.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n").unwrap();
    let (endpoint, calls) = aws_stand_in();
    let mut child = plan_against_aws(
        &dir,
        &endpoint,
        &["-var", "spire_crds_path=pinned.yaml", "-var", "nsm_manifests_path=pinned.yaml"],
    )
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null())
    .spawn()
    .unwrap();
    // The AWS calls are retried while the stand-in closes them: stop at the first.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while calls.load(Ordering::SeqCst) == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.kill().ok();
    child.wait().ok();
    assert!(calls.load(Ordering::SeqCst) > 0, "no AWS call reached the stand-in in 60 s");
}

/// modules/manifests checks a pinned file given by path: a SHA-256 that differs fails the
/// plan, naming the file; the right one (any case) passes.
#[test]
fn manifests_module_checks_the_sha256_of_a_file_given_by_path() {
    let root: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", ".."].iter().collect();
    let tmp = tempfile::tempdir().unwrap();
    let content = "# nothing to apply\n";
    std::fs::write(tmp.path().join("pinned.yaml"), content).unwrap();
    let sha = "9a8e3a7d5d1b0c4e0ef5b0b1f2f8d6f4c4bd50d1d1e0b5ee0bb5cbcc6b0ae3f9";
    let config = |sha: &str| {
        format!(
            "module \"install\" {{\n  source = \"{}\"\n  path   = \"${{path.module}}/pinned.yaml\"\n  sha256 = \"{sha}\"\n}}\n",
            root.join("modules/manifests").display()
        )
    };
    std::fs::write(tmp.path().join("main.mp.hcl"), config(sha)).unwrap();
    let (code, text) = meshplan(tmp.path(), &["plan"]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("pinned.yaml does not have SHA-256 9a8e3a7d"), "{text}");
    assert!(text.contains("it is not the pinned upstream file"), "{text}");

    let real = sha256_hex(content.as_bytes()).to_uppercase();
    std::fs::write(tmp.path().join("main.mp.hcl"), config(&real)).unwrap();
    let (code, text) = meshplan(tmp.path(), &["plan"]);
    assert_eq!(code, 0, "{text}");
}

fn sha256_hex(bytes: &[u8]) -> String {
    let out =
        Command::new("sha256sum").stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).spawn();
    let mut child = out.unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}
