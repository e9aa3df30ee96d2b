//! Streams: one endpoint, one canonical type, how to read it and optionally how to write it.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{MappingConfig, PaginationConfig, RateLimitConfig};

/// A stream of records of one canonical type, read from one endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StreamConfig {
    /// Unique name within the definition, lowercase with underscores, e.g. `stock_levels`.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"), length(max = 64))]
    pub name: String,
    /// The canonical type this stream produces, e.g. `stocklevel`, `order`, `contact`.
    pub canonical_type: String,
    /// What the stream holds, for people and assistants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// For child streams: the stream whose records this one is read for, one request walk per
    /// parent record (e.g. order lines per order). The parent record is `parent` in templates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<ParentConfig>,
    /// How records are fetched.
    pub read: ReadOperation,
    /// How pages are walked.
    #[serde(default)]
    pub pagination: PaginationConfig,
    /// Incremental sync: read only what changed since the last run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incremental: Option<IncrementalConfig>,
    /// How a native record becomes a canonical one.
    pub mapping: MappingConfig,
    /// How a canonical record is written back, for connectors used as a destination.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write: Option<WriteOperation>,
    /// A rate limit for this endpoint alone, on top of the definition's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitConfig>,
}

/// The parent of a child stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParentConfig {
    /// Name of the parent stream in this definition.
    pub stream: String,
}

/// The request that reads a page of records, and where the records sit in its response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadOperation {
    /// HTTP method. Reads are `GET` unless the API needs otherwise (a search endpoint); any other
    /// method must be declared `safe`.
    #[serde(default)]
    pub method: HttpMethod,
    /// Declares that a non-GET read has no side effects (e.g. `POST /search`), so the read-only
    /// test mode may send it. The engine refuses unsafe methods in test mode otherwise.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub safe: bool,
    /// Path template relative to `base_url`, e.g. `/v1/locations/{{ config.location_id }}/stock`.
    pub path: String,
    /// Query parameters (templates). Pagination and incremental parameters are added by the engine.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub query: IndexMap<String, String>,
    /// Extra headers for this endpoint (templates).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub headers: IndexMap<String, String>,
    /// A JSON request body; every string in it is a template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// JSONPath (RFC 9535) that selects the records in the response, e.g. `$.data[*]`. `$` alone
    /// selects the response itself: each element if it is an array, else the one object.
    #[serde(default = "default_records")]
    pub records: String,
    /// How the response body is decoded.
    #[serde(default)]
    pub format: RecordFormat,
}

fn default_records() -> String {
    "$".to_owned()
}

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// GET, the default for reads.
    #[default]
    Get,
    /// HEAD.
    Head,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

impl HttpMethod {
    /// Whether the method is safe by HTTP semantics (RFC 9110 §9.2.1): it does not change the
    /// server's state.
    pub fn is_safe(self) -> bool {
        matches!(self, HttpMethod::Get | HttpMethod::Head)
    }

    /// The method as written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Head => "HEAD",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a response body is decoded into records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordFormat {
    /// A JSON document; `records` selects the records in it.
    #[default]
    Json,
    /// One JSON value per line; every line is a record.
    Jsonl,
    /// CSV with a header row; every row is a record of strings keyed by column name.
    Csv,
}

/// Incremental sync: the engine remembers the largest cursor value it delivered and asks the API
/// only for newer records next time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncrementalConfig {
    /// The field that grows with every change. `$.updated_at` reads the native record as the
    /// API returns it; a bare canonical field name such as `updatedAt` reads the mapped record,
    /// after its conversions (so a `datetime` mapping normalises any source format first).
    pub cursor_field: String,
    /// How cursor values compare.
    #[serde(default)]
    pub cursor_type: IncrementalCursorType,
    /// Query parameter that sends the lower bound, e.g. `updated_since`. Templates may instead
    /// read `{{ state.cursor }}` themselves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// Lower bound for the first run, a template, e.g. `{{ config.start_date }}`. Without it the
    /// first run reads everything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// Re-read this many seconds before the stored cursor, for APIs whose updates land late.
    /// Only meaningful for `datetime` cursors.
    #[serde(default)]
    pub lookback_seconds: u64,
}

/// How incremental cursor values compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IncrementalCursorType {
    /// RFC 3339 timestamps, compared as instants.
    #[default]
    Datetime,
    /// Whole numbers (sequence ids, unix timestamps).
    Integer,
    /// Strings compared byte-wise (only correct when the API's values sort that way).
    String,
}

/// How a canonical record is written to the API, for connectors used as a destination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WriteOperation {
    /// HTTP method, usually `POST`, `PUT` or `PATCH`.
    pub method: HttpMethod,
    /// Path template; the canonical record is `record`, e.g. `/v1/stock/{{ record.sku }}`.
    pub path: String,
    /// Extra headers (templates), e.g. an idempotency key `{{ event.id }}`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub headers: IndexMap<String, String>,
    /// The native body built from the canonical record: native field → expression over the
    /// canonical record (the reverse mapping), e.g. `{"available": "$.quantity"}`.
    pub body: IndexMap<String, super::Expr>,
    /// Whether sending the same write twice has the same effect as once, so it may be retried.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub idempotent: bool,
    /// Statuses that mean success; any 2xx when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub success_status: Vec<u16>,
}
