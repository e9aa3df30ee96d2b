//! Config values checked against a definition's config spec, with defaults applied.
//!
//! Reading the values (a file, environment variables, an MCP call) is the caller's business;
//! core only checks them, so a typo in a config file is an error that names the property, and
//! knows which values are secret, so they can be scrubbed from every output.

use std::fmt;

use serde_json::{Map, Value};

use crate::definition::ConfigSpec;

/// A problem with one config value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required property has no value and no default.
    #[error("config property `{0}` is required")]
    Missing(String),
    /// A value has the wrong JSON type. The value itself is not shown: it may be a secret.
    #[error("config property `{name}` must be {expected}")]
    WrongType {
        /// The property.
        name: String,
        /// The type the spec declares.
        expected: &'static str,
    },
    /// A value is not one of the allowed ones.
    #[error("config property `{name}` must be one of {allowed}")]
    NotAllowed {
        /// The property.
        name: String,
        /// The allowed values, comma-separated.
        allowed: String,
    },
    /// A value was supplied for a property the spec does not declare (a typo, usually).
    #[error("unknown config property `{name}`{suggestion}")]
    Unknown {
        /// The property as supplied.
        name: String,
        /// ` (did you mean `x`?)` or empty.
        suggestion: String,
    },
}

/// Config values that passed the spec: every required property present, every value of its
/// declared type, defaults filled in.
#[derive(Clone, PartialEq)]
pub struct ResolvedConfig {
    values: Map<String, Value>,
    secrets: Vec<String>,
}

impl fmt::Debug for ResolvedConfig {
    /// Secret values never reach a debug print.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: Map<String, Value> = self
            .values
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    Value::String(text) if self.secrets.contains(text) => Value::from("[REDACTED]"),
                    other => other.clone(),
                };
                (name.clone(), value)
            })
            .collect();
        f.debug_struct("ResolvedConfig")
            .field("values", &shown)
            .finish()
    }
}

impl ConfigSpec {
    /// Checks `values` against the spec and fills in defaults, reporting every problem.
    pub fn resolve(&self, values: &Map<String, Value>) -> Result<ResolvedConfig, Vec<ConfigError>> {
        let mut errors = Vec::new();
        for name in values
            .keys()
            .filter(|name| !self.properties.contains_key(*name))
        {
            let suggestion =
                crate::suggest::closest(name, self.properties.keys().map(String::as_str))
                    .map(|close| format!(" (did you mean `{close}`?)"))
                    .unwrap_or_default();
            errors.push(ConfigError::Unknown {
                name: name.clone(),
                suggestion,
            });
        }
        let mut resolved = Map::new();
        let mut secrets = Vec::new();
        for (name, property) in &self.properties {
            let value = match values.get(name).filter(|value| !value.is_null()) {
                Some(value) => value.clone(),
                None => match &property.default {
                    Some(default) => default.clone(),
                    None if self.required.contains(name) => {
                        errors.push(ConfigError::Missing(name.clone()));
                        continue;
                    }
                    None => continue,
                },
            };
            if !property.value_type.matches(&value) {
                errors.push(ConfigError::WrongType {
                    name: name.clone(),
                    expected: match property.value_type {
                        crate::definition::ConfigValueType::String => "a string",
                        crate::definition::ConfigValueType::Integer => "an integer",
                        crate::definition::ConfigValueType::Number => "a number",
                        crate::definition::ConfigValueType::Boolean => "a boolean",
                    },
                });
                continue;
            }
            if let Some(allowed) = &property.allowed
                && !allowed.contains(&value)
            {
                let allowed = allowed
                    .iter()
                    .map(Value::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                errors.push(ConfigError::NotAllowed {
                    name: name.clone(),
                    allowed,
                });
                continue;
            }
            if property.secret {
                match &value {
                    Value::String(text) if !text.is_empty() => secrets.push(text.clone()),
                    Value::String(_) => {}
                    other => secrets.push(other.to_string()),
                }
            }
            resolved.insert(name.clone(), value);
        }
        if errors.is_empty() {
            Ok(ResolvedConfig {
                values: resolved,
                secrets,
            })
        } else {
            Err(errors)
        }
    }
}

impl ResolvedConfig {
    /// The values, as templates read them under `config`.
    pub fn values(&self) -> &Map<String, Value> {
        &self.values
    }

    /// The secret values, for scrubbing outputs. Longest first, so a secret that contains another
    /// is replaced whole.
    pub fn secrets(&self) -> Vec<&str> {
        let mut secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        secrets.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
        secrets
    }

    /// Adds a secret learned at run time (an access token, a rotated refresh token).
    pub fn add_secret(&mut self, secret: impl Into<String>) {
        let secret = secret.into();
        if !secret.is_empty() && !self.secrets.contains(&secret) {
            self.secrets.push(secret);
        }
    }

    /// `text` with every secret value replaced by `[REDACTED]`.
    pub fn scrub(&self, text: &str) -> String {
        self.secrets()
            .into_iter()
            .fold(text.to_owned(), |text, secret| {
                text.replace(secret, "[REDACTED]")
            })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec() -> ConfigSpec {
        serde_json::from_value(json!({
            "properties": {
                "api_token": {"type": "string", "secret": true},
                "region": {"type": "string", "enum": ["eu", "us"], "default": "eu"},
                "page_size": {"type": "integer"}
            },
            "required": ["api_token"]
        }))
        .expect("a config spec")
    }

    fn values(value: Value) -> Map<String, Value> {
        value.as_object().expect("an object").clone()
    }

    #[test]
    fn fills_defaults_and_knows_its_secrets() {
        let config = spec()
            .resolve(&values(json!({"api_token": "s3cret"})))
            .expect("valid");
        assert_eq!(config.values()["region"], "eu");
        assert!(!config.values().contains_key("page_size"));
        assert_eq!(config.scrub("Bearer s3cret"), "Bearer [REDACTED]");
        assert!(!format!("{config:?}").contains("s3cret"));
    }

    #[test]
    fn reports_every_problem_without_echoing_values() {
        let errors = spec()
            .resolve(&values(
                json!({"region": "mars", "page_size": "50", "api_tokn": "s3cret"}),
            ))
            .expect_err("invalid");
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "unknown config property `api_tokn` (did you mean `api_token`?)",
                "config property `api_token` is required",
                "config property `region` must be one of \"eu\", \"us\"",
                "config property `page_size` must be an integer",
            ]
        );
        assert!(!messages.concat().contains("s3cret"));
    }
}

/// The prefix of environment variables that supply config values: `PULLPUSH_CONFIG_API_TOKEN`
/// sets `api_token`.
pub const CONFIG_ENV_PREFIX: &str = "PULLPUSH_CONFIG_";

impl ConfigSpec {
    /// Config values from environment variables (passed in: core reads no environment).
    /// `PULLPUSH_CONFIG_<NAME>` sets the property whose name, upper-cased, is `<NAME>`; values are
    /// converted to the property's type (`true`, `42`, `1.5`), and a value that does not convert
    /// is kept as a string so [`ConfigSpec::resolve`] reports it.
    pub fn values_from_env(
        &self,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Map<String, Value> {
        let mut values = Map::new();
        for (key, raw) in vars {
            let Some(suffix) = key.strip_prefix(CONFIG_ENV_PREFIX) else {
                continue;
            };
            let Some((name, property)) = self
                .properties
                .iter()
                .find(|(name, _)| name.to_ascii_uppercase() == suffix)
            else {
                continue;
            };
            let value = match property.value_type {
                crate::definition::ConfigValueType::String => None,
                crate::definition::ConfigValueType::Integer => {
                    raw.trim().parse::<i64>().ok().map(Value::from)
                }
                crate::definition::ConfigValueType::Number => raw
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number),
                crate::definition::ConfigValueType::Boolean => {
                    match raw.trim().to_ascii_lowercase().as_str() {
                        "true" | "1" | "yes" => Some(Value::Bool(true)),
                        "false" | "0" | "no" => Some(Value::Bool(false)),
                        _ => None,
                    }
                }
            };
            values.insert(name.clone(), value.unwrap_or(Value::String(raw)));
        }
        values
    }
}

#[cfg(test)]
mod env_tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn environment_values_are_typed_by_the_spec() {
        let spec: ConfigSpec = serde_json::from_value(json!({"properties": {
            "api_token": {"type": "string", "secret": true},
            "page_size": {"type": "integer"},
            "sandbox": {"type": "boolean"}
        }}))
        .expect("a spec");
        let vars = [
            ("PULLPUSH_CONFIG_API_TOKEN", "s3cret"),
            ("PULLPUSH_CONFIG_PAGE_SIZE", "50"),
            ("PULLPUSH_CONFIG_SANDBOX", "yes"),
            ("PULLPUSH_CONFIG_UNKNOWN", "x"),
            ("HOME", "/root"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let values = spec.values_from_env(vars);
        assert_eq!(
            Value::Object(values),
            json!({"api_token": "s3cret", "page_size": 50, "sandbox": true})
        );
        let wrong =
            spec.values_from_env([("PULLPUSH_CONFIG_PAGE_SIZE".to_owned(), "many".to_owned())]);
        assert_eq!(
            wrong["page_size"], "many",
            "kept as text for resolve to report"
        );
    }
}
