//! The audit log: one line per removal, appended to
//! `$XDG_STATE_HOME/ipctop/actions.log` (`~/.local/state/ipctop/` when the
//! variable is unset).
//!
//! ipctop often runs as root with a `HOME` that is another user's (after
//! `su` without `-`), so the log is written only into files that are the
//! writer's own: the `ipctop` directory and the log must belong to the
//! effective user (or root), must not be symbolic links, must not be
//! writable by group or others, and the log must be a regular file.
//! Both are checked on the opened descriptors (`O_NOFOLLOW`, then
//! `fstat`), so nothing swapped in between is written to. Directories
//! ipctop creates are mode 0700, the log 0600. Otherwise nothing is
//! logged and the caller says why; the removal stands.

use std::fmt::Write as _;
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use nix::fcntl::{OFlag, openat};
use nix::sys::stat::Mode;

use super::file::kind;
use crate::format;
use crate::sys::explain_io as explain;
use crate::sys::time::utc;

/// The log's file name in its directory.
const FILE_NAME: &str = "actions.log";

/// One action, as logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    /// The kind of object: `msg`.
    pub kind: &'a str,
    /// The fields that name it: `key`, `id`.
    pub names: Vec<(&'static str, String)>,
    /// Its owner's name.
    pub owner: &'a str,
    /// What it held, counted: `messages`, `bytes`.
    pub lost: Vec<(&'static str, u64)>,
    /// `removed`, or why not.
    pub result: &'a str,
}

/// Where the log goes, from the environment.
pub fn log_path() -> Option<PathBuf> {
    log_path_from(
        std::env::var_os("XDG_STATE_HOME").map(PathBuf::from),
        std::env::var_os("HOME").map(PathBuf::from),
    )
}

fn log_path_from(state_home: Option<PathBuf>, home: Option<PathBuf>) -> Option<PathBuf> {
    // The XDG spec says a relative XDG_STATE_HOME is invalid: ignore it.
    let state = state_home
        .filter(|p| p.is_absolute())
        .or_else(|| home.map(|h| h.join(".local/state")))?;
    Some(state.join("ipctop/actions.log"))
}

/// The line for `entry` by `uid` at `when`: space-separated `name=value`
/// pairs, text values quoted with escapes so a line is always one line.
pub fn line(entry: &Entry<'_>, uid: u32, when: SystemTime) -> String {
    let t = format::unix_seconds(when);
    let time = utc(t).map_or_else(
        || format!("@{t}"),
        |t| {
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                t.year, t.month, t.day, t.hour, t.minute, t.second
            )
        },
    );
    let mut line = format!("{time} uid={uid} kind={}", entry.kind);
    for (name, value) in &entry.names {
        let _ = write!(line, " {name}={value}");
    }
    let _ = write!(line, " owner={:?}", entry.owner);
    for (name, count) in &entry.lost {
        let _ = write!(line, " {name}={count}");
    }
    let _ = write!(line, " result={:?}", entry.result);
    line
}

/// Why the log was not written.
#[derive(Debug)]
pub enum LogError {
    /// The file system said no.
    Io(io::Error),
    /// The log (`directory: false`) or its directory is not the writer's
    /// own: `is a symbolic link`, `is owned by uid 1000, not by you`…
    Refused {
        /// The directory, not the file.
        directory: bool,
        /// What is wrong with it.
        why: String,
    },
}

impl From<io::Error> for LogError {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

impl LogError {
    /// The warning for the log at `path`, a sentence naming the file.
    pub fn describe(&self, path: &Path) -> String {
        match self {
            Self::Io(e) => format!(
                "cannot write the audit log {}: {}",
                format::path(path),
                explain(e)
            ),
            Self::Refused { directory, why } => {
                let dir = path.parent().filter(|_| *directory);
                match dir {
                    Some(dir) => {
                        format!(
                            "the audit log's directory {} {why}: not logged",
                            format::path(dir)
                        )
                    }
                    None => format!("the audit log {} {why}: not logged", format::path(path)),
                }
            }
        }
    }
}

/// Appends `entry` to the log at `path` (`…/ipctop/actions.log`),
/// creating its directories (mode 0700) and the log (mode 0600).
pub fn append_to(path: &Path, entry: &Entry<'_>) -> Result<(), LogError> {
    let dir = path.parent().unwrap_or(Path::new("/"));
    if let Some(parent) = dir.parent() {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(parent)?;
    }
    match DirBuilder::new().mode(0o700).create(dir) {
        Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e.into()),
        _ => {}
    }
    let refused = |directory, why| LogError::Refused { directory, why };
    let dir_fd = OpenOptions::new()
        .read(true)
        // O_PATH: checked and used as a directory, never read.
        .custom_flags(libc::O_PATH | libc::O_DIRECTORY | libc::O_NOFOLLOW)
        .open(dir)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP | libc::ENOTDIR) => refused(true, not_a_directory(dir)),
            _ => e.into(),
        })?;
    own(&dir_fd, true)?;
    let name = path.file_name().unwrap_or(FILE_NAME.as_ref());
    let flags = OFlag::O_WRONLY
        | OFlag::O_APPEND
        | OFlag::O_CREAT
        | OFlag::O_NOFOLLOW
        | OFlag::O_CLOEXEC
        // A FIFO cannot block the open (it is refused below).
        | OFlag::O_NONBLOCK;
    let mut file = openat(&dir_fd, name, flags, Mode::from_bits_truncate(0o600))
        .map(File::from)
        .map_err(|errno| match errno {
            nix::errno::Errno::ELOOP => refused(false, "is a symbolic link".to_owned()),
            nix::errno::Errno::ENXIO => refused(false, "is a FIFO (named pipe)".to_owned()),
            other => io::Error::from(other).into(),
        })?;
    own(&file, false)?;
    let uid = nix::unistd::getuid().as_raw();
    writeln!(file, "{}", line(entry, uid, SystemTime::now()))?;
    Ok(())
}

/// Why `path`, which could not be opened as a directory, is not one.
fn not_a_directory(path: &Path) -> String {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => "is a symbolic link".to_owned(),
        Ok(meta) => format!("is {}, not a directory", kind(meta.file_type())),
        Err(e) => format!("cannot be opened: {}", explain(&e)),
    }
}

/// Is the opened `file` the writer's own directory (or regular file):
/// owned by the effective user or root, writable by neither group nor
/// others? If not, why not.
fn own(file: &File, directory: bool) -> Result<(), LogError> {
    let meta = file.metadata()?;
    let file_type = meta.file_type();
    let euid = nix::unistd::geteuid().as_raw();
    let why = if directory && !file_type.is_dir() {
        format!("is {}, not a directory", kind(file_type))
    } else if !directory && !file_type.is_file() {
        format!("is {}", kind(file_type))
    } else if meta.uid() != euid && meta.uid() != 0 {
        format!("is owned by uid {}, not by you", meta.uid())
    } else if meta.mode() & 0o022 != 0 {
        "is writable by others".to_owned()
    } else {
        return Ok(());
    };
    Err(LogError::Refused { directory, why })
}

/// Appends `entry` to the user's log. The error says which file failed,
/// and why, in a sentence (sanitized).
pub fn append(entry: &Entry<'_>) -> Result<PathBuf, String> {
    let path = log_path().ok_or("no HOME or XDG_STATE_HOME for the audit log")?;
    match append_to(&path, entry) {
        Ok(()) => Ok(path),
        Err(e) => Err(e.describe(&path)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn path_follows_xdg_and_falls_back_to_home() {
        let p = |s: &str| Some(PathBuf::from(s));
        assert_eq!(
            log_path_from(p("/st"), p("/home/a")),
            p("/st/ipctop/actions.log")
        );
        assert_eq!(
            log_path_from(None, p("/home/a")),
            p("/home/a/.local/state/ipctop/actions.log")
        );
        assert_eq!(
            log_path_from(p("relative"), p("/home/a")),
            p("/home/a/.local/state/ipctop/actions.log")
        );
        assert_eq!(log_path_from(None, None), None);
    }

    #[test]
    fn a_line_is_one_line_whatever_the_names() {
        let entry = Entry {
            kind: "msg",
            names: vec![("key", format::key(-1)), ("id", "65538".to_owned())],
            owner: "ev\nil",
            lost: vec![("messages", 3), ("bytes", 30)],
            result: "removed",
        };
        let when = UNIX_EPOCH + Duration::from_secs(1_764_316_800);
        assert_eq!(
            line(&entry, 0, when),
            "2025-11-28T08:00:00Z uid=0 kind=msg key=0xffffffff id=65538 owner=\"ev\\nil\" messages=3 bytes=30 result=\"removed\""
        );
    }
}
