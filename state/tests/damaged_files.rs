//! A damaged database is an error, never a panic, and never a silently empty state.

use meshplan_state::{Commit, Mode, RecordStatus, ResourceRecord, SledBackend, StateBackend, StateError};

fn record() -> ResourceRecord {
    ResourceRecord {
        address: "meshplan_data.a".into(),
        mode: Mode::Managed,
        type_name: "meshplan_data".into(),
        provider: "provider[\"meshplan\"]".into(),
        attributes: serde_json::json!({"id": "1"}),
        sensitive_paths: vec![],
        dependencies: vec![],
        schema_version: 0,
        status: RecordStatus::Ok,
        deposed: None,
    }
}

#[test]
fn garbage_in_the_database_files_is_an_error() {
    for victim in ["conf", "db"] {
        let dir = tempfile::tempdir().unwrap();
        let b = SledBackend::open(dir.path()).unwrap();
        b.commit(vec![Commit::Put(record())]).unwrap();
        b.close().unwrap();
        std::fs::write(dir.path().join("state").join(victim), b"this is not a sled file at all").unwrap();
        let outcome = std::panic::catch_unwind(|| b.read());
        match outcome {
            Err(_) => panic!("{victim}: reading a damaged database panicked"),
            Ok(Ok(s)) => {
                panic!("{victim}: a damaged database read as serial {} with {} records", s.serial, s.resources.len())
            }
            Ok(Err(e)) => assert!(matches!(e, StateError::Corrupt { .. } | StateError::Open { .. }), "{victim}: {e}"),
        }
    }
}

#[test]
fn a_replaced_database_does_not_get_a_new_lineage() {
    let dir = tempfile::tempdir().unwrap();
    let b = SledBackend::open(dir.path()).unwrap();
    b.commit(vec![Commit::Put(record())]).unwrap();
    let lineage = b.read().unwrap().lineage;
    b.close().unwrap();
    std::fs::remove_dir_all(dir.path().join("state")).unwrap();
    let err = b.read().unwrap_err();
    assert!(err.to_string().contains(&lineage), "{err}");
    assert!(matches!(b.commit(vec![Commit::Put(record())]), Err(StateError::Corrupt { .. })));
}
