//! Unpacking module archives (zip, tar.gz) into a directory. Entries that would land outside
//! it (`../x`, absolute paths) are refused by the tar and zip crates' own checks.

use crate::address::ArchiveKind;
use std::io::Cursor;
use std::path::Path;

/// The kind of archive `bytes` holds, by magic number (for URLs that do not say).
pub(crate) fn sniff(bytes: &[u8]) -> Option<ArchiveKind> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        Some(ArchiveKind::TarGz)
    } else if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Some(ArchiveKind::Zip)
    } else {
        None
    }
}

pub(crate) fn unpack(kind: ArchiveKind, bytes: &[u8], dest: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dest).map_err(|e| format!("cannot create {}: {e}", dest.display()))?;
    match kind {
        ArchiveKind::TarGz => {
            let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(Cursor::new(bytes)));
            archive.set_preserve_permissions(false);
            archive.unpack(dest).map_err(|e| e.to_string())
        }
        ArchiveKind::Zip => {
            let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
            archive.extract(dest).map_err(|e| e.to_string())
        }
    }
}

pub(crate) fn kind_name(kind: ArchiveKind) -> &'static str {
    match kind {
        ArchiveKind::Zip => "zip",
        ArchiveKind::TarGz => "tar.gz",
    }
}
