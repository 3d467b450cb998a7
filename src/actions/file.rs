//! What saving and the audit log share about files: how a file that must
//! not be written is described, and file-system errors in words.
//!
//! Both write files as a user who is often root, in places other users
//! may control (a world-writable current directory, a `HOME` that is not
//! root's): they never follow a symbolic link at the last component and
//! write only to regular files.

use std::fs::{FileType, Metadata};
use std::io;
use std::os::unix::fs::FileTypeExt;

use crate::sys::Errno;

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

/// What went wrong with a file, in words (never `(os error 13)`).
pub fn explain(e: &io::Error) -> String {
    let Some(errno) = e.raw_os_error().map(Errno::from_raw) else {
        return e.to_string();
    };
    match errno {
        Errno::EACCES | Errno::EPERM => "permission denied".to_owned(),
        Errno::ENOENT => "no such file or directory".to_owned(),
        Errno::ENOTDIR => "a part of the path is not a directory".to_owned(),
        Errno::EEXIST => "something that is not a directory is in the way".to_owned(),
        Errno::EISDIR => "it is a directory".to_owned(),
        Errno::ELOOP => "it is a symbolic link".to_owned(),
        Errno::EROFS => "the file system is read-only".to_owned(),
        Errno::ENOSPC => "no space left on the device".to_owned(),
        Errno::EDQUOT => "the disk quota is exhausted".to_owned(),
        Errno::ENAMETOOLONG => "the name is too long".to_owned(),
        Errno::EMFILE | Errno::ENFILE => "too many open files".to_owned(),
        Errno::EIO => "input/output error on the device".to_owned(),
        other => other.desc().to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_words_without_error_numbers() {
        let e = io::Error::from_raw_os_error(libc::EACCES);
        assert_eq!(explain(&e), "permission denied");
        let e = io::Error::from_raw_os_error(libc::EXDEV);
        assert!(!explain(&e).contains("os error"), "{}", explain(&e));
        assert_eq!(explain(&io::Error::other("short write")), "short write");
    }
}
