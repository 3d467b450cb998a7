//! Saving a message's bytes to a file, never overwriting by surprise.
//!
//! The file is often named in a directory other users can write to (the
//! proposed `msg-<id>-<idx>.bin` in the current directory, maybe `/tmp`),
//! by root. So a save never follows a symbolic link at the last component
//! (`O_NOFOLLOW`), writes only to regular files, creates new files
//! exclusively (`O_CREAT | O_EXCL`, mode 0600), and replaces only the very
//! file the user was asked about: the question records its identity
//! ([`FileId`]), and the confirmed save opens the name without following
//! links or truncating, checks the opened file is that one, and only then
//! truncates and writes.

use std::fmt;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

pub use super::file::FileId;
use super::file::kind;
use crate::format;
use crate::sys::explain_io as explain;

/// How to treat an existing file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Fail with [`Problem::Exists`] (the caller asks the user).
    Refuse,
    /// The user confirmed replacing the regular file with this identity
    /// (from [`Problem::Exists`]): that file, and no other.
    Confirmed(FileId),
}

/// Why nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A regular file is there: ask before replacing it.
    Exists(FileId),
    /// Something that is not a regular file is there (`a symbolic link`,
    /// `a FIFO (named pipe)`…), and is left alone.
    NotRegular(&'static str),
    /// The file is not the one the user was asked about any more.
    Changed,
    /// The file system said no, in words.
    Io(String),
}

/// A failed save: the file, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveError {
    /// The file.
    pub path: PathBuf,
    /// Why.
    pub problem: Problem,
}

impl SaveError {
    /// The identity of the regular file in the way, if that is the problem.
    pub fn existing(&self) -> Option<FileId> {
        match self.problem {
            Problem::Exists(id) => Some(id),
            _ => None,
        }
    }
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = format::path(&self.path);
        match &self.problem {
            Problem::Exists(_) => write!(f, "{path} exists"),
            Problem::NotRegular(what) => write!(f, "{path} is {what}: not written"),
            Problem::Changed => write!(f, "{path} changed since you were asked: not written"),
            Problem::Io(why) => write!(f, "cannot write {path}: {why}"),
        }
    }
}

impl std::error::Error for SaveError {}

/// Writes `data` to `path`. With [`Overwrite::Refuse`] the file is created
/// only if nothing is there, atomically (`O_EXCL`), so nothing is lost
/// even if a file appears between the question and the answer; with
/// [`Overwrite::Confirmed`] only the file the user was asked about is
/// replaced.
pub fn save(path: &Path, data: &[u8], overwrite: Overwrite) -> Result<(), SaveError> {
    let fail = |problem| SaveError {
        path: path.to_owned(),
        problem,
    };
    let mut file = match overwrite {
        Overwrite::Refuse => create_new(path),
        Overwrite::Confirmed(id) => open_same(path, id),
    }
    .map_err(fail)?;
    file.write_all(data)
        .and_then(|()| file.sync_all())
        .map_err(|e| fail(Problem::Io(explain(&e))))
}

/// A new file at `path` (mode 0600), or what is in the way.
fn create_new(path: &Path) -> Result<File, Problem> {
    let created = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path);
    match created {
        Ok(file) => Ok(file),
        // `O_CREAT | O_EXCL` fails on anything there, a dangling link
        // included, without opening it (a FIFO cannot block).
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            let meta = fs::symlink_metadata(path).map_err(|e| Problem::Io(explain(&e)))?;
            regular(&meta)?;
            Err(Problem::Exists(FileId::from(&meta)))
        }
        Err(e) => Err(Problem::Io(explain(&e))),
    }
}

/// The regular file `id` at `path`, opened without following a link,
/// checked, then truncated.
fn open_same(path: &Path, id: FileId) -> Result<File, Problem> {
    // Looked at first, so nothing else is even opened (opening a device
    // can have effects); checked again once open, as it may be swapped
    // in between.
    let before = fs::symlink_metadata(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => Problem::Changed,
        _ => Problem::Io(explain(&e)),
    })?;
    same(&before, id)?;
    let file = OpenOptions::new()
        .write(true)
        // O_NONBLOCK: a FIFO swapped in meanwhile cannot block the open.
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => Problem::NotRegular("a symbolic link"),
            Some(libc::ENOENT | libc::ENXIO) => Problem::Changed,
            _ => Problem::Io(explain(&e)),
        })?;
    let opened = file.metadata().map_err(|e| Problem::Io(explain(&e)))?;
    same(&opened, id)?;
    file.set_len(0).map_err(|e| Problem::Io(explain(&e)))?;
    Ok(file)
}

fn regular(meta: &Metadata) -> Result<(), Problem> {
    if meta.file_type().is_file() {
        Ok(())
    } else {
        Err(Problem::NotRegular(kind(meta.file_type())))
    }
}

fn same(meta: &Metadata, id: FileId) -> Result<(), Problem> {
    regular(meta)?;
    if FileId::from(meta) == id {
        Ok(())
    } else {
        Err(Problem::Changed)
    }
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
        let id = err.existing().expect("a regular file is in the way");
        assert_eq!(err.to_string(), format!("{} exists", path.display()));
        assert_eq!(std::fs::read(&path).expect("read"), b"\x00\x1b[2J");
        save(&path, b"other", Overwrite::Confirmed(id)).expect("confirmed");
        assert_eq!(std::fs::read(&path).expect("read"), b"other");
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
