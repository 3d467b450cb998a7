//! The `ipctop` binary: parse the command line, hand over to the library.

#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = ipctop::cli::Cli::parse();
    match ipctop::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Errors may quote names from the system or the command line.
            eprintln!("ipctop: {}", ipctop::format::sanitize(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}
