//! The command line: `ipctop`, `ipctop list`, `ipctop peek`, `ipctop rm`,
//! `ipctop demo`, `ipctop completions`, `ipctop man`. Flags override the
//! configuration file ([`crate::config`]).

pub mod demo;
pub mod list;
pub mod peek;
pub mod rm;

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory as _, Parser, Subcommand};

use crate::app::{MAX_INTERVAL, MIN_INTERVAL};
use crate::config::{self, Settings};
use crate::format;

/// ipctop: top for Linux IPC. Watches System V message queues live:
/// depth, fill level against capacity, last sender and receiver.
#[derive(Debug, Parser)]
#[command(name = "ipctop", version, about, long_about = None)]
pub struct Cli {
    /// Refresh interval, e.g. 250ms, 1s, 2s (100ms to 60s; default 1s,
    /// or the configuration file's `interval`).
    #[arg(short, long, value_parser = parse_interval)]
    pub interval: Option<Duration>,

    /// Change nothing: removal (and every other changing action) is
    /// disabled; peeking and saving messages to files still work. For the
    /// monitor, `demo` and `rm` (give it before the subcommand:
    /// `ipctop --read-only rm …`).
    #[arg(long)]
    pub read_only: bool,

    /// Leave the mouse to the terminal (selecting text to copy): no
    /// clicking, no wheel scrolling in the monitor.
    #[arg(long, global = true)]
    pub no_mouse: bool,

    /// Print the effective configuration (the file, then these flags) as
    /// TOML, and exit.
    #[arg(long)]
    pub print_config: bool,

    /// What to do instead of the interactive monitor.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the queues, segments, semaphore sets and limits once and exit
    /// (like `ipcs -a` and `lsipc -g`).
    List {
        /// One JSON object: {"namespace": …, "msg": [ … ], "shm": [ … ],
        /// "sem": [ … ], "limits": { … }}.
        #[arg(long)]
        json: bool,
    },
    /// Print a queue's messages without consuming them (MSG_COPY).
    ///
    /// Exit status: 0 when the messages were read (also when --type
    /// matches none: that is said in words), 1 when they could not be
    /// (no read permission, no such queue, kernel without MSG_COPY).
    Peek(peek::PeekArgs),
    /// Remove an IPC object, after showing what will be lost.
    ///
    /// Asks on the terminal unless --yes; refuses under --read-only.
    /// Exit status: 0 removed, 1 refused or failed (the reason is
    /// printed), 2 usage error. Each
    /// removal the kernel was asked for is logged to
    /// $XDG_STATE_HOME/ipctop/actions.log (~/.local/state/ipctop/).
    Rm(rm::RmArgs),
    /// Start a small producer/consumer workload and watch it; everything
    /// it creates is removed when ipctop exits.
    Demo {
        /// Refresh interval of the monitor, e.g. 250ms, 1s, 2s (default
        /// 1s, or the configuration file's `interval`).
        #[arg(short, long, value_parser = parse_interval)]
        interval: Option<Duration>,
    },
    /// Print a shell completion script, e.g. `ipctop completions bash >
    /// /etc/bash_completion.d/ipctop`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `ipctop man | man -l -`.
    Man,
    /// A demo process (started by `ipctop demo`, not by hand).
    #[command(hide = true)]
    DemoWorker {
        /// What this process does.
        #[arg(value_enum)]
        role: demo::Role,
        /// The queue to work on.
        msqid: i32,
        /// The stats segment it shares.
        shmid: i32,
        /// The semaphore set it synchronises on.
        semid: i32,
    },
}

/// Parses an object id as `ipctop list` shows it (a whole number from 0
/// to 2147483647), or says what is wrong in words.
pub fn parse_id(text: &str) -> Result<i32, String> {
    let text = text.trim();
    match text.parse::<i64>() {
        Ok(n) if n < 0 => Err(format!("{n} is not an id: ids are never negative")),
        Ok(n) => {
            i32::try_from(n).map_err(|_| format!("{n} is not an id: ids go up to {}", i32::MAX))
        }
        Err(_) => Err(format!(
            "{:?} is not an id: ids are whole numbers (the ID column of ipctop list)",
            text
        )),
    }
}

/// Parses `250ms`, `2s`, `1m` and checks the bounds.
pub fn parse_interval(text: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(text).map_err(|_| {
        format!(
            "{:?} is not a duration: a number and a unit, such as 250ms, 2s or 1m",
            text.trim()
        )
    })?;
    if !(MIN_INTERVAL..=MAX_INTERVAL).contains(&d) {
        return Err(format!(
            "must be between {} and {}",
            format::interval(MIN_INTERVAL),
            format::interval(MAX_INTERVAL)
        ));
    }
    Ok(d)
}

impl Cli {
    /// Parses the command line, refusing flags given where they mean
    /// nothing (`--read-only` with a command that changes nothing anyway),
    /// as clap refuses any other usage error.
    pub fn parse_checked() -> Result<Self, clap::Error> {
        let cli = Self::try_parse()?;
        let changes_nothing = matches!(
            cli.command,
            Some(
                Command::List { .. }
                    | Command::Peek(_)
                    | Command::Completions { .. }
                    | Command::Man
            )
        );
        if cli.read_only && changes_nothing {
            return Err(Self::command().error(
                clap::error::ErrorKind::ArgumentConflict,
                "--read-only applies to the monitor, demo and rm; this command changes nothing anyway",
            ));
        }
        Ok(cli)
    }
}

/// Reports a command line clap refused (or `--help`, `--version`):
/// sanitized, since clap echoes the offending argument as typed, and an
/// argument can hold escape sequences. Returns the exit status: 2 for a
/// usage error, 0 for help and version.
pub fn report_usage(error: &clap::Error) -> ExitCode {
    let text = format::sanitize_lines(&error.render().to_string());
    let written = if error.use_stderr() {
        write!(std::io::stderr(), "{text}")
    } else {
        write!(std::io::stdout(), "{text}")
    };
    // Nowhere left to say it (a closed stdout or stderr): the status says it.
    drop(written);
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
}

/// Reports an error that ended a run, sanitized, on stderr.
pub fn report_error(error: &dyn std::error::Error) -> ExitCode {
    say(&error.to_string());
    ExitCode::FAILURE
}

/// Writes `ipctop: message` to stderr, sanitized. Not `eprintln!`, which
/// panics when stderr is a terminal that went away: then there is nobody
/// to tell, and nothing to do about it.
pub fn say(message: &str) {
    let _ = writeln!(std::io::stderr(), "ipctop: {}", format::sanitize(message));
}

/// Reads the configuration file (a warning on stderr if it cannot be
/// used) and applies the command line's flags over it.
fn settings(cli: &Cli) -> (Settings, config::Source) {
    let loaded = config::load();
    if let Some(warning) = &loaded.warning {
        say(warning);
    }
    let mut settings = loaded.settings;
    if let Some(interval) = cli.interval {
        settings.interval = interval;
    }
    settings.read_only |= cli.read_only;
    settings.mouse &= !cli.no_mouse;
    (settings, loaded.source)
}

/// The effective configuration, as `--print-config` prints it.
fn print_config(cli: &Cli) -> std::io::Result<()> {
    let (settings, source) = settings(cli);
    let text = format!(
        "# ipctop configuration: {source}; command-line flags applied\n{}",
        config::to_toml(&settings)
    );
    std::io::stdout().write_all(text.as_bytes())
}

/// Runs what the command line asks for.
pub fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    if cli.print_config {
        print_config(&cli)?;
        return Ok(());
    }
    match &cli.command {
        None => crate::tui::run(&settings(&cli).0)?,
        Some(Command::List { json }) => list::run(*json)?,
        Some(Command::Peek(args)) => peek::run(args)?,
        Some(Command::Rm(args)) => rm::run(args, settings(&cli).0.read_only)?,
        Some(Command::Demo { interval }) => {
            let mut settings = settings(&cli).0;
            settings.interval = interval.unwrap_or(settings.interval);
            // The demo's own workload is there to be removed.
            settings.read_only = cli.read_only;
            demo::run(&settings)?;
        }
        Some(Command::DemoWorker {
            role,
            msqid,
            shmid,
            semid,
        }) => demo::work(
            *role,
            demo::Ids {
                msqid: *msqid,
                shmid: *shmid,
                semid: *semid,
            },
        )?,
        Some(Command::Completions { shell }) => {
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "ipctop", &mut out);
            std::io::stdout().write_all(&out)?;
        }
        Some(Command::Man) => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
            std::io::stdout().write_all(&out)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_or_say_why_not_in_words() {
        assert_eq!(parse_id("65538"), Ok(65538));
        assert_eq!(parse_id(" 0 "), Ok(0));
        let words = |text| parse_id(text).unwrap_err();
        assert_eq!(
            words("five"),
            "\"five\" is not an id: ids are whole numbers (the ID column of ipctop list)"
        );
        assert_eq!(words("-5"), "-5 is not an id: ids are never negative");
        assert_eq!(
            words("99999999999"),
            "99999999999 is not an id: ids go up to 2147483647"
        );
        for text in ["five", "-5", "99999999999"] {
            assert!(!words(text).contains("invalid digit"), "{text}");
        }
    }

    #[test]
    fn intervals_parse_with_units_and_bounds() {
        assert_eq!(parse_interval("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_interval("2s"), Ok(Duration::from_secs(2)));
        assert!(
            parse_interval("10ms")
                .unwrap_err()
                .contains("between 100ms and 60s")
        );
        assert!(parse_interval("2h").is_err());
        assert_eq!(
            parse_interval("fast"),
            Err("\"fast\" is not a duration: a number and a unit, such as 250ms, 2s or 1m".into())
        );
    }
}
