//! One module per subcommand; each turns parsed flags into library calls and output.

mod canonical;
mod mcp;
mod validate;

use std::io::{IsTerminal, Read};
use std::path::Path;

use anyhow::Context;
use pullpush_core::CanonicalRegistry;

use crate::Outcome;
use crate::cli::{Cli, Command};

pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let registry = registry(cli.types.as_deref())?;
    match cli.command {
        Command::Validate(args) => validate::run(&args, registry),
        Command::Schema => {
            print!(
                "{}",
                pullpush_schema::to_pretty(&pullpush_schema::connector_schema())
            );
            Ok(Outcome::Success)
        }
        Command::Canonical(command) => canonical::run(command, &registry),
        Command::Mcp => mcp::run(registry),
    }
}

/// The built-in canonical types, plus the user's from `--types`.
fn registry(types: Option<&Path>) -> anyhow::Result<CanonicalRegistry> {
    match types {
        None => Ok(CanonicalRegistry::builtin()),
        Some(path) => pullpush_schema::registry_with_types(&read_input(path)?)
            .with_context(|| format!("cannot load canonical types from {}", path.display())),
    }
}

/// Reads a file, or stdin for `-`, with the path in the error.
fn read_input(path: &Path) -> anyhow::Result<String> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read stdin")?;
        return Ok(text);
    }
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Whether stdout is a terminal that wants colour (`NO_COLOR` turns it off).
fn color_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Prints a JSON value on stdout, pretty.
fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
