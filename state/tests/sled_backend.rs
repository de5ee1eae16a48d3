//! The sled backend: round trips, atomic commits, locks, unreadable records.

use meshplan_provider::Path as AttrPath;
use meshplan_state::{
    Commit, LockInfo, Mode, OutputRecord, RecordStatus, ResourceRecord, SledBackend, StateBackend, StateError,
};
use serde_json::json;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

fn record(address: &str, n: i64) -> ResourceRecord {
    ResourceRecord {
        address: address.to_string(),
        mode: Mode::Managed,
        type_name: "meshplan_data".into(),
        provider: "provider[\"meshplan\"]".into(),
        attributes: json!({"id": format!("id-{n}"), "input": n, "secret": "s3cr3t"}),
        sensitive_paths: vec![AttrPath::from("secret")],
        dependencies: vec!["meshplan_data.root".into()],
        schema_version: 2,
        status: RecordStatus::Ok,
        deposed: None,
    }
}

fn lock_info(id: &str, pid: u32) -> LockInfo {
    LockInfo {
        id: id.into(),
        who: "alice@elsewhere".into(),
        pid,
        operation: "apply".into(),
        since: "2024-01-01T00:00:00Z".into(),
    }
}

#[test]
fn empty_state_reads_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    let b = SledBackend::open(dir.path()).unwrap();
    let s = b.read().unwrap();
    assert_eq!(s.lineage, "");
    assert_eq!(s.serial, 0);
    assert!(s.resources.is_empty() && s.outputs.is_empty());
}

#[test]
fn records_outputs_lineage_and_serial_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let b = SledBackend::open(dir.path()).unwrap();
    let a = record("meshplan_data.a", 1);
    let mut tainted = record("module.m.meshplan_data.b[\"k\"]", 2);
    tainted.status = RecordStatus::Intent { token: "tok-1".into() };
    let mut deposed = record("meshplan_data.a", 3);
    deposed.deposed = Some("0001".into());
    let outputs = BTreeMap::from([
        ("plain".to_string(), OutputRecord { value: json!([1, "two"]), sensitive: false }),
        ("pw".to_string(), OutputRecord { value: json!("hunter2"), sensitive: true }),
    ]);

    assert_eq!(b.commit(vec![Commit::Put(a.clone()), Commit::Put(tainted.clone())]).unwrap(), 1);
    let lineage = b.read().unwrap().lineage;
    assert_eq!(lineage.len(), 36, "uuid form: {lineage}");
    assert_eq!(b.commit(vec![Commit::Put(deposed.clone()), Commit::Outputs(outputs.clone())]).unwrap(), 2);
    b.close().unwrap();
    drop(b);

    let b = SledBackend::open(dir.path()).unwrap();
    let s = b.read().unwrap();
    assert_eq!(s.serial, 2);
    assert_eq!(s.lineage, lineage, "the lineage is fixed at the first commit");
    assert_eq!(s.resources.len(), 3);
    assert_eq!(s.resources["meshplan_data.a"], a);
    assert_eq!(s.resources["module.m.meshplan_data.b[\"k\"]"], tainted);
    assert_eq!(s.resources["meshplan_data.a (deposed 0001)"], deposed);
    assert_eq!(s.outputs, outputs);

    // Outputs are replaced as a whole; a removed output disappears.
    let fewer = BTreeMap::from([("plain".to_string(), OutputRecord { value: json!(3), sensitive: false })]);
    b.commit(vec![Commit::Outputs(fewer.clone()), Commit::Remove("meshplan_data.a (deposed 0001)".into())]).unwrap();
    let s = b.read().unwrap();
    assert_eq!(s.outputs, fewer);
    assert_eq!(s.resources.len(), 2);
    assert_eq!(s.serial, 3);
}

#[test]
fn move_renames_a_record_and_sees_earlier_changes_in_the_same_commit() {
    let dir = tempfile::tempdir().unwrap();
    let b = SledBackend::open(dir.path()).unwrap();
    b.commit(vec![Commit::Put(record("meshplan_data.a", 1))]).unwrap();
    b.commit(vec![
        Commit::Move { from: "meshplan_data.a".into(), to: "meshplan_data.b".into() },
        Commit::Put(record("meshplan_data.c", 3)),
        Commit::Move { from: "meshplan_data.c".into(), to: "module.x.meshplan_data.c".into() },
    ])
    .unwrap();
    let s = b.read().unwrap();
    let keys: Vec<_> = s.resources.keys().cloned().collect();
    assert_eq!(keys, vec!["meshplan_data.b", "module.x.meshplan_data.c"]);
    assert_eq!(s.resources["meshplan_data.b"].address, "meshplan_data.b");
    assert_eq!(s.resources["meshplan_data.b"].attributes["input"], json!(1));
}

#[test]
fn a_failing_commit_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let b = SledBackend::open(dir.path()).unwrap();
    b.commit(vec![Commit::Put(record("meshplan_data.a", 1))]).unwrap();
    let before = b.read().unwrap();
    let err = b
        .commit(vec![
            Commit::Put(record("meshplan_data.new", 2)),
            Commit::Remove("meshplan_data.a".into()),
            Commit::Move { from: "meshplan_data.missing".into(), to: "meshplan_data.x".into() },
        ])
        .unwrap_err();
    assert!(matches!(err, StateError::NotFound(ref a) if a == "meshplan_data.missing"), "{err}");
    assert_eq!(b.read().unwrap(), before, "all or nothing");
}

#[test]
fn concurrent_commits_each_bump_the_serial_once() {
    let dir = tempfile::tempdir().unwrap();
    let b = std::sync::Arc::new(SledBackend::open(dir.path()).unwrap());
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let b = b.clone();
            std::thread::spawn(move || {
                (0..10)
                    .map(|i| b.commit(vec![Commit::Put(record(&format!("r.t{t}_{i}"), i))]).unwrap())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut serials: Vec<u64> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
    serials.sort();
    assert_eq!(serials, (1..=40).collect::<Vec<_>>());
    assert_eq!(b.read().unwrap().resources.len(), 40);
}

#[test]
fn an_unreadable_record_is_reported_as_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let b = SledBackend::open(dir.path()).unwrap();
    b.commit(vec![Commit::Put(record("meshplan_data.a", 1))]).unwrap();
    b.close().unwrap();
    {
        let db = sled::open(dir.path().join("state")).unwrap();
        db.insert("resource/meshplan_data.bad", &b"{\"address\": 12"[..]).unwrap();
        db.flush().unwrap();
    }
    let err = b.read().unwrap_err();
    match err {
        StateError::Corrupt { key, .. } => assert_eq!(key, "resource/meshplan_data.bad"),
        other => panic!("expected Corrupt, got {other}"),
    }
}

#[test]
fn a_second_locker_times_out_naming_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let first = SledBackend::open(dir.path()).unwrap();
    let second = SledBackend::open(dir.path()).unwrap();
    let holder = lock_info("lock-1", std::process::id());
    let guard = first.lock(holder.clone(), Duration::ZERO).unwrap();
    assert_eq!(second.lock_holder().unwrap(), Some(holder.clone()));

    let started = Instant::now();
    let err = second.lock(lock_info("lock-2", 2), Duration::from_millis(300)).unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(300), "it waited");
    match &err {
        StateError::Locked(info) => assert_eq!(info, &holder),
        other => panic!("expected Locked, got {other}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("alice@elsewhere") && message.contains("lock-1") && message.contains("apply"),
        "{message}"
    );

    // Released while the second one waits: it gets the lock.
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(150));
        drop(guard);
    });
    let g2 = second.lock(lock_info("lock-2", 2), Duration::from_secs(5)).unwrap();
    releaser.join().unwrap();
    assert_eq!(first.lock_holder().unwrap().unwrap().id, "lock-2");
    drop(g2);
    assert_eq!(first.lock_holder().unwrap(), None, "dropping the guard removes the lock file");
}

#[test]
fn force_unlock_needs_the_holders_id() {
    let dir = tempfile::tempdir().unwrap();
    let b = SledBackend::open(dir.path()).unwrap();
    let guard = b.lock(lock_info("abc", 1), Duration::ZERO).unwrap();
    assert!(matches!(b.force_unlock("other"), Err(StateError::NoSuchLock(_))));
    assert!(b.lock_holder().unwrap().is_some());
    b.force_unlock("abc").unwrap();
    assert_eq!(b.lock_holder().unwrap(), None);
    let g2 = b.lock(lock_info("def", 1), Duration::ZERO).unwrap();
    drop(guard); // the old guard must not remove the new holder's lock
    assert_eq!(b.lock_holder().unwrap().unwrap().id, "def");
    drop(g2);
    assert!(matches!(b.force_unlock("def"), Err(StateError::NoSuchLock(_))));
}

#[test]
fn a_lock_left_by_a_dead_process_on_this_host_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let b = SledBackend::open(dir.path()).unwrap();
    // A child that has exited and been reaped: its pid is (almost surely) free.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = child.id();
    child.wait().unwrap();
    let mut info = LockInfo::for_this_process("apply");
    info.pid = dead_pid;
    let dead_id = info.id.clone();
    std::mem::forget(b.lock(info, Duration::ZERO).unwrap()); // as if the holder was killed
    let guard = b.lock(LockInfo::for_this_process("plan"), Duration::ZERO).unwrap();
    assert_eq!(guard.taken_over.as_ref().map(|h| h.id.as_str()), Some(dead_id.as_str()));
    assert_eq!(b.lock_holder().unwrap().unwrap().id, guard.info.id);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().contains("stale"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_lock_of_a_live_process_or_another_host_is_not_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let b = SledBackend::open(dir.path()).unwrap();
    let mut other_host = LockInfo::for_this_process("apply");
    other_host.who = "someone@another-host.example".into();
    other_host.pid = 999_999_999;
    let id = other_host.id.clone();
    std::mem::forget(b.lock(other_host, Duration::ZERO).unwrap());
    let err = b.lock(LockInfo::for_this_process("plan"), Duration::ZERO).unwrap_err();
    assert!(matches!(err, StateError::Locked(_)), "{err}");
    assert!(err.to_string().contains(&format!("force-unlock {id}")) || err.to_string().contains(&id), "{err}");
    b.force_unlock(&id).unwrap();
    // This process is alive: its own lock blocks a second locker.
    let _mine = b.lock(LockInfo::for_this_process("apply"), Duration::ZERO).unwrap();
    assert!(matches!(b.lock(LockInfo::for_this_process("plan"), Duration::ZERO), Err(StateError::Locked(_))));
}

#[test]
fn a_garbled_lock_file_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let b = SledBackend::open(dir.path()).unwrap();
    std::fs::write(dir.path().join("lock.json"), "{not json").unwrap();
    assert!(matches!(b.lock_holder(), Err(StateError::Corrupt { .. })));
    assert!(b.lock(LockInfo::for_this_process("plan"), Duration::ZERO).is_err());
}
