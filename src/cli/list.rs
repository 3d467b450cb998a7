//! `ipctop list`: one snapshot, printed as a table or as JSON.

use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};
use std::marker::PhantomData;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer as _};

use crate::collect::Collector;
use crate::format;
use crate::kinds::ObjectKind;
use crate::kinds::limits::Limits;
use crate::kinds::sysv_msg::SysvMsg;
use crate::kinds::sysv_sem::SysvSem;
use crate::kinds::sysv_shm::SysvShm;
use crate::model::Snapshot;

/// The objects of kind `K` in a snapshot, as a JSON array.
struct Objects<'s, K>(&'s Snapshot, PhantomData<K>);

impl<K: ObjectKind> Serialize for Objects<'_, K> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let snap = self.0;
        let objects = K::objects(snap).iter();
        match K::JSON_KEY {
            Some(key) => serializer.collect_map(objects.map(|o| (key(o), K::json(snap, o)))),
            None => serializer.collect_seq(objects.map(|o| K::json(snap, o))),
        }
    }
}

/// Adds the member for kind `K` (`"msg": [ … ]`) to the listing, unless
/// its objects could not be read (an empty array would say "none").
fn member<K: ObjectKind, M: SerializeMap>(
    listing: &mut M,
    snap: &Snapshot,
) -> Result<(), M::Error> {
    if snap.failure(K::KIND).is_some() {
        return Ok(());
    }
    listing.serialize_entry(K::KIND.name(), &Objects::<K>(snap, PhantomData))
}

/// Writes `snap` as one JSON object: the namespace, then one member per
/// kind, named as on the command line, each an array of its objects; and
/// `"errors"`, a kind's name to why it could not be read, when one could
/// not (its member is then absent).
pub fn write_json(snap: &Snapshot, out: &mut impl Write) -> io::Result<()> {
    let mut json = serde_json::Serializer::with_formatter(&mut *out, TerminalSafe);
    let mut listing = json.serialize_map(None)?;
    listing.serialize_entry("namespace", &snap.namespace)?;
    member::<SysvMsg, _>(&mut listing, snap)?;
    member::<SysvShm, _>(&mut listing, snap)?;
    member::<SysvSem, _>(&mut listing, snap)?;
    member::<Limits, _>(&mut listing, snap)?;
    if !snap.failures.is_empty() {
        let errors: BTreeMap<&str, &str> = snap
            .failures
            .iter()
            .map(|(kind, why)| (kind.name(), why.as_str()))
            .collect();
        listing.serialize_entry("errors", &errors)?;
    }
    listing.end()?;
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

/// Writes `snap` as plain tables in the manner of `ipcs`, one per kind,
/// each under a heading and a blank line apart (a kind that could not be
/// read is left out: stderr says why).
pub fn write_table(snap: &Snapshot, out: &mut impl Write) -> io::Result<()> {
    let mut after_another = false;
    plain::<SysvMsg>(snap, out, &mut after_another)?;
    plain::<SysvShm>(snap, out, &mut after_another)?;
    plain::<SysvSem>(snap, out, &mut after_another)?;
    plain::<Limits>(snap, out, &mut after_another)
}

/// Kind `K`'s plain table: a heading, its header, then a line per
/// object; after a blank line if `after_another` table was written
/// (which it then is).
fn plain<K: ObjectKind>(
    snap: &Snapshot,
    out: &mut impl Write,
    after_another: &mut bool,
) -> io::Result<()> {
    if snap.failure(K::KIND).is_some() {
        return Ok(());
    }
    if std::mem::replace(after_another, true) {
        writeln!(out)?;
    }
    writeln!(out, "------ {}s ------", K::KIND.noun())?;
    let line = |cells: &mut dyn Iterator<Item = String>| {
        let cells: Vec<String> = cells
            .zip(K::PLAIN)
            .map(|(cell, &(_, width, right))| {
                if right {
                    format!("{cell:>width$}")
                } else {
                    format!("{cell:<width$}")
                }
            })
            .collect();
        cells.join(" ").trim_end().to_owned()
    };
    let header = line(&mut K::PLAIN.iter().map(|(title, ..)| (*title).to_owned()));
    writeln!(out, "{header}")?;
    for object in K::objects(snap) {
        writeln!(out, "{}", line(&mut K::plain_row(snap, object).into_iter()))?;
    }
    Ok(())
}

/// Collects once and prints to stdout. A closed pipe (`| head`) is not
/// an error.
/// Exits 1 when a kind could not be read, after printing the others.
pub fn run(json: bool) -> Result<(), Box<dyn std::error::Error>> {
    let snap = Collector::for_listing()?.collect();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let written = if json {
        write_json(&snap, &mut out)
    } else {
        write_table(&snap, &mut out)
    }
    .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(e.into()),
        _ => {}
    }
    if snap.failures.is_empty() {
        return Ok(());
    }
    let failures: Vec<String> = snap
        .failures
        .iter()
        .map(|(kind, why)| format!("cannot read the {}s: {why}", kind.noun()))
        .collect();
    Err(failures.join("; ").into())
}
