//! `ipctop list`: one snapshot, printed as a table or as JSON.

use std::borrow::Cow;
use std::io::{self, BufWriter, Write};

use serde::Serialize;

use crate::collect::Collector;
use crate::format;
use crate::model::{MsgQueue, Snapshot};

/// One queue in the JSON output: the kernel's fields plus the owner's name.
#[derive(Serialize)]
struct QueueJson<'a> {
    #[serde(flatten)]
    queue: &'a MsgQueue,
    owner: Cow<'a, str>,
}

/// The whole JSON document; later kinds add members beside `msg`.
#[derive(Serialize)]
struct Listing<'a> {
    namespace: u64,
    msg: Vec<QueueJson<'a>>,
}

/// Writes `snap` as one JSON object.
pub fn write_json(snap: &Snapshot, out: &mut impl Write) -> io::Result<()> {
    let listing = Listing {
        namespace: snap.namespace,
        msg: snap
            .msg
            .queues
            .iter()
            .map(|queue| QueueJson {
                queue,
                owner: snap.user_name(queue.uid),
            })
            .collect(),
    };
    serde_json::to_writer(&mut *out, &listing)?;
    writeln!(out)
}

/// Writes `snap` as a table in the manner of `ipcs -q`.
pub fn write_table(snap: &Snapshot, out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "{:<10} {:>10} {:<10} {:<5} {:>10} {:>12} {:>12} {:>8} {:>8}",
        "KEY", "ID", "OWNER", "PERMS", "MESSAGES", "USED-BYTES", "MAX-BYTES", "LSPID", "LRPID"
    )?;
    for q in &snap.msg.queues {
        let max = q
            .max_bytes
            .map_or_else(|| "?".to_owned(), |m| m.to_string());
        writeln!(
            out,
            "{:<10} {:>10} {:<10} {:<5} {:>10} {:>12} {:>12} {:>8} {:>8}",
            format::key(q.key),
            q.id,
            format::sanitize(&snap.user_name(q.uid)),
            format!("{:o}", q.perms),
            q.messages,
            q.used_bytes,
            max,
            q.lspid,
            q.lrpid
        )?;
    }
    Ok(())
}

/// Collects once and prints to stdout. A closed pipe (`| head`) is not
/// an error.
pub fn run(json: bool) -> Result<(), Box<dyn std::error::Error>> {
    let snap = Collector::for_listing()?.collect()?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let written = if json {
        write_json(&snap, &mut out)
    } else {
        write_table(&snap, &mut out)
    }
    .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
