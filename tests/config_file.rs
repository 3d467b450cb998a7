//! The configuration file as the real binary reads it: `--print-config`,
//! flags over the file, and a file that cannot be used (reported, then
//! the defaults). Each run gets a private `HOME` and `XDG_CONFIG_HOME`, so
//! the configuration of the user running the tests never applies.

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::TempDir;
use ipctop::app::App;
use ipctop::config::{self, Settings};
use ipctop::kinds::{Sort, sysv_sem};

const BIN: &str = env!("CARGO_BIN_EXE_ipctop");

/// Every key, none at its default.
const FULL: &str = r#"
interval = "2s"
warn = 60
critical = 90.5
read_only = true
mouse = false
theme = "light"

[sysv_msg]
sort = "MSGS"
sort_descending = false
columns = ["FILL", "KEY", "MSGS"]

[sysv_sem]
sort = "NSEMS"
sort_descending = false
columns = ["NSEMS", "ID", "KEY"]

[limits]
sort = "USE"
sort_descending = false
columns = ["USE", "NAME"]
"#;

/// The tables of every tab, as `--print-config` writes their headers.
const SECTIONS: [&str; 3] = ["[sysv_msg]", "[sysv_sem]", "[limits]"];

/// The configuration file under `home` (its `XDG_CONFIG_HOME`).
fn config_path(home: &TempDir) -> PathBuf {
    home.path().join("ipctop").join("config.toml")
}

/// Writes `text` as the configuration file under `home`.
fn write_config(home: &TempDir, text: &str) -> PathBuf {
    let path = config_path(home);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("create the config dir");
    std::fs::write(&path, text).expect("write the config file");
    path
}

/// `ipctop args…` with `home` as its `HOME` and `XDG_CONFIG_HOME`.
fn ipctop(home: &TempDir, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("XDG_STATE_HOME", home.path())
        .stdin(Stdio::null())
        .output()
        .expect("run ipctop")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("ipctop writes UTF-8")
}

/// `ipctop --print-config args…`: its stdout and stderr, after checking it
/// exited 0.
fn print_config(home: &TempDir, args: &[&str]) -> (String, String) {
    let mut all = vec!["--print-config"];
    all.extend_from_slice(args);
    let out = ipctop(home, &all);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{}: {stderr}", out.status);
    (stdout, stderr)
}

fn parsed(printed: &str) -> Settings {
    config::parse(printed).unwrap_or_else(|e| panic!("--print-config printed {e}:\n{printed}"))
}

#[test]
fn print_config_reads_back_as_the_same_configuration() {
    let home = TempDir::new("config-print");
    let path = write_config(&home, FULL);
    let (printed, stderr) = print_config(&home, &[]);
    assert_eq!(stderr, "");
    let first = printed.lines().next().unwrap_or_default();
    assert!(
        first.starts_with('#') && first.contains(&format!("read from {}", path.display())),
        "{printed}"
    );
    for section in SECTIONS {
        assert_eq!(
            printed.lines().filter(|l| *l == section).count(),
            1,
            "{section} once:\n{printed}"
        );
    }
    let full = config::parse(FULL).expect("FULL is valid");
    assert_ne!(full.sysv_sem, Settings::default().sysv_sem);
    assert_ne!(full.limits, Settings::default().limits);
    assert_eq!(parsed(&printed), full);

    // Printed, then read as a file, it prints the same again.
    let again = TempDir::new("config-print-again");
    write_config(&again, &printed);
    let (reprinted, _) = print_config(&again, &[]);
    let body = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&reprinted), body(&printed));
}

#[test]
fn without_a_file_the_defaults_are_printed() {
    let home = TempDir::new("config-none");
    let (printed, stderr) = print_config(&home, &[]);
    assert_eq!(stderr, "");
    assert!(printed.starts_with("# ") && printed.contains("no configuration file at"));
    for section in SECTIONS {
        assert!(
            printed.lines().any(|l| l == section),
            "{section}:\n{printed}"
        );
    }
    assert_eq!(parsed(&printed), Settings::default());
}

#[test]
fn flags_override_the_file() {
    let home = TempDir::new("config-flags");
    write_config(
        &home,
        "interval = \"5s\"\nread_only = false\nmouse = true\ntheme = \"high-contrast\"\n",
    );
    let from_file = parsed(&print_config(&home, &[]).0);
    assert_eq!(from_file.interval, Duration::from_secs(5));
    assert!(!from_file.read_only && from_file.mouse);

    let flags = ["--interval", "250ms", "--read-only", "--no-mouse"];
    let with_flags = parsed(&print_config(&home, &flags).0);
    assert_eq!(with_flags.interval, Duration::from_millis(250));
    assert!(with_flags.read_only && !with_flags.mouse);
    assert_eq!(with_flags.theme, from_file.theme, "what no flag sets stays");
}

/// A file ipctop cannot use: a warning naming it on stderr, the defaults
/// on stdout, exit status 0.
fn assert_ignored(home: &TempDir, why: &str) {
    let (printed, stderr) = print_config(home, &[]);
    let path = config_path(home);
    assert!(
        stderr.starts_with(&format!(
            "ipctop: ignoring the configuration file {}: ",
            path.display()
        )) && stderr.contains(why)
            && stderr.trim_end().ends_with("using the defaults"),
        "stderr: {stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(printed.contains("was ignored"), "{printed}");
    assert_eq!(parsed(&printed), Settings::default());
}

#[test]
fn a_broken_file_is_reported_and_ipctop_starts_with_the_defaults() {
    let home = TempDir::new("config-broken");
    write_config(&home, "mouse = false\ninterval = \"1s\nwarn = 10\n");
    assert_ignored(&home, "line 2, key `interval`: ");

    write_config(&home, "mouse = false\n\n[sysv_msg]\nshape = \"round\"\n");
    assert_ignored(&home, "line 4, key `sysv_msg.shape`: unknown key `shape`");

    write_config(&home, "[sysv_msg]\ncolumns = [\"KEY\", \"WHO\"]\n");
    assert_ignored(&home, "no column titled \"WHO\"");

    write_config(&home, "read_only = 1\n");
    assert_ignored(&home, "line 1, key `read_only`: ");
}

#[test]
fn a_bad_limits_column_is_named_with_its_line_and_key() {
    let home = TempDir::new("config-limits");
    write_config(
        &home,
        "mouse = false\n\n[sysv_sem]\nsort = \"ID\"\n\n[limits]\ncolumns = [\"NAME\", \"FOO\"]\n",
    );
    assert_ignored(
        &home,
        "line 7, key `limits.columns`: no column titled \"FOO\" \
         (the columns are NAME, WHAT IT LIMITS, LIMIT, USED, USE)",
    );

    write_config(&home, "[limits]\nsort = \"USED\"\ncolumns = [\"NAME\"]\n");
    assert_ignored(
        &home,
        "line 2, key `limits.sort`: the table is sorted by USED, which `columns` does not show",
    );
}

#[test]
fn a_sysv_sem_table_sorts_and_chooses_the_columns_of_the_sem_tab() {
    let home = TempDir::new("config-sem");
    let path = write_config(
        &home,
        "[sysv_sem]\nsort = \"last op\"\ncolumns = [\"LAST OP\", \"KEY\", \"waiting\"]\n",
    );
    let loaded = config::load_from(path);
    assert_eq!(loaded.warning, None);
    let mut app = App::new(Duration::from_secs(1), (120, 30));
    app.configure(&loaded.settings);
    assert_eq!(
        app.sets.sort,
        Sort {
            column: sysv_sem::Column::LastOp,
            descending: true,
        },
        "LAST OP sorts most recent first, its own first direction"
    );
    assert_eq!(
        app.sets.columns,
        [
            sysv_sem::Column::Key,
            sysv_sem::Column::Waiting,
            sysv_sem::Column::LastOp
        ],
        "in the table's order"
    );
    let defaults = App::new(Duration::from_secs(1), (120, 30));
    assert_eq!(
        app.queues.sort, defaults.queues.sort,
        "other tabs keep theirs"
    );
    assert_eq!(app.limits.columns, defaults.limits.columns);
}

#[test]
fn what_the_file_says_is_sanitized_before_it_reaches_the_terminal() {
    let home = TempDir::new("config-escape");
    write_config(&home, "\"\\u001b]0;owned\\u0007\" = 1\n");
    let (_, stderr) = print_config(&home, &[]);
    assert!(stderr.contains("unknown key"), "{stderr}");
    assert!(
        !stderr.chars().any(|c| c.is_control() && c != '\n'),
        "{stderr:?}"
    );
}

#[test]
fn only_a_regular_file_not_writable_by_all_is_read() {
    let home = TempDir::new("config-kinds");
    let path = config_path(&home);
    std::fs::create_dir_all(&path).expect("a directory in the file's place");
    assert_ignored(&home, "not a regular file");
    std::fs::remove_dir(&path).expect("remove the directory");

    // A FIFO: opened without waiting for a writer, then refused.
    nix::unistd::mkfifo(&path, nix::sys::stat::Mode::from_bits_truncate(0o600))
        .expect("make a FIFO");
    assert_ignored(&home, "not a regular file");
    std::fs::remove_file(&path).expect("remove the FIFO");

    write_config(&home, "mouse = false\n");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).expect("chmod 666");
    assert_ignored(&home, "every user may change it (mode 0666)");
}

#[test]
fn completions_and_the_manual_page_are_generated() {
    let home = TempDir::new("completions");
    for shell in ["bash", "zsh", "fish"] {
        let out = ipctop(&home, &["completions", shell]);
        let script = text(&out.stdout);
        assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
        for word in [
            "list",
            "peek",
            "rm",
            "completions",
            "read-only",
            "print-config",
        ] {
            assert!(script.contains(word), "{shell} script lacks {word}");
        }
    }
    let out = ipctop(&home, &["man"]);
    let page = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        page.starts_with(".ie") || page.contains(".TH"),
        "roff: {page}"
    );
    for word in ["ipctop", "list", "peek", "completions", "\\-\\-read\\-only"] {
        assert!(page.contains(word), "the manual page lacks {word}");
    }
}
