//! Prints how long 1000 single-record commits take, one thread and eight threads.
//! `cargo run --release -p meshplan-state --example commit_throughput`

use meshplan_state::{Commit, Mode, RecordStatus, ResourceRecord, SledBackend, StateBackend};
use std::sync::Arc;
use std::time::Instant;

fn record(i: usize) -> ResourceRecord {
    ResourceRecord {
        address: format!("meshplan_data.r[{i}]"),
        mode: Mode::Managed,
        type_name: "meshplan_data".into(),
        provider: "provider[\"meshplan\"]".into(),
        attributes: serde_json::json!({"id": i, "input": "x".repeat(64)}),
        sensitive_paths: vec![],
        dependencies: vec![],
        schema_version: 0,
        status: RecordStatus::Ok,
        deposed: None,
    }
}

fn main() {
    for threads in [1usize, 8] {
        let dir = std::env::temp_dir().join(format!("meshplan-commit-throughput-{}-{threads}", std::process::id()));
        let backend = Arc::new(SledBackend::open(&dir).unwrap());
        let started = Instant::now();
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let b = backend.clone();
                std::thread::spawn(move || {
                    for i in (t..1000).step_by(threads) {
                        b.commit(vec![Commit::Put(record(i))]).unwrap();
                    }
                })
            })
            .collect();
        workers.into_iter().for_each(|w| w.join().unwrap());
        println!("{threads} thread(s): 1000 commits in {:?}", started.elapsed());
        drop(backend);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
