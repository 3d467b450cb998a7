//! The `ipctop` binary: parse the command line, hand over to the library.

#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = ipctop::cli::Cli::parse();
    match ipctop::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Not `eprintln!`, which panics when stderr is a terminal
            // that went away.
            let _ = writeln!(std::io::stderr(), "ipctop: {e}");
            ExitCode::FAILURE
        }
    }
}
