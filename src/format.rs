//! Turning numbers and untrusted text into what a human reads: shared by
//! the screen, the filter and the plain-text listing.

use std::borrow::Cow;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use humansize::{BINARY, format_size};

use crate::model::Operator;
use crate::sys::time::local;

/// Replaces every control character (C0, DEL, C1) of `text` with `·`, so
/// names and payloads from the system can never drive the terminal; and
/// the invisible characters that reorder or hide text (bidi overrides and
/// isolates, zero-width characters), so what is shown is what is there.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if is_unsafe(c) { '·' } else { c })
            .collect(),
    )
}

/// [`sanitize`] line by line: the line breaks of a multi-line text (help,
/// a usage error) stay, nothing else that a terminal would obey does.
pub fn sanitize_lines(text: &str) -> String {
    text.split('\n')
        .map(sanitize)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A path as the terminal may show it: [`sanitize`]d (file names can hold
/// escape sequences, and paths from the environment anything at all).
pub fn path(path: &std::path::Path) -> String {
    sanitize(&path.display().to_string()).into_owned()
}

/// Is `c` a character [`sanitize`] replaces?
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            // Soft hyphen, Arabic letter mark, Mongolian vowel separator.
            '\u{AD}' | '\u{61C}' | '\u{180E}'
            // Zero-width and direction marks, line/paragraph separators,
            // bidi embeddings, overrides and isolates, invisible operators.
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            // Hangul fillers, which render as nothing.
            | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}'
            // Byte-order mark, interlinear annotations, tag characters.
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
        )
}

/// `rw-r--r--` for the low nine mode bits.
pub fn perms(mode: u32) -> String {
    const LETTERS: [char; 3] = ['r', 'w', 'x'];
    (0..9)
        .map(|bit| {
            if mode & (0o400 >> bit) != 0 {
                LETTERS[bit % 3]
            } else {
                '-'
            }
        })
        .collect()
}

/// `16 KiB`, `0 B`.
pub fn size(bytes: u64) -> String {
    format_size(bytes, BINARY)
}

/// `12,345`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Is `value` a limit no machine reaches? The kernel's default SHMMAX
/// and SHMALL are `ULONG_MAX - 2^24`: "no limit", in its words.
pub fn is_unlimited(value: u64) -> bool {
    value >= u64::MAX >> 2
}

/// A limit's `value` as `figure` writes it, or `unlimited` (see
/// [`is_unlimited`]).
pub fn limit(value: u64, figure: impl FnOnce(u64) -> String) -> String {
    if is_unlimited(value) {
        "unlimited".to_owned()
    } else {
        figure(value)
    }
}

/// `1 queue`, `12,000 queues`, `2 processes`.
pub fn plural(n: u64, noun: &str) -> String {
    let s = match (n, noun.ends_with('s')) {
        (1, _) => "",
        (_, true) => "es",
        (_, false) => "s",
    };
    format!("{} {noun}{s}", count(n))
}

/// `0x5ea1f00d`.
pub fn key(key: i32) -> String {
    format!("{:#010x}", crate::model::key_bits(key))
}

/// How long before `now` the Unix time `then` was: `3s ago`, `5m ago`,
/// `2h ago`, `4d ago`; `never` for 0; `now` for clock skew into the future.
pub fn age(then: i64, now: SystemTime) -> String {
    if then == 0 {
        return "never".to_owned();
    }
    let now = unix_seconds(now);
    let secs = now.saturating_sub(then);
    if secs <= 0 {
        return "now".to_owned();
    }
    format!(
        "{} ago",
        short_duration(Duration::from_secs(secs.unsigned_abs()))
    )
}

/// `45s`, `3m`, `2h`, `6d`: the largest whole unit.
pub fn short_duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// An interval as the user typed it: `250ms`, `1s`, `1.5s`.
pub fn interval(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else if ms > 1000 {
        format!("{}s", d.as_secs_f64())
    } else {
        format!("{ms}ms")
    }
}

/// Seconds since the epoch (negative before it).
pub fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// `09:14:55`: the local time of day of `at` (the snapshot's time).
pub fn clock(at: SystemTime) -> String {
    let t = unix_seconds(at);
    local(t).map_or_else(
        || format!("@{t}"),
        |t| format!("{:02}:{:02}:{:02}", t.hour, t.minute, t.second),
    )
}

/// `2026-11-28 09:14:55 (3s ago)`, or `never`.
pub fn timestamp(then: i64, now: SystemTime) -> String {
    if then == 0 {
        return "never".to_owned();
    }
    match local(then) {
        Some(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} ({})",
            t.year,
            t.month,
            t.day,
            t.hour,
            t.minute,
            t.second,
            age(then, now)
        ),
        None => format!("@{then} ({})", age(then, now)),
    }
}

/// A pid with who it is now: `4711 worker` (sanitized), `4711 ?` for a
/// live process we may not see, `4711 (exited)`; `-` for no pid.
pub fn process(pid: i32, who: Operator<'_>) -> String {
    match who {
        _ if pid <= 0 => "-".to_owned(),
        Operator::Nobody => "-".to_owned(),
        Operator::Running(command) => format!("{pid} {}", sanitize(command)),
        Operator::Hidden => format!("{pid} ?"),
        Operator::Exited => format!("{pid} (exited)"),
    }
}

/// Splits `line` into pieces at most `width` columns wide (at least one
/// piece), measuring each character's display width, so wide characters
/// wrap instead of running past the edge.
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let width = width.max(2);
    let mut pieces = vec![String::new()];
    let mut used = 0;
    for c in line.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            pieces.push(String::new());
            used = 0;
        }
        if let Some(piece) = pieces.last_mut() {
            piece.push(c);
        }
        used += w;
    }
    pieces
}

/// `text` cut to `width` columns by replacing its middle with `…`, so both
/// its beginning and its end stay readable.
pub fn ellipsize_middle(text: &str, width: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if text.width() <= width {
        return text.to_owned();
    }
    let budget = width.saturating_sub(1);
    let take = |chars: &mut dyn Iterator<Item = char>, room: usize| {
        let mut used = 0;
        let mut kept = Vec::new();
        for c in chars {
            let w = c.width().unwrap_or(0);
            if used + w > room {
                break;
            }
            used += w;
            kept.push(c);
        }
        kept
    };
    let head = take(&mut text.chars(), budget - budget / 2);
    let mut tail = take(&mut text.chars().rev(), budget / 2);
    tail.reverse();
    let mut out: String = head.into_iter().collect();
    out.push('…');
    out.extend(tail);
    out
}

/// A message shown whole, `width` columns wide: its hex dump, or its text
/// wrapped to the width.
pub fn message_lines(data: &[u8], hex: bool, width: usize) -> Vec<String> {
    let lines = if hex {
        hex_dump(data)
    } else {
        payload_text(data)
    };
    lines.iter().flat_map(|line| wrap(line, width)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_is_a_time_of_day() {
        // Any time zone: two digits, colon, two digits, colon, two digits.
        let t = clock(std::time::UNIX_EPOCH + Duration::from_secs(1_764_316_800));
        let digits: Vec<&str> = t.split(':').collect();
        assert!(
            digits.len() == 3 && digits.iter().all(|d| d.len() == 2),
            "{t}"
        );
        assert!(t.chars().all(|c| c.is_ascii_digit() || c == ':'), "{t}");
    }

    #[test]
    fn sanitize_replaces_every_control_character() {
        assert_eq!(sanitize("worker"), "worker");
        assert_eq!(sanitize("a\x1b]2;pwned\x07b"), "a·]2;pwned·b");
        assert_eq!(sanitize("x\u{9b}31m\x7f\n\t"), "x·31m···");
        assert!(matches!(sanitize("plain"), Cow::Borrowed(_)));
        assert_eq!(sanitize("ab\u{202E}cd\u{200B}"), "ab·cd·");
        assert_eq!(sanitize("a\u{2028}b\u{E0041}c\u{AD}"), "a·b·c·");
        assert_eq!(sanitize("naïve ✓"), "naïve ✓");
    }

    #[test]
    fn perms_like_ls() {
        assert_eq!(perms(0o644), "rw-r--r--");
        assert_eq!(perms(0o600), "rw-------");
        assert_eq!(perms(0o777), "rwxrwxrwx");
        assert_eq!(perms(0), "---------");
    }

    #[test]
    fn numbers_for_humans() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(16_384_000), "16,384,000");
        assert_eq!(plural(1, "queue"), "1 queue");
        assert_eq!(plural(1000, "queue"), "1,000 queues");
        assert_eq!(wrap("abcdef", 4), ["abcd", "ef"]);
        assert_eq!(
            ellipsize_middle("queue 5 was replaced; not removed", 16),
            "queue 5 …removed"
        );
        assert_eq!(ellipsize_middle("short", 16), "short");
        assert_eq!(wrap("", 4), [""]);
        assert_eq!(
            wrap("漢字漢字", 5),
            ["漢字", "漢字"],
            "wide characters are 2 columns"
        );
        assert_eq!(size(16384), "16 KiB");
        assert_eq!(size(0), "0 B");
        assert_eq!(key(-1012759271), "0xc3a28519");
        assert_eq!(key(0), "0x00000000");
    }

    #[test]
    fn ages_pick_the_largest_unit() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert_eq!(age(0, now), "never");
        assert_eq!(age(1_000_000, now), "now");
        assert_eq!(age(1_000_100, now), "now");
        assert_eq!(age(999_997, now), "3s ago");
        assert_eq!(age(1_000_000 - 300, now), "5m ago");
        assert_eq!(age(1_000_000 - 7200, now), "2h ago");
        assert_eq!(age(1_000_000 - 4 * 86_400, now), "4d ago");
    }

    #[test]
    fn intervals_read_as_typed() {
        assert_eq!(interval(Duration::from_millis(250)), "250ms");
        assert_eq!(interval(Duration::from_secs(2)), "2s");
        assert_eq!(interval(Duration::from_millis(1500)), "1.5s");
    }

    #[test]
    fn processes_show_pid_and_clean_command() {
        assert_eq!(process(0, Operator::Nobody), "-");
        assert_eq!(
            process(42, Operator::Running("w\x1b[2Jorker")),
            "42 w·[2Jorker"
        );
        assert_eq!(process(42, Operator::Hidden), "42 ?");
        assert_eq!(process(42, Operator::Exited), "42 (exited)");
    }
}

/// A one-line preview of a message payload, at most `max_chars`
/// characters: printable UTF-8 as text; every control character, every
/// character [`sanitize`] hides, and every byte that is not valid UTF-8 as
/// one `·` each (a newline too, so the preview stays one line). A longer
/// payload ends in `…`, which counts towards `max_chars`.
pub fn payload_preview(bytes: &[u8], max_chars: usize) -> String {
    let mut chars = bytes.utf8_chunks().flat_map(|chunk| {
        let text = chunk
            .valid()
            .chars()
            .map(|c| if is_unsafe(c) { '·' } else { c });
        text.chain(std::iter::repeat_n('·', chunk.invalid().len()))
    });
    let mut out: String = chars.by_ref().take(max_chars).collect();
    // More to come: the last character shown gives way to the ellipsis,
    // so the result keeps the limit.
    if chars.next().is_some() && out.pop().is_some() {
        out.push('…');
    }
    out
}

/// A payload as lines of text for a text view, split at each `\n` (so a
/// payload ending in a newline ends with an empty line, and an empty
/// payload is one empty line). Valid UTF-8 is kept; everything else is
/// written as an escape, so no line holds a raw control character and
/// the escapes are unambiguous:
///
/// - `\t` and `\r` as `\t` and `\r` (tabs are not expanded: the view
///   shows which whitespace is there), a backslash as `\\`;
/// - other ASCII controls (C0, DEL) as `\x1b`, `\x7f`;
/// - bytes that are not valid UTF-8 as `\xff` (these are always `\x80`
///   and above, so they cannot be mistaken for an ASCII control);
/// - other characters [`sanitize`] hides — C1 controls, bidi overrides,
///   zero-width characters — as `\u{9b}`, `\u{202e}`.
pub fn payload_text(bytes: &[u8]) -> Vec<String> {
    bytes.split(|b| *b == b'\n').map(escape_line).collect()
}

/// One line (no `\n`) of [`payload_text`].
fn escape_line(line: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(line.len());
    for chunk in line.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                '\\' => out.push_str("\\\\"),
                c if c.is_ascii_control() => {
                    let _ = write!(out, "\\x{:02x}", u32::from(c));
                }
                c if is_unsafe(c) => {
                    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    out
}

/// A hex dump in the manner of `hexdump -C`: per 16 bytes, the offset,
/// the bytes in hex in two groups of 8, and the printable ASCII bytes
/// between bars (`.` for every other byte):
///
/// ```text
/// 00000000  1b 5d 32 3b 74 69 74 6c  65 07 00 ff 41 42 43 44  |.]2;title...ABCD|
/// ```
///
/// A short last line is padded so its ASCII column lines up. No bytes, no
/// lines.
pub fn hex_dump(bytes: &[u8]) -> Vec<String> {
    use std::fmt::Write as _;
    bytes
        .chunks(16)
        .enumerate()
        .map(|(n, row)| {
            let mut line = format!("{:08x} ", n * 16);
            for i in 0..16 {
                if i % 8 == 0 {
                    line.push(' ');
                }
                match row.get(i) {
                    Some(b) => {
                        let _ = write!(line, "{b:02x} ");
                    }
                    None => line.push_str("   "),
                }
            }
            line.push_str(" |");
            line.extend(row.iter().map(|&b| {
                if b == b' ' || b.is_ascii_graphic() {
                    char::from(b)
                } else {
                    '.'
                }
            }));
            line.push('|');
            line
        })
        .collect()
}

#[cfg(test)]
mod payload_tests {
    use super::*;

    const TITLE: &[u8] = b"\x1b]2;title\x07\x00\xffABCD";

    #[test]
    fn preview_is_one_safe_line() {
        assert_eq!(payload_preview(b"hello, world", 40), "hello, world");
        assert_eq!(payload_preview(TITLE, 40), "·]2;title···ABCD");
        assert_eq!(payload_preview(b"a\nb\tc\x1b[2J", 40), "a·b·c·[2J");
        assert_eq!(payload_preview("naïve ✓".as_bytes(), 40), "naïve ✓");
        assert_eq!(
            payload_preview("ab\u{202e}cd\u{9b}".as_bytes(), 40),
            "ab·cd·"
        );
        assert_eq!(payload_preview(b"", 40), "");
        // A truncated multi-byte sequence is one invalid byte each.
        assert_eq!(payload_preview(b"x\xe2\x9c", 40), "x··");
    }

    #[test]
    fn preview_truncates_to_the_limit_with_an_ellipsis() {
        assert_eq!(payload_preview(b"abcdef", 6), "abcdef");
        assert_eq!(payload_preview(b"abcdefg", 6), "abcde…");
        assert_eq!(payload_preview("ééééééé".as_bytes(), 3), "éé…");
        assert_eq!(payload_preview(&[0xff; 100], 4), "···…");
        assert_eq!(payload_preview(b"abc", 0), "");
        assert_eq!(payload_preview(b"abc", 1), "…");
        let long = payload_preview(&[b'x'; 8192], 60);
        assert_eq!(long.chars().count(), 60);
    }

    #[test]
    fn text_escapes_everything_a_terminal_would_obey() {
        assert_eq!(payload_text(TITLE), ["\\x1b]2;title\\x07\\x00\\xffABCD"]);
        assert_eq!(payload_text(b"one\ntwo\n"), ["one", "two", ""]);
        assert_eq!(payload_text(b""), [""]);
        assert_eq!(payload_text(b"a\tb\r"), ["a\\tb\\r"]);
        assert_eq!(payload_text(b"C:\\x1b"), ["C:\\\\x1b"], "backslash");
        assert_eq!(payload_text(b"\x7f\x1b[2J"), ["\\x7f\\x1b[2J"]);
        assert_eq!(
            payload_text("a\u{202e}b\u{200b}c\u{9b}d ✓".as_bytes()),
            ["a\\u{202e}b\\u{200b}c\\u{9b}d ✓"]
        );
        assert_eq!(payload_text(b"\xe2\x9c\n\xc3"), ["\\xe2\\x9c", "\\xc3"]);
        let all: Vec<u8> = (0..=255).collect();
        for line in payload_text(&all) {
            assert!(!line.chars().any(is_unsafe), "{line:?}");
        }
    }

    #[test]
    fn hex_dump_like_hexdump_c() {
        assert_eq!(
            hex_dump(TITLE),
            ["00000000  1b 5d 32 3b 74 69 74 6c  65 07 00 ff 41 42 43 44  |.]2;title...ABCD|"]
        );
        assert_eq!(
            hex_dump(b"0123456789abcdef~ \x80"),
            [
                "00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|",
                "00000010  7e 20 80                                          |~ .|",
            ]
        );
        assert_eq!(
            hex_dump(b"12345678"),
            ["00000000  31 32 33 34 35 36 37 38                           |12345678|"]
        );
        assert!(hex_dump(b"").is_empty());
        let all: Vec<u8> = (0..=255).collect();
        let lines = hex_dump(&all);
        assert_eq!(lines.len(), 16);
        assert!(lines.iter().all(|l| l.len() == lines[0].len()));
        assert!(lines[15].starts_with("000000f0  f0 f1"), "{}", lines[15]);
        assert!(lines.iter().all(|l| l.is_ascii()));
    }
}
