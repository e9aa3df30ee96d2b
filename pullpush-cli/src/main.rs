//! The `pullpush` command line: a thin layer that parses flags, calls the library crates and turns
//! their results into output and an exit code. No business logic lives here.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

/// What a command concluded, mapped to the exit code scripts rely on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything checked out (exit 0).
    Success,
    /// The input was read but is not valid (exit 1).
    Invalid,
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Invalid) => ExitCode::from(1),
        Err(err) => {
            // Usage and I/O problems: the error chain on stderr, exit 2.
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
