//! The command line: `ipctop`, `ipctop list`, `ipctop peek`, `ipctop rm`,
//! `ipctop demo`.

pub mod demo;
pub mod list;
pub mod peek;
pub mod rm;

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::app::{MAX_INTERVAL, MIN_INTERVAL};
use crate::format;

/// ipctop: top for Linux IPC. Watches System V message queues live:
/// depth, fill level against capacity, last sender and receiver.
#[derive(Debug, Parser)]
#[command(name = "ipctop", version, about, long_about = None)]
pub struct Cli {
    /// Refresh interval, e.g. 250ms, 1s, 2s (100ms to 60s).
    #[arg(short, long, default_value = "1s", value_parser = parse_interval)]
    pub interval: Duration,

    /// Change nothing: removal (and every other changing action) is
    /// disabled; peeking and saving messages to files still work.
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Leave the mouse to the terminal (selecting text to copy): no
    /// clicking, no wheel scrolling in the monitor.
    #[arg(long, global = true)]
    pub no_mouse: bool,

    /// What to do instead of the interactive monitor.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the message queues once and exit (like `ipcs -q`).
    List {
        /// One JSON object: {"namespace": …, "msg": [ … ]}.
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
        /// Refresh interval of the monitor, e.g. 250ms, 1s, 2s.
        #[arg(short, long, default_value = "1s", value_parser = parse_interval)]
        interval: Duration,
    },
    /// A demo process (started by `ipctop demo`, not by hand).
    #[command(hide = true)]
    DemoWorker {
        /// What this process does.
        #[arg(value_enum)]
        role: demo::Role,
        /// The queue to work on.
        msqid: i32,
    },
}

/// Parses `250ms`, `2s`, `1m` and checks the bounds.
pub fn parse_interval(text: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(text).map_err(|e| format!("{e} (try 250ms or 2s)"))?;
    if !(MIN_INTERVAL..=MAX_INTERVAL).contains(&d) {
        return Err(format!(
            "must be between {} and {}",
            format::interval(MIN_INTERVAL),
            format::interval(MAX_INTERVAL)
        ));
    }
    Ok(d)
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

/// Runs what the command line asks for.
pub fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    match cli.command {
        None => crate::tui::run(cli.interval, cli.read_only, !cli.no_mouse)?,
        Some(Command::List { json }) => list::run(json)?,
        Some(Command::Peek(args)) => peek::run(&args)?,
        Some(Command::Rm(args)) => rm::run(&args, cli.read_only)?,
        Some(Command::Demo { interval }) => demo::run(interval, !cli.no_mouse)?,
        Some(Command::DemoWorker { role, msqid }) => demo::work(role, msqid)?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(parse_interval("fast").is_err());
    }
}
