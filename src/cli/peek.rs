//! `ipctop peek MSQID`: a queue's messages, copied with `MSG_COPY` and
//! never consumed, printed as a table of sanitized previews or as JSON
//! with each payload in hex.
//!
//! With `--type T [--except]` only the message a real `msgrcv` with those
//! arguments would take is printed. When no message matches, that is said
//! in words and the exit status is still 0: the peek itself worked, and
//! "nothing would be received" is an answer, not an error.

use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};

use clap::Args;
use serde::Serialize;

use crate::actions::peek::{self, Changes, Message, Page, PeekError, Selector};
use crate::format;

/// Characters of payload shown in the preview column.
pub const PREVIEW_CHARS: usize = 60;

/// Arguments of `ipctop peek`.
#[derive(Debug, Clone, Args)]
pub struct PeekArgs {
    /// The queue's msqid (the ID column of `ipctop list`).
    #[arg(value_parser = super::parse_id, allow_negative_numbers = true)]
    pub msqid: i32,

    /// Print one JSON object: {"id": …, "messages": [{"index", "mtype",
    /// "size", "hex"}, …]}, each payload whole, in lowercase hex.
    #[arg(long)]
    pub json: bool,

    /// Read at most N messages (copying is slow on long queues: the kernel
    /// walks the queue from its head for every message).
    #[arg(long, value_name = "N")]
    pub max: Option<usize>,

    /// Print only the message `msgrcv` with this msgtyp would take next:
    /// 0 the first; T > 0 the first of type T; T < 0 the first of the
    /// lowest type not above |T|.
    #[arg(long = "type", value_name = "T", allow_negative_numbers = true)]
    pub msgtyp: Option<i64>,

    /// With --type T > 0: the first message of any type but T (MSG_EXCEPT).
    #[arg(long, requires = "msgtyp")]
    pub except: bool,
}

/// The messages read from one queue, page after page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The queue.
    pub id: i32,
    /// The messages read, in queue order from the head.
    pub messages: Vec<Message>,
    /// Messages on the queue when reading ended.
    pub total: u64,
    /// The last message of the queue was read.
    pub complete: bool,
    /// What changed while the pages were read (never `replaced`: a
    /// reading of two queues is an error, not a reading).
    pub changes: Changes,
}

/// Reads queue `id` one [`peek::PAGE`] at a time from its head, until its
/// end, until `limit` messages, or until `enough` says the messages so far
/// answer the question. Never consumes a message.
pub fn read(
    id: i32,
    limit: Option<usize>,
    enough: impl FnMut(&[Message]) -> bool,
) -> Result<Reading, PeekError> {
    read_with(id, limit, enough, peek::read_page)
}

/// [`read`] with the page reader given (tests give a fake one).
fn read_with(
    id: i32,
    limit: Option<usize>,
    mut enough: impl FnMut(&[Message]) -> bool,
    mut read_page: impl FnMut(i32, usize, usize) -> Result<Page, PeekError>,
) -> Result<Reading, PeekError> {
    let limit = limit.unwrap_or(usize::MAX);
    let mut messages: Vec<Message> = Vec::new();
    let mut changes = Changes::default();
    let mut last_state = None;
    loop {
        let want = peek::PAGE.min(limit - messages.len());
        // Even with nothing to read, one call checks the queue and gives
        // its size (and reports a queue we may not read).
        let page = read_page(id, messages.len(), want)?;
        // Within a page, and between pages.
        changes |= match &last_state {
            Some(earlier) => page.changes_since(earlier, messages.last()),
            None => page.changes,
        };
        if changes.replaced {
            return Err(PeekError::Replaced(id));
        }
        last_state = Some(page.after);
        let got = page.messages.len();
        messages.extend(page.messages);
        if page.at_end || got == 0 || messages.len() >= limit || enough(&messages) {
            return Ok(Reading {
                id,
                messages,
                total: page.after.qnum,
                complete: page.at_end,
                changes,
            });
        }
    }
}

/// The warning for a queue that changed while it was read.
fn changed_warning(reading: &Reading) -> Option<String> {
    reading.changes.describe(reading.id).map(|what| {
        format!(
            "warning: {what} (it now holds {})",
            format::plural(reading.total, "message")
        )
    })
}

/// Runs `ipctop peek`.
pub fn run(args: &PeekArgs) -> Result<(), Box<dyn std::error::Error>> {
    let selector = args.msgtyp.map(|msgtyp| Selector {
        msgtyp,
        except: args.except,
    });
    let reading = match selector {
        None => read(args.msqid, args.max, |_| false)?,
        Some(s) => read(args.msqid, args.max, |ms| certain_pick(s, ms).is_some())?,
    };
    let mut notes: Vec<String> = changed_warning(&reading).into_iter().collect();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let written = match selector {
        None if args.json => write_json(&reading, &reading.messages, &mut out),
        None => write_listing(&reading, &mut out),
        Some(s) => {
            let picked = s.pick(reading.messages.iter().map(|m| m.mtype));
            let chosen = picked
                .and_then(|i| reading.messages.get(i))
                .map_or(&[][..], std::slice::from_ref);
            if args.json {
                write_json(&reading, chosen, &mut out)
            } else if chosen.is_empty() {
                writeln!(out, "{}", describe_pick(s, &reading, picked))
            } else {
                write_table(chosen, &mut out)
                    .and_then(|()| writeln!(out, "{}", describe_pick(s, &reading, picked)))
            }
        }
    }
    .and_then(|()| out.flush());
    // JSON has no room for words: what --max left unread goes to stderr.
    if args.json && !reading.complete {
        match selector {
            None => notes.push(showing(&reading)),
            Some(s) if certain_pick(s, &reading.messages).is_none() => {
                let picked = s.pick(reading.messages.iter().map(|m| m.mtype));
                notes.push(describe_pick(s, &reading, picked));
            }
            Some(_) => {}
        }
    }
    for note in notes {
        super::say(&note);
    }
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// The message `selector` picks from `messages`, when reading more could
/// not change the answer.
fn certain_pick(selector: Selector, messages: &[Message]) -> Option<usize> {
    let i = selector.pick(messages.iter().map(|m| m.mtype))?;
    let found = messages.get(i)?;
    (!selector.needs_all(Some(found.mtype))).then_some(i)
}

/// `showing 500 of 16,384 messages`.
fn showing(reading: &Reading) -> String {
    format!(
        "showing {} of {}",
        format::count(reading.messages.len() as u64),
        format::plural(reading.total, "message")
    )
}

/// The table, then a footer when `--max` cut it short.
fn write_listing(reading: &Reading, out: &mut impl Write) -> io::Result<()> {
    if reading.total == 0 && reading.messages.is_empty() {
        return writeln!(out, "queue {} has no messages", reading.id);
    }
    write_table(&reading.messages, out)?;
    if !reading.complete {
        writeln!(out, "{}", showing(reading))?;
    }
    Ok(())
}

/// What `--type` found, in words.
fn describe_pick(selector: Selector, reading: &Reading, picked: Option<usize>) -> String {
    let total = format::plural(reading.total, "message");
    let read = format::count(reading.messages.len() as u64);
    let index = picked
        .and_then(|i| reading.messages.get(i))
        .map(|m| m.index);
    let certain = reading.complete || certain_pick(selector, &reading.messages).is_some();
    match index {
        Some(index) if reading.complete => {
            format!("msgrcv with {selector} would take index {index} (of {total})")
        }
        Some(index) if certain => {
            format!("msgrcv with {selector} would take index {index} ({read} of {total} read)")
        }
        Some(index) => format!(
            "among the first {read} of {total}, msgrcv with {selector} would take index {index}; \
             an unread message of a lower type would come first (read them all without --max)"
        ),
        None if reading.complete => format!(
            "no message for msgrcv with {selector} among {total}: \
             it would fail with ENOMSG (or wait, without IPC_NOWAIT)"
        ),
        None => format!(
            "no message for msgrcv with {selector} among the first {read} of {total}; \
             the rest were not read (--max)"
        ),
    }
}

/// `INDEX  MTYPE  SIZE  PREVIEW`, numbers right-aligned, previews
/// sanitized.
pub fn write_table(messages: &[Message], out: &mut impl Write) -> io::Result<()> {
    let width = |header: &str, values: &mut dyn Iterator<Item = String>| {
        values.map(|v| v.len()).max().unwrap_or(0).max(header.len())
    };
    let wi = width("INDEX", &mut messages.iter().map(|m| m.index.to_string()));
    let wt = width("MTYPE", &mut messages.iter().map(|m| m.mtype.to_string()));
    let ws = width(
        "SIZE",
        &mut messages.iter().map(|m| m.data.len().to_string()),
    );
    writeln!(
        out,
        "{:>wi$}  {:>wt$}  {:>ws$}  PREVIEW",
        "INDEX", "MTYPE", "SIZE"
    )?;
    for m in messages {
        let preview = format::payload_preview(&m.data, PREVIEW_CHARS);
        let line = format!(
            "{:>wi$}  {:>wt$}  {:>ws$}  {preview}",
            m.index,
            m.mtype,
            m.data.len()
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// One message in the JSON output.
#[derive(Serialize)]
struct MessageJson {
    index: usize,
    mtype: i64,
    size: usize,
    hex: String,
}

/// The JSON document.
#[derive(Serialize)]
struct PeekJson {
    id: i32,
    messages: Vec<MessageJson>,
}

/// `{"id":…,"messages":[{"index":0,"mtype":…,"size":…,"hex":"…"},…]}`
/// for `messages` of `reading`'s queue.
pub fn write_json(reading: &Reading, messages: &[Message], out: &mut impl Write) -> io::Result<()> {
    let doc = PeekJson {
        id: reading.id,
        messages: messages
            .iter()
            .map(|m| MessageJson {
                index: m.index,
                mtype: m.mtype,
                size: m.data.len(),
                hex: hex(&m.data),
            })
            .collect(),
    };
    serde_json::to_writer(&mut *out, &doc)?;
    writeln!(out)
}

/// Lowercase hex, two digits per byte.
fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(text, "{b:02x}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(index: usize, mtype: i64, data: &[u8]) -> Message {
        Message {
            index,
            mtype,
            data: data.to_vec(),
        }
    }

    fn reading(messages: Vec<Message>, total: u64, complete: bool) -> Reading {
        Reading {
            id: 65538,
            messages,
            total,
            complete,
            changes: Changes::default(),
        }
    }

    #[test]
    fn table_aligns_and_never_prints_raw_bytes() {
        let ms = [
            message(0, 1, b"\x1b]2;title\x07"),
            message(1, 123_456, b""),
            message(2, 2, b"\x1b[2Jplain text"),
        ];
        let mut out = Vec::new();
        write_table(&ms, &mut out).expect("write");
        let text = String::from_utf8(out).expect("utf-8");
        assert_eq!(
            text,
            "INDEX   MTYPE  SIZE  PREVIEW\n\
             \x20   0       1    10  ·]2;title·\n\
             \x20   1  123456     0\n\
             \x20   2       2    14  ·[2Jplain text\n"
        );
    }

    #[test]
    fn json_has_the_whole_payload_in_lowercase_hex() {
        let ms = vec![message(0, 7, &[0x00, 0xab, 0x1b, 0xff])];
        let r = reading(ms.clone(), 1, true);
        let mut out = Vec::new();
        write_json(&r, &ms, &mut out).expect("write");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "{\"id\":65538,\"messages\":[{\"index\":0,\"mtype\":7,\"size\":4,\"hex\":\"00ab1bff\"}]}\n"
        );
    }

    #[test]
    fn listing_says_when_it_is_cut_short_or_empty() {
        let r = reading(vec![message(0, 1, b"a")], 16_384, false);
        let mut out = Vec::new();
        write_listing(&r, &mut out).expect("write");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.ends_with("\nshowing 1 of 16,384 messages\n"), "{text}");

        let mut out = Vec::new();
        write_listing(&reading(Vec::new(), 0, true), &mut out).expect("write");
        assert_eq!(out, b"queue 65538 has no messages\n");
    }

    /// A fake queue of `len` messages (type = index % 3 + 1) whose message
    /// count reads `qnum(call)` before and after each page.
    fn fake_pages(
        len: usize,
        qnum: impl Fn(usize) -> (u64, u64),
    ) -> impl FnMut(i32, usize, usize) -> Result<Page, PeekError> {
        let stat = |qnum: u64| crate::sys::msg::QueueStat {
            mode: 0o600,
            cbytes: qnum,
            qnum,
            qbytes: 16_384,
            ..Default::default()
        };
        let mut call = 0;
        move |id, first, count| {
            let (before, after) = qnum(call);
            call += 1;
            let end = len.min(first + count);
            let at = |i: usize| message(i, i as i64 % 3 + 1, b"x");
            let (before, after) = (stat(before), stat(after));
            Ok(Page {
                id,
                first,
                messages: (first..end).map(at).collect(),
                overlap: first.checked_sub(1).map(at),
                before,
                after,
                changes: Changes::between(&before, &after),
                at_end: end == len,
            })
        }
    }

    #[test]
    fn reading_goes_page_by_page_to_the_end_or_the_limit() {
        let steady = |_| (1200, 1200);
        let all = read_with(1, None, |_| false, fake_pages(1200, steady)).expect("read");
        assert_eq!(all.messages.len(), 1200);
        assert!(all.messages.iter().enumerate().all(|(i, m)| m.index == i));
        assert!(all.complete && all.changes.is_none());

        let some = read_with(1, Some(700), |_| false, fake_pages(1200, steady)).expect("read");
        assert_eq!((some.messages.len(), some.total), (700, 1200));
        assert!(!some.complete);

        let none = read_with(1, Some(0), |_| false, fake_pages(1200, steady)).expect("read");
        assert_eq!((none.messages.len(), none.total), (0, 1200));

        let mut pages = 0;
        let early = read_with(
            1,
            None,
            |_| {
                pages += 1;
                true
            },
            fake_pages(1200, steady),
        )
        .expect("read");
        assert_eq!((early.messages.len(), pages), (peek::PAGE, 1));
    }

    #[test]
    fn a_change_between_pages_is_noticed() {
        // Page 1 sees 1200 throughout; page 2 starts at 1201.
        let growing = |call| {
            if call == 0 {
                (1200, 1200)
            } else {
                (1201, 1201)
            }
        };
        let r = read_with(1, None, |_| false, fake_pages(1200, growing)).expect("read");
        assert!(r.changes.sent && !r.changes.received);
        assert_eq!(
            changed_warning(&r).as_deref(),
            Some(
                "warning: messages were sent to queue 1 while it was read: \
                 the newest may be missing (it now holds 1,201 messages)"
            )
        );
        let steady = read_with(1, None, |_| false, fake_pages(3, |_| (3, 3))).expect("read");
        assert_eq!(changed_warning(&steady), None);
    }

    #[test]
    fn a_message_moved_between_pages_is_a_receive_and_a_new_queue_an_error() {
        // Same counts, same times: only the message before page 2 tells
        // that the queue moved on (a producer and a consumer in lockstep).
        let mut pages = fake_pages(1200, |_| (1200, 1200));
        let lockstep = move |id, first, count| {
            let mut page = pages(id, first, count)?;
            if first > 0 {
                page.overlap = Some(message(first - 1, 9, b"moved"));
            }
            Ok(page)
        };
        let r = read_with(1, None, |_| false, lockstep).expect("read");
        assert!(r.changes.received, "{:?}", r.changes);
        assert!(
            changed_warning(&r)
                .is_some_and(|w| w.contains("received from queue 1") && w.contains("may skip")),
        );

        let mut pages = fake_pages(1200, |_| (1200, 1200));
        let replaced = move |id, first, count| {
            let mut page = pages(id, first, count)?;
            if first > 0 {
                page.before.ctime += 1;
                page.after.ctime += 1;
            }
            Ok(page)
        };
        assert_eq!(
            read_with(1, None, |_| false, replaced),
            Err(PeekError::Replaced(1))
        );
    }

    #[test]
    fn picks_are_described_with_their_certainty() {
        let ms = vec![message(0, 3, b""), message(1, 2, b""), message(2, 5, b"")];
        let sel = |msgtyp, except| Selector { msgtyp, except };
        let all = reading(ms.clone(), 3, true);
        assert_eq!(
            describe_pick(sel(2, false), &all, Some(1)),
            "msgrcv with msgtyp 2 would take index 1 (of 3 messages)"
        );
        assert_eq!(
            describe_pick(sel(4, false), &all, None),
            "no message for msgrcv with msgtyp 4 among 3 messages: \
             it would fail with ENOMSG (or wait, without IPC_NOWAIT)"
        );
        let some = reading(ms, 100, false);
        assert_eq!(
            describe_pick(sel(2, false), &some, Some(1)),
            "msgrcv with msgtyp 2 would take index 1 (3 of 100 messages read)"
        );
        assert!(
            describe_pick(sel(-3, false), &some, Some(1)).contains("lower type"),
            "a negative msgtyp needs every message"
        );
        assert_eq!(
            describe_pick(sel(4, false), &some, None),
            "no message for msgrcv with msgtyp 4 among the first 3 of 100 messages; \
             the rest were not read (--max)"
        );
    }
}
