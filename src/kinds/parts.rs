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

/// The removal dialog's ` key 0x… · id …`.
pub fn key_and_id(key: i32, id: i32) -> DetailLine {
    vec![
        (Tone::Label, " key ".to_owned()),
        (Tone::Plain, format::key(key)),
        (Tone::Label, " · id ".to_owned()),
        (Tone::Plain, id.to_string()),
    ]
}
