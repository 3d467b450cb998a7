//! What saving and the audit log share about files: how a file that must
//! not be written is described, and the identity of a file.
//!
//! Both write files as a user who is often root, in places other users
//! may control (a world-writable current directory, a `HOME` that is not
//! root's): they never follow a symbolic link at the last component and
//! write only to regular files.

use std::fs::{FileType, Metadata};
use std::os::unix::fs::FileTypeExt;

/// What a file is that is not a regular file, for a refusal:
/// `a symbolic link`, `a FIFO (named pipe)`…
pub fn kind(file_type: FileType) -> &'static str {
    /// Is a file of this type one of these?
    type Test = fn(&FileType) -> bool;
    const KINDS: [(Test, &str); 7] = [
        (FileType::is_symlink, "a symbolic link"),
        (FileType::is_dir, "a directory"),
        (FileType::is_fifo, "a FIFO (named pipe)"),
        (FileType::is_socket, "a socket"),
        (FileType::is_char_device, "a character device"),
        (FileType::is_block_device, "a block device"),
        (FileType::is_file, "a regular file"),
    ];
    KINDS
        .iter()
        .find(|(is, _)| is(&file_type))
        .map_or("not a regular file", |&(_, name)| name)
}

/// The file's identity: the device and inode it is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId {
    /// `st_dev`.
    pub dev: u64,
    /// `st_ino`.
    pub ino: u64,
}

impl From<&Metadata> for FileId {
    fn from(meta: &Metadata) -> Self {
        use std::os::unix::fs::MetadataExt;
        Self {
            dev: meta.dev(),
            ino: meta.ino(),
        }
    }
}
