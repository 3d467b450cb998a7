//! Saving a peeked message (`actions::save`) where another user can
//! plant files: real files in a world-writable, sticky directory (like
//! `/tmp`), planted by a real second user (uid 65534), next to a file of
//! root's that must never change.
//!
//! Every test makes its own directories (removed by drop guards) and
//! touches only what it made. Planting needs root (to act as nobody);
//! without root the tests say so and skip.

mod common;

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Read};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use common::TempDir;
use ipctop::actions::save::{self, FileId, Overwrite, Problem};

const TARGET: &[u8] = b"root's file: must stay exactly this\n";
const MESSAGE: &[u8] = b"\x00message bytes\x1b[2J";

/// A world-writable sticky directory for the save, and beside it (in a
/// directory only root can write) root's file that a planted link
/// points at.
struct Scene {
    sticky: TempDir,
    _private: TempDir,
    target: PathBuf,
    /// The name a save proposes, in the sticky directory.
    name: PathBuf,
}

impl Scene {
    /// Runs `body` in a new scene, if the test runs as root (if not, it
    /// says so, visibly).
    fn run(test: &str, body: impl FnOnce(&Self)) {
        if !common::root_or_skip(test, "planting files as uid 65534") {
            return;
        }
        let private = TempDir::new("save-private");
        let target = private.path().join("root-file");
        fs::write(&target, TARGET).expect("write root's file");
        let sticky = TempDir::world_writable("save-sticky");
        let name = sticky.path().join("msg-0-0.bin");
        body(&Self {
            sticky,
            _private: private,
            target,
            name,
        });
    }

    /// Asserts root's file is byte-identical.
    fn target_untouched(&self) {
        assert_eq!(fs::read(&self.target).expect("read root's file"), TARGET);
    }
}

/// A test whose body runs in a new [`Scene`] (see [`Scene::run`]), with
/// `name` the scene's proposed file name.
macro_rules! scene_test {
    (fn $test:ident($scene:ident, $name:ident) $body:block) => {
        #[test]
        fn $test() {
            Scene::run(stringify!($test), |$scene: &Scene| {
                let $name = $scene.name.as_path();
                $body
            });
        }
    };
}

/// Nobody makes `link` a symbolic link to `to` (replacing a file of theirs).
fn plant_symlink(to: &Path, link: &Path) {
    common::run_as_nobody("ln", &[Path::new("-sfn"), to, link]);
}

/// The identity `lstat` gives `path`.
fn identity(path: &Path) -> FileId {
    FileId::from(&fs::symlink_metadata(path).expect("lstat"))
}

fn refusal(path: &Path, overwrite: Overwrite) -> save::SaveError {
    let err = save::save(path, MESSAGE, overwrite).expect_err("the save is refused");
    assert_eq!(err.existing(), None, "nothing to ask about: {err}");
    err
}

scene_test! {
    fn a_planted_symlink_is_never_followed(scene, name) {
        plant_symlink(&scene.target, name);
        let said = format!("{} is a symbolic link: not written", name.display());

        let err = refusal(name, Overwrite::Refuse);
        assert_eq!(err.problem, Problem::NotRegular("a symbolic link"));
        assert_eq!(err.to_string(), said);
        scene.target_untouched();

        // Not even with a yes for the file the link leads to, or for the link.
        let followed = FileId::from(&fs::metadata(name).expect("stat through the link"));
        for id in [followed, identity(name)] {
            assert_eq!(refusal(name, Overwrite::Confirmed(id)).to_string(), said);
            scene.target_untouched();
        }
        assert!(fs::symlink_metadata(name).expect("lstat").is_symlink());
    }
}

scene_test! {
    fn a_dangling_symlink_creates_nothing(scene, name) {
        let nowhere = scene.target.with_file_name("created-through-a-link");
        plant_symlink(&nowhere, name);
        let err = refusal(name, Overwrite::Refuse);
        assert_eq!(err.problem, Problem::NotRegular("a symbolic link"));
        refusal(name, Overwrite::Confirmed(identity(name)));
        assert_eq!(
            fs::symlink_metadata(&nowhere).map_err(|e| e.kind()).err(),
            Some(ErrorKind::NotFound),
            "nothing was created where the link points"
        );
    }
}

scene_test! {
    fn a_file_swapped_after_the_question_is_not_replaced(scene, name) {
        common::run_as_nobody("touch", &[name]);
        let asked = save::save(name, MESSAGE, Overwrite::Refuse).expect_err("exists");
        assert_eq!(asked.to_string(), format!("{} exists", name.display()));
        let file = asked.existing().expect("a regular file to ask about");
        assert_eq!(file, identity(name));

        // Another regular file renamed over it (a new inode: the old one is
        // still in use while the new one is made).
        let other = scene.sticky.path().join("other");
        common::run_as_nobody("touch", &[&other]);
        common::run_as_nobody("mv", &[Path::new("-f"), &other, name]);
        let err = refusal(name, Overwrite::Confirmed(file));
        assert_eq!(err.problem, Problem::Changed);
        assert_eq!(
            err.to_string(),
            format!(
                "{} changed since you were asked: not written",
                name.display()
            )
        );
        assert_eq!(
            fs::read(name).expect("read"),
            b"",
            "the other file is untouched"
        );

        // A symbolic link to root's file in its place.
        plant_symlink(&scene.target, name);
        let err = refusal(name, Overwrite::Confirmed(file));
        assert_eq!(err.problem, Problem::NotRegular("a symbolic link"));
        scene.target_untouched();
    }
}

scene_test! {
    fn a_fifo_is_refused_without_blocking(scene, name) {
        common::run_as_nobody("mkfifo", &[name]);
        let said = format!("{} is a FIFO (named pipe): not written", name.display());
        // Without a reader, opening the FIFO to write would block; with one,
        // it would not, and what was written would be there to read.
        assert_eq!(refusal(name, Overwrite::Refuse).to_string(), said);
        assert_eq!(
            refusal(name, Overwrite::Confirmed(identity(name))).to_string(),
            said
        );
        let mut reader = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(name)
            .expect("open the FIFO to read");
        assert_eq!(
            refusal(name, Overwrite::Confirmed(identity(name))).to_string(),
            said
        );
        let mut got = Vec::new();
        match reader.read_to_end(&mut got) {
            Ok(_) => {}
            Err(e) => assert_eq!(e.kind(), ErrorKind::WouldBlock, "{e}"),
        }
        assert_eq!(got, b"", "nothing was written into the FIFO");

        // A regular file asked about, then a FIFO in its place.
        let fifo = scene.sticky.path().join("fifo");
        fs::remove_file(name).expect("remove our FIFO");
        common::run_as_nobody("touch", &[name]);
        let file = save::save(name, MESSAGE, Overwrite::Refuse)
            .expect_err("exists")
            .existing()
            .expect("a regular file to ask about");
        common::run_as_nobody("mkfifo", &[&fifo]);
        common::run_as_nobody("mv", &[Path::new("-f"), &fifo, name]);
        assert_eq!(refusal(name, Overwrite::Confirmed(file)).to_string(), said);
    }
}

scene_test! {
    fn new_files_are_private_and_a_confirmed_file_is_replaced(scene, name) {
        save::save(name, MESSAGE, Overwrite::Refuse).expect("a new file in a sticky directory");
        let meta = fs::symlink_metadata(name).expect("lstat");
        assert!(meta.is_file());
        assert_eq!(meta.mode() & 0o777, 0o600, "mode {:o}", meta.mode());
        assert_eq!(fs::read(name).expect("read"), MESSAGE);

        let file = save::save(name, b"x", Overwrite::Refuse)
            .expect_err("exists")
            .existing()
            .expect("our regular file");
        save::save(name, b"shorter", Overwrite::Confirmed(file)).expect("replaced after a yes");
        assert_eq!(fs::read(name).expect("read"), b"shorter");
        assert_eq!(identity(name), file, "the same file, truncated and written");
    }
}
