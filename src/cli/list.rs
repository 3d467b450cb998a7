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
    let mut json = serde_json::Serializer::with_formatter(&mut *out, TerminalSafe);
    listing.serialize(&mut json)?;
    writeln!(out)
}

/// JSON as compact as serde_json's, but with every character that
/// [`format::sanitize`] would hide written as `\uXXXX`: serde_json escapes
/// only C0 controls, and `ipctop list --json` is often read on a terminal.
/// The JSON means the same; only its bytes are safe.
struct TerminalSafe;

impl serde_json::ser::Formatter for TerminalSafe {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((at, c)) = rest.char_indices().find(|(_, c)| format::is_unsafe(*c)) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }
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
