//! The S3 backend against moto: layout, conditional writes, locks, backups, workspaces,
//! encryption. Each test gets its own bucket on one shared moto.

use meshplan_emulators::{Emulators, Options};
use meshplan_state::{Commit, Encryption, LockInfo, Mode, RecordStatus, ResourceRecord, StateBackend, StateError};
use meshplan_state_aws::{S3Config, S3Store};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

fn emulators() -> &'static Emulators {
    static EMU: OnceLock<Emulators> = OnceLock::new();
    EMU.get_or_init(|| {
        Emulators::start(&Options::clusters(&[])).expect("moto must start (scripts/setup-test-tools installs it)")
    })
}

/// A fresh bucket (versioned or not) and a store on it.
fn store(bucket: &str, versioned: bool) -> S3Store {
    let emu = emulators();
    let versioning = if versioned {
        format!("s3.put_bucket_versioning(Bucket={bucket:?}, VersioningConfiguration={{'Status': 'Enabled'}})")
    } else {
        String::new()
    };
    emu.boto3(&format!("s3 = client('s3')\ns3.create_bucket(Bucket={bucket:?})\n{versioning}\n")).unwrap();
    let args = serde_json::json!({
        "bucket": bucket, "key": "mesh/terraform.tfstate", "region": emu.region(),
        "endpoints": {"s3": emu.moto().url()}, "use_path_style": true,
        "access_key": "test", "secret_key": "test", "skip_credentials_validation": true, "use_lockfile": true,
    });
    let config = S3Config::from_arguments(&serde_json::from_value(args).unwrap(), |_| None).unwrap();
    S3Store::connect(config).unwrap()
}

fn record(address: &str, secret: &str) -> ResourceRecord {
    ResourceRecord {
        address: address.into(),
        mode: Mode::Managed,
        type_name: "tls_private_key".into(),
        provider: "provider[\"tls\"]".into(),
        attributes: serde_json::json!({"id": address, "private_key_pem": secret}),
        sensitive_paths: Vec::new(),
        dependencies: Vec::new(),
        schema_version: 0,
        status: RecordStatus::Ok,
        deposed: None,
    }
}

fn object(bucket: &str, key: &str) -> Option<String> {
    let out = emulators()
        .boto3(&format!(
            "s3 = client('s3')\ntry:\n    print(s3.get_object(Bucket={bucket:?}, Key={key:?})['Body'].read().decode(), end='')\nexcept s3.exceptions.NoSuchKey:\n    print('<absent>', end='')\n"
        ))
        .unwrap();
    (out != "<absent>").then_some(out)
}

fn info(op: &str) -> LockInfo {
    LockInfo::for_this_process(op)
}

#[test]
fn two_working_directories_share_one_state_object() {
    let first = store("share", false).workspace("default", Encryption::default());
    assert_eq!(first.read().unwrap().serial, 0, "no object yet: an empty state");
    first.commit(vec![Commit::Put(record("tls_private_key.a", "k1"))]).unwrap();
    first
        .commit(vec![Commit::Put(record("tls_private_key.b", "k2")), Commit::Remove("tls_private_key.a".into())])
        .unwrap();

    // Another process (its own client and cache) sees what the first wrote.
    let second = store_again("share").workspace("default", Encryption::default());
    let seen = second.read().unwrap();
    assert_eq!(seen.serial, 2);
    assert_eq!(seen.resources.keys().collect::<Vec<_>>(), vec!["tls_private_key.b"]);
    assert!(!seen.lineage.is_empty());

    // The object is the document `state pull` prints, at Terraform's key.
    let doc: serde_json::Value = serde_json::from_str(&object("share", "mesh/terraform.tfstate").unwrap()).unwrap();
    assert_eq!(doc["serial"], 2);
    assert_eq!(doc["lineage"], seen.lineage.as_str());
}

/// The same bucket, through a new client: as a second working directory would.
fn store_again(bucket: &str) -> S3Store {
    let emu = emulators();
    let args = serde_json::json!({
        "bucket": bucket, "key": "mesh/terraform.tfstate", "region": emu.region(),
        "endpoints": {"s3": emu.moto().url()}, "use_path_style": true, "access_key": "test", "secret_key": "test",
    });
    S3Store::connect(S3Config::from_arguments(&serde_json::from_value(args).unwrap(), |_| None).unwrap()).unwrap()
}

#[test]
fn a_write_over_a_state_changed_since_it_was_read_is_refused() {
    let a = store("race", false).workspace("default", Encryption::default());
    let b = store_again("race").workspace("default", Encryption::default());
    a.commit(vec![Commit::Put(record("tls_private_key.a", "k"))]).unwrap();
    b.read().unwrap();
    a.commit(vec![Commit::Put(record("tls_private_key.from_a", "k"))]).unwrap();
    let err = b.commit(vec![Commit::Put(record("tls_private_key.from_b", "k"))]).unwrap_err().to_string();
    assert!(err.contains("changed by another writer"), "{err}");
    let state = a.read().unwrap();
    assert!(state.resources.contains_key("tls_private_key.from_a"), "the first writer's change survives");
    assert!(!state.resources.contains_key("tls_private_key.from_b"));

    // Two fresh states created at once: exactly one creator wins.
    let c = store_again("race").workspace("fresh", Encryption::default());
    let d = store_again("race").workspace("fresh", Encryption::default());
    c.read().unwrap();
    d.read().unwrap();
    c.commit(vec![Commit::Put(record("x.c", "k"))]).unwrap();
    assert!(d.commit(vec![Commit::Put(record("x.d", "k"))]).is_err());
}

#[test]
fn the_lock_object_admits_one_holder_and_names_it() {
    let s = store("locks", false);
    let a = s.workspace("default", Encryption::default());
    let b = store_again("locks").workspace("default", Encryption::default());
    let mut holder = info("apply");
    holder.who = "alice@elsewhere".into();
    let guard = a.lock(holder.clone(), Duration::ZERO).unwrap();
    let lock_doc: serde_json::Value =
        serde_json::from_str(&object("locks", "mesh/terraform.tfstate.tflock").unwrap()).unwrap();
    assert_eq!(lock_doc["ID"], holder.id.as_str());
    assert_eq!(lock_doc["Operation"], "OperationTypeApply");

    match b.lock(info("plan"), Duration::from_millis(600)) {
        Err(StateError::Locked(h)) => {
            assert_eq!((h.who.as_str(), h.id.as_str()), ("alice@elsewhere", holder.id.as_str()))
        }
        other => panic!("expected Locked, got {other:?}"),
    }
    assert_eq!(b.lock_holder().unwrap().map(|h| h.id), Some(holder.id.clone()));
    drop(guard);
    assert_eq!(object("locks", "mesh/terraform.tfstate.tflock"), None, "released on drop");

    let g = b.lock(info("apply"), Duration::ZERO).unwrap();
    assert!(matches!(a.force_unlock("not-the-id"), Err(StateError::NoSuchLock(_))));
    a.force_unlock(&g.info.id).unwrap();
    assert!(b.lock_holder().unwrap().is_none());
    std::mem::forget(g);
}

#[test]
fn a_lock_left_by_a_dead_process_of_this_host_is_taken_over() {
    let s = store("deadlock", false).workspace("default", Encryption::default());
    let mut dead = info("apply");
    dead.pid = u32::MAX - 1; // no such process
    std::mem::forget(s.lock(dead.clone(), Duration::ZERO).unwrap());
    let guard = s.lock(info("apply"), Duration::ZERO).unwrap();
    assert_eq!(guard.taken_over.as_ref().map(|h| h.id.as_str()), Some(dead.id.as_str()));
}

#[test]
fn taking_the_lock_backs_up_the_state_unless_the_bucket_keeps_versions() {
    let plain = store("backups", false).workspace("default", Encryption::default());
    plain.commit(vec![Commit::Put(record("tls_private_key.a", "k"))]).unwrap();
    let g = plain.lock(info("apply"), Duration::ZERO).unwrap();
    plain.commit(vec![Commit::Put(record("tls_private_key.b", "k"))]).unwrap();
    drop(g);
    let backup: serde_json::Value =
        serde_json::from_str(&object("backups", "mesh/terraform.tfstate.backup").unwrap()).unwrap();
    assert_eq!(backup["serial"], 1, "the state as it was when the run began");

    let versioned = store("versioned", true).workspace("default", Encryption::default());
    versioned.commit(vec![Commit::Put(record("tls_private_key.a", "k"))]).unwrap();
    drop(versioned.lock(info("apply"), Duration::ZERO).unwrap());
    assert_eq!(object("versioned", "mesh/terraform.tfstate.backup"), None, "object versions are the backups");
}

#[test]
fn workspaces_are_objects_under_the_prefix() {
    let s = store("spaces", false);
    s.workspace("default", Encryption::default()).commit(vec![Commit::Put(record("a.b", "k"))]).unwrap();
    s.workspace("staging", Encryption::default()).commit(vec![Commit::Put(record("a.c", "k"))]).unwrap();
    s.workspace("prod", Encryption::default()).commit(vec![Commit::Put(record("a.d", "k"))]).unwrap();
    assert!(object("spaces", "env:/staging/mesh/terraform.tfstate").is_some());
    assert_eq!(s.workspaces().unwrap(), vec!["default", "prod", "staging"]);
    s.delete_workspace("staging").unwrap();
    assert_eq!(s.workspaces().unwrap(), vec!["default", "prod"]);
    assert_eq!(
        s.workspace("prod", Encryption::default()).read().unwrap().resources.keys().collect::<Vec<_>>(),
        vec!["a.d"]
    );
}

#[test]
fn an_encrypted_state_object_holds_no_secret_and_needs_the_key() {
    let cipher = |pass: &str| {
        let mut p = meshplan_state::cipher::Pbkdf2Params::new(pass.into());
        p.iterations = 1000;
        Encryption { primary: Arc::new(meshplan_state::cipher::AesGcm::new(p).unwrap()), fallback: None }
    };
    let s = store("sealed", false);
    let w = s.workspace("default", cipher("correct horse battery staple"));
    w.commit(vec![Commit::Put(record("tls_private_key.a", "-----BEGIN PRIVATE KEY-----SECRETBODY"))]).unwrap();
    let raw = object("sealed", "mesh/terraform.tfstate").unwrap();
    assert!(!raw.contains("SECRETBODY") && !raw.contains("tls_private_key.a"), "sealed whole: {raw}");
    assert_eq!(
        w.read().unwrap().resources["tls_private_key.a"].attributes["private_key_pem"],
        "-----BEGIN PRIVATE KEY-----SECRETBODY"
    );

    let wrong = store_again("sealed").workspace("default", cipher("not the right passphrase!"));
    assert!(matches!(wrong.read(), Err(StateError::Cipher(_))), "a wrong key is an error, never an empty state");
    let none = store_again("sealed").workspace("default", Encryption::default());
    assert!(none.read().is_err(), "no key: an error");
}

#[test]
fn encrypt_asks_s3_for_server_side_encryption() {
    let emu = emulators();
    emu.boto3("client('s3').create_bucket(Bucket='sse')\n").unwrap();
    let key_id = emu.boto3("print(client('kms').create_key()['KeyMetadata']['KeyId'], end='')\n").unwrap();
    for (key, kms) in [("aes.tfstate", None), ("kms.tfstate", Some(key_id.as_str()))] {
        let mut args = serde_json::json!({
            "bucket": "sse", "key": key, "region": emu.region(), "encrypt": true,
            "endpoints": {"s3": emu.moto().url()}, "use_path_style": true, "access_key": "test", "secret_key": "test",
        });
        if let Some(id) = kms {
            args["kms_key_id"] = serde_json::json!(id);
        }
        let store =
            S3Store::connect(S3Config::from_arguments(&serde_json::from_value(args).unwrap(), |_| None).unwrap())
                .unwrap();
        store.workspace("default", Encryption::default()).commit(vec![Commit::Put(record("a.b", "k"))]).unwrap();
        let sse = emu.boto3(&format!("h = client('s3').head_object(Bucket='sse', Key={key:?})\nprint(h.get('ServerSideEncryption'), h.get('SSEKMSKeyId', ''), end='')\n")).unwrap();
        match kms {
            None => assert_eq!(sse.trim(), "AES256"),
            Some(id) => assert!(sse.starts_with("aws:kms") && sse.contains(id), "{sse}"),
        }
    }
}
