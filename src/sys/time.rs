//! Local time via `localtime_r`, which honours `TZ` and `/etc/localtime`.

use std::mem::MaybeUninit;

/// A broken-down local date and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
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
pub fn local(unix_seconds: i64) -> Option<LocalTime> {
    let t: libc::time_t = unix_seconds;
    let mut tm = MaybeUninit::<libc::tm>::zeroed();
    // SAFETY: both pointers are valid for the call; localtime_r is the
    // thread-safe variant and writes only into `tm`.
    let ok = unsafe { libc::localtime_r(&raw const t, tm.as_mut_ptr()) };
    if ok.is_null() {
        return None;
    }
    // SAFETY: localtime_r succeeded and filled the zeroed struct.
    let tm = unsafe { tm.assume_init() };
    let field = |v: libc::c_int| u32::try_from(v).ok();
    Some(LocalTime {
        year: tm.tm_year.checked_add(1900)?,
        month: field(tm.tm_mon + 1)?,
        day: field(tm.tm_mday)?,
        hour: field(tm.tm_hour)?,
        minute: field(tm.tm_min)?,
        second: field(tm.tm_sec)?,
    })
}
