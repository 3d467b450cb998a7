//! Which kernel features are there to use.

use crate::model::MsgSource;
use crate::sys::kernel::{Version, running_version};

/// `MSG_STAT_ANY` came in Linux 4.17; older kernels need the `/proc` path.
pub fn msg_source_for(version: Option<Version>) -> MsgSource {
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
    fn stat_any_needs_4_17() {
        assert_eq!(msg_source_for(Some((4, 16, 9))), MsgSource::ProcFile);
        assert_eq!(msg_source_for(Some((4, 17, 0))), MsgSource::StatAny);
        assert_eq!(msg_source_for(Some((6, 1, 0))), MsgSource::StatAny);
        assert_eq!(msg_source_for(None), MsgSource::StatAny);
    }
}
