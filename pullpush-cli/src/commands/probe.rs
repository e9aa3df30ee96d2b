//! `pullpush probe URL`: learn a list endpoint's records path, pagination and record schema from
//! its live responses.
//!
//! The probe goes through the same HTTP stack as a connector (egress policy, retries, rate-limit
//! pauses, redaction), read-only and limited to the URL's own host, so probing an unknown API is
//! as safe as testing a definition against it. Credentials come from a small config object rather
//! than a definition, since the point is to learn enough to write one.

use std::path::Path;

use anyhow::{Context, bail};
use pullpush_core::{ApiKeyLocation, CONFIG_ENV_PREFIX, ConfigSpec, Credentials, TransportError};
use pullpush_discover::{ProbeError, ProbeOptions, ProbeReport, probe};
use pullpush_http::{HttpStack, Secrets, redact_url};
use serde_json::{Map, Value, json};

use super::{read_input, runtime};
use crate::Outcome;
use crate::cli::ProbeArgs;

/// The config properties a probe understands; anything else is a typo worth reporting.
const PROPERTIES: &[&str] = &[
    "token",
    "username",
    "password",
    "api_key",
    "api_key_header",
    "api_key_query",
    "headers",
];

pub fn run(args: &ProbeArgs) -> anyhow::Result<Outcome> {
    if !matches!(args.url.scheme(), "http" | "https") {
        bail!("the URL must be http or https, not `{}`", args.url.scheme());
    }
    if args.pages == 0 {
        bail!("--pages must be at least 1");
    }
    let config = load_config(args.config.as_deref())?;
    // The egress policy allows the host of the base URL: the probed URL's origin.
    let origin = args.url.origin().ascii_serialization();
    let secrets = Secrets::new();
    for (name, value) in &config.headers {
        if pullpush_core::is_credential_name(name) {
            secrets.add(value.as_str());
        }
    }
    let options = ProbeOptions {
        max_pages: args.pages,
        headers: config.headers,
    };
    let result = runtime()?.block_on(async {
        let stack = HttpStack::builder(origin, config.credentials)
            .secrets(secrets.clone())
            .allow_internal(args.allow_internal)
            .read_only(true)
            .build()
            .context("cannot set up the HTTP client")?;
        anyhow::Ok(probe(&stack, args.url.as_str(), options).await)
    })?;
    match result {
        Ok(mut report) => {
            report.url = redact_url(&report.url);
            let text = if args.json {
                serde_json::to_string_pretty(&report)?
            } else {
                render(&report)?
            };
            println!("{}", secrets.scrub(&text));
            Ok(Outcome::Success)
        }
        Err(error @ ProbeError::NoRecords { .. }) => {
            eprintln!("error: {}", secrets.scrub(&error.to_string()));
            Ok(Outcome::Invalid)
        }
        Err(error) => {
            let hint = match &error {
                ProbeError::Transport {
                    error: TransportError::Refused { .. },
                    ..
                } if !args.allow_internal => {
                    " (to probe a server on this machine or a private network, pass --allow-internal)"
                }
                _ => "",
            };
            bail!("{}{hint}", secrets.scrub(&error.to_string()))
        }
    }
}

/// The report for people: the findings first, then the schema.
fn render(report: &ProbeReport) -> anyhow::Result<String> {
    let mut out = String::new();
    out.push_str(&format!("URL:      {}\n", report.url));
    out.push_str(&format!(
        "pages:    {} ({} records)\n",
        report.pages, report.records_seen
    ));
    out.push_str(&format!("records:  {}\n", report.records));
    if let Some(total) = report.total {
        out.push_str(&format!("total:    {total} records\n"));
    }
    out.push_str("\npagination, best first:\n");
    for (rank, candidate) in report.pagination.iter().enumerate() {
        out.push_str(&format!(
            "  {}. {}  (confidence {:.2})\n",
            rank + 1,
            serde_json::to_string(&candidate.config)?,
            candidate.confidence
        ));
        for line in &candidate.evidence {
            out.push_str(&format!("       - {line}\n"));
        }
    }
    if !report.notes.is_empty() {
        out.push_str("\nnotes:\n");
        for note in &report.notes {
            out.push_str(&format!("  - {note}\n"));
        }
    }
    out.push_str("\nrecord schema:\n");
    out.push_str(&serde_json::to_string_pretty(&report.record_schema)?);
    Ok(out)
}

/// What the probe sends: credentials for the auth layer and extra headers.
struct ProbeConfig {
    credentials: Credentials,
    headers: Vec<(String, String)>,
}

/// The config from `--config` (if any) and `PULLPUSH_CONFIG_*` variables, which add to and
/// override it. Problems name the property, never its value.
fn load_config(path: Option<&Path>) -> anyhow::Result<ProbeConfig> {
    let mut values = match path {
        None => Map::new(),
        Some(path) => match serde_json::from_str::<Value>(&read_input(path)?)
            .with_context(|| format!("{} is not JSON", path.display()))?
        {
            Value::Object(values) => values,
            _ => bail!("{} must hold a JSON object", path.display()),
        },
    };
    values.extend(env_values(std::env::vars())?);
    config_from(&values)
}

/// `PULLPUSH_CONFIG_<NAME>` values for the probe's properties, by the same rule as a
/// connector's config (`PULLPUSH_CONFIG_TOKEN` sets `token`); `PULLPUSH_CONFIG_HEADERS` holds a
/// JSON object.
fn env_values(vars: impl Iterator<Item = (String, String)>) -> anyhow::Result<Map<String, Value>> {
    let strings: Map<String, Value> = PROPERTIES
        .iter()
        .filter(|name| **name != "headers")
        .map(|name| ((*name).to_owned(), json!({"type": "string"})))
        .collect();
    let spec: ConfigSpec = serde_json::from_value(json!({ "properties": strings }))
        .context("the probe's config spec")?;
    let vars: Vec<(String, String)> = vars
        .filter(|(name, _)| name.starts_with(CONFIG_ENV_PREFIX))
        .collect();
    let mut values = spec.values_from_env(vars.iter().cloned());
    let headers_var = format!("{CONFIG_ENV_PREFIX}HEADERS");
    if let Some((_, raw)) = vars.iter().find(|(name, _)| *name == headers_var) {
        let headers: Value = serde_json::from_str(raw)
            .ok()
            .filter(Value::is_object)
            .with_context(|| {
                format!("{headers_var} must hold a JSON object of header names and values")
            })?;
        values.insert("headers".to_owned(), headers);
    }
    Ok(values)
}

/// Checks the config values and turns them into credentials and headers.
fn config_from(values: &Map<String, Value>) -> anyhow::Result<ProbeConfig> {
    if let Some(unknown) = values
        .keys()
        .find(|name| !PROPERTIES.contains(&name.as_str()))
    {
        bail!(
            "unknown config property `{unknown}`; a probe config takes {}",
            PROPERTIES.join(", ")
        );
    }
    let text = |name: &str| -> anyhow::Result<Option<String>> {
        match values.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(value)) => Ok(Some(value.clone())),
            Some(_) => bail!("config property `{name}` must be a string"),
        }
    };
    let token = text("token")?;
    let username = text("username")?;
    let password = text("password")?;
    let api_key = text("api_key")?;
    let kinds = [
        token.is_some(),
        username.is_some() || password.is_some(),
        api_key.is_some(),
    ];
    if kinds.iter().filter(|given| **given).count() > 1 {
        bail!(
            "the config gives more than one credential: use one of `token`, `username`/`password` or `api_key`"
        );
    }
    let credentials = if let Some(token) = token {
        Credentials::Bearer { token }
    } else if username.is_some() || password.is_some() {
        Credentials::Basic {
            username: username.unwrap_or_default(),
            password: password.unwrap_or_default(),
        }
    } else if let Some(value) = api_key {
        let (location, name) = match (text("api_key_header")?, text("api_key_query")?) {
            (Some(header), None) => (ApiKeyLocation::Header, header),
            (None, Some(param)) => (ApiKeyLocation::Query, param),
            _ => bail!(
                "config property `api_key` needs exactly one of `api_key_header` (a header name) or `api_key_query` (a query parameter name)"
            ),
        };
        Credentials::ApiKey {
            location,
            name,
            value,
        }
    } else {
        Credentials::None
    };
    let headers = match values.get("headers") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(headers)) => headers
            .iter()
            .map(|(name, value)| match value {
                Value::String(value) => Ok((name.clone(), value.clone())),
                _ => bail!("config header `{name}` must be a string"),
            })
            .collect::<anyhow::Result<_>>()?,
        Some(_) => bail!("config property `headers` must be an object of header names and values"),
    };
    Ok(ProbeConfig {
        credentials,
        headers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(value: Value) -> anyhow::Result<ProbeConfig> {
        match value {
            Value::Object(values) => config_from(&values),
            _ => bail!("not an object"),
        }
    }

    #[test]
    fn credentials_from_the_config() -> anyhow::Result<()> {
        let parsed = config(json!({"token": "t0k", "headers": {"X-Trace": "1"}}))?;
        assert_eq!(
            parsed.credentials,
            Credentials::Bearer {
                token: "t0k".into()
            }
        );
        assert_eq!(parsed.headers, [("X-Trace".to_owned(), "1".to_owned())]);
        let parsed = config(json!({"api_key": "k3y", "api_key_query": "key"}))?;
        assert_eq!(
            parsed.credentials,
            Credentials::ApiKey {
                location: ApiKeyLocation::Query,
                name: "key".into(),
                value: "k3y".into()
            }
        );
        assert_eq!(config(json!({}))?.credentials, Credentials::None);
        Ok(())
    }

    #[test]
    fn config_mistakes_name_the_property_not_the_value() {
        for (value, expected) in [
            (json!({"tokn": "s3cret"}), "unknown config property `tokn`"),
            (json!({"token": 42}), "`token` must be a string"),
            (json!({"api_key": "s3cret"}), "needs exactly one of"),
            (
                json!({"token": "s3cret", "api_key": "s3cret"}),
                "more than one credential",
            ),
            (
                json!({"headers": {"X-Key": 1}}),
                "header `X-Key` must be a string",
            ),
        ] {
            let message = match config(value) {
                Ok(_) => panic!("{expected}: accepted"),
                Err(error) => error.to_string(),
            };
            assert!(message.contains(expected), "{message}");
            assert!(!message.contains("s3cret"), "{message}");
        }
    }

    #[test]
    fn environment_values_add_to_the_file() -> anyhow::Result<()> {
        let vars = [
            ("PULLPUSH_CONFIG_TOKEN", "t0k"),
            ("PULLPUSH_CONFIG_HEADERS", r#"{"X-Trace": "1"}"#),
            ("PULLPUSH_CONFIG_UNRELATED", "x"),
            ("HOME", "/root"),
        ]
        .map(|(name, value)| (name.to_owned(), value.to_owned()));
        let values = env_values(vars.into_iter())?;
        assert_eq!(
            Value::Object(values),
            json!({"token": "t0k", "headers": {"X-Trace": "1"}})
        );
        let bad = [("PULLPUSH_CONFIG_HEADERS".to_owned(), "nope".to_owned())];
        assert!(env_values(bad.into_iter()).is_err());
        Ok(())
    }
}
