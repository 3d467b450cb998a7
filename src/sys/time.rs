//! Broken-down time via `localtime_r` (which honours `TZ` and
//! `/etc/localtime`) and `gmtime_r`, and the offset between the wall clock
//! and the kernel's boot clock.

use std::mem::MaybeUninit;

use nix::time::{ClockId, clock_gettime};

/// How far the wall clock (`CLOCK_REALTIME`) is ahead of the boot clock
/// (`CLOCK_BOOTTIME`, time since boot including suspend), in nanoseconds,
/// as of now: Unix time = boot-clock time + this. Every wall-clock step
/// (NTP, `date -s`) changes it; nothing else does, bar NTP's slow slewing.
/// `None` if either clock cannot be read.
///
/// The wall clock is read first: the few nanoseconds between the readings
/// then make the offset come out low, never high.
pub fn wall_minus_boot() -> Option<i64> {
    let wall = clock_gettime(ClockId::CLOCK_REALTIME).ok()?;
    let boot = clock_gettime(ClockId::CLOCK_BOOTTIME).ok()?;
    // `time_t` and the nanoseconds field are narrower on some targets.
    #[allow(clippy::useless_conversion)]
    let nanos = |t: nix::sys::time::TimeSpec| {
        i64::from(t.tv_sec())
            .checked_mul(1_000_000_000)?
            .checked_add(i64::from(t.tv_nsec()))
    };
    nanos(wall)?.checked_sub(nanos(boot)?)
}

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
    fn the_wall_clock_is_ahead_of_the_boot_clock() {
        // Any machine running this test has a wall clock set after 1970
        // plus its uptime: far ahead of the time since boot.
        assert!(wall_minus_boot().is_some_and(|offset| offset > 0));
    }

    #[test]
    fn utc_is_exact() {
        let t = utc(1_764_316_800).expect("utc");
        assert_eq!(
            (t.year, t.month, t.day, t.hour, t.minute, t.second),
            (2025, 11, 28, 8, 0, 0)
        );
    }
}
