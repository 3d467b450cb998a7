//! System V shared-memory calls: `shmctl`, `shmget`, `shmat`, `shmdt`, and
//! the words of an attached segment.

use std::mem::MaybeUninit;
use std::sync::atomic::AtomicU64;

use libc::{c_int, c_ulong};

use super::{Errno, SysError};

/// `SHM_INFO`: usage of the whole namespace (libc does not define it).
pub const SHM_INFO: c_int = 14;
/// `SHM_STAT_ANY` (Linux 4.17+): `SHM_STAT` without the read-permission
/// check. libc does not define it.
pub const SHM_STAT_ANY: c_int = 15;
/// Mode bit of a segment marked for removal that is still attached.
pub const SHM_DEST: u32 = 0o1000;
/// Mode bit of a segment locked in memory (`SHM_LOCK`).
pub const SHM_LOCKED: u32 = 0o2000;
/// `shmat` flag: attach read-only.
pub const SHM_RDONLY: c_int = 0o10000;

/// The kernel's `struct shm_info`, as `shmctl(SHM_INFO)` fills it.
#[repr(C)]
#[derive(Default)]
struct RawShmInfo {
    used_ids: c_int,
    shm_tot: c_ulong,
    shm_rss: c_ulong,
    shm_swp: c_ulong,
    swap_attempts: c_ulong,
    swap_successes: c_ulong,
}

/// The kernel's `struct shminfo64`, as `shmctl(IPC_INFO)` fills it (glibc
/// asks for the 64-bit layout).
#[repr(C)]
#[derive(Default)]
struct RawShmLimits {
    shmmax: c_ulong,
    shmmin: c_ulong,
    shmmni: c_ulong,
    shmseg: c_ulong,
    shmall: c_ulong,
    unused: [c_ulong; 4],
}

/// What `shmctl(SHM_INFO)` says about the whole namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShmInfo {
    /// Highest index in use in the kernel's segment array (-1: none).
    pub highest_index: i32,
    /// Segments in use.
    pub segments: u32,
    /// Pages allocated to all segments together (`shm_tot`).
    pub pages: u64,
    /// Of those, resident pages.
    pub rss_pages: u64,
    /// Of those, swapped-out pages.
    pub swap_pages: u64,
}

/// What `shmctl(IPC_INFO)` says the limits are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShmLimitsInfo {
    /// Largest segment in bytes.
    pub shmmax: u64,
    /// Smallest segment in bytes.
    pub shmmin: u64,
    /// Most segments.
    pub shmmni: u64,
    /// Most pages of all segments together.
    pub shmall: u64,
}

/// The fields of `struct shmid_ds`, owned and named.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SegmentStat {
    /// IPC key (0 once a segment still attached is removed).
    pub key: i32,
    /// Owner uid.
    pub uid: u32,
    /// Owner gid.
    pub gid: u32,
    /// Creator uid.
    pub cuid: u32,
    /// Creator gid.
    pub cgid: u32,
    /// Mode bits: permissions, [`SHM_DEST`], [`SHM_LOCKED`].
    pub mode: u32,
    /// Size in bytes.
    pub size: u64,
    /// Last attach time.
    pub atime: i64,
    /// Last detach time.
    pub dtime: i64,
    /// Last change time.
    pub ctime: i64,
    /// Creator pid.
    pub cpid: i32,
    /// Pid of the last attach or detach.
    pub lpid: i32,
    /// Attachments.
    pub nattch: u64,
}

impl From<&libc::shmid_ds> for SegmentStat {
    fn from(ds: &libc::shmid_ds) -> Self {
        Self {
            key: ds.shm_perm.__key,
            uid: ds.shm_perm.uid,
            gid: ds.shm_perm.gid,
            cuid: ds.shm_perm.cuid,
            cgid: ds.shm_perm.cgid,
            mode: u32::from(ds.shm_perm.mode),
            size: ds.shm_segsz as u64,
            atime: ds.shm_atime,
            dtime: ds.shm_dtime,
            ctime: ds.shm_ctime,
            cpid: ds.shm_cpid,
            lpid: ds.shm_lpid,
            nattch: ds.shm_nattch,
        }
    }
}

/// `shmctl(0, cmd)` for one of the info commands, which write their own
/// struct through the `shmid_ds` pointer and return the highest index.
fn raw_info<T: Default>(cmd: c_int, action: &str) -> Result<(i32, T), SysError> {
    let mut raw = T::default();
    // SAFETY: SHM_INFO and IPC_INFO write one `struct shm_info` or
    // `struct shminfo64` through the pointer; the callers pass the
    // matching `repr(C)` type, live and writable for the whole call.
    let highest = unsafe { libc::shmctl(0, cmd, (&raw mut raw).cast::<libc::shmid_ds>()) };
    if highest < 0 {
        return Err(SysError::last(|| action.to_owned()));
    }
    Ok((highest, raw))
}

/// `shmctl(0, SHM_INFO)`: usage and the highest index in use.
pub fn info() -> Result<ShmInfo, SysError> {
    let (highest, raw) =
        raw_info::<RawShmInfo>(SHM_INFO, "list shared-memory segments (shmctl SHM_INFO)")?;
    Ok(ShmInfo {
        highest_index: if raw.used_ids == 0 { -1 } else { highest },
        segments: u32::try_from(raw.used_ids).unwrap_or(0),
        pages: raw.shm_tot,
        rss_pages: raw.shm_rss,
        swap_pages: raw.shm_swp,
    })
}

/// `shmctl(0, IPC_INFO)`: the namespace's limits.
pub fn limits() -> Result<ShmLimitsInfo, SysError> {
    let (_, raw) = raw_info::<RawShmLimits>(
        libc::IPC_INFO,
        "read the shared-memory limits (shmctl IPC_INFO)",
    )?;
    Ok(ShmLimitsInfo {
        shmmax: raw.shmmax,
        shmmin: raw.shmmin,
        shmmni: raw.shmmni,
        shmall: raw.shmall,
    })
}

/// One of the stat commands: fills a `shmid_ds` for `first` (an id, or an
/// index for the `*_STAT` commands) and returns the call's result with it.
fn raw_stat(first: c_int, cmd: c_int) -> Result<(i32, SegmentStat), Errno> {
    let mut ds = MaybeUninit::<libc::shmid_ds>::zeroed();
    // SAFETY: the stat commands write one `shmid_ds` through the pointer;
    // `ds` is writable storage of that type and size for the whole call.
    let ret = unsafe { libc::shmctl(first, cmd, ds.as_mut_ptr()) };
    if ret < 0 {
        return Err(Errno::last());
    }
    // SAFETY: the call succeeded, so the kernel filled the struct (and it
    // was zeroed before, so even padding is initialised).
    let ds = unsafe { ds.assume_init() };
    Ok((ret, SegmentStat::from(&ds)))
}

/// `shmctl(index, SHM_STAT_ANY)`: the segment at a kernel array index,
/// with its id. `Ok(None)` when the slot is empty.
pub fn stat_any(index: i32) -> Result<Option<(i32, SegmentStat)>, SysError> {
    super::slot(raw_stat(index, SHM_STAT_ANY), "segment", index)
}

/// `shmctl(id, IPC_STAT)`: one segment by id (needs read permission).
pub fn stat(id: i32) -> Result<SegmentStat, SysError> {
    raw_stat(id, libc::IPC_STAT)
        .map(|(_, stat)| stat)
        .map_err(|errno| SysError::new(format!("read segment {id}"), errno))
}

/// `shmctl(id, IPC_RMID)`: removes a segment; one still attached is only
/// marked for removal ([`SHM_DEST`]) and goes when the last process
/// detaches.
pub fn remove(id: i32) -> Result<(), SysError> {
    // SAFETY: IPC_RMID ignores the buffer argument; null is allowed.
    if unsafe { libc::shmctl(id, libc::IPC_RMID, std::ptr::null_mut()) } < 0 {
        return Err(SysError::last(|| format!("remove segment {id}")));
    }
    Ok(())
}

/// `shmget(key, size, flags)`: opens or creates a segment; returns its id.
pub fn get(key: i32, size: usize, flags: c_int) -> Result<i32, SysError> {
    // SAFETY: shmget takes no pointers.
    let id = unsafe { libc::shmget(key, size, flags) };
    if id < 0 {
        return Err(
            SysError::last(|| format!("open segment with key {key:#x}")).explained(
                Errno::EINVAL,
                "the size is outside shmmin..shmmax, or larger than the existing segment",
            ),
        );
    }
    Ok(id)
}

/// A segment attached to this process (`shmat`), detached on drop.
#[derive(Debug)]
pub struct Attached {
    id: i32,
    address: *mut libc::c_void,
}

impl Attached {
    /// `shmat(id, NULL, flags)`: attaches segment `id` where the kernel
    /// chooses ([`SHM_RDONLY`] for read-only).
    pub fn new(id: i32, flags: c_int) -> Result<Self, SysError> {
        // SAFETY: a null address lets the kernel pick a free range; the
        // mapping is only reached through `Attached` (as memory only by
        // `SharedWords`, through atomics).
        let address = unsafe { libc::shmat(id, std::ptr::null(), flags) };
        if address as isize == -1 {
            return Err(SysError::last(|| format!("attach segment {id}")));
        }
        Ok(Self { id, address })
    }

    /// Where the segment is mapped.
    pub fn address(&self) -> usize {
        self.address as usize
    }

    /// The segment's id.
    pub fn id(&self) -> i32 {
        self.id
    }

    /// `shmdt`: detaches now and reports the kernel's answer.
    pub fn detach(mut self) -> Result<(), SysError> {
        let result = self.raw_detach();
        std::mem::forget(self);
        result
    }

    fn raw_detach(&mut self) -> Result<(), SysError> {
        // SAFETY: `address` is what shmat returned and it is detached only
        // once (`detach` forgets `self`, so `drop` does not run again);
        // nothing in ipctop holds a reference into the mapping.
        if unsafe { libc::shmdt(self.address) } < 0 {
            return Err(SysError::last(|| format!("detach segment {}", self.id)));
        }
        Ok(())
    }
}

impl Drop for Attached {
    fn drop(&mut self) {
        // Ignored: nothing useful can be done about a failed detach here.
        let _ = self.raw_detach();
    }
}

/// A segment attached read-write, seen as an array of 64-bit words that
/// the processes sharing it read and write atomically; detached on drop.
#[derive(Debug)]
pub struct SharedWords {
    attached: Attached,
    len: usize,
}

impl SharedWords {
    /// Attaches segment `id` read-write, as words: as many as fit in its
    /// size.
    pub fn attach(id: i32) -> Result<Self, SysError> {
        let attached = Attached::new(id, 0)?;
        // Read after attaching: the attachment keeps the id the same
        // segment's (even one marked for removal keeps it until its last
        // detach), and a segment's size never changes.
        let size = stat(id)?.size;
        let len = usize::try_from(size).unwrap_or(0) / size_of::<AtomicU64>();
        Ok(Self { attached, len })
    }

    /// The segment's words.
    pub fn words(&self) -> &[AtomicU64] {
        // SAFETY: shmat maps a segment at a page boundary, which is aligned
        // for `AtomicU64`; the mapping is read-write (`attach` passes no
        // `SHM_RDONLY`) and covers the segment's size, of which the
        // slice's `len` words are a part; it stays mapped while `self`
        // lives, which the slice's lifetime is bound to. Other processes
        // change the words at any time: all access goes through atomics,
        // which allow exactly that.
        unsafe { std::slice::from_raw_parts(self.attached.address.cast::<AtomicU64>(), self.len) }
    }

    /// The segment's id.
    pub fn id(&self) -> i32 {
        self.attached.id()
    }
}
