//! `ipctop rm msg|shm|sem ID`: removes a message queue, a shared-memory
//! segment or a semaphore set, showing first what will be lost, asking on
//! the terminal unless `--yes`, refusing when the key is not the one
//! expected, and never removing an object that replaced the one shown
//! (see [`remove::remove`]). A segment still attached is only marked for
//! removal: the kernel frees it when the last process detaches.
//!
//! Every removal that reaches the kernel — removed, refused as replaced,
//! or failed — is appended to the audit log ([`audit`]). Refusals before
//! that point (`--read-only`, wrong key, no confirmation) change nothing
//! and are not logged.

use std::io::{self, BufRead, IsTerminal, Write};

use clap::Args;

use crate::actions;
use crate::collect;
use crate::format;
use crate::kinds::Removable;
use crate::kinds::sysv_msg::SysvMsg;
use crate::kinds::sysv_sem::SysvSem;
use crate::kinds::sysv_shm::SysvShm;
use crate::model::{Kind, ObjectId, Snapshot};

/// The kinds `rm` can remove.
const REMOVABLE: [Kind; 3] = [Kind::SysvMsg, Kind::SysvShm, Kind::SysvSem];

/// Parses the kind argument: a kind `rm` can remove, or a sentence saying
/// why not (a kind it does not remove yet, or no kind at all).
fn parse_kind(text: &str) -> Result<Kind, String> {
    let names = || {
        REMOVABLE
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match Kind::ALL.into_iter().find(|k| k.name() == text) {
        Some(kind) if REMOVABLE.contains(&kind) => Ok(kind),
        Some(kind) => Err(format!(
            "this version of ipctop cannot remove a {} yet (it removes: {})",
            kind.noun(),
            names()
        )),
        None => Err(format!("not a kind of object (try: {})", names())),
    }
}

/// Arguments of `ipctop rm`.
#[derive(Debug, Clone, Args)]
pub struct RmArgs {
    /// What to remove: msg (a System V message queue, by msqid), shm (a
    /// System V shared-memory segment, by shmid) or sem (a System V
    /// semaphore set, by semid).
    #[arg(value_name = "KIND", value_parser = parse_kind)]
    pub kind: Kind,

    /// Its id (the ID column of `ipctop list`).
    #[arg(value_parser = super::parse_id, allow_negative_numbers = true)]
    pub id: i32,

    /// Refuse unless its key is KEY (hex `0x5ea1f00d` or decimal).
    #[arg(long, value_name = "KEY", value_parser = parse_key, allow_negative_numbers = true)]
    pub expect_key: Option<i32>,

    /// Remove without asking (needed when stdin is not a terminal).
    #[arg(short, long)]
    pub yes: bool,
}

/// Parses a key as `ipcs` prints it (`0x5ea1f00d`), as `/proc/sysvipc`
/// prints it (signed decimal, `-1012759271`), or as an unsigned decimal.
pub fn parse_key(text: &str) -> Result<i32, String> {
    let text = text.trim();
    let bits = if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        u32::from_str_radix(hex, 16).ok()
    } else {
        text.parse::<i64>().ok().and_then(|n| {
            i32::try_from(n)
                .ok()
                .map(crate::model::key_bits)
                .or_else(|| u32::try_from(n).ok())
        })
    };
    bits.map(|b| i32::from_ne_bytes(b.to_ne_bytes()))
        .ok_or_else(|| format!("not a key: {text:?} (try 0x5ea1f00d or 1588719629)"))
}

/// Runs `ipctop rm`; with `read_only` (`ipctop --read-only rm …`) it only
/// shows the object and refuses.
pub fn run(args: &RmArgs, read_only: bool) -> Result<(), Box<dyn std::error::Error>> {
    match args.kind {
        Kind::SysvMsg => rm::<SysvMsg>(args, read_only),
        Kind::SysvShm => rm::<SysvShm>(args, read_only),
        Kind::SysvSem => rm::<SysvSem>(args, read_only),
        // `parse_kind` refuses these already; said again, not assumed.
        other => Err(format!("cannot remove a {} yet", other.noun()).into()),
    }
}

fn rm<K: Removable>(args: &RmArgs, read_only: bool) -> Result<(), Box<dyn std::error::Error>> {
    let id = i64::from(args.id);
    let (noun, long) = (K::NOUN, K::LONG_NOUN);
    let object = K::current(id)?.ok_or_else(|| format!("no {long} has id {id}"))?;

    let stdout = io::stdout();
    let mut out = stdout.lock();
    let snap = K::describe(&object)?;
    write_summary::<K>(&object, &snap, &mut out)?;
    out.flush()?;

    if read_only {
        return Err(format!("{noun} {id} not removed: ipctop runs with --read-only").into());
    }
    if let Some(key) = args.expect_key {
        let has = K::key(&object);
        if has != Some(key) {
            let has = has.map_or_else(
                || "no key".to_owned(),
                |k| format!("key {}", format::key(k)),
            );
            return Err(format!(
                "{noun} {id} has {has}, not {}; not removed",
                format::key(key)
            )
            .into());
        }
    }
    if !args.yes {
        confirm(noun, id)?;
    }

    let owner = snap.user_name(K::owner_uid(&object));
    let target = ObjectId {
        namespace: collect::current_namespace()?,
        kind: K::KIND,
        id,
    };
    let logged = actions::remove_logged::<K>(target, &object, &owner, &K::lost(&object));
    if let Err(e) = &logged.log {
        // Already sanitized where it names a path; sanitized again here
        // so nothing else in it can reach the terminal either.
        super::say(&format!("warning: {e}"));
    }
    let removed = logged.outcome?;
    writeln!(out, "{}", actions::removed_text::<K>(&removed))?;
    Ok(())
}

/// Asks `remove queue N? [y/N]` on the terminal; anything but yes, and a
/// stdin that is not a terminal, refuses.
fn confirm(noun: &str, id: i64) -> Result<(), String> {
    let stdin = io::stdin();
    if !stdin.is_terminal() {
        return Err(format!(
            "{noun} {id} not removed: stdin is not a terminal to confirm on (pass --yes to remove without asking)"
        ));
    }
    let _ = write!(io::stderr(), "remove {noun} {id}? [y/N] ");
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|e| format!("{noun} {id} not removed: cannot read the answer: {e}"))?;
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(format!("{noun} {id} not removed")),
    }
}

/// What will be lost, one fact per line, every name sanitized.
pub fn write_summary<K: Removable>(
    object: &K::Object,
    snap: &Snapshot,
    out: &mut impl Write,
) -> io::Result<()> {
    writeln!(out, "{} {}", K::LONG_NOUN, K::id(object))?;
    for (label, value) in K::summary(snap, object) {
        writeln!(out, "  {label:<15}{value}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{MsgLimits, MsgQueue, MsgSource, MsgTable};
    use std::collections::HashMap;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn keys_parse_as_ipcs_and_proc_print_them() {
        assert_eq!(parse_key("0x5ea1f00d"), Ok(0x5ea1_f00d));
        assert_eq!(parse_key("0XC3A28519"), Ok(-1_012_759_271));
        assert_eq!(parse_key("-1012759271"), Ok(-1_012_759_271));
        assert_eq!(parse_key("3282208025"), Ok(-1_012_759_271));
        assert_eq!(parse_key("0"), Ok(0));
        assert_eq!(parse_key("0xffffffff"), Ok(-1));
        assert!(parse_key("0x1ffffffff").is_err());
        assert!(parse_key("4294967296").is_err());
        assert!(parse_key("-2147483649").is_err());
        assert!(parse_key("key").unwrap_err().contains("try 0x5ea1f00d"));
    }

    #[test]
    fn summary_says_what_will_be_lost_and_hides_escapes() {
        let queue = MsgQueue {
            key: 0x5ea1_f00d,
            id: 65538,
            uid: 1000,
            gid: 100,
            cuid: 0,
            cgid: 0,
            perms: 0o640,
            messages: 3980,
            used_bytes: 15_920,
            max_bytes: Some(16_384),
            lspid: 4711,
            lrpid: 0,
            stime: 999_997,
            rtime: 0,
            ctime: 900_000,
        };
        let snap = Snapshot {
            taken_at: UNIX_EPOCH + Duration::from_secs(1_000_000),
            namespace: 1,
            namespace_label: None,
            hostname: String::new(),
            limits: Vec::new(),
            msg: MsgTable::new(
                vec![queue.clone()],
                MsgLimits::default(),
                MsgSource::StatAny,
            ),
            sem: Default::default(),
            shm: Default::default(),
            processes: HashMap::new(),
            users: HashMap::from([(1000, "ev\x1b[2Jil".to_owned()), (0, "root".to_owned())]),
            groups: HashMap::from([(0, "root".to_owned())]),
            failures: Default::default(),
        };
        let mut out = Vec::new();
        write_summary::<SysvMsg>(&queue, &snap, &mut out).expect("write");
        let text = String::from_utf8(out).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "message queue 65538");
        assert_eq!(lines[1], "  key            0x5ea1f00d");
        assert_eq!(
            lines[2],
            "  owner          ev·[2Jil:100 (uid 1000, gid 100)"
        );
        assert_eq!(lines[3], "  creator        root:root (uid 0, gid 0)");
        assert_eq!(lines[4], "  mode           rw-r----- (640)");
        assert_eq!(lines[5], "  messages       3,980");
        assert_eq!(lines[6], "  bytes          15,920 (15.55 KiB)");
        assert!(
            lines[7].starts_with("  last send      ")
                && lines[7].ends_with("(3s ago) by 4711 (exited)"),
            "{}",
            lines[7]
        );
        assert_eq!(lines[8], "  last receive   never");
        assert!(!text.contains('\x1b'));
    }
}
