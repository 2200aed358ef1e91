//! Files only Antar's own user may read: the data directory, the SQLite
//! database and its logs, proof media and the generated secret. Modes are
//! set explicitly, so a loose umask on the server changes nothing.

use std::io::Write;
use std::path::Path;

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) -> std::io::Result<()> {
    Ok(())
}

/// Creates the directory (and its parents) if needed; it ends up 0700.
pub fn dir(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)?;
    set_mode(path, 0o700)
}

/// Makes an existing file 0600; a missing one is left missing.
pub fn restrict(path: &Path) -> std::io::Result<()> {
    match set_mode(path, 0o600) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Creates an empty file 0600 unless it exists (then makes it 0600).
pub fn touch(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?;
    restrict(path)
}

/// Writes a new file 0600 (replacing one there).
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).write(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)?;
    restrict(path)
}
