//! Which kernel features are there to use.

use crate::model::MsgSource;

/// The first three numbers of a kernel release such as `6.8.0-45-generic`.
pub fn parse_release(release: &str) -> Option<(u32, u32, u32)> {
    let mut numbers = release.split(['.', '-', '+', '_']).map(|part| {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<u32>().ok()
    });
    let major = numbers.next()??;
    let minor = numbers.next()??;
    let patch = numbers.next().flatten().unwrap_or(0);
    Some((major, minor, patch))
}

/// The running kernel's version, if `uname` says it in the usual form.
pub fn running_version() -> Option<(u32, u32, u32)> {
    let uts = nix::sys::utsname::uname().ok()?;
    parse_release(&uts.release().to_string_lossy())
}

/// `MSG_STAT_ANY` came in Linux 4.17; older kernels need the `/proc` path.
pub fn msg_source_for(version: Option<(u32, u32, u32)>) -> MsgSource {
    match version {
        Some(v) if v < (4, 17, 0) => MsgSource::ProcFile,
        _ => MsgSource::StatAny,
    }
}

/// The best message-queue source for the running kernel.
pub fn best_msg_source() -> MsgSource {
    msg_source_for(running_version())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_release_strings() {
        assert_eq!(parse_release("6.18.44-fc-v595"), Some((6, 18, 44)));
        assert_eq!(parse_release("3.10.0-1160.el7.x86_64"), Some((3, 10, 0)));
        assert_eq!(parse_release("4.17"), Some((4, 17, 0)));
        assert_eq!(parse_release("5.15.0+"), Some((5, 15, 0)));
        assert_eq!(parse_release("garbage"), None);
    }

    #[test]
    fn stat_any_needs_4_17() {
        assert_eq!(msg_source_for(Some((4, 16, 9))), MsgSource::ProcFile);
        assert_eq!(msg_source_for(Some((4, 17, 0))), MsgSource::StatAny);
        assert_eq!(msg_source_for(Some((6, 1, 0))), MsgSource::StatAny);
        assert_eq!(msg_source_for(None), MsgSource::StatAny);
    }
}
