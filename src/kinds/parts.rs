//! Pieces every System V kind shows the same way: who owns and created
//! an object, and its key and id.

use super::{DetailLine, Tone};
use crate::format;
use crate::model::Snapshot;

/// `alice (1000) : staff (50)`, names sanitized.
fn user_and_group(snap: &Snapshot, (uid, gid): (u32, u32)) -> String {
    format!(
        "{} ({uid}) : {} ({gid})",
        format::sanitize(&snap.user_name(uid)),
        format::sanitize(&snap.group_name(gid))
    )
}

/// The detail line `owner … · creator … · mode 0640 rw-r-----`.
pub fn ownership_line(
    snap: &Snapshot,
    owner: (u32, u32),
    creator: (u32, u32),
    perms: u32,
) -> DetailLine {
    let label = |text: &str| (Tone::Label, text.to_owned());
    vec![
        label("owner "),
        (Tone::Plain, user_and_group(snap, owner)),
        label(" · creator "),
        (Tone::Plain, user_and_group(snap, creator)),
        label(" · mode "),
        (Tone::Plain, format!("{perms:04o} {}", format::perms(perms))),
    ]
}

/// `ipctop rm`'s summary lines for owner, creator and mode.
pub fn ownership_summary(
    snap: &Snapshot,
    owner: (u32, u32),
    creator: (u32, u32),
    perms: u32,
) -> [(&'static str, String); 3] {
    let who = |(uid, gid): (u32, u32)| {
        format!(
            "{}:{} (uid {uid}, gid {gid})",
            format::sanitize(&snap.user_name(uid)),
            format::sanitize(&snap.group_name(gid))
        )
    };
    [
        ("owner", who(owner)),
        ("creator", who(creator)),
        ("mode", format!("{} ({perms:o})", format::perms(perms))),
    ]
}

/// The first cells of `ipctop list`'s plain table of a System V kind, as
/// `ipcs` has them: key, id, owner, perms (octal); `rest` follows.
pub fn plain_row(
    snap: &Snapshot,
    (key, id, uid, perms): (i32, i32, u32, u32),
    rest: impl IntoIterator<Item = String>,
) -> Vec<String> {
    let mut cells = vec![
        format::key(key),
        id.to_string(),
        format::sanitize(&snap.user_name(uid)).into_owned(),
        format!("{perms:o}"),
    ];
    cells.extend(rest);
    cells
}

/// The removal dialog's ` key 0x… · id …`.
pub fn key_and_id(key: i32, id: i32) -> DetailLine {
    vec![
        (Tone::Label, " key ".to_owned()),
        (Tone::Plain, format::key(key)),
        (Tone::Label, " · id ".to_owned()),
        (Tone::Plain, id.to_string()),
    ]
}

/// What tells a System V object from another under its id: its key, its
/// creator, its change time and the times of its last operations (which
/// only move forward).
#[derive(Debug, Clone, Copy)]
pub struct Identity {
    /// The key.
    pub key: i32,
    /// Creator uid and gid.
    pub creator: (u32, u32),
    /// Creation or last `IPC_SET`.
    pub ctime: i64,
    /// The last operations' times (send and receive, attach and detach).
    pub history: [i64; 2],
}

/// What differs between `chosen` and `now`, in words (for
/// [`super::Removable::changes`]); a different key counts unless
/// `key_kept` (the kind knows when a key changes under the same object).
pub fn identity_changes(chosen: Identity, now: Identity, key_kept: bool) -> Vec<String> {
    let mut changes = Vec::new();
    if now.key != chosen.key && !key_kept {
        changes.push(format!(
            "key {} is now {}",
            format::key(chosen.key),
            format::key(now.key)
        ));
    }
    if now.creator != chosen.creator {
        changes.push(format!(
            "creator {}:{} is now {}:{}",
            chosen.creator.0, chosen.creator.1, now.creator.0, now.creator.1
        ));
    }
    if now.ctime != chosen.ctime {
        changes.push("it was created or changed again".to_owned());
    }
    if now
        .history
        .iter()
        .zip(chosen.history)
        .any(|(now, then)| *now < then)
    {
        changes.push("its history starts again".to_owned());
    }
    changes
}

/// [`super::Removable::current`] for a kind whose ids are `i32`: an id
/// out of range names no object.
pub fn current_by_id<T>(
    id: i64,
    current: impl FnOnce(i32) -> Result<Option<T>, crate::collect::CollectError>,
) -> Result<Option<T>, crate::collect::CollectError> {
    match i32::try_from(id) {
        Ok(id) => current(id),
        Err(_) => Ok(None),
    }
}

/// [`super::Removable::remove`] for a kind whose ids are `i32`.
pub fn remove_by_id(
    id: i64,
    noun: &str,
    remove: impl FnOnce(i32) -> Result<(), crate::sys::SysError>,
) -> Result<(), crate::sys::SysError> {
    let id = i32::try_from(id).map_err(|_| {
        crate::sys::SysError::new(format!("remove {noun} {id}"), crate::sys::Errno::EINVAL)
    })?;
    remove(id)
}

/// The audit log's names of a System V object: key and id.
pub fn audit_names(key: i32, id: i32) -> Vec<(&'static str, String)> {
    vec![("key", format::key(key)), ("id", id.to_string())]
}

/// [`super::ObjectKind::matches`] for a System V object: its key (hex),
/// id and owner, and the pids and commands of `operators` (the ones its
/// row shows).
pub fn matches_row<'s>(
    m: &mut super::Matcher<'s>,
    snap: &'s Snapshot,
    (key, id, uid): (i32, i32, u32),
    operators: impl IntoIterator<Item = (i32, crate::model::Operator<'s>)>,
) -> bool {
    if m.is_empty() {
        return true;
    }
    let key = format_args!("{:#010x}", crate::model::key_bits(key));
    m.number(key)
        || m.number(id)
        || match snap.users.get(&uid) {
            Some(owner) => m.name(owner),
            None => m.number(uid),
        }
        || operators
            .into_iter()
            .filter(|(pid, _)| *pid > 0)
            .any(|(pid, who)| m.number(pid) || who.command().is_some_and(|c| m.name(c)))
}
