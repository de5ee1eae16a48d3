//! The sled backend with encryption at rest: nothing readable on disk, wrong keys refused,
//! migrations in both directions rewrite every record and backup at lock time.

use meshplan_state::cipher::{AesGcm, Pbkdf2Params, Unencrypted};
use meshplan_state::{
    Commit, Encryption, LockInfo, Mode, OutputRecord, RecordStatus, ResourceRecord, SledBackend, StateBackend,
    StateCipher, StateError,
};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

const SECRET: &str = "-----BEGIN PRIVATE KEY-----zzz";

fn record(address: &str) -> ResourceRecord {
    ResourceRecord {
        address: address.into(),
        mode: Mode::Managed,
        type_name: "tls_private_key".into(),
        provider: "provider[\"tls\"]".into(),
        attributes: json!({"id": "x", "private_key_pem": SECRET}),
        sensitive_paths: vec![],
        dependencies: vec![],
        schema_version: 0,
        status: RecordStatus::Ok,
        deposed: None,
    }
}

fn aes(pass: &str) -> Arc<dyn StateCipher> {
    // Few rounds: these tests are about the backend, not the key derivation.
    Arc::new(AesGcm::new(Pbkdf2Params { iterations: 1000, ..Pbkdf2Params::new(pass.into()) }).unwrap())
}

fn plain() -> Arc<dyn StateCipher> {
    Arc::new(Unencrypted)
}

fn files_contain(dir: &std::path::Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if std::fs::read(&p).unwrap_or_default().windows(needle.len()).any(|w| w == needle) {
                hits.push(p.display().to_string());
            }
        }
    }
    hits
}

fn lock(b: &SledBackend) -> meshplan_state::LockGuard {
    b.lock(LockInfo::for_this_process("apply"), Duration::ZERO).unwrap()
}

fn write_two_serials(b: &SledBackend) {
    let g = lock(b);
    b.commit(vec![Commit::Put(record("tls_private_key.a"))]).unwrap();
    let outputs = BTreeMap::from([("pem".to_string(), OutputRecord { value: json!(SECRET), sensitive: true })]);
    b.commit(vec![Commit::Put(record("tls_private_key.b")), Commit::Outputs(outputs)]).unwrap();
    b.close().unwrap();
    drop(g);
    // A second locked run backs up serial 2.
    let g = lock(b);
    b.close().unwrap();
    drop(g);
}

#[test]
fn encrypted_state_is_unreadable_on_disk_and_needs_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let enc = Encryption { primary: aes("correct horse battery staple"), fallback: None };
    let b = SledBackend::open(dir.path()).unwrap().with_encryption(enc.clone());
    write_two_serials(&b);
    assert_eq!(b.read().unwrap().resources.len(), 2);
    b.close().unwrap();
    assert!(!meshplan_state::backup::list(dir.path()).is_empty());
    assert_eq!(files_contain(dir.path(), b"PRIVATE KEY"), Vec::<String>::new());

    let wrong = SledBackend::open(dir.path())
        .unwrap()
        .with_encryption(Encryption { primary: aes("not the right passphrase"), fallback: None });
    let e = wrong.read().unwrap_err();
    assert!(matches!(e, StateError::Cipher(_)), "{e:?}");
    assert!(e.to_string().contains("cannot decrypt the state: wrong passphrase or key?"), "{e}");
    wrong.close().unwrap();
    let none = SledBackend::open(dir.path()).unwrap();
    assert!(none.read().unwrap_err().to_string().contains("encrypted"));
    none.close().unwrap();
    // The backup opens with the key only.
    let newest = meshplan_state::backup::newest(dir.path()).unwrap();
    assert_eq!(meshplan_state::backup::read(&newest, &enc).unwrap().resources.len(), 2);
    assert!(meshplan_state::backup::read(&newest, &Encryption::default()).is_err());
}

#[test]
fn migrations_rewrite_every_record_and_backup_at_lock_time() {
    let dir = tempfile::tempdir().unwrap();
    let b = SledBackend::open(dir.path()).unwrap();
    write_two_serials(&b);
    let before = b.read().unwrap();
    b.close().unwrap();
    assert!(!files_contain(dir.path(), b"PRIVATE KEY").is_empty());

    // Without the fallback, plain records are refused.
    let strict = SledBackend::open(dir.path())
        .unwrap()
        .with_encryption(Encryption { primary: aes("correct horse battery staple"), fallback: None });
    assert!(strict.read().is_err());
    strict.close().unwrap();

    // Plain → encrypted: one lock rewrites everything, without a commit.
    let to_enc = SledBackend::open(dir.path())
        .unwrap()
        .with_encryption(Encryption { primary: aes("correct horse battery staple"), fallback: Some(plain()) });
    let g = lock(&to_enc);
    let after = to_enc.read().unwrap();
    to_enc.close().unwrap();
    drop(g);
    assert_eq!(after, before);
    let strict = SledBackend::open(dir.path())
        .unwrap()
        .with_encryption(Encryption { primary: aes("correct horse battery staple"), fallback: None });
    assert_eq!(strict.read().unwrap(), before, "every record is now sealed with the primary");
    strict.close().unwrap();
    for (_, p) in meshplan_state::backup::list(dir.path()) {
        assert!(meshplan_state::cipher::is_encrypted(&std::fs::read(&p).unwrap()), "{} is sealed", p.display());
    }

    // Encrypted → plain, the old key as fallback.
    let back = SledBackend::open(dir.path())
        .unwrap()
        .with_encryption(Encryption { primary: plain(), fallback: Some(aes("correct horse battery staple")) });
    let g = lock(&back);
    back.close().unwrap();
    drop(g);
    let none = SledBackend::open(dir.path()).unwrap();
    assert_eq!(none.read().unwrap(), before);
    none.close().unwrap();
    for (_, p) in meshplan_state::backup::list(dir.path()) {
        assert!(!meshplan_state::cipher::is_encrypted(&std::fs::read(&p).unwrap()));
    }
}
