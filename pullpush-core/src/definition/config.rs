//! The config spec: what a user supplies to run a connector.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a user supplies at run time: credentials, account ids, options.
///
/// It is a deliberately small, flat subset of JSON Schema (an object of typed properties), so
/// that templates can be checked against it: `{{ config.api_tokn }}` is a validation error, not
/// an empty header at run time.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigSpec {
    /// The config properties by name.
    #[serde(default)]
    pub properties: IndexMap<String, ConfigProperty>,
    /// Names of the properties a user must supply.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<String>,
}

/// One config value a user supplies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigProperty {
    /// The JSON type of the value.
    #[serde(rename = "type")]
    pub value_type: ConfigValueType,
    /// What the value is and where a user finds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Marks credentials. Secret values are redacted from every log, report and error, and may
    /// not have a default.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
    /// Value used when the user supplies none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// The allowed values, when the value is one of a fixed set.
    #[serde(rename = "enum", default, skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<Value>>,
    /// A JSON Schema format hint such as `uri`, `date-time` or `email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Example values, to help users and assistants fill the config in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Value>,
}

/// JSON type of a config value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConfigValueType {
    /// A string.
    String,
    /// A whole number.
    Integer,
    /// Any number.
    Number,
    /// `true` or `false`.
    Boolean,
}

impl ConfigValueType {
    /// Whether `value` has this type.
    pub fn matches(self, value: &Value) -> bool {
        match self {
            ConfigValueType::String => value.is_string(),
            ConfigValueType::Integer => value.is_i64() || value.is_u64(),
            ConfigValueType::Number => value.is_number(),
            ConfigValueType::Boolean => value.is_boolean(),
        }
    }
}

impl ConfigSpec {
    /// Names of the properties marked secret.
    pub fn secret_names(&self) -> impl Iterator<Item = &str> {
        self.properties
            .iter()
            .filter(|(_, property)| property.secret)
            .map(|(name, _)| name.as_str())
    }
}
