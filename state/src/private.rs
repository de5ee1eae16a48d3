//! Owner-only files: the state holds private keys and passwords, so `.meshplan/` is 0700 and
//! every file in it 0600, whatever the umask (other users on the host must not read them).

use std::path::Path;

/// Creates `dir` (and parents) if needed and makes it owner-only.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    restrict(dir, true)
}

/// Makes `dir` and everything under it owner-only (0700 directories, 0600 files). Sled creates
/// its files with the process umask; this runs after it opens and after each close.
pub fn restrict_tree(dir: &Path) -> std::io::Result<()> {
    restrict(dir, true)?;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            restrict_tree(&entry.path())?;
        } else if kind.is_file() {
            restrict(&entry.path(), false)?;
        }
    }
    Ok(())
}

/// Writes `bytes` to a new file readable by the owner only (0600 from the start: no window
/// in which another user could open it).
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path)?;
    restrict(path, false)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(unix)]
fn restrict(path: &Path, dir: bool) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = if dir { 0o700 } else { 0o600 };
    let current = std::fs::metadata(path)?.permissions().mode() & 0o777;
    if current != mode {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _dir: bool) -> std::io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn trees_and_new_files_are_owner_only() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/b");
        create_private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        std::fs::create_dir(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub/f"), "x").unwrap();
        std::fs::set_permissions(dir.join("sub/f"), std::fs::Permissions::from_mode(0o644)).unwrap();
        restrict_tree(&dir).unwrap();
        assert_eq!(mode(&dir.join("sub")), 0o700);
        assert_eq!(mode(&dir.join("sub/f")), 0o600);
        write_private(&dir.join("plan"), b"secret").unwrap();
        assert_eq!(mode(&dir.join("plan")), 0o600);
        assert_eq!(std::fs::read(dir.join("plan")).unwrap(), b"secret");
    }
}
