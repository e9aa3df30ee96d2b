//! Loading a definition and its config for the commands that talk to an API.

use std::path::Path;

use anyhow::{Context, bail};
use pullpush_core::{CONFIG_ENV_PREFIX, CanonicalRegistry, Connector, ResolvedConfig};
use pullpush_schema::{Validator, render};
use serde_json::{Map, Value};

use super::{color_stdout, read_input};

/// A definition validated into a connector, with its source text (for the digest).
pub struct Loaded {
    pub text: String,
    pub connector: Connector,
}

/// Reads and validates a definition; on errors, prints the diagnostics and fails.
pub fn load_connector(path: &Path, registry: CanonicalRegistry) -> anyhow::Result<Loaded> {
    let text = read_input(path)?;
    let validation = Validator::new(registry).validate(&text);
    match validation.connector {
        Some(connector) => Ok(Loaded { text, connector }),
        None => {
            eprint!(
                "{}",
                render(
                    &path.display().to_string(),
                    &text,
                    &validation.diagnostics,
                    color_stdout()
                )
            );
            bail!(
                "{} is not a valid definition ({} error(s)); run `pullpush validate` for details",
                path.display(),
                validation.error_count()
            )
        }
    }
}

/// Config values from the file (if any) and `PULLPUSH_CONFIG_*` variables, checked against the
/// spec. Problems are listed by property; values are never echoed.
pub fn load_config(connector: &Connector, path: Option<&Path>) -> anyhow::Result<ResolvedConfig> {
    let mut values = match path {
        None => Map::new(),
        Some(path) => match serde_json::from_str::<Value>(&read_input(path)?)
            .with_context(|| format!("{} is not JSON", path.display()))?
        {
            Value::Object(values) => values,
            _ => bail!(
                "{} must hold a JSON object of config values",
                path.display()
            ),
        },
    };
    let spec = &connector.definition().config_spec;
    values.extend(
        spec.values_from_env(
            std::env::vars().filter(|(name, _)| name.starts_with(CONFIG_ENV_PREFIX)),
        ),
    );
    spec.resolve(&values).map_err(|errors| {
        let list: Vec<String> = errors.iter().map(|error| format!("  - {error}")).collect();
        anyhow::anyhow!(
            "the config does not match the definition's config spec:\n{}",
            list.join("\n")
        )
    })
}
