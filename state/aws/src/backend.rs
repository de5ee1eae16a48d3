//! One workspace's state object: read, conditional writes, lock, backup.

use crate::lock::{self, lock_key};
use crate::{sdk_error, Shared};
use aws_sdk_s3::primitives::ByteStream;
use meshplan_state::{
    decode_document, encode_document, Commit, Encryption, LockGuard, LockInfo, Snapshot, StateBackend, StateError,
};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The state of one workspace in S3.
pub struct S3Backend {
    shared: Arc<Shared>,
    key: String,
    encryption: Encryption,
    /// The state as this process last read or wrote it, and that object's ETag (`None`: no
    /// object yet). The mutex also serialises commits: one write in flight at a time.
    last: Mutex<Option<Stored>>,
}

#[derive(Clone)]
struct Stored {
    snapshot: Snapshot,
    etag: Option<String>,
    /// Only the fallback method opened it: write it again with the primary.
    from_fallback: bool,
    /// The object has a version id (the bucket keeps versions).
    versioned: bool,
}

impl S3Backend {
    pub(crate) fn new(shared: Arc<Shared>, key: String, encryption: Encryption) -> Self {
        S3Backend { shared, key, encryption, last: Mutex::new(None) }
    }

    /// `s3://bucket/key`, for messages.
    pub fn location(&self) -> String {
        format!("s3://{}/{}", self.shared.config.bucket, self.key)
    }

    fn fetch(&self) -> Result<Stored, StateError> {
        let got = fetch_raw(&self.shared, &self.key)?;
        match got {
            None => Ok(Stored { snapshot: Snapshot::default(), etag: None, from_fallback: false, versioned: false }),
            Some((bytes, etag, versioned)) => {
                let (snapshot, from_fallback) =
                    decode_document(&bytes, &self.encryption, &self.location()).map_err(|e| self.with_recovery(e))?;
                Ok(Stored { snapshot, etag, from_fallback, versioned })
            }
        }
    }

    /// Writes `snapshot` if the object is still the one this process last saw. Returns the new ETag.
    fn write(&self, snapshot: &Snapshot, expected: Option<&str>) -> Result<Option<String>, StateError> {
        let body = encode_document(snapshot, &self.encryption)?;
        let (shared, key, expected) = (self.shared.clone(), self.key.clone(), expected.map(str::to_string));
        let location = self.location();
        let serial = snapshot.serial;
        self.shared.rt.run(async move {
            let cfg = &shared.config;
            let mut put = shared.client.put_object().bucket(&cfg.bucket).key(&key).content_type("application/json").body(ByteStream::from(body));
            put = match &expected {
                Some(etag) => put.if_match(etag),
                None => put.if_none_match("*"),
            };
            if cfg.encrypt {
                put = match &cfg.kms_key_id {
                    Some(id) => put.server_side_encryption(aws_sdk_s3::types::ServerSideEncryption::AwsKms).ssekms_key_id(id),
                    None => put.server_side_encryption(aws_sdk_s3::types::ServerSideEncryption::Aes256),
                };
            }
            match put.send().await {
                Ok(out) => Ok(out.e_tag().map(str::to_string)),
                Err(e) if lock::is_precondition_failed(&e) || e.as_service_error().is_some_and(|s| s.meta().code() == Some("NoSuchKey")) => Err(StateError::Io(format!(
                    "{location} was changed by another writer since this run read it; nothing was overwritten (serial {serial} not written). Another process wrote the state without holding the lock, or the lock was forced away: run `meshplan plan` again to see the state as it is"
                ))),
                Err(e) => Err(sdk_error(cfg, "write the state", &key, e)),
            }
        })?
    }

    fn cached(&self) -> Result<std::sync::MutexGuard<'_, Option<Stored>>, StateError> {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if last.is_none() {
            *last = Some(self.fetch()?);
        }
        Ok(last)
    }

    /// A damaged state's error says where the previous one is.
    fn with_recovery(&self, e: StateError) -> StateError {
        match e {
            StateError::Corrupt { key, message } => StateError::Corrupt {
                key,
                message: format!(
                    "{message}; the previous state is {}.backup (or an earlier version of the object, when the bucket keeps versions): download it and run `meshplan state push -force FILE`",
                    self.location()
                ),
            },
            other => other,
        }
    }

    /// Saves the state as it is before a run changes it (see the crate docs). Not needed when
    /// the object has a version id: the bucket keeps every version.
    fn backup(&self, stored: &Stored) -> Result<(), StateError> {
        if stored.etag.is_none() || stored.versioned {
            return Ok(());
        }
        let (shared, key) = (self.shared.clone(), self.key.clone());
        self.shared.rt.run(async move {
            let cfg = &shared.config;
            let source = format!("{}/{}", cfg.bucket, key);
            let mut copy =
                shared.client.copy_object().bucket(&cfg.bucket).key(format!("{key}.backup")).copy_source(&source);
            if cfg.encrypt {
                copy = match &cfg.kms_key_id {
                    Some(id) => {
                        copy.server_side_encryption(aws_sdk_s3::types::ServerSideEncryption::AwsKms).ssekms_key_id(id)
                    }
                    None => copy.server_side_encryption(aws_sdk_s3::types::ServerSideEncryption::Aes256),
                };
            }
            match copy.send().await {
                Ok(_) => Ok(()),
                Err(e) if e.as_service_error().is_some_and(|s| s.meta().code() == Some("NoSuchKey")) => Ok(()),
                Err(e) => Err(sdk_error(cfg, "back up", &key, e)),
            }
        })?
    }
}

impl StateBackend for S3Backend {
    fn read(&self) -> Result<Snapshot, StateError> {
        // Always from S3: another run may have written since (a reader holds no lock).
        let stored = self.fetch()?;
        let snapshot = stored.snapshot.clone();
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(stored);
        Ok(snapshot)
    }

    fn commit(&self, changes: Vec<Commit>) -> Result<u64, StateError> {
        let mut last = self.cached()?;
        let Some(stored) = last.as_mut() else { return Err(StateError::Io("the state was not read".into())) };
        let mut next = stored.snapshot.clone();
        next.apply(changes)?;
        let etag = self.write(&next, stored.etag.as_deref())?;
        let serial = next.serial;
        *stored = Stored { snapshot: next, etag, from_fallback: false, versioned: stored.versioned };
        Ok(serial)
    }

    /// Taking the lock also backs up the state (unless the bucket keeps versions) and writes
    /// a state only the fallback method opens again with the primary (a key rotation).
    fn lock(&self, info: LockInfo, timeout: Duration) -> Result<LockGuard, StateError> {
        let (shared, key) = (self.shared.clone(), lock_key(&self.key));
        let taken_over = self.shared.rt.run(lock::acquire(shared.clone(), key.clone(), info.clone(), timeout))??;
        let id = info.id.clone();
        let mut guard = LockGuard::new(info, move || {
            let _ = shared.rt.run(lock::release(shared.clone(), key, id));
        });
        guard.taken_over = taken_over;
        let stored = match self.fetch() {
            Ok(s) => s,
            // Reported by the read that follows.
            Err(_) => return Ok(guard),
        };
        self.backup(&stored)?;
        if stored.from_fallback {
            let etag = self.write(&stored.snapshot, stored.etag.as_deref())?;
            *self.last.lock().unwrap_or_else(|p| p.into_inner()) =
                Some(Stored { etag, from_fallback: false, ..stored });
        }
        Ok(guard)
    }

    fn lock_holder(&self) -> Result<Option<LockInfo>, StateError> {
        let (shared, key) = (self.shared.clone(), lock_key(&self.key));
        self.shared.rt.run(async move { lock::holder(&shared, &key).await })?
    }

    fn force_unlock(&self, id: &str) -> Result<(), StateError> {
        self.shared.rt.run(lock::release(self.shared.clone(), lock_key(&self.key), id.to_string()))?
    }
}

/// The object's bytes, ETag and whether it has a version id; `None` when there is no object.
pub(crate) fn fetch_raw(
    shared: &Arc<Shared>,
    key: &str,
) -> Result<Option<(Vec<u8>, Option<String>, bool)>, StateError> {
    let (shared2, key) = (shared.clone(), key.to_string());
    shared.rt.run(async move {
        let cfg = &shared2.config;
        match shared2.client.get_object().bucket(&cfg.bucket).key(&key).send().await {
            Ok(out) => {
                let etag = out.e_tag().map(str::to_string);
                let versioned = out.version_id().is_some_and(|v| v != "null");
                let body = out
                    .body
                    .collect()
                    .await
                    .map_err(|e| StateError::Io(format!("cannot read s3://{}/{key}: {e}", cfg.bucket)))?;
                Ok(Some((body.into_bytes().to_vec(), etag, versioned)))
            }
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => Ok(None),
            Err(e) => Err(sdk_error(cfg, "read the state", &key, e)),
        }
    })?
}
