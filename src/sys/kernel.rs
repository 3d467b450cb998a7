//! The running kernel's version, and what it allows.

use std::sync::OnceLock;

/// A kernel version: major, minor, patch.
pub type Version = (u32, u32, u32);

/// `MSG_COPY` copies from this kernel on; earlier kernels ignore the flag
/// and really receive (consume) the message.
pub const MSG_COPY_SINCE: Version = (3, 8, 0);

/// The first three numbers of a kernel release such as `6.8.0-45-generic`.
pub fn parse_release(release: &str) -> Option<Version> {
    let mut numbers = release.split(['.', '-', '+', '_']).map(|part| {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<u32>().ok()
    });
    let major = numbers.next()??;
    let minor = numbers.next()??;
    let patch = numbers.next().flatten().unwrap_or(0);
    Some((major, minor, patch))
}

/// The running kernel's version, if `uname` says it in the usual form
/// (read once).
pub fn running_version() -> Option<Version> {
    static VERSION: OnceLock<Option<Version>> = OnceLock::new();
    *VERSION.get_or_init(|| {
        let uts = nix::sys::utsname::uname().ok()?;
        parse_release(&uts.release().to_string_lossy())
    })
}

/// Does `MSG_COPY` copy on a kernel of `version`? An unknown version is
/// not trusted: the price of being wrong is a lost message.
pub fn msg_copy_copies(version: Option<Version>) -> bool {
    version.is_some_and(|v| v >= MSG_COPY_SINCE)
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
    fn msg_copy_is_trusted_from_3_8_only() {
        assert!(!msg_copy_copies(Some((3, 7, 10))));
        assert!(msg_copy_copies(Some((3, 8, 0))));
        assert!(!msg_copy_copies(None));
        assert!(msg_copy_copies(running_version()), "this machine's kernel");
    }
}
