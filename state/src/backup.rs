//! Backups of the local state: before a run that holds the lock can change anything, the state
//! as it was is written to `.meshplan/backups/serial-N.json` (owner-only), keeping the newest
//! [`KEEP`]. `meshplan state push` restores one; a damaged database's error names the newest.
//! Backups are sealed with the state's [`Encryption`] (associated data `backup`).

use crate::{Encryption, Snapshot, StateError};
use std::path::{Path, PathBuf};

/// How many previous serials are kept.
pub const KEEP: usize = 5;

fn backup_dir(state_dir: &Path) -> PathBuf {
    state_dir.join("backups")
}

/// Backups, oldest first, with their serials.
pub fn list(state_dir: &Path) -> Vec<(u64, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(backup_dir(state_dir)) else { return Vec::new() };
    let mut out: Vec<(u64, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let serial = name.strip_prefix("serial-")?.strip_suffix(".json")?.parse().ok()?;
            Some((serial, e.path()))
        })
        .collect();
    out.sort();
    out
}

/// The newest backup, if any.
pub fn newest(state_dir: &Path) -> Option<PathBuf> {
    list(state_dir).pop().map(|(_, p)| p)
}

/// Saves `snapshot` unless it is empty or already saved, then prunes to [`KEEP`].
pub fn save(state_dir: &Path, snapshot: &Snapshot, encryption: &Encryption) -> Result<(), StateError> {
    if snapshot.serial == 0 || list(state_dir).last().is_some_and(|(s, _)| *s >= snapshot.serial) {
        return Ok(());
    }
    let dir = backup_dir(state_dir);
    let io = |e: std::io::Error| StateError::Io(format!("cannot write a state backup in {}: {e}", dir.display()));
    crate::private::create_private_dir(&dir).map_err(io)?;
    let text = encode_document(snapshot, encryption)?;
    let path = dir.join(format!("serial-{}.json", snapshot.serial));
    write_atomically(&path, &text).map_err(io)?;
    let all = list(state_dir);
    for (_, old) in all.iter().take(all.len().saturating_sub(KEEP)) {
        let _ = std::fs::remove_file(old);
    }
    Ok(())
}

const AAD: &[u8] = b"backup";

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    crate::private::write_private(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, path))
}

/// Seals again with the primary method every backup only the fallback opens (a migration).
pub fn reseal(state_dir: &Path, encryption: &Encryption) -> Result<(), StateError> {
    for (_, path) in list(state_dir) {
        let Ok(stored) = std::fs::read(&path) else { continue };
        let (plain, from_fallback) = encryption.open_with_origin(AAD, &stored)?;
        if from_fallback {
            let sealed = encryption.seal(AAD, &plain)?;
            write_atomically(&path, &sealed)
                .map_err(|e| StateError::Io(format!("cannot rewrite {}: {e}", path.display())))?;
        }
    }
    Ok(())
}

/// Reads a backup (or any file `state pull` wrote: those are plain, and always readable).
pub fn read(path: &Path, encryption: &Encryption) -> Result<Snapshot, StateError> {
    let text = std::fs::read(path).map_err(|e| StateError::Io(format!("cannot read {}: {e}", path.display())))?;
    let text = if crate::cipher::is_encrypted(&text) { encryption.open(AAD, &text)? } else { text };
    serde_json::from_slice(&text)
        .map_err(|e| StateError::Corrupt { key: path.display().to_string(), message: e.to_string() })
}

/// A whole state as one document: the JSON `state pull` prints, sealed with `encryption`
/// (associated data `backup`, so any such document can be restored with `state push`).
pub fn encode_document(snapshot: &Snapshot, encryption: &Encryption) -> Result<Vec<u8>, StateError> {
    let mut text = serde_json::to_vec_pretty(snapshot).map_err(|e| StateError::Io(e.to_string()))?;
    text.push(b'\n');
    Ok(encryption.seal(AAD, &text)?)
}

/// Opens a document [`encode_document`] wrote. The flag is true when only the fallback method
/// opened it (it should be written again with the primary). `name` is for the error.
pub fn decode_document(bytes: &[u8], encryption: &Encryption, name: &str) -> Result<(Snapshot, bool), StateError> {
    let (text, from_fallback) = encryption.open_with_origin(AAD, bytes)?;
    let snapshot = serde_json::from_slice(&text)
        .map_err(|e| StateError::Corrupt { key: name.to_string(), message: e.to_string() })?;
    Ok((snapshot, from_fallback))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(serial: u64) -> Snapshot {
        Snapshot { lineage: "l".into(), serial, ..Snapshot::default() }
    }

    #[test]
    fn keeps_the_newest_serials_once_each() {
        let tmp = tempfile::tempdir().unwrap();
        let none = Encryption::default();
        save(tmp.path(), &snap(0), &none).unwrap();
        assert!(list(tmp.path()).is_empty(), "an empty state is not backed up");
        for s in 1..=8 {
            save(tmp.path(), &snap(s), &none).unwrap();
            save(tmp.path(), &snap(s), &none).unwrap();
        }
        let serials: Vec<u64> = list(tmp.path()).into_iter().map(|(s, _)| s).collect();
        assert_eq!(serials, vec![4, 5, 6, 7, 8]);
        assert_eq!(read(&newest(tmp.path()).unwrap(), &none).unwrap(), snap(8));
    }
}
