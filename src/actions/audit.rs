//! The audit log: one line per removal, appended to
//! `$XDG_STATE_HOME/ipctop/actions.log` (`~/.local/state/ipctop/` when the
//! variable is unset).

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::format;
use crate::sys::time::utc;

/// One action, as logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    /// The kind of object: `msg`.
    pub kind: &'a str,
    /// Its key.
    pub key: i32,
    /// Its id.
    pub id: i32,
    /// Its owner's name.
    pub owner: &'a str,
    /// Messages it held.
    pub messages: u64,
    /// Bytes it held.
    pub bytes: u64,
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
    format!(
        "{time} uid={uid} kind={} key={} id={} owner={:?} messages={} bytes={} result={:?}",
        entry.kind,
        format::key(entry.key),
        entry.id,
        entry.owner,
        entry.messages,
        entry.bytes,
        entry.result
    )
}

/// Appends `entry` to the log at `path`, creating its directory.
pub fn append_to(path: &Path, entry: &Entry<'_>) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let mut file = OpenOptions::new().create(true).append(true).open(path)?;
    let uid = nix::unistd::getuid().as_raw();
    writeln!(file, "{}", line(entry, uid, SystemTime::now()))
}

/// Appends `entry` to the user's log. The error says which file failed.
pub fn append(entry: &Entry<'_>) -> Result<PathBuf, String> {
    let path = log_path().ok_or("no HOME or XDG_STATE_HOME for the audit log")?;
    append_to(&path, entry)
        .map(|()| path.clone())
        .map_err(|e| format!("cannot write the audit log {}: {e}", path.display()))
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
            key: -1,
            id: 65538,
            owner: "ev\nil",
            messages: 3,
            bytes: 30,
            result: "removed",
        };
        let when = UNIX_EPOCH + Duration::from_secs(1_764_316_800);
        assert_eq!(
            line(&entry, 0, when),
            "2025-11-28T08:00:00Z uid=0 kind=msg key=0xffffffff id=65538 owner=\"ev\\nil\" messages=3 bytes=30 result=\"removed\""
        );
    }
}
