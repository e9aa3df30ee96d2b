//! One module per subcommand; each turns parsed flags into library calls and output.

mod canonical;
mod connect;
mod demo;
mod discover;
mod generate;
mod map;
mod mcp;
mod probe;
mod read;
mod test;
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
        Command::Test(args) => test::run(&args, registry),
        Command::Read(args) => read::run(&args, registry),
        Command::Demo(args) => demo::run(&args),
        Command::Discover(args) => discover::run(&args, &registry),
        Command::Generate(args) => generate::run(&args, &registry),
        Command::Map(args) => map::run(&args, &registry),
        Command::Probe(args) => probe::run(&args),
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

/// The runtime for commands that talk to APIs: two workers, so connections progress while
/// records are mapped.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

/// When the OAuth server rotated the refresh token, the old one may stop working: write the new
/// one back into the config file it came from, or tell the user to update it.
fn persist_rotated_token(
    session: &pullpush_http::Session<'_>,
    connector: &pullpush_core::Connector,
    config_path: Option<&Path>,
) -> anyhow::Result<()> {
    let Some(token) = session.stack().rotated_refresh_token() else {
        return Ok(());
    };
    let properties = connector
        .templates()
        .config_references("/auth/refresh_token");
    let (Some(path), Some(property), 1) = (config_path, properties.first(), properties.len())
    else {
        eprintln!(
            "warning: the OAuth server rotated the refresh token; store the new one in your config: {token}"
        );
        return Ok(());
    };
    let mut values: serde_json::Value = serde_json::from_str(&read_input(path)?)
        .with_context(|| format!("{} is not JSON", path.display()))?;
    values[property.as_str()] = serde_json::Value::from(token);
    let temporary = path.with_extension("json.tmp");
    std::fs::write(&temporary, serde_json::to_string_pretty(&values)?)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    eprintln!(
        "note: the OAuth server rotated the refresh token; {} now holds the new one",
        path.display()
    );
    Ok(())
}
