//! Saving a message's bytes to a file, never overwriting by surprise.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::Path;

/// How to treat an existing file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Fail with `AlreadyExists` (the caller asks the user).
    Refuse,
    /// The user confirmed: replace it.
    Confirmed,
}

/// Writes `data` to `path`. With [`Overwrite::Refuse`] the file is created
/// only if it does not exist, atomically (`O_EXCL`), so nothing is lost
/// even if a file appears between the question and the answer.
pub fn save(path: &Path, data: &[u8], overwrite: Overwrite) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true);
    match overwrite {
        Overwrite::Refuse => options.create_new(true),
        Overwrite::Confirmed => options.create(true).truncate(true),
    };
    let mut file = options.open(path)?;
    file.write_all(data)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_overwrites_without_confirmation() {
        let dir = std::env::temp_dir().join(format!("ipctop-save-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("message.bin");
        let _ = std::fs::remove_file(&path);

        save(&path, b"\x00\x1b[2J", Overwrite::Refuse).expect("new file");
        assert_eq!(std::fs::read(&path).expect("read"), b"\x00\x1b[2J");
        let err = save(&path, b"other", Overwrite::Refuse).expect_err("exists");
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).expect("read"), b"\x00\x1b[2J");
        save(&path, b"other", Overwrite::Confirmed).expect("confirmed");
        assert_eq!(std::fs::read(&path).expect("read"), b"other");
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
