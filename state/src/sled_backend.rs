//! The default backend: a sled database in `<dir>/state/`, locked by `<dir>/lock.json`.
//!
//! Layout (one sled tree, JSON values):
//! - `resource/<key>`: one [`ResourceRecord`] per resource instance (key = [`ResourceRecord::key`])
//! - `output/<name>`: one [`OutputRecord`] per root output
//! - `meta/lineage`, `meta/serial`, `meta/format`
//!
//! Beside the database, `<dir>/lineage` is written once, after the first commit. sled
//! recovers a damaged or replaced database file as an *empty* database; the marker turns
//! that into a [`StateError::Corrupt`] instead of a state that silently forgot everything
//! (which would plan every resource anew and orphan the real ones).
//!
//! Opening is lazy: [`SledBackend::open`] only creates `<dir>`, and sled's database is
//! opened by the first [`StateBackend::read`] or [`StateBackend::commit`]. sled holds an
//! exclusive OS lock on its files while open, so the engine must take the state lock first
//! ([`StateBackend::lock`] touches only `lock.json`), then read and commit, then
//! [`SledBackend::close`] before dropping the [`crate::LockGuard`], so the next holder can
//! open the database at once. (Opening also waits a few seconds for a process that is
//! still closing it.)
//!
//! Encryption at rest ([`SledBackend::with_encryption`]): every `resource/` and `output/` value
//! is sealed with the primary [`Encryption`] method (associated data: the record's key) and
//! opened with the primary, then the fallback. Keys (resource addresses) and `meta/` stay
//! plain. Taking the lock migrates: every value only the fallback opens is sealed again with
//! the primary, in one batch, and so are the backups, so the whole state changes method at once.
//!
//! A commit is one sled batch (atomic, also across a crash) followed by a flush (fsync):
//! when `commit` returns, the change survives a kill. Concurrent commits share fsyncs.
//! `commit` blocks on disk I/O: async callers should run it on a blocking thread.

use crate::cipher::Encryption;
use crate::lock_file::LockFile;
use crate::{Commit, LockGuard, LockInfo, OutputRecord, ResourceRecord, Snapshot, StateBackend, StateError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

const RESOURCE_PREFIX: &str = "resource/";
const OUTPUT_PREFIX: &str = "output/";
const LINEAGE_KEY: &str = "meta/lineage";
const SERIAL_KEY: &str = "meta/serial";
const FORMAT_KEY: &str = "meta/format";
/// Bumped when the layout above changes.
const FORMAT_VERSION: u64 = 1;

/// How long opening waits for another process to close the database.
const OPEN_WAIT: Duration = Duration::from_secs(5);

/// The sled state backend of one working directory's `.meshplan/`.
pub struct SledBackend {
    dir: PathBuf,
    lock_file: LockFile,
    /// Opened on first use. The mutex also orders commits (serial read-modify-write) and
    /// keeps a read from seeing half of a concurrent commit.
    db: Mutex<Option<sled::Db>>,
    encryption: Encryption,
}

impl SledBackend {
    /// A backend storing under `dir` (the engine passes `.meshplan/`). Cheap: creates `dir`
    /// if needed and opens nothing; see the module docs for the order of lock and open.
    pub fn open(dir: &Path) -> Result<Self, StateError> {
        crate::private::create_private_dir(dir)
            .map_err(|e| StateError::Open { path: dir.display().to_string(), message: e.to_string() })?;
        Ok(SledBackend {
            dir: dir.to_path_buf(),
            lock_file: LockFile::new(dir),
            db: Mutex::new(None),
            encryption: Encryption::default(),
        })
    }

    /// Seals what is written and opens what is read with `encryption` (default: none).
    pub fn with_encryption(mut self, encryption: Encryption) -> Self {
        self.encryption = encryption;
        self
    }

    /// The encryption the records are written with.
    pub fn encryption(&self) -> &Encryption {
        &self.encryption
    }

    fn open_record<T: serde::de::DeserializeOwned>(&self, key: &str, stored: &[u8]) -> Result<T, StateError> {
        let plain = self.encryption.open(key.as_bytes(), stored)?;
        decode(key, &plain)
    }

    fn seal_record<T: serde::Serialize>(&self, key: &str, value: &T) -> Result<Vec<u8>, StateError> {
        Ok(self.encryption.seal(key.as_bytes(), &encode(value)?)?)
    }

    /// Seals again with the primary method every record (and backup) only the fallback opens.
    /// Returns how many records were rewritten.
    pub fn migrate_encryption(&self) -> Result<usize, StateError> {
        if self.encryption.fallback.is_none() {
            return Ok(0);
        }
        let guard = self.db()?;
        let Some(db) = guard.as_ref() else { return Err(StateError::Io("the state database is not open".into())) };
        let mut batch = sled::Batch::default();
        let mut n = 0;
        for prefix in [RESOURCE_PREFIX, OUTPUT_PREFIX] {
            for item in db.scan_prefix(prefix) {
                let (k, v) = item.map_err(storage_error)?;
                let key = key_text(&k);
                let (plain, from_fallback) = self.encryption.open_with_origin(key.as_bytes(), &v)?;
                if from_fallback {
                    batch.insert(k, self.encryption.seal(key.as_bytes(), &plain)?);
                    n += 1;
                }
            }
        }
        if n > 0 {
            db.apply_batch(batch).map_err(storage_error)?;
            db.flush().map_err(storage_error)?;
        }
        drop(guard);
        crate::backup::reseal(&self.dir, &self.encryption)?;
        Ok(n)
    }

    /// The directory given to [`SledBackend::open`].
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The path of the lock file (for messages).
    pub fn lock_path(&self) -> &Path {
        self.lock_file.path()
    }

    /// Flushes and closes the database, releasing sled's OS lock (reopened on next use).
    pub fn close(&self) -> Result<(), StateError> {
        let mut guard = self.db.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(db) = guard.take() {
            db.flush().map_err(storage_error)?;
            drop(db);
            self.restrict()?;
        }
        Ok(())
    }

    /// Owner-only permissions on everything under the state directory (sled's files are
    /// created with the umask).
    fn restrict(&self) -> Result<(), StateError> {
        crate::private::restrict_tree(&self.dir).map_err(|e| StateError::Open {
            path: self.dir.display().to_string(),
            message: format!("cannot make it owner-only: {e}"),
        })
    }

    /// Every record as stored.
    fn read_stored(&self) -> Result<Snapshot, StateError> {
        let guard = self.db()?;
        let Some(db) = guard.as_ref() else { return Err(StateError::Io("the state database is not open".into())) };
        let lineage = match db.get(LINEAGE_KEY).map_err(storage_error)? {
            Some(v) => decode(LINEAGE_KEY, &v)?,
            None => String::new(),
        };
        self.check_not_lost(Some(&lineage))?;
        let serial = read_serial(db)?;
        let mut resources = BTreeMap::new();
        for item in db.scan_prefix(RESOURCE_PREFIX) {
            let (k, v) = item.map_err(storage_error)?;
            let key = key_text(&k);
            let record: ResourceRecord = self.open_record(&key, &v)?;
            resources.insert(key[RESOURCE_PREFIX.len()..].to_string(), record);
        }
        let mut outputs = BTreeMap::new();
        for item in db.scan_prefix(OUTPUT_PREFIX) {
            let (k, v) = item.map_err(storage_error)?;
            let key = key_text(&k);
            let record: OutputRecord = self.open_record(&key, &v)?;
            outputs.insert(key[OUTPUT_PREFIX.len()..].to_string(), record);
        }
        Ok(Snapshot { lineage, serial, resources, outputs })
    }

    /// A damaged state's error says which backup to restore, and how.
    fn with_recovery(&self, e: StateError) -> StateError {
        let recovery = match crate::backup::newest(&self.dir) {
            Some(b) => format!(
                "; the previous state is saved in {b}: move {db} aside and run `meshplan state push {b}`",
                b = b.display(),
                db = self.db_path().display()
            ),
            None => format!("; there is no backup of an earlier serial in {}", self.dir.join("backups").display()),
        };
        match e {
            StateError::Corrupt { key, message } => StateError::Corrupt { key, message: message + &recovery },
            StateError::Open { path, message } if !message.contains("in use") => {
                StateError::Open { path, message: message + &recovery }
            }
            other => other,
        }
    }

    fn db_path(&self) -> PathBuf {
        self.dir.join("state")
    }

    fn lineage_marker_path(&self) -> PathBuf {
        self.dir.join("lineage")
    }

    /// Fails when the database has no lineage but the marker says state was written here.
    fn check_not_lost(&self, lineage_in_db: Option<&str>) -> Result<(), StateError> {
        if lineage_in_db.is_some_and(|l| !l.is_empty()) {
            return Ok(());
        }
        let marker = self.lineage_marker_path();
        match std::fs::read_to_string(&marker) {
            Ok(lineage) => Err(StateError::Corrupt {
                key: "meta/lineage".into(),
                message: format!(
                    "the database in {} is empty, but {} says state {} was stored here: the database files were damaged or replaced; restore them from a backup (deleting {} starts over and orphans what the old state managed)",
                    self.db_path().display(),
                    marker.display(),
                    lineage.trim(),
                    self.dir.display()
                ),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StateError::Io(format!("{}: {e}", marker.display()))),
        }
    }

    /// Records the lineage beside the database (once, after the first commit is durable).
    fn write_lineage_marker(&self, lineage: &str) -> Result<(), StateError> {
        let marker = self.lineage_marker_path();
        let write = || -> std::io::Result<()> {
            use std::io::Write;
            let mut f = std::fs::File::create(&marker)?;
            f.write_all(lineage.as_bytes())?;
            f.sync_all()
        };
        write().map_err(|e| StateError::Io(format!("{}: {e}", marker.display())))
    }

    /// The open database, opening it on first use.
    fn db(&self) -> Result<MutexGuard<'_, Option<sled::Db>>, StateError> {
        // A poisoned mutex only means another thread panicked mid-operation; sled's batch
        // is atomic, so the database itself is consistent.
        let mut guard = self.db.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(self.open_db()?);
        }
        Ok(guard)
    }

    fn open_db(&self) -> Result<sled::Db, StateError> {
        let path = self.db_path();
        let deadline = Instant::now() + OPEN_WAIT;
        loop {
            match sled::Config::new().path(&path).open() {
                Ok(db) => {
                    check_format(&db)?;
                    self.restrict()?;
                    return Ok(db);
                }
                Err(e) if is_held_by_another_process(&e) && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => {
                    let mut message = e.to_string();
                    if is_held_by_another_process(&e) {
                        message = match self.lock_file.holder() {
                            Ok(Some(h)) => format!(
                                "it is in use by another process; the state lock is held by {} (pid {}, operation {})",
                                h.who, h.pid, h.operation
                            ),
                            _ => "it is in use by another meshplan process".to_string(),
                        };
                    }
                    return Err(StateError::Open { path: path.display().to_string(), message });
                }
            }
        }
    }
}

fn is_held_by_another_process(e: &sled::Error) -> bool {
    matches!(e, sled::Error::Io(io) if io.to_string().contains("could not acquire lock"))
}

fn storage_error(e: sled::Error) -> StateError {
    match e {
        sled::Error::Corruption { .. } => StateError::Corrupt { key: "(database)".into(), message: e.to_string() },
        e => StateError::Io(e.to_string()),
    }
}

fn check_format(db: &sled::Db) -> Result<(), StateError> {
    match db.get(FORMAT_KEY).map_err(storage_error)? {
        None => Ok(()),
        Some(v) => {
            let found: u64 = decode(FORMAT_KEY, &v)?;
            if found > FORMAT_VERSION {
                return Err(StateError::Open {
                    path: FORMAT_KEY.into(),
                    message: format!("the state was written by a newer meshplan (format {found}, this one reads up to {FORMAT_VERSION})"),
                });
            }
            Ok(())
        }
    }
}

fn decode<T: serde::de::DeserializeOwned>(key: &str, bytes: &[u8]) -> Result<T, StateError> {
    serde_json::from_slice(bytes).map_err(|e| StateError::Corrupt { key: key.to_string(), message: e.to_string() })
}

fn encode<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, StateError> {
    serde_json::to_vec(value).map_err(|e| StateError::Io(format!("cannot encode a state record: {e}")))
}

fn key_text(key: &[u8]) -> String {
    String::from_utf8_lossy(key).into_owned()
}

fn read_serial(db: &sled::Db) -> Result<u64, StateError> {
    match db.get(SERIAL_KEY).map_err(storage_error)? {
        Some(v) => decode(SERIAL_KEY, &v),
        None => Ok(0),
    }
}

impl StateBackend for SledBackend {
    fn read(&self) -> Result<Snapshot, StateError> {
        self.read_stored().map_err(|e| self.with_recovery(e))
    }

    fn commit(&self, changes: Vec<Commit>) -> Result<u64, StateError> {
        let guard = self.db()?;
        let Some(db) = guard.as_ref() else { return Err(StateError::Io("the state database is not open".into())) };

        // Resolve the changes in order against what is stored, so a later change in the
        // same commit sees an earlier one (a Put then a Move of the same record).
        let mut resources: BTreeMap<String, Option<ResourceRecord>> = BTreeMap::new();
        let mut new_outputs = None;
        let mut adopted_lineage = None;
        for change in changes {
            match change {
                Commit::Put(record) => {
                    resources.insert(record.key(), Some(record));
                }
                Commit::Remove(key) => {
                    resources.insert(key, None);
                }
                Commit::Outputs(outputs) => new_outputs = Some(outputs),
                Commit::Lineage(lineage) => adopted_lineage = Some(lineage),
                Commit::Move { from, to } => {
                    let current = match resources.get(&from) {
                        Some(pending) => pending.clone(),
                        None => {
                            let full = format!("{RESOURCE_PREFIX}{from}");
                            match db.get(&full).map_err(storage_error)? {
                                Some(v) => Some(self.open_record(&full, &v)?),
                                None => None,
                            }
                        }
                    };
                    let mut record = current.ok_or_else(|| StateError::NotFound(from.clone()))?;
                    record.address = to;
                    resources.insert(from, None);
                    resources.insert(record.key(), Some(record));
                }
            }
        }

        let mut batch = sled::Batch::default();
        for (key, record) in &resources {
            let full = format!("{RESOURCE_PREFIX}{key}");
            match record {
                Some(r) => batch.insert(full.as_bytes(), self.seal_record(&full, r)?),
                None => batch.remove(full.as_bytes()),
            }
        }
        if let Some(outputs) = new_outputs {
            for item in db.scan_prefix(OUTPUT_PREFIX) {
                let (k, _) = item.map_err(storage_error)?;
                let name = &key_text(&k)[OUTPUT_PREFIX.len()..];
                if !outputs.contains_key(name) {
                    batch.remove(k);
                }
            }
            for (name, output) in &outputs {
                let full = format!("{OUTPUT_PREFIX}{name}");
                batch.insert(full.as_bytes(), self.seal_record(&full, output)?);
            }
        }
        let mut first_lineage = None;
        if db.get(LINEAGE_KEY).map_err(storage_error)?.is_none() {
            // Never start a new lineage over a database that lost the old one; restoring
            // that very lineage is how it is recovered.
            let remembered = std::fs::read_to_string(self.lineage_marker_path()).ok().map(|l| l.trim().to_string());
            if adopted_lineage.is_none() || remembered.is_some() && remembered != adopted_lineage {
                self.check_not_lost(None)?;
            }
            let lineage = adopted_lineage.unwrap_or_else(crate::new_lineage);
            batch.insert(LINEAGE_KEY, encode(&lineage)?);
            batch.insert(FORMAT_KEY, encode(&FORMAT_VERSION)?);
            first_lineage = Some(lineage);
        }
        let serial = read_serial(db)? + 1;
        batch.insert(SERIAL_KEY, encode(&serial)?);

        db.apply_batch(batch).map_err(storage_error)?;
        // Flush outside the mutex: commits from other threads append their batches
        // meanwhile, and one fsync makes them all durable (sled's log is sequential, so a
        // later commit is never durable without the earlier ones). That is the group commit
        // that keeps a parallel apply from waiting on one fsync per resource.
        let db = db.clone();
        drop(guard);
        db.flush().map_err(storage_error)?;
        if let Some(lineage) = first_lineage {
            self.write_lineage_marker(&lineage)?;
        }
        Ok(serial)
    }

    /// Taking the lock also saves the state as it is (see [`crate::backup`]): whatever the run
    /// then does, the previous serial can be restored. A state that cannot be read is not
    /// backed up here; the run reports it.
    fn lock(&self, info: LockInfo, timeout: Duration) -> Result<LockGuard, StateError> {
        let guard = self.lock_file.lock(info, timeout)?;
        match self.migrate_encryption() {
            // A state the configured keys cannot open is reported by the read that follows.
            Ok(_) | Err(StateError::Cipher(_)) => {}
            Err(e) => return Err(e),
        }
        if let Ok(snapshot) = self.read() {
            crate::backup::save(&self.dir, &snapshot, &self.encryption)?;
        }
        Ok(guard)
    }

    fn lock_holder(&self) -> Result<Option<LockInfo>, StateError> {
        self.lock_file.holder()
    }

    fn force_unlock(&self, id: &str) -> Result<(), StateError> {
        self.lock_file.force_unlock(id)
    }

    fn close(&self) -> Result<(), StateError> {
        SledBackend::close(self)
    }
}
