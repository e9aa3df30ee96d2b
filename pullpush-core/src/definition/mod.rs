//! The connector definition: the declarative JSON document a person or an assistant writes.
//!
//! These types are a wire format (see ARCHITECTURE.md, "Serialization is a contract"): they derive
//! serde and schemars, reject unknown fields, and their doc comments become the `description`s of the
//! published JSON Schema, so they are written for connector authors. Nothing here runs: a
//! [`Definition`] is turned into a runnable [`crate::Connector`] by [`crate::Connector::build`],
//! which compiles every template, path and mapping expression once and reports every problem.

mod auth;
mod config;
mod limits;
mod mapping;
mod pagination;
mod stream;

pub use auth::{ApiKeyLocation, AuthConfig, OAuth2ClientAuth};
pub use config::{ConfigProperty, ConfigSpec, ConfigValueType};
pub use limits::{BackoffConfig, RateLimitConfig, RateLimitPeriod, RetryConfig, TimeoutsConfig};
pub use mapping::{Expr, ExprOp, MappingConfig, UnixUnit};
pub use pagination::{PageSize, PaginationConfig, StopConfig, TokenSource};
pub use stream::{
    HttpMethod, IncrementalConfig, IncrementalCursorType, ParentConfig, ReadOperation,
    RecordFormat, StreamConfig, WriteOperation,
};

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The version of the definition format this build understands.
///
/// A definition may state it in `pullpush`; a newer major version is refused rather than
/// half-understood.
pub const FORMAT_VERSION: u32 = 1;

/// A PullPush connector definition: how to authenticate against an API, which endpoint serves each
/// canonical data type, how native records map to canonical ones, how to paginate and how fast to
/// go.
///
/// A definition never holds secrets: credentials are declared in `config_spec` with
/// `"secret": true` and referenced from templates as `{{ config.NAME }}`; their values are supplied
/// at run time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "PullPush connector definition")]
pub struct Definition {
    /// Optional link to the JSON Schema of this format, for editors. Ignored by the engine.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,

    /// The definition format version this document is written for (currently 1).
    #[serde(default = "default_format_version")]
    pub pullpush: u32,

    /// Stable identifier of the connector, lowercase letters, digits and dashes, e.g. `acme-inventory`.
    /// It names the connector in the registry and in the `source` of every canonical event.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"), length(max = 64))]
    pub id: String,

    /// Human-readable name, e.g. `Acme Inventory`.
    #[schemars(length(min = 1, max = 200))]
    pub name: String,

    /// Semantic version of this definition, e.g. `1.2.0`. Published versions are immutable.
    #[schemars(regex(
        pattern = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$"
    ))]
    pub version: String,

    /// What the connector does and which API it talks to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,

    /// Where the API's own documentation lives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(url)]
    pub documentation_url: Option<String>,

    /// People who maintain this definition.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maintainers: Vec<Maintainer>,

    /// What a user supplies at run time (credentials, account ids, options). Templates read these
    /// values as `{{ config.NAME }}`.
    #[serde(default)]
    pub config_spec: ConfigSpec,

    /// Absolute base URL of the API, a template, e.g. `https://api.acme.com/v1` or
    /// `{{ config.base_url }}`. Stream paths are resolved against it, and it defines the hosts the
    /// engine may contact.
    pub base_url: String,

    /// Headers sent with every request (templates), e.g. `{"Accept": "application/json"}`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub headers: IndexMap<String, String>,

    /// Connect and request timeouts.
    #[serde(default)]
    pub timeouts: TimeoutsConfig,

    /// How requests are authenticated.
    #[serde(default)]
    pub auth: AuthConfig,

    /// How fast the engine may call the API, for all streams together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitConfig>,

    /// Which failures are retried and how long to wait between attempts.
    #[serde(default)]
    pub retry: RetryConfig,

    /// The data the connector reads (and optionally writes): one stream per endpoint and canonical
    /// type. A connector may expose several streams of the same canonical type.
    #[schemars(length(min = 1))]
    pub streams: Vec<StreamConfig>,
}

fn default_format_version() -> u32 {
    FORMAT_VERSION
}

/// A person responsible for a definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Maintainer {
    /// Name of the maintainer.
    pub name: String,
    /// Contact e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(email)]
    pub email: Option<String>,
    /// Home page or profile URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(url)]
    pub url: Option<String>,
}

impl Definition {
    /// Parses a definition from JSON text.
    ///
    /// This is the strict, typed parse; for diagnostics that point into the source use
    /// `pullpush_schema::validate`, which reports every problem at once.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Looks a stream up by name.
    pub fn stream(&self, name: &str) -> Option<&StreamConfig> {
        self.streams.iter().find(|stream| stream.name == name)
    }
}
