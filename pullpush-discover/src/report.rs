//! The discovery report: what a document says about an API, in the terms of a connector
//! definition. This is a wire format (the `--json` output and the MCP tool's structured result).

use pullpush_core::PaginationConfig;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::SpecVersion;
use crate::mapping::FieldSuggestion;

/// Everything discovery learned from one API description.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DiscoveryReport {
    /// Which specification the document follows.
    pub spec: SpecVersion,
    /// The version string as the document writes it, e.g. `3.0.3` or `2.0`.
    pub spec_version: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`: the API's own version.
    pub api_version: String,
    /// The servers, in document order (Swagger 2.0: from `schemes`, `host` and `basePath`).
    pub servers: Vec<Server>,
    /// Ways to authenticate, one per security scheme, in document order.
    pub auth: Vec<AuthCandidate>,
    /// Every operation, in document order.
    pub operations: Vec<Operation>,
    /// Rate-limit response headers documented anywhere, e.g. `X-RateLimit-Remaining`.
    pub rate_limit_headers: Vec<String>,
    /// Things discovery noticed but could not use, e.g. an unsupported security scheme.
    pub warnings: Vec<String>,
}

/// A server (base URL) of the API.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Server {
    /// The URL as written, possibly relative or with `{variables}`.
    pub url: String,
    /// The URL with every variable replaced by its default, when that makes it absolute.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<String>,
    /// What the server is, e.g. `Production`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The `{variables}` of the URL.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<ServerVariable>,
}

/// A `{variable}` of a server URL.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ServerVariable {
    /// Its name.
    pub name: String,
    /// Its default value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// The values it may take, when listed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// A security scheme, translated into the auth kinds of a connector definition.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct AuthCandidate {
    /// The scheme's name in the document (`components.securitySchemes` key).
    pub scheme: String,
    /// The definition's auth `type` this scheme becomes: `bearer`, `api_key`, `basic`,
    /// `oauth2_client_credentials`, `oauth2_refresh_token`, or `unsupported`.
    pub kind: String,
    /// For API keys: `header` or `query` (or `cookie`, unsupported).
    #[serde(rename = "in", skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// For API keys: the header or parameter name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// For OAuth 2.0: the flow, e.g. `authorization_code` or `client_credentials`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow: Option<String>,
    /// For OAuth 2.0: the token endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    /// For OAuth 2.0 authorization code: where the user grants access.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_url: Option<String>,
    /// For OAuth 2.0: the scopes, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// Whether the document applies this scheme globally (top-level `security`).
    pub global: bool,
    /// How the document's scheme is read, e.g. "an API key in the Authorization header is sent
    /// as a bearer token" or why it is unsupported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What an operation does, judged from its method, path and response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OperationKind {
    /// Returns many records (a collection or a search).
    List,
    /// Returns one record.
    Item,
    /// Creates a record.
    Create,
    /// Changes a record.
    Update,
    /// Deletes a record.
    Delete,
    /// Anything else (actions, file downloads, …).
    Other,
}

/// One operation of the API.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Operation {
    /// The `operationId`, or `METHOD /path` when there is none. `generate --stream` takes either.
    pub id: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template as written, e.g. `/v2/customers/{customer_id}`.
    pub path: String,
    /// `summary` (or the first line of `description`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// What the operation does.
    pub kind: OperationKind,
    /// Parameters (path, operation and `$ref`'d ones merged).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<Parameter>,
    /// The security schemes that apply (the operation's own, else the document's).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security: Vec<String>,
    /// For list operations: where the records are, their schema, pagination, incremental and
    /// canonical candidates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<ListDetails>,
}

/// A parameter of an operation.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// `query`, `path`, `header`, `cookie`, or `body` (a field of a JSON request body).
    #[serde(rename = "in")]
    pub location: String,
    /// Whether a request must carry it.
    pub required: bool,
    /// JSON type, e.g. `string` or `integer`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// The documented default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// The documented maximum (page sizes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    /// The documented allowed values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<Value>,
}

/// What discovery found about a list operation.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ListDetails {
    /// JSONPath of the records in the response, as a definition's `read.records`, e.g.
    /// `$.data[*]`, or `$` when the response is the array.
    pub records: String,
    /// JSON Schema of one record, `$ref`s inlined (recursion cut off and marked).
    pub record_schema: Value,
    /// Pagination strategies that fit, best first.
    pub pagination: Vec<PaginationCandidate>,
    /// Ways to read only what changed, best first.
    pub incremental: Vec<IncrementalCandidate>,
    /// Canonical types the records could map to, best first.
    pub canonical: Vec<CanonicalCandidate>,
    /// Rate-limit headers documented on this operation's responses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rate_limit_headers: Vec<String>,
}

/// A pagination strategy that fits an operation, ready to paste into a definition.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct PaginationCandidate {
    /// The definition's `pagination` object.
    pub config: PaginationConfig,
    /// How sure discovery is, from 0 to 1.
    pub confidence: f64,
    /// What it was recognised from, e.g. "query parameter `cursor`", "response field `$.cursor`".
    pub evidence: Vec<String>,
}

/// A way to read only the records that changed.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct IncrementalCandidate {
    /// The request parameter that takes the lower bound, e.g. `updated_since`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// Where that parameter goes: `query` or `header` (e.g. `If-Modified-Since`).
    #[serde(rename = "in", skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// JSONPath of the record field that grows with every change, e.g. `$.updated_at`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor_field: Option<String>,
    /// How sure discovery is, from 0 to 1.
    pub confidence: f64,
    /// What it was recognised from.
    pub evidence: Vec<String>,
}

/// A canonical type the records of a list operation could map to.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CanonicalCandidate {
    /// The canonical type, e.g. `contact`.
    pub canonical_type: String,
    /// How sure discovery is, from 0 to 1.
    pub confidence: f64,
    /// Why, e.g. "path names customers; 1 of 1 required fields found (email)".
    pub reason: String,
    /// The suggested field mappings behind the score.
    #[serde(skip)]
    pub fields: Vec<FieldSuggestion>,
}

/// Rounds a score to two decimals, so reports are stable and easy to read.
pub(crate) fn score(value: f64) -> f64 {
    (value.clamp(0.0, 1.0) * 100.0).round() / 100.0
}
