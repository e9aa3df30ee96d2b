//! Inputs and outputs of the discovery tools (`discover_api`, `get_operation`,
//! `generate_definition`, `map_fields`): the wire format, like `types`.
//!
//! The discovery crate's report types are already a documented wire format, so the small ones
//! (servers, auth and incremental candidates, parameters, guesses) are reused as they are. Two
//! values are passed as plain JSON instead of their typed schema: a pagination `config` and a
//! mapping `expr`. Their full schemas are the connector schema's (`get_connector_schema`), and
//! repeating them in every tool's output schema would make the tool list several times larger.
//! Every list is bounded; the bounds are constants here and are stated in the tool descriptions.

use pullpush_discover::{
    AuthCandidate, CanonicalCandidate, FieldSuggestion, Guess, IncrementalCandidate,
    MappingSuggestions, Operation, OperationKind, PaginationCandidate, Parameter, ProbeReport,
    SpecVersion,
};
use pullpush_http::Secrets;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::types::ReportedDiagnostic;

/// Most operations one `discover_api` result lists.
pub(crate) const MAX_OPERATIONS: usize = 200;
/// Most canonical candidates listed per operation by `discover_api`.
pub(crate) const MAX_SUMMARY_CANONICAL: usize = 3;
/// Most servers, auth candidates and rate-limit headers listed.
pub(crate) const MAX_SERVERS: usize = 20;
/// Most warnings listed.
pub(crate) const MAX_WARNINGS: usize = 50;
/// Longest operation summary, in characters.
pub(crate) const MAX_SUMMARY_CHARS: usize = 200;
/// Most parameters `get_operation` lists.
pub(crate) const MAX_PARAMETERS: usize = 200;
/// Largest record schema `get_operation` returns whole, in bytes of compact JSON.
pub(crate) const MAX_SCHEMA_BYTES: usize = 64 * 1024;
/// Most streams one `generate_definition` call drafts.
pub(crate) const MAX_STREAMS: usize = 50;
/// Most pages one `probe_endpoint` call fetches.
pub(crate) const MAX_PROBE_PAGES: u32 = 5;

/// `document` is text or an object, like a definition.
fn document_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "anyOf": [
            {"type": "string", "description": "The document's text, JSON or YAML."},
            {"type": "object", "description": "The document as a JSON object."},
            {"type": "null"}
        ]
    })
}

/// Where an API description comes from: the fields every discovery tool shares.
pub(crate) struct Source {
    pub document: Option<Value>,
    pub url: Option<String>,
    pub allow_internal: bool,
}

/// `source()` for the argument structs that name a document: they repeat the `document`, `url`
/// and `allow_internal` fields because serde's `flatten` does not combine with
/// `deny_unknown_fields`, so the one behaviour on them is written once here.
macro_rules! takes_a_source {
    ($($args:ty),+) => {$(
        impl $args {
            pub(crate) fn source(&mut self) -> Source {
                Source {
                    document: self.document.take(),
                    url: self.url.take(),
                    allow_internal: self.allow_internal,
                }
            }
        }
    )+};
}

takes_a_source!(DiscoverApiArgs, GetOperationArgs, GenerateDefinitionArgs);

/// Arguments of `discover_api`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DiscoverApiArgs {
    /// The OpenAPI 3.0/3.1 or Swagger 2.0 document: its text (JSON or YAML) or a JSON object.
    /// Give this or `url`, not both. At most 32 MiB.
    #[serde(default)]
    #[schemars(schema_with = "document_schema")]
    pub document: Option<Value>,
    /// An http(s) URL the document is fetched from (a GET, read-only, public addresses only
    /// unless `allow_internal`), e.g. `https://api.example.com/openapi.json`. Give this or
    /// `document`; prefer it for large documents.
    pub url: Option<String>,
    /// Allow `url` to be on a loopback or private address (an API on this machine). Off by
    /// default.
    #[serde(default)]
    pub allow_internal: bool,
    /// Only operations whose id or path contains this text (case-insensitive), e.g. `orders`.
    pub operation: Option<String>,
    /// List every operation, not only list operations (the ones that can become streams).
    #[serde(default)]
    pub include_all: bool,
}

/// Arguments of `get_operation`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct GetOperationArgs {
    /// The OpenAPI/Swagger document, as for `discover_api`. Give this or `url`.
    #[serde(default)]
    #[schemars(schema_with = "document_schema")]
    pub document: Option<Value>,
    /// The URL of the document, as for `discover_api`. Give this or `document`.
    pub url: Option<String>,
    /// Allow `url` to be on a loopback or private address. Off by default.
    #[serde(default)]
    pub allow_internal: bool,
    /// The operation: its id as `discover_api` lists it (the `operationId`), or `METHOD /path`,
    /// e.g. `listOrders` or `GET /v1/orders`.
    pub operation: String,
}

/// Arguments of `generate_definition`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct GenerateDefinitionArgs {
    /// The OpenAPI/Swagger document, as for `discover_api`. Give this or `url`.
    #[serde(default)]
    #[schemars(schema_with = "document_schema")]
    pub document: Option<Value>,
    /// The URL of the document, as for `discover_api`. Give this or `document`.
    pub url: Option<String>,
    /// Allow `url` to be on a loopback or private address. Off by default.
    #[serde(default)]
    pub allow_internal: bool,
    /// The streams to draft, in order: each a list operation and the canonical type its records
    /// map to; at least 1, at most 50.
    pub streams: Vec<StreamArg>,
    /// The connector id (lowercase, digits and dashes); derived from the document's title when
    /// absent.
    pub id: Option<String>,
}

/// One stream to draft.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StreamArg {
    /// The operation: its id or `METHOD /path`, e.g. `listOrders`.
    pub operation: String,
    /// The canonical type its records map to, e.g. `order` (see `discover_api`'s canonical
    /// candidates and `list_canonical_types`).
    pub canonical_type: String,
}

/// Arguments of `map_fields`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MapFieldsArgs {
    /// The canonical type to map onto, e.g. `product`.
    pub canonical_type: String,
    /// The JSON Schema of one native record (an object schema with `properties`), e.g. the
    /// `record_schema` of `get_operation` or the `inferred_schema` of `test_definition`.
    pub record_schema: Value,
}

/// The result of `discover_api`: what an API description says, in the terms of a connector
/// definition.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct ApiSummary {
    /// Which specification the document follows.
    pub spec: SpecVersion,
    /// The version string as the document writes it, e.g. `3.0.3`.
    pub spec_version: String,
    /// The API's title (`info.title`).
    pub title: String,
    /// The API's own version (`info.version`).
    pub api_version: String,
    /// The servers (base URLs), at most 20. None means the base URL will be a config value.
    pub servers: Vec<pullpush_discover::Server>,
    /// Ways to authenticate, one per security scheme, as definition auth kinds; at most 20.
    pub auth: Vec<AuthCandidate>,
    /// Rate-limit response headers documented anywhere; at most 20.
    pub rate_limit_headers: Vec<String>,
    /// Things discovery noticed but could not use; at most 50.
    pub warnings: Vec<String>,
    /// Operations in the document.
    pub operation_count: usize,
    /// List operations in the document: the ones that can become streams.
    pub list_count: usize,
    /// Operations that match the filters (`operation`, `include_all`), including any not listed.
    pub matched_count: usize,
    /// The matching operations in document order; at most 200.
    pub operations: Vec<OperationSummary>,
    /// True when more operations matched than are listed: narrow with `operation`.
    pub truncated: bool,
}

/// One operation, in brief.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct OperationSummary {
    /// The id that `get_operation` and `generate_definition` take: the `operationId`, else
    /// `METHOD /path`.
    pub id: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template, e.g. `/v2/customers/{customer_id}`.
    pub path: String,
    /// What the operation does: `list` operations can become streams.
    pub kind: OperationKind,
    /// The documented summary, at most 200 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// For list operations: where the records are and the best candidates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<ListSummary>,
}

/// A list operation, in brief (`get_operation` has the record schema and every candidate).
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct ListSummary {
    /// JSONPath of the records in the response, as a definition's `read.records`, e.g.
    /// `$.data[*]`.
    pub records: String,
    /// The best pagination strategy, if any was recognised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pagination: Option<PaginationOut>,
    /// The best way to read only what changed, if any was recognised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incremental: Option<IncrementalCandidate>,
    /// The canonical types the records could map to, best first; at most 3.
    pub canonical: Vec<CanonicalCandidate>,
}

/// A pagination strategy that fits an operation.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct PaginationOut {
    /// The strategy, the `type` of `config`: `cursor`, `next_url`, `offset` or `page_number`.
    pub kind: String,
    /// The definition's `pagination` object, ready to paste into a stream.
    pub config: Value,
    /// How sure discovery is, from 0 to 1.
    pub confidence: f64,
    /// What it was recognised from, e.g. "query parameter `cursor`".
    pub evidence: Vec<String>,
}

impl From<&PaginationCandidate> for PaginationOut {
    fn from(candidate: &PaginationCandidate) -> Self {
        PaginationOut {
            kind: candidate.config.kind().to_owned(),
            config: serde_json::to_value(&candidate.config).unwrap_or(Value::Null),
            confidence: candidate.confidence,
            evidence: candidate.evidence.clone(),
        }
    }
}

impl ApiSummary {
    /// The bounded summary of `report`, keeping the operations that match `filter` (a
    /// case-insensitive substring of id or path) and, unless `include_all`, are lists.
    pub(crate) fn new(
        report: pullpush_discover::DiscoveryReport,
        filter: Option<&str>,
        include_all: bool,
    ) -> Self {
        let filter = filter.map(str::to_lowercase);
        let list_count = report
            .operations
            .iter()
            .filter(|operation| operation.kind == OperationKind::List)
            .count();
        let matched: Vec<&Operation> = report
            .operations
            .iter()
            .filter(|operation| include_all || operation.kind == OperationKind::List)
            .filter(|operation| {
                filter.as_deref().is_none_or(|filter| {
                    operation.id.to_lowercase().contains(filter)
                        || operation.path.to_lowercase().contains(filter)
                })
            })
            .collect();
        ApiSummary {
            spec: report.spec,
            spec_version: report.spec_version,
            title: report.title,
            api_version: report.api_version,
            servers: report.servers.into_iter().take(MAX_SERVERS).collect(),
            auth: report.auth.into_iter().take(MAX_SERVERS).collect(),
            rate_limit_headers: report
                .rate_limit_headers
                .into_iter()
                .take(MAX_SERVERS)
                .collect(),
            warnings: report.warnings.into_iter().take(MAX_WARNINGS).collect(),
            operation_count: report.operations.len(),
            list_count,
            matched_count: matched.len(),
            truncated: matched.len() > MAX_OPERATIONS,
            operations: matched
                .into_iter()
                .take(MAX_OPERATIONS)
                .map(OperationSummary::new)
                .collect(),
        }
    }
}

impl OperationSummary {
    fn new(operation: &Operation) -> Self {
        OperationSummary {
            id: operation.id.clone(),
            method: operation.method.clone(),
            path: operation.path.clone(),
            kind: operation.kind,
            summary: operation
                .summary
                .as_deref()
                .map(|text| shorten(text, MAX_SUMMARY_CHARS)),
            list: operation.list.as_ref().map(|list| ListSummary {
                records: list.records.clone(),
                pagination: list.pagination.first().map(PaginationOut::from),
                incremental: list.incremental.first().cloned(),
                canonical: list
                    .canonical
                    .iter()
                    .take(MAX_SUMMARY_CANONICAL)
                    .cloned()
                    .collect(),
            }),
        }
    }
}

/// `text` cut to at most `max` characters, an ellipsis marking the cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(max - 1).collect();
    short.push('…');
    short
}

/// The result of `get_operation`: everything discovery knows about one operation.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct OperationDetails {
    /// The id `generate_definition` takes.
    pub id: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template as written.
    pub path: String,
    /// What the operation does: `list` operations can become streams.
    pub kind: OperationKind,
    /// The documented summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Parameters (path, operation and `$ref`'d ones merged; `body` ones are fields of a JSON
    /// request body); at most 200.
    pub parameters: Vec<Parameter>,
    /// Number of parameters, including any not listed.
    pub parameter_count: usize,
    /// The security schemes that apply (names from `discover_api`'s `auth`).
    pub security: Vec<String>,
    /// For list operations: records path, record schema and every candidate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<ListOut>,
}

/// What discovery found about a list operation.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct ListOut {
    /// JSONPath of the records, as a definition's `read.records`, e.g. `$.data[*]`.
    pub records: String,
    /// JSON Schema of one record, `$ref`s inlined. Pass it to `map_fields` to map it onto a
    /// canonical type.
    pub record_schema: Value,
    /// True when the schema was larger than 64 KB and its deepest levels were cut (each cut
    /// place holds `"x-pullpush-truncated": true`).
    pub record_schema_truncated: bool,
    /// Pagination strategies that fit, best first.
    pub pagination: Vec<PaginationOut>,
    /// Ways to read only what changed, best first.
    pub incremental: Vec<IncrementalCandidate>,
    /// Canonical types the records could map to, best first.
    pub canonical: Vec<CanonicalCandidate>,
    /// Rate-limit headers documented on this operation's responses.
    pub rate_limit_headers: Vec<String>,
}

impl OperationDetails {
    pub(crate) fn new(operation: Operation) -> Self {
        let parameter_count = operation.parameters.len();
        OperationDetails {
            id: operation.id,
            method: operation.method,
            path: operation.path,
            kind: operation.kind,
            summary: operation.summary,
            parameters: operation
                .parameters
                .into_iter()
                .take(MAX_PARAMETERS)
                .collect(),
            parameter_count,
            security: operation.security,
            list: operation.list.map(|list| {
                let (record_schema, record_schema_truncated) =
                    bounded_schema(list.record_schema, MAX_SCHEMA_BYTES);
                ListOut {
                    records: list.records,
                    record_schema,
                    record_schema_truncated,
                    pagination: list.pagination.iter().map(PaginationOut::from).collect(),
                    incremental: list.incremental,
                    canonical: list.canonical,
                    rate_limit_headers: list.rate_limit_headers,
                }
            }),
        }
    }
}

/// The schema itself when its compact JSON fits in `max_bytes`; else the schema cut at the
/// deepest nesting of subschemas that fits, and true.
fn bounded_schema(schema: Value, max_bytes: usize) -> (Value, bool) {
    let size = |value: &Value| serde_json::to_string(value).map_or(usize::MAX, |text| text.len());
    if size(&schema) <= max_bytes {
        return (schema, false);
    }
    for depth in (0..16).rev() {
        let cut = cut_schema(&schema, depth);
        if size(&cut) <= max_bytes {
            return (cut, true);
        }
    }
    (serde_json::json!({"x-pullpush-truncated": true}), true)
}

/// The keywords whose values hold subschemas.
const SUBSCHEMA_KEYWORDS: [&str; 13] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "items",
    "additionalProperties",
    "not",
    "contains",
    "allOf",
    "anyOf",
    "oneOf",
    "prefixItems",
    "enum",
];

/// `schema` with every subschema nested deeper than `depth` replaced by a marker that keeps its
/// `type` (leaves without subschemas or an `enum` are kept). Only schema positions are cut, so
/// the result is still a JSON Schema.
fn cut_schema(schema: &Value, depth: usize) -> Value {
    let Value::Object(object) = schema else {
        return schema.clone();
    };
    if depth == 0
        && object
            .keys()
            .any(|key| SUBSCHEMA_KEYWORDS.contains(&key.as_str()))
    {
        let mut cut = Map::new();
        if let Some(ty) = object.get("type") {
            cut.insert("type".into(), ty.clone());
        }
        cut.insert("x-pullpush-truncated".into(), Value::Bool(true));
        return Value::Object(cut);
    }
    if depth == 0 {
        return schema.clone();
    }
    let deeper = |value: &Value| cut_schema(value, depth - 1);
    let mut out = Map::new();
    for (key, value) in object {
        let value = match (key.as_str(), value) {
            ("properties" | "patternProperties" | "$defs" | "definitions", Value::Object(map)) => {
                Value::Object(
                    map.iter()
                        .map(|(name, schema)| (name.clone(), deeper(schema)))
                        .collect(),
                )
            }
            ("items" | "additionalProperties" | "not" | "contains", _) => deeper(value),
            ("allOf" | "anyOf" | "oneOf" | "prefixItems", Value::Array(schemas)) => {
                Value::Array(schemas.iter().map(deeper).collect())
            }
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    Value::Object(out)
}

/// The result of `generate_definition`.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct GeneratedDefinition {
    /// True when the draft validates (warnings allowed). It should always be true; when it is
    /// not, the diagnostics say what to fix.
    pub valid: bool,
    /// The drafted connector definition.
    pub definition: Value,
    /// The same definition as the exact text `pullpush generate` writes (pretty JSON, final
    /// newline): save this, edit it, and pass it to validate_definition and test_definition.
    pub text: String,
    /// Every choice made without certainty, in definition order: where (JSON pointer into the
    /// definition), how sure (0 = a placeholder you must replace, 1 = certain) and why. Review
    /// the ones below 0.5 first.
    pub guesses: Vec<Guess>,
    /// Number of guesses with confidence below 0.5.
    pub low_confidence_count: usize,
    /// Diagnostics of validating `text` (line and column refer to it); usually empty. At most
    /// 100.
    pub diagnostics: Vec<ReportedDiagnostic>,
    /// Problems of the document that the draft worked around, e.g. a `$ref` that points
    /// nowhere and was read as "any value" (a mapping built on it deserves a look); at most 50.
    pub warnings: Vec<String>,
}

/// Arguments of `probe_endpoint`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProbeEndpointArgs {
    /// The list endpoint to probe, an absolute http(s) URL with any query it needs, e.g.
    /// `https://api.example.com/v1/orders?status=open`. Only its host is contacted.
    pub url: String,
    /// A bearer token, sent as `Authorization: Bearer <token>`. Never echoed back.
    pub bearer_token: Option<String>,
    /// Extra request headers sent with every page, e.g. `{"X-Api-Key": "..."}`. Values of
    /// headers named like credentials (Authorization, X-Api-Key, …) are never echoed back.
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
    /// Pages to fetch at most, following the best pagination signal (default 3, at most 5).
    pub max_pages: Option<u32>,
    /// Allow loopback and private addresses, for an API or mock server on this machine. Off by
    /// default.
    #[serde(default)]
    pub allow_internal: bool,
}

/// The result of `probe_endpoint`: what a live list endpoint's responses say.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct ProbeResult {
    /// The URL probed, credentials redacted.
    pub url: String,
    /// Pages fetched.
    pub pages: u32,
    /// Records seen on those pages.
    pub records_seen: u64,
    /// JSONPath of the records, as a definition's `read.records`: `$` for a top-level array,
    /// else e.g. `$.data[*]`.
    pub records: String,
    /// The total number of records, when the API states it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// Pagination strategies that fit, best first, each a ready `pagination` object with
    /// confidence and evidence; a strategy that led to new records on a later page is trusted
    /// more.
    pub pagination: Vec<PaginationOut>,
    /// JSON Schema of one record, merged across every record seen (a property is required only
    /// when every record had it; `examples` list the values of low-cardinality strings). Pass
    /// it to `map_fields`.
    pub record_schema: Value,
    /// True when the schema was larger than 64 KB and its deepest levels were cut.
    pub record_schema_truncated: bool,
    /// What the walk noticed: why it stopped, pages that differ, signals that misled.
    pub notes: Vec<String>,
}

impl ProbeResult {
    /// The bounded view of `report`, with every secret value scrubbed and the URL redacted.
    pub(crate) fn new(report: ProbeReport, secrets: &Secrets) -> Self {
        let (record_schema, record_schema_truncated) =
            bounded_schema(report.record_schema, MAX_SCHEMA_BYTES);
        ProbeResult {
            url: secrets.scrub(&pullpush_http::redact_url(&report.url)),
            pages: report.pages,
            records_seen: report.records_seen,
            records: report.records,
            total: report.total,
            pagination: report
                .pagination
                .iter()
                .map(|candidate| {
                    let mut out = PaginationOut::from(candidate);
                    out.config = scrub_value(out.config, secrets);
                    out.evidence = out.evidence.iter().map(|e| secrets.scrub(e)).collect();
                    out
                })
                .collect(),
            record_schema: scrub_value(record_schema, secrets),
            record_schema_truncated,
            notes: report
                .notes
                .iter()
                .take(MAX_WARNINGS)
                .map(|note| secrets.scrub(note))
                .collect(),
        }
    }
}

/// `value` with every secret scrubbed from its strings (keys included).
fn scrub_value(value: Value, secrets: &Secrets) -> Value {
    if secrets.is_empty() {
        return value;
    }
    match value {
        Value::String(text) => Value::String(secrets.scrub(&text)),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| scrub_value(item, secrets))
                .collect(),
        ),
        Value::Object(object) => Value::Object(
            object
                .into_iter()
                .map(|(key, item)| (secrets.scrub(&key), scrub_value(item, secrets)))
                .collect(),
        ),
        other => other,
    }
}

/// The result of `map_fields`: suggested mappings of a native record onto a canonical type.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct FieldMapping {
    /// The canonical type.
    pub canonical_type: String,
    /// The suggestions as a stream's `mapping` object, ready to paste: `fields`, and
    /// `source_id` and `source_updated_at` when found. Check every low-confidence entry.
    pub mapping: Value,
    /// One suggestion per canonical field a native field was found for, in the type's field
    /// order.
    pub fields: Vec<FieldOut>,
    /// Required canonical fields no native field was found for: map them by hand (or the
    /// definition will not validate).
    pub unmapped_required: Vec<String>,
    /// The native id of a record, for the event's `source_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<FieldOut>,
    /// When the source last changed a record, for the event's `source_updated_at`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_updated_at: Option<FieldOut>,
}

/// A suggested mapping of one field.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct FieldOut {
    /// The canonical field, e.g. `quantity`.
    pub field: String,
    /// The mapping expression to put in the definition, e.g. `{"integer": "$.on_hand"}` or
    /// `"$.sku"`.
    pub expr: Value,
    /// The native field it reads, as a JSONPath, e.g. `$.on_hand`.
    pub source: String,
    /// How sure the suggestion is, from 0 to 1.
    pub confidence: f64,
    /// Why, e.g. "`on_hand` is a synonym of quantity; integer".
    pub reason: String,
}

impl From<&FieldSuggestion> for FieldOut {
    fn from(suggestion: &FieldSuggestion) -> Self {
        FieldOut {
            field: suggestion.field.clone(),
            expr: serde_json::to_value(&suggestion.expr).unwrap_or(Value::Null),
            source: suggestion.source.clone(),
            confidence: suggestion.confidence,
            reason: suggestion.reason.clone(),
        }
    }
}

impl FieldMapping {
    pub(crate) fn new(suggestions: &MappingSuggestions) -> Self {
        let fields: Vec<FieldOut> = suggestions.fields.iter().map(FieldOut::from).collect();
        let source_id = suggestions.source_id.as_ref().map(FieldOut::from);
        let source_updated_at = suggestions.source_updated_at.as_ref().map(FieldOut::from);
        let mut mapping = Map::new();
        mapping.insert(
            "fields".into(),
            Value::Object(
                fields
                    .iter()
                    .map(|field| (field.field.clone(), field.expr.clone()))
                    .collect(),
            ),
        );
        if let Some(id) = &source_id {
            mapping.insert("source_id".into(), id.expr.clone());
        }
        if let Some(updated) = &source_updated_at {
            mapping.insert("source_updated_at".into(), updated.expr.clone());
        }
        FieldMapping {
            canonical_type: suggestions.canonical_type.clone(),
            mapping: Value::Object(mapping),
            fields,
            unmapped_required: suggestions.unmapped_required.clone(),
            source_id,
            source_updated_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn small_schemas_are_kept_whole() {
        let schema = json!({"type": "object", "properties": {"a": {"type": "string"}}});
        assert_eq!(bounded_schema(schema.clone(), 1000), (schema, false));
    }

    #[test]
    fn large_schemas_are_cut_at_subschemas() {
        let wide: Map<String, Value> = (0..50)
            .map(|i| {
                (
                    format!("field_{i}"),
                    json!({"type": "string", "description": "x".repeat(40)}),
                )
            })
            .collect();
        let schema = json!({
            "type": "object",
            "required": ["nested"],
            "properties": {
                "id": {"type": "integer"},
                "nested": {"type": "object", "properties": wide}
            }
        });
        let (cut, truncated) = bounded_schema(schema, 400);
        assert!(truncated);
        assert!(serde_json::to_string(&cut).unwrap().len() <= 400);
        assert_eq!(cut["required"], json!(["nested"]));
        assert_eq!(cut["properties"]["id"], json!({"type": "integer"}));
        assert_eq!(
            cut["properties"]["nested"],
            json!({"type": "object", "x-pullpush-truncated": true})
        );
    }

    #[test]
    fn summaries_are_shortened_by_characters() {
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("äbcd", 3), "äb…");
    }
}
