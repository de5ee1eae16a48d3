//! The Kubernetes-side modules applied end to end against kube test servers:
//! tests/scripts/run-all.sh (network-security-baseline, spire-federation-local, nsm,
//! cert-manager by URL + sha256), each plan → apply → no-change plan → kubectl checks → destroy.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn kubernetes_modules_round_trip_on_test_servers() {
    let meshplan = PathBuf::from(env!("CARGO_BIN_EXE_meshplan"));
    // Built beside meshplan by `cargo test --workspace`; build it here when run alone.
    let server = meshplan.with_file_name("kube-test-server");
    if !server.exists() {
        let ok = Command::new(env!("CARGO")).args(["build", "-q", "-p", "kube-test-server"]).status().map(|s| s.success()).unwrap_or(false);
        assert!(ok && server.exists(), "kube-test-server binary not found at {}", server.display());
    }
    let root: PathBuf = [env!("CARGO_MANIFEST_DIR"), ".."].iter().collect();
    let out = Command::new("bash")
        .arg(root.join("tests/scripts/run-all.sh"))
        .current_dir(&root)
        .env("MESHPLAN", &meshplan)
        .env("KUBE_TEST_SERVER", &server)
        .output()
        .expect("run tests/scripts/run-all.sh");
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "module scripts failed:\n{text}");
    for name in ["network-security-baseline", "spire-federation-local", "nsm", "cert-manager-url"] {
        assert!(text.contains(&format!("PASS {name}")), "{name} did not pass:\n{text}");
    }
    assert!(!text.contains("FAIL"), "{text}");
}
