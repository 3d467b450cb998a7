//! The `ipctop` binary: parse the command line, hand over to the library.

#![deny(clippy::unwrap_used, clippy::expect_used)]
#![deny(unsafe_code)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match ipctop::cli::Cli::parse_checked() {
        Ok(cli) => cli,
        Err(e) => return ipctop::cli::report_usage(&e),
    };
    match ipctop::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => ipctop::cli::report_error(e.as_ref()),
    }
}
