//! The system-wide IPC limits, as `lsipc -g` and `ipcs -l -u` show them:
//! the kernel's own values (the `*_INFO` answers the tables were read
//! with), each beside the `/proc/sys/kernel` setting it comes from, and
//! how much of each the tables of the same snapshot use.

use crate::model::{Kind, Limit, LimitUnit, Snapshot};

/// Where the IPC settings are, in this process's IPC namespace.
pub const SYSCTL_DIR: &str = "/proc/sys/kernel";

/// The `/proc/sys/kernel` IPC settings, as read (`None`: unreadable or
/// not a number).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sysctl {
    /// `msgmni`.
    pub msgmni: Option<u64>,
    /// `msgmax`.
    pub msgmax: Option<u64>,
    /// `msgmnb`.
    pub msgmnb: Option<u64>,
    /// `shmmni`.
    pub shmmni: Option<u64>,
    /// `shmall` (pages).
    pub shmall: Option<u64>,
    /// `shmmax`.
    pub shmmax: Option<u64>,
    /// `sem`: SEMMSL, SEMMNS, SEMOPM and SEMMNI, in that order.
    pub sem: [Option<u64>; 4],
    /// Bytes per page, which SHMALL counts.
    pub page_size: u64,
}

impl Sysctl {
    /// Reads the settings under `dir` (normally [`SYSCTL_DIR`]).
    pub fn read(dir: &str) -> Self {
        Self::from_files(|name| std::fs::read_to_string(format!("{dir}/{name}")).ok())
    }

    /// The settings, from `file`: a file's text by name.
    fn from_files(file: impl Fn(&str) -> Option<String>) -> Self {
        let number = |name: &str| file(name).and_then(|text| text.trim().parse().ok());
        let mut sem = [None; 4];
        if let Some(text) = file("sem") {
            let numbers: Vec<Option<u64>> =
                text.split_whitespace().map(|n| n.parse().ok()).collect();
            if numbers.len() == sem.len() {
                sem.copy_from_slice(&numbers);
            }
        }
        Self {
            msgmni: number("msgmni"),
            msgmax: number("msgmax"),
            msgmnb: number("msgmnb"),
            shmmni: number("shmmni"),
            shmall: number("shmall"),
            shmmax: number("shmmax"),
            sem,
            page_size: page_size(),
        }
    }
}

/// The limits in force in `snap`, with what its tables use of them;
/// `sysctl` is what `/proc/sys/kernel` says.
pub fn rows(snap: &Snapshot, sysctl: &Sysctl) -> Vec<Limit> {
    let limit = |name, about, unit, value, used, sysctl| Limit {
        name,
        about,
        unit,
        value,
        used,
        sysctl,
    };
    let mut rows = Vec::new();
    // A kind that could not be read has no known limits: it is left out
    // (the tab says why) rather than shown as zero.
    if snap.failure(Kind::SysvMsg).is_none() {
        rows.extend(msg_rows(snap, sysctl, limit));
    }
    if snap.failure(Kind::SysvShm).is_none() {
        rows.extend(shm_rows(snap, sysctl, limit));
    }
    if snap.failure(Kind::SysvSem).is_none() {
        rows.extend(sem_rows(snap, sysctl, limit));
    }
    rows
}

/// A limit from its name, meaning, unit, value, use and setting.
type MakeLimit = fn(
    &'static str,
    &'static str,
    LimitUnit,
    u64,
    Option<u64>,
    Option<(&'static str, Option<u64>)>,
) -> Limit;

/// The size of a memory page (4 KiB where the system will not say).
fn page_size() -> u64 {
    nix::unistd::sysconf(nix::unistd::SysconfVar::PAGE_SIZE)
        .ok()
        .flatten()
        .and_then(|n| u64::try_from(n).ok())
        .unwrap_or(4096)
}

fn shm_rows(snap: &Snapshot, sysctl: &Sysctl, limit: MakeLimit) -> [Limit; 4] {
    let shm = &snap.shm;
    let page = sysctl.page_size.max(1);
    // A segment the kernel would not describe still takes a slot.
    let segments = shm.segments.len() as u64 + u64::from(shm.unreadable);
    // The kernel counts whole pages per segment.
    let pages = shm.segments.iter().map(|s| s.size.div_ceil(page)).sum();
    [
        limit(
            "SHMMNI",
            "shared-memory segments",
            LimitUnit::Count,
            shm.limits.shmmni,
            Some(segments),
            Some(("shmmni", sysctl.shmmni)),
        ),
        limit(
            "SHMALL",
            "pages of all segments together",
            LimitUnit::Pages(page),
            shm.limits.shmall,
            Some(pages),
            Some(("shmall", sysctl.shmall)),
        ),
        limit(
            "SHMMAX",
            "bytes in one segment",
            LimitUnit::Bytes,
            shm.limits.shmmax,
            None,
            Some(("shmmax", sysctl.shmmax)),
        ),
        limit(
            "SHMMIN",
            "smallest segment in bytes",
            LimitUnit::Bytes,
            shm.limits.shmmin,
            None,
            None,
        ),
    ]
}

fn sem_rows(snap: &Snapshot, sysctl: &Sysctl, limit: MakeLimit) -> [Limit; 5] {
    let sem = &snap.sem;
    let [semmsl, semmns, semopm, semmni] = sysctl.sem;
    // A set the kernel would not describe still takes a slot; its
    // semaphores are not known.
    let sets = sem.sets.len() as u64 + u64::from(sem.unreadable);
    let semaphores = sem.sets.iter().map(|s| u64::from(s.nsems)).sum();
    let value = |n: u32| u64::from(n);
    [
        limit(
            "SEMMNI",
            "semaphore sets",
            LimitUnit::Count,
            value(sem.limits.semmni),
            Some(sets),
            Some(("sem", semmni)),
        ),
        limit(
            "SEMMNS",
            "semaphores, all sets together",
            LimitUnit::Count,
            value(sem.limits.semmns),
            Some(semaphores),
            Some(("sem", semmns)),
        ),
        limit(
            "SEMMSL",
            "semaphores in one set",
            LimitUnit::Count,
            value(sem.limits.semmsl),
            None,
            Some(("sem", semmsl)),
        ),
        limit(
            "SEMOPM",
            "operations in one semop call",
            LimitUnit::Count,
            value(sem.limits.semopm),
            None,
            Some(("sem", semopm)),
        ),
        limit(
            "SEMVMX",
            "largest value of a semaphore",
            LimitUnit::Value,
            value(sem.limits.semvmx),
            None,
            None,
        ),
    ]
}

fn msg_rows(snap: &Snapshot, sysctl: &Sysctl, limit: MakeLimit) -> [Limit; 3] {
    let msg = &snap.msg;
    // A queue the kernel would not describe still takes a slot.
    let queues = msg.queues.len() as u64 + u64::from(msg.unreadable);
    [
        limit(
            "MSGMNI",
            "message queues",
            LimitUnit::Count,
            msg.limits.msgmni,
            Some(queues),
            Some(("msgmni", sysctl.msgmni)),
        ),
        limit(
            "MSGMAX",
            "bytes in one message",
            LimitUnit::Bytes,
            msg.limits.msgmax,
            None,
            Some(("msgmax", sysctl.msgmax)),
        ),
        limit(
            "MSGMNB",
            "default capacity of a new queue",
            LimitUnit::Bytes,
            msg.limits.msgmnb,
            None,
            Some(("msgmnb", sysctl.msgmnb)),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_that_cannot_be_read_are_unknown_not_zero() {
        let read = Sysctl::from_files(|name| match name {
            "msgmni" => Some("32000\n".to_owned()),
            "msgmax" => Some("lots\n".to_owned()),
            "sem" => Some("32000\t1024000000\t500\n".to_owned()),
            _ => None,
        });
        assert_eq!(
            read,
            Sysctl {
                msgmni: Some(32000),
                msgmax: None,
                msgmnb: None,
                shmmni: None,
                shmall: None,
                shmmax: None,
                sem: [None; 4],
                page_size: read.page_size,
            }
        );
    }
}
