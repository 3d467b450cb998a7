//! Broken-down time via `localtime_r` (which honours `TZ` and
//! `/etc/localtime`) and `gmtime_r`.

use std::mem::MaybeUninit;

/// A broken-down (civil) date and time, in the zone of the conversion
/// that made it: [`local`] or [`utc`]. It does not record which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CivilTime {
    /// Year, e.g. 2026.
    pub year: i32,
    /// Month, 1..=12.
    pub month: u32,
    /// Day of the month, 1..=31.
    pub day: u32,
    /// Hour, 0..=23.
    pub hour: u32,
    /// Minute, 0..=59.
    pub minute: u32,
    /// Second, 0..=60.
    pub second: u32,
}

/// Converts Unix seconds to local time; `None` if the C library cannot.
pub fn local(unix_seconds: i64) -> Option<CivilTime> {
    // SAFETY: localtime_r is the thread-safe variant; both pointers are
    // valid for the call and it writes only into the second.
    broken_down(unix_seconds, |t, tm| unsafe { libc::localtime_r(t, tm) })
}

/// Converts Unix seconds to UTC; `None` if the C library cannot.
pub fn utc(unix_seconds: i64) -> Option<CivilTime> {
    // SAFETY: as for `localtime_r`: thread-safe, writes only `tm`.
    broken_down(unix_seconds, |t, tm| unsafe { libc::gmtime_r(t, tm) })
}

fn broken_down(
    unix_seconds: i64,
    convert: impl FnOnce(*const libc::time_t, *mut libc::tm) -> *mut libc::tm,
) -> Option<CivilTime> {
    let t: libc::time_t = unix_seconds;
    let mut tm = MaybeUninit::<libc::tm>::zeroed();
    if convert(&raw const t, tm.as_mut_ptr()).is_null() {
        return None;
    }
    // SAFETY: the conversion succeeded and filled the zeroed struct.
    let tm = unsafe { tm.assume_init() };
    let field = |v: libc::c_int| u32::try_from(v).ok();
    Some(CivilTime {
        year: tm.tm_year.checked_add(1900)?,
        month: field(tm.tm_mon + 1)?,
        day: field(tm.tm_mday)?,
        hour: field(tm.tm_hour)?,
        minute: field(tm.tm_min)?,
        second: field(tm.tm_sec)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_is_exact() {
        let t = utc(1_764_316_800).expect("utc");
        assert_eq!(
            (t.year, t.month, t.day, t.hour, t.minute, t.second),
            (2025, 11, 28, 8, 0, 0)
        );
    }
}
