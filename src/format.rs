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

/// Is `c` a character [`sanitize`] replaces?
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
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

/// `1 queue`, `12,000 queues`.
pub fn plural(n: u64, noun: &str) -> String {
    let s = if n == 1 { "" } else { "s" };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_replaces_every_control_character() {
        assert_eq!(sanitize("worker"), "worker");
        assert_eq!(sanitize("a\x1b]2;pwned\x07b"), "a·]2;pwned·b");
        assert_eq!(sanitize("x\u{9b}31m\x7f\n\t"), "x·31m···");
        assert!(matches!(sanitize("plain"), Cow::Borrowed(_)));
        assert_eq!(sanitize("ab\u{202E}cd\u{200B}"), "ab·cd·");
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
