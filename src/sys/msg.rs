//! System V message-queue calls: `msgctl`, `msgget`, `msgsnd`, `msgrcv`.

use std::mem::{MaybeUninit, size_of};

use libc::{c_int, c_long};

use super::{Errno, SysError, kernel};

/// `MSG_STAT_ANY` (Linux 4.17+): like `MSG_STAT` but needs no read
/// permission. libc does not define it.
pub const MSG_STAT_ANY: c_int = 13;

/// The kernel's `struct msginfo`, as `msgctl(MSG_INFO)` fills it.
#[repr(C)]
#[derive(Default)]
struct RawMsgInfo {
    msgpool: c_int,
    msgmap: c_int,
    msgmax: c_int,
    msgmnb: c_int,
    msgmni: c_int,
    msgssz: c_int,
    msgtql: c_int,
    msgseg: libc::c_ushort,
}

/// What `msgctl(MSG_INFO)` says about the whole namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MsgInfo {
    /// Highest index in use in the kernel's queue array (-1: none).
    pub highest_index: i32,
    /// Queues in use.
    pub queues: u32,
    /// `msgmni`: most queues.
    pub msgmni: u64,
    /// `msgmax`: largest message.
    pub msgmax: u64,
    /// `msgmnb`: default capacity of a queue.
    pub msgmnb: u64,
}

/// The fields of `struct msqid_ds`, owned and named.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueStat {
    /// IPC key.
    pub key: i32,
    /// Owner uid.
    pub uid: u32,
    /// Owner gid.
    pub gid: u32,
    /// Creator uid.
    pub cuid: u32,
    /// Creator gid.
    pub cgid: u32,
    /// Mode bits (permissions in the low 9 bits).
    pub mode: u32,
    /// Last `msgsnd` time.
    pub stime: i64,
    /// Last `msgrcv` time.
    pub rtime: i64,
    /// Last change time.
    pub ctime: i64,
    /// Bytes on the queue.
    pub cbytes: u64,
    /// Messages on the queue.
    pub qnum: u64,
    /// Capacity in bytes.
    pub qbytes: u64,
    /// Last sender pid.
    pub lspid: i32,
    /// Last receiver pid.
    pub lrpid: i32,
}

impl From<&libc::msqid_ds> for QueueStat {
    fn from(ds: &libc::msqid_ds) -> Self {
        Self {
            key: ds.msg_perm.__key,
            uid: ds.msg_perm.uid,
            gid: ds.msg_perm.gid,
            cuid: ds.msg_perm.cuid,
            cgid: ds.msg_perm.cgid,
            mode: u32::from(ds.msg_perm.mode),
            stime: ds.msg_stime,
            rtime: ds.msg_rtime,
            ctime: ds.msg_ctime,
            cbytes: ds.__msg_cbytes,
            qnum: ds.msg_qnum,
            qbytes: ds.msg_qbytes,
            lspid: ds.msg_lspid,
            lrpid: ds.msg_lrpid,
        }
    }
}

fn to_u64(value: c_int) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// `msgctl(0, MSG_INFO)`: totals, limits and the highest index in use.
pub fn info() -> Result<MsgInfo, SysError> {
    let mut raw = RawMsgInfo::default();
    // SAFETY: MSG_INFO writes a `struct msginfo` through the pointer, which
    // glibc passes on as a `msqid_ds *`; `raw` is a live, writable, correctly
    // laid out `msginfo` for the duration of the call.
    let highest =
        unsafe { libc::msgctl(0, libc::MSG_INFO, (&raw mut raw).cast::<libc::msqid_ds>()) };
    if highest < 0 {
        return Err(SysError::last(|| {
            "list message queues (msgctl MSG_INFO)".to_owned()
        }));
    }
    Ok(MsgInfo {
        highest_index: if raw.msgpool == 0 { -1 } else { highest },
        queues: u32::try_from(raw.msgpool).unwrap_or(0),
        msgmni: to_u64(raw.msgmni),
        msgmax: to_u64(raw.msgmax),
        msgmnb: to_u64(raw.msgmnb),
    })
}

/// One of the stat commands: fills a `msqid_ds` for `first` (an id, or an
/// index for the `*_STAT` commands) and returns the call's result with it.
fn raw_stat(first: c_int, cmd: c_int) -> Result<(i32, libc::msqid_ds), Errno> {
    let mut ds = MaybeUninit::<libc::msqid_ds>::zeroed();
    // SAFETY: the stat commands write one `msqid_ds` through the pointer;
    // `ds` is writable storage of that type and size for the whole call.
    let ret = unsafe { libc::msgctl(first, cmd, ds.as_mut_ptr()) };
    if ret < 0 {
        return Err(Errno::last());
    }
    // SAFETY: the call succeeded, so the kernel filled the struct (and it
    // was zeroed before, so even padding is initialised).
    Ok((ret, unsafe { ds.assume_init() }))
}

fn msgctl_stat(first: c_int, cmd: c_int) -> Result<(i32, QueueStat), Errno> {
    raw_stat(first, cmd).map(|(ret, ds)| (ret, QueueStat::from(&ds)))
}

/// `msgctl(index, MSG_STAT_ANY)`: the queue at a kernel array index, with
/// its id. `Ok(None)` when the slot is empty.
pub fn stat_any(index: i32) -> Result<Option<(i32, QueueStat)>, SysError> {
    super::slot(msgctl_stat(index, MSG_STAT_ANY), "queue", index)
}

/// `msgctl(id, IPC_STAT)`: one queue by id (needs read permission).
pub fn stat(id: i32) -> Result<QueueStat, SysError> {
    msgctl_stat(id, libc::IPC_STAT)
        .map(|(_, stat)| stat)
        .map_err(|errno| SysError::new(format!("read queue {id}"), errno))
}

/// `msgget(key, flags)`: opens or creates a queue; returns its id.
pub fn get(key: i32, flags: c_int) -> Result<i32, SysError> {
    // SAFETY: msgget takes no pointers.
    let id = unsafe { libc::msgget(key, flags) };
    if id < 0 {
        return Err(SysError::last(|| format!("open queue with key {key:#x}")));
    }
    Ok(id)
}

/// `msgsnd`: puts one message of type `mtype` (> 0) on queue `id`.
pub fn send(id: i32, mtype: c_long, payload: &[u8], flags: c_int) -> Result<(), SysError> {
    let mut buf = MessageBuffer::new(payload.len());
    buf.set(mtype, payload);
    // SAFETY: `buf` holds a `long` mtype followed by `payload.len()` bytes,
    // exactly the `struct msgbuf` of that size msgsnd reads.
    let ret = unsafe { libc::msgsnd(id, buf.as_ptr(), payload.len(), flags) };
    if ret < 0 {
        return Err(SysError::last(|| format!("send to queue {id}")).explained(
            Errno::EINVAL,
            "the message is larger than msgmax, its type is not positive, or the queue is gone",
        ));
    }
    Ok(())
}

/// `msgrcv`: takes (or, with `MSG_COPY`, copies) one message of at most
/// `max_size` bytes. Returns its type and payload.
pub fn receive(
    id: i32,
    max_size: usize,
    msgtyp: c_long,
    flags: c_int,
) -> Result<(c_long, Vec<u8>), SysError> {
    let mut buf = MessageBuffer::new(max_size);
    // SAFETY: `buf` has room for a `long` and `max_size` bytes, the size
    // msgrcv is told it may write.
    let got = unsafe { libc::msgrcv(id, buf.as_mut_ptr(), max_size, msgtyp, flags) };
    let Ok(len) = usize::try_from(got) else {
        return Err(SysError::last(|| format!("receive from queue {id}")));
    };
    Ok((buf.mtype(), buf.payload(len).to_vec()))
}

/// `msgrcv(id, .., index, MSG_COPY | IPC_NOWAIT)`: a copy of the message at
/// 0-based position `index`, leaving the queue exactly as it was (Linux
/// 3.8+ with `CONFIG_CHECKPOINT_RESTORE`; older kernels would consume it,
/// so callers check the version first). `Ok(None)` past the last message.
/// `max_size` must hold the message: `MSG_NOERROR` cannot truncate a copy.
pub fn copy(id: i32, index: usize, max_size: usize) -> Result<Option<(c_long, Vec<u8>)>, SysError> {
    // The last line of defence of "peeking never consumes".
    if !kernel::msg_copy_copies(kernel::running_version()) {
        return Err(SysError::new(format!("copy message {index} of queue {id}"), Errno::ENOSYS)
            .explained(
                Errno::ENOSYS,
                "refusing MSG_COPY: on this kernel (older than 3.8, or of unknown version) it would consume the message",
            ));
    }
    let position = c_long::try_from(index)
        .map_err(|_| SysError::new(format!("copy message {index} of queue {id}"), Errno::EINVAL))?;
    match receive(id, max_size, position, libc::MSG_COPY | libc::IPC_NOWAIT) {
        Ok(message) => Ok(Some(message)),
        Err(e) if e.errno == Errno::ENOMSG => Ok(None),
        Err(e) => Err(SysError {
            action: format!("copy message {index} of queue {id}"),
            ..e
        }),
    }
}

/// Changes a queue's capacity (`msg_qbytes`) with `IPC_STAT` + `IPC_SET`.
pub fn set_capacity(id: i32, qbytes: u64) -> Result<(), SysError> {
    let action = || format!("set the capacity of queue {id}");
    let (_, mut ds) =
        raw_stat(id, libc::IPC_STAT).map_err(|errno| SysError::new(action(), errno))?;
    ds.msg_qbytes = qbytes;
    // SAFETY: IPC_SET reads one `msqid_ds` from the pointer; `ds` is one.
    if unsafe { libc::msgctl(id, libc::IPC_SET, &raw mut ds) } < 0 {
        return Err(SysError::last(action).explained(
            Errno::EPERM,
            "only the owner, the creator or root may change it, and raising it above msgmnb needs CAP_SYS_RESOURCE",
        ));
    }
    Ok(())
}

/// `msgctl(id, IPC_RMID)`: removes a queue, waking its blocked callers.
pub fn remove(id: i32) -> Result<(), SysError> {
    // SAFETY: IPC_RMID ignores the buffer argument; null is allowed.
    if unsafe { libc::msgctl(id, libc::IPC_RMID, std::ptr::null_mut()) } < 0 {
        return Err(SysError::last(|| format!("remove queue {id}")));
    }
    Ok(())
}

/// A `struct msgbuf`: a `long` type followed by the payload, kept in
/// `long`-aligned storage.
struct MessageBuffer {
    words: Vec<c_long>,
}

impl MessageBuffer {
    const HEADER: usize = size_of::<c_long>();

    fn new(payload_len: usize) -> Self {
        let words = 1 + payload_len.div_ceil(Self::HEADER);
        Self {
            words: vec![0; words],
        }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        let len = self.words.len() * Self::HEADER;
        // SAFETY: the Vec owns `len` initialised bytes; u8 has no alignment
        // or validity requirements, and the borrow of `self` keeps it alive.
        unsafe { std::slice::from_raw_parts_mut(self.words.as_mut_ptr().cast::<u8>(), len) }
    }

    fn set(&mut self, mtype: c_long, payload: &[u8]) {
        self.words[0] = mtype;
        self.bytes_mut()[Self::HEADER..Self::HEADER + payload.len()].copy_from_slice(payload);
    }

    fn mtype(&self) -> c_long {
        self.words[0]
    }

    fn payload(&mut self, len: usize) -> &[u8] {
        &self.bytes_mut()[Self::HEADER..Self::HEADER + len]
    }

    fn as_ptr(&self) -> *const libc::c_void {
        self.words.as_ptr().cast()
    }

    fn as_mut_ptr(&mut self) -> *mut libc::c_void {
        self.words.as_mut_ptr().cast()
    }
}
