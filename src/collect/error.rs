//! Why a refresh failed, whatever kind of object it was reading.

use std::fmt;

use super::sysvipc::ParseError;
use crate::sys::SysError;

/// Why a collection failed.
#[derive(Debug)]
pub enum CollectError {
    /// A system call failed.
    Sys(SysError),
    /// A `/proc` file could not be read.
    Io(&'static str, std::io::Error),
    /// A `/proc` file did not have the expected shape.
    Parse(ParseError),
}

impl fmt::Display for CollectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sys(e) => e.fmt(f),
            Self::Io(path, e) => write!(f, "cannot read {path}: {e}"),
            Self::Parse(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for CollectError {}

impl From<SysError> for CollectError {
    fn from(e: SysError) -> Self {
        Self::Sys(e)
    }
}

impl From<ParseError> for CollectError {
    fn from(e: ParseError) -> Self {
        Self::Parse(e)
    }
}
