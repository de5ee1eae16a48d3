//! The Kubernetes-side modules applied end to end against kube test servers:
//! tests/scripts/run-all.sh (network-security-baseline, spire-federation-local, nsm,
//! cert-manager by URL + sha256), each plan → apply → no-change plan → kubectl checks → destroy.

use std::path::PathBuf;
use std::process::Command;

/// A binary of another workspace package, built beside meshplan (by `cargo test --workspace`,
/// or here when this test runs alone).
fn sibling_binary(package: &str, name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_BIN_EXE_meshplan")).with_file_name(name);
    if !path.exists() {
        let ok = Command::new(env!("CARGO"))
            .args(["build", "-q", "-p", package])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok && path.exists(), "{name} binary not found at {}", path.display());
    }
    path
}

fn run_script(script: &str) -> (bool, String) {
    let root: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", ".."].iter().collect();
    let out = Command::new("bash")
        .arg(root.join(script))
        .current_dir(&root)
        .env("MESHPLAN", env!("CARGO_BIN_EXE_meshplan"))
        .env("KUBE_TEST_SERVER", sibling_binary("kube-test-server", "kube-test-server"))
        .env("MESHPLAN_EMULATORS", sibling_binary("meshplan-emulators", "meshplan-emulators"))
        .output()
        .unwrap_or_else(|e| panic!("run {script}: {e}"));
    (out.status.success(), String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr))
}

#[test]
fn foo_bar_federation_in_one_apply_against_the_emulators() {
    // VPCs, peering, two EKS clusters in moto; cert-manager, SPIRE, federation both ways and
    // Istio with remote secrets in the two kube test servers those clusters' endpoints name.
    let (ok, text) = run_script("tests/scripts/foo-bar-federation-emulators.sh");
    assert!(ok, "foo-bar-federation failed:\n{text}");
    assert!(text.contains("PASS foo-bar-federation-emulators") && !text.contains("FAIL"), "{text}");
}

#[test]
fn nsm_on_eks_in_one_apply_against_the_emulators() {
    let (ok, text) = run_script("tests/scripts/nsm-on-eks-emulators.sh");
    assert!(ok, "nsm-on-eks failed:\n{text}");
    assert!(text.contains("PASS nsm-on-eks-emulators") && !text.contains("FAIL"), "{text}");
}

#[test]
fn irsa_in_one_apply_against_the_emulators() {
    let (ok, text) = run_script("tests/scripts/irsa-emulators.sh");
    assert!(ok && text.contains("PASS irsa-emulators") && !text.contains("FAIL"), "irsa failed:\n{text}");
}

#[test]
fn eks_network_security_in_one_apply_against_the_emulators() {
    let (ok, text) = run_script("tests/scripts/eks-network-security-emulators.sh");
    assert!(
        ok && text.contains("PASS eks-network-security-emulators") && !text.contains("FAIL"),
        "eks-network-security failed:\n{text}"
    );
}

#[test]
fn eks_anywhere_irsa_against_the_emulators() {
    let (ok, text) = run_script("tests/scripts/eks-anywhere-irsa-emulators.sh");
    assert!(
        ok && text.contains("PASS eks-anywhere-irsa-emulators") && !text.contains("FAIL"),
        "eks-anywhere-irsa failed:\n{text}"
    );
}

#[test]
fn kubernetes_modules_round_trip_on_test_servers() {
    let (ok, text) = run_script("tests/scripts/run-all.sh");
    assert!(ok, "module scripts failed:\n{text}");
    for name in ["network-security-baseline", "spire-federation-local", "nsm", "cert-manager-url"] {
        assert!(text.contains(&format!("PASS {name}")), "{name} did not pass:\n{text}");
    }
    assert!(!text.contains("FAIL"), "{text}");
}
