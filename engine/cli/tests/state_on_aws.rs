//! State on AWS through the real binary against moto: `backend "s3"` (init, two working
//! directories on one state, concurrent applies (one refused, naming the holder), workspaces,
//! migration from the local backend and back, encryption of the object, `state pull`) and the
//! `aws_kms` key provider.

mod common;

use common::{meshplan_env, Run, Work};
use meshplan_emulators::{Emulators, Options};
use std::sync::OnceLock;

fn emulators() -> &'static Emulators {
    static EMU: OnceLock<Emulators> = OnceLock::new();
    EMU.get_or_init(|| {
        Emulators::start(&Options::clusters(&[])).expect("moto must start (scripts/setup-test-tools installs it)")
    })
}

fn bucket(name: &str) {
    emulators().boto3(&format!("client('s3').create_bucket(Bucket={name:?})\n")).unwrap();
}

/// The object's text, or None when absent.
fn object(bucket: &str, key: &str) -> Option<String> {
    let out = emulators()
        .boto3(&format!(
            "s3 = client('s3')\ntry:\n    print(s3.get_object(Bucket={bucket:?}, Key={key:?})['Body'].read().decode(), end='')\nexcept s3.exceptions.NoSuchKey:\n    print('<absent>', end='')\n"
        ))
        .unwrap();
    (out != "<absent>").then_some(out)
}

fn backend_block(bucket: &str) -> String {
    format!(
        r#"
terraform {{
  backend "s3" {{
    bucket         = "{bucket}"
    key            = "mesh/terraform.tfstate"
    region         = "us-east-1"
    use_lockfile   = true
    use_path_style = true
    endpoints {{
      s3 = "{url}"
    }}
    skip_credentials_validation = true
    skip_requesting_account_id  = true
  }}
}}
"#,
        url = emulators().moto().url()
    )
}

const RESOURCES: &str = r#"
variable "pause" {
  type    = string
  default = "0s"
}
resource "tls_private_key" "k" {
  algorithm = "ED25519"
}
resource "time_sleep" "wait" {
  create_duration = var.pause
  triggers        = { key = tls_private_key.k.id }
}
resource "terraform_data" "d" {
  input = "${terraform.workspace}-${time_sleep.wait.id}"
}
output "where" {
  value = terraform_data.d.output
}
"#;

fn run(w: &Work, args: &[&str]) -> Run {
    let env: Vec<(String, String)> = emulators().env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    meshplan_env(w.path(), args, &env)
}

fn s3_work(bucket_name: &str) -> Work {
    Work::new(&(backend_block(bucket_name) + RESOURCES))
}

#[test]
fn two_working_directories_share_the_state_and_a_second_apply_is_refused() {
    bucket("team");
    let first = s3_work("team");
    let r = run(&first, &["plan"]);
    r.code(1).stderr_has("backend initialization required").stderr_has("meshplan init");
    run(&first, &["init"]).ok().stdout_has("s3://team/mesh/terraform.tfstate");
    run(&first, &["apply", "-auto-approve"]).ok();
    assert!(!first.path().join(".meshplan/state").exists(), "no local state with an s3 backend");
    let doc: serde_json::Value =
        serde_json::from_str(&object("team", "mesh/terraform.tfstate").expect("the state object")).unwrap();
    assert!(doc["resources"]["terraform_data.d"].is_object(), "{doc}");

    // A colleague's checkout: same config, its own .meshplan.
    let second = s3_work("team");
    run(&second, &["init"]).ok();
    run(&second, &["plan", "-detailed-exitcode"]).code(0).stdout_has("No changes");
    let listed = run(&second, &["state", "list"]);
    listed.ok().stdout_has("tls_private_key.k").stdout_has("terraform_data.d");
    let pulled = run(&second, &["state", "pull"]);
    let pulled: serde_json::Value = serde_json::from_str(&pulled.stdout).unwrap();
    assert_eq!(pulled, doc, "state pull prints the object");

    // Two applies at once: the second is refused, naming the holder; nothing is lost.
    let mut slow = std::process::Command::new(env!("CARGO_BIN_EXE_meshplan"));
    slow.current_dir(first.path())
        .args(["apply", "-auto-approve", "-replace=time_sleep.wait", "-var", "pause=4s"])
        .env("NO_COLOR", "1");
    for (k, v) in emulators().env() {
        slow.env(k, v);
    }
    let child = slow.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while object("team", "mesh/terraform.tfstate.tflock").is_none() {
        assert!(std::time::Instant::now() < deadline, "the first apply never took the lock");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let refused = run(&second, &["apply", "-auto-approve"]);
    refused.code(1).stderr_has("locked by").stderr_has("apply");
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(object("team", "mesh/terraform.tfstate.tflock"), None, "the lock is released at exit");
    assert!(object("team", "mesh/terraform.tfstate.backup").is_some(), "the previous state is kept");
    run(&second, &["plan", "-detailed-exitcode", "-var", "pause=4s"]).code(0);
}

#[test]
fn workspaces_live_beside_the_default_state() {
    bucket("spaces");
    let w = s3_work("spaces");
    run(&w, &["init"]).ok();
    run(&w, &["apply", "-auto-approve"]).ok();
    run(&w, &["workspace", "new", "staging"]).ok();
    run(&w, &["apply", "-auto-approve"]).ok();
    let staging: serde_json::Value =
        serde_json::from_str(&object("spaces", "env:/staging/mesh/terraform.tfstate").unwrap()).unwrap();
    assert!(staging["outputs"]["where"]["value"].as_str().unwrap().starts_with("staging-"), "{staging}");
    let list = run(&w, &["workspace", "list"]);
    list.ok();
    assert_eq!(list.stdout.lines().map(str::trim).collect::<Vec<_>>(), vec!["default", "* staging"]);
    run(&w, &["workspace", "select", "default"]).ok();
    run(&w, &["workspace", "delete", "staging"]).code(1).stderr_has("still manages");
    run(&w, &["workspace", "delete", "-force", "staging"]).ok();
    assert_eq!(object("spaces", "env:/staging/mesh/terraform.tfstate"), None);
}

#[test]
fn init_migrate_state_moves_a_local_state_to_s3_and_back() {
    bucket("moving");
    let w = Work::new(RESOURCES);
    run(&w, &["apply", "-auto-approve"]).ok();
    let before = run(&w, &["state", "pull"]);
    let before: serde_json::Value = serde_json::from_str(&before.stdout).unwrap();

    w.config(&(backend_block("moving") + RESOURCES));
    run(&w, &["plan"]).code(1).stderr_has("init -migrate-state");
    run(&w, &["init"]).code(1).stderr_has("backend configuration changed");
    run(&w, &["init", "-migrate-state"]).ok().stdout_has("Copied the state of workspace(s) default");
    let moved: serde_json::Value = serde_json::from_str(&object("moving", "mesh/terraform.tfstate").unwrap()).unwrap();
    assert_eq!(moved["lineage"], before["lineage"], "the lineage moves with the state");
    assert_eq!(moved["resources"], before["resources"]);
    run(&w, &["plan", "-detailed-exitcode"]).code(0);

    // And back: the backend block removed.
    w.config(RESOURCES);
    run(&w, &["plan"]).code(1).stderr_has("backend initialization required");
    std::fs::remove_dir_all(w.path().join(".meshplan/state")).ok();
    std::fs::remove_file(w.path().join(".meshplan/lineage")).ok();
    let env: Vec<(String, String)> = emulators().env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    meshplan_env(w.path(), &["init", "-migrate-state"], &env).ok();
    run(&w, &["plan", "-detailed-exitcode"]).code(0);
    assert_eq!(run(&w, &["state", "list"]).stdout.lines().count(), 3);
}

#[test]
fn an_encrypted_state_object_holds_no_private_key() {
    bucket("sealed");
    let config = backend_block("sealed").replace(
        "terraform {\n",
        "terraform {\n  encryption {\n    key_provider \"pbkdf2\" \"k\" {\n      passphrase = \"correct horse battery staple\"\n    }\n    method \"aes_gcm\" \"m\" {\n      keys = key_provider.pbkdf2.k\n    }\n    state {\n      method = method.aes_gcm.m\n    }\n  }\n",
    ) + RESOURCES;
    let w = Work::new(&config);
    let env: Vec<(String, String)> = emulators()
        .env()
        .into_iter()
        .chain([("MESHPLAN_TEST_PBKDF2_MIN_ITERATIONS".to_string(), "1000".to_string())])
        .collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    meshplan_env(w.path(), &["init"], &env).ok();
    meshplan_env(w.path(), &["apply", "-auto-approve"], &env).ok();
    let raw = object("sealed", "mesh/terraform.tfstate").unwrap();
    assert!(!raw.contains("PRIVATE KEY") && !raw.contains("tls_private_key"), "sealed: {}", &raw[..raw.len().min(300)]);
    let wrong = w.file("main.mp.hcl");
    std::fs::write(&wrong, config.replace("correct horse battery staple", "a different passphrase!!")).unwrap();
    meshplan_env(w.path(), &["plan"], &env).code(1).stderr_has("passphrase");
}

#[test]
fn backend_arguments_are_checked_with_spans() {
    let w = Work::new(&backend_block("x").replace("use_lockfile", "use_lokfile"));
    let r = run(&w, &["init"]);
    r.code(1).no_panic().stderr_has("use_lokfile").stderr_has("main.mp.hcl:");
    let w = Work::new("terraform {\n  backend \"s3\" {\n    bucket = var.b\n    key = \"k\"\n  }\n}\n");
    run(&w, &["init"]).code(1).stderr_has("variables may not be used here").stderr_has("main.mp.hcl:3");
    bucket("exists");
    let w = Work::new(&backend_block("no-such-bucket"));
    run(&w, &["init"]).code(1).no_panic().stderr_has("no-such-bucket");
}

fn kms_key() -> String {
    emulators()
        .boto3("print(client('kms').create_key(KeySpec='SYMMETRIC_DEFAULT')['KeyMetadata']['KeyId'], end='')\n")
        .unwrap()
}

fn kms_config(key_id: &str) -> String {
    format!(
        r#"
terraform {{
  encryption {{
    key_provider "aws_kms" "k" {{
      kms_key_id = "{key_id}"
      key_spec   = "AES_256"
      region     = "us-east-1"
      endpoints {{
        kms = "{url}"
      }}
    }}
    method "aes_gcm" "m" {{
      keys = key_provider.aws_kms.k
    }}
    state {{
      method = method.aes_gcm.m
    }}
    plan {{
      method = method.aes_gcm.m
    }}
  }}
}}
"#,
        url = emulators().moto().url()
    ) + RESOURCES
}

#[test]
fn aws_kms_key_provider_seals_state_and_plan_with_kms_data_keys() {
    let key = kms_key();
    let w = Work::new(&kms_config(&key));
    run(&w, &["plan", "-out", "p.plan"]).ok();
    let plan = std::fs::read(w.file("p.plan")).unwrap();
    assert!(String::from_utf8_lossy(&plan).contains("aws_kms"), "the plan file is a KMS envelope");
    run(&w, &["apply", "-auto-approve", "p.plan"]).ok();
    for entry in walk(&w.path().join(".meshplan")) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("PRIVATE KEY"), "{} holds the key in clear", entry.display());
    }
    run(&w, &["plan", "-detailed-exitcode"]).code(0);
    let out = run(&w, &["output", "-raw", "where"]);
    out.ok().stdout_has("default-");

    // Another KMS key cannot open it: exit 1, a clear message, the state untouched.
    let other = kms_key();
    w.config(&kms_config(&other));
    let r = run(&w, &["plan"]);
    r.code(1).no_panic().stderr_has("cannot decrypt the state");
    w.config(&kms_config(&key));
    run(&w, &["plan", "-detailed-exitcode"]).code(0);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// `terraform_remote_state` with `backend = "s3"`: the outputs of a meshplan state and of a
/// Terraform state object (its `outputs` have the same shape).
#[test]
fn remote_state_reads_outputs_from_s3() {
    bucket("shared");
    let producer = s3_work("shared");
    run(&producer, &["init"]).ok();
    run(&producer, &["apply", "-auto-approve"]).ok();
    emulators()
        .boto3("client('s3').put_object(Bucket='shared', Key='tf/terraform.tfstate', Body=json.dumps({'version': 4, 'terraform_version': '1.11.0', 'serial': 3, 'lineage': 'x', 'outputs': {'vpc_id': {'value': 'vpc-123', 'type': 'string'}, 'secret': {'value': 'hunter2', 'type': 'string', 'sensitive': True}}, 'resources': []}))\n")
        .unwrap();
    let url = emulators().moto().url();
    let consumer = Work::new(&format!(
        r#"
locals {{
  s3 = {{ bucket = "shared", region = "us-east-1", use_path_style = true, endpoints = {{ s3 = "{url}" }} }}
}}
data "terraform_remote_state" "mesh" {{
  backend = "s3"
  config  = merge(local.s3, {{ key = "mesh/terraform.tfstate" }})
}}
data "terraform_remote_state" "tf" {{
  backend = "s3"
  config  = merge(local.s3, {{ key = "tf/terraform.tfstate" }})
}}
output "where" {{
  value = data.terraform_remote_state.mesh.outputs.where
}}
output "vpc" {{
  value = data.terraform_remote_state.tf.outputs.vpc_id
}}
output "secret" {{
  value     = data.terraform_remote_state.tf.outputs.secret
  sensitive = true
}}
"#
    ));
    let applied = run(&consumer, &["apply", "-auto-approve"]);
    applied.ok();
    assert!(!applied.stdout.contains("hunter2"), "a sensitive remote output stays hidden");
    let out = run(&consumer, &["output", "-json"]).json();
    assert!(out["where"]["value"].as_str().unwrap().starts_with("default-"), "{out}");
    assert_eq!(out["vpc"]["value"], "vpc-123");
    let missing = Work::new(&format!(
        "data \"terraform_remote_state\" \"x\" {{\n  backend = \"s3\"\n  config = {{ bucket = \"shared\", key = \"nothing/here\", region = \"us-east-1\", use_path_style = true, endpoints = {{ s3 = \"{url}\" }} }}\n}}\n"
    ));
    run(&missing, &["plan"]).code(1).stderr_has("no state at s3://shared/nothing/here");
}

/// Terraform's partial configuration: an empty `backend "s3" {}` completed by
/// `init -backend-config` (KEY=VALUE and a file), kept owner-only for later commands.
#[test]
fn init_backend_config_completes_a_partial_backend_block() {
    bucket("partial");
    let w = Work::new(&(String::from("terraform {\n  backend \"s3\" {}\n}\n") + RESOURCES));
    w.write("state.s3.hcl", &format!("key = \"p/terraform.tfstate\"\nregion = \"us-east-1\"\nuse_path_style = true\nendpoints = {{ s3 = \"{}\" }}\n", emulators().moto().url()));
    run(&w, &["init"]).code(1).stderr_has("needs `bucket`");
    run(&w, &["init", "-backend-config=bucket=partial", "-backend-config=state.s3.hcl"])
        .ok()
        .stdout_has("s3://partial/p/terraform.tfstate");
    run(&w, &["apply", "-auto-approve"]).ok();
    assert!(object("partial", "p/terraform.tfstate").is_some());
    run(&w, &["plan", "-detailed-exitcode"]).code(0);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(w.path().join(".meshplan/backend-config.json")).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "owner-only: {mode:o}");
    run(&w, &["init", "-backend-config=nonsense"]).code(1).stderr_has("neither KEY=VALUE nor a file");
}
