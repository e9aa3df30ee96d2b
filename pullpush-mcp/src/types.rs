//! Tool inputs and outputs: the wire format of this server.
//!
//! Doc comments on these types become the descriptions in each tool's input and output JSON
//! Schema, so they are written for the model that calls the tools. They mirror the library
//! types (`Diagnostic`, `RecordError`) instead of deriving schemas on them, so the MCP contract
//! changes only on purpose. Every list in an output is bounded; the bounds are constants here
//! and are stated in the tool descriptions.

use pullpush_core::{CanonicalType, Diagnostic};
use pullpush_schema::Validation;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Most diagnostics one `validate_definition` result lists.
pub(crate) const MAX_DIAGNOSTICS: usize = 100;
/// Most records one `validate_canonical_records` call accepts.
pub(crate) const MAX_RECORDS: usize = 1000;
/// Most invalid records one `validate_canonical_records` result lists.
pub(crate) const MAX_INVALID_RECORDS: usize = 50;
/// Most errors listed for one invalid record.
pub(crate) const MAX_ERRORS_PER_RECORD: usize = 10;

/// Arguments of `validate_definition`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ValidateDefinitionArgs {
    /// The connector definition. Prefer the JSON document as a string, exactly as you would save
    /// it: diagnostics then carry the line and column in that text. A JSON object is accepted as
    /// well; its diagnostics locate problems by JSON pointer only (line and column are null).
    #[schemars(schema_with = "definition_schema")]
    pub definition: Value,
}

/// `definition` is text or an object; `Value` plus this schema (rather than an untagged enum)
/// lets the tool say precisely what else it got.
fn definition_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "anyOf": [
            {"type": "string", "description": "The definition's JSON text."},
            {"type": "object", "description": "The definition as a JSON object."}
        ]
    })
}

/// The verdict of `validate_definition`.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct DefinitionReport {
    /// True when the definition has no errors (warnings allowed).
    pub valid: bool,
    /// Number of errors, including any not listed.
    pub error_count: usize,
    /// Number of warnings, including any not listed.
    pub warning_count: usize,
    /// The diagnostics, errors first and then warnings, each group in source order; at most 100.
    pub diagnostics: Vec<ReportedDiagnostic>,
    /// True when there were more diagnostics than listed: fix these and validate again.
    pub truncated: bool,
}

/// One finding about the definition.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct ReportedDiagnostic {
    /// Stable kebab-case identifier of the rule, e.g. `unknown-canonical-field`.
    pub code: String,
    /// `error` blocks the definition; `warning` does not, but usually points at a mistake.
    pub severity: Severity,
    /// JSON pointer (RFC 6901) to the offending value, e.g. `/streams/0/mapping/fields/nmae`;
    /// the empty string is the whole document.
    pub pointer: String,
    /// 1-based line of the offending value in the definition text; null when the definition
    /// was sent as an object.
    pub line: Option<usize>,
    /// 1-based column (in characters) of the offending value; null like `line`.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is a specific fix.
    pub hint: Option<String>,
}

/// How serious a diagnostic is.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Severity {
    /// The definition cannot run as written.
    Error,
    /// The definition runs, but probably not as intended.
    Warning,
}

impl DefinitionReport {
    /// The bounded report of `validation`; `located` says whether line and column refer to text
    /// the caller sent (and so are worth reporting).
    pub(crate) fn new(validation: &Validation, located: bool) -> Self {
        let mut diagnostics: Vec<&Diagnostic> = validation.diagnostics.iter().collect();
        // Stable, so each group keeps the validator's source order.
        diagnostics.sort_by_key(|diagnostic| diagnostic.severity);
        let truncated = diagnostics.len() > MAX_DIAGNOSTICS;
        DefinitionReport {
            valid: validation.is_valid(),
            error_count: validation.error_count(),
            warning_count: validation.warning_count(),
            diagnostics: diagnostics
                .into_iter()
                .take(MAX_DIAGNOSTICS)
                .map(|diagnostic| ReportedDiagnostic::new(diagnostic, located))
                .collect(),
            truncated,
        }
    }
}

impl ReportedDiagnostic {
    fn new(diagnostic: &Diagnostic, located: bool) -> Self {
        let location = diagnostic.location.filter(|_| located);
        ReportedDiagnostic {
            code: diagnostic.code.clone(),
            severity: match diagnostic.severity {
                pullpush_core::Severity::Error => Severity::Error,
                pullpush_core::Severity::Warning => Severity::Warning,
            },
            pointer: diagnostic.pointer.clone(),
            line: location.map(|location| location.line),
            column: location.map(|location| location.column),
            message: diagnostic.message.clone(),
            hint: diagnostic.hint.clone(),
        }
    }
}

/// The result of `get_connector_schema`.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct ConnectorSchema {
    /// The MCP resource holding the same document.
    pub uri: String,
    /// The JSON Schema (draft 2020-12) of connector definitions.
    pub schema: Value,
}

/// The result of `list_canonical_types`.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct CanonicalTypeList {
    /// Every canonical type, built-in ones first.
    pub types: Vec<CanonicalTypeSummary>,
}

/// One canonical type, in brief.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct CanonicalTypeSummary {
    /// The name a stream's `canonical_type` uses, e.g. `stocklevel`.
    pub name: String,
    /// The type's version; it grows when a change could break consumers.
    pub version: u32,
    /// The fields that identify a record, e.g. `["sku", "locationId"]`.
    pub key: Vec<String>,
    /// What the type represents.
    pub description: String,
    /// The top-level field names, in documented order.
    pub fields: Vec<String>,
    /// The MCP resource holding the type's JSON Schema.
    pub uri: String,
}

impl CanonicalTypeSummary {
    pub(crate) fn new(ty: &CanonicalType, uri: String) -> Self {
        CanonicalTypeSummary {
            name: ty.name().to_owned(),
            version: ty.version(),
            key: ty.key().to_vec(),
            description: ty.description().to_owned(),
            fields: ty.fields().keys().cloned().collect(),
            uri,
        }
    }
}

/// Arguments of `get_canonical_type`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct GetCanonicalTypeArgs {
    /// The canonical type's name as `list_canonical_types` gives it, e.g. `stocklevel`.
    pub name: String,
}

/// The result of `get_canonical_type`.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct CanonicalTypeSchema {
    /// The type's name.
    pub name: String,
    /// The type's version.
    pub version: u32,
    /// The fields that identify a record.
    pub key: Vec<String>,
    /// The MCP resource holding the same schema.
    pub uri: String,
    /// The JSON Schema (draft 2020-12) of one record: field types, formats, enums,
    /// descriptions and `required`; `x-pullpush-key` repeats the key.
    pub schema: Value,
}

/// Arguments of `validate_canonical_records`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ValidateRecordsArgs {
    /// The canonical type to check against, e.g. `stocklevel`.
    #[serde(rename = "type")]
    pub type_name: String,
    /// The records, each a JSON object as the engine would deliver it (canonical field names,
    /// e.g. `{"sku": "A-1", "locationId": "berlin", "quantity": 12}`); at most 1000.
    pub records: Vec<Value>,
}

/// The verdict of `validate_canonical_records`.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct RecordsReport {
    /// The canonical type checked against.
    #[serde(rename = "type")]
    pub type_name: String,
    /// Its version.
    pub version: u32,
    /// Number of records checked.
    pub record_count: usize,
    /// Number of valid records.
    pub valid_count: usize,
    /// Number of invalid records, including any not listed.
    pub invalid_count: usize,
    /// The invalid records in input order; at most 50.
    pub invalid_records: Vec<InvalidRecord>,
    /// True when some invalid records or some of their errors are not listed.
    pub truncated: bool,
}

/// One invalid record.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct InvalidRecord {
    /// Position of the record in `records`, starting at 0.
    pub index: usize,
    /// Number of problems, including any not listed.
    pub error_count: usize,
    /// The problems; at most 10.
    pub errors: Vec<RecordProblem>,
}

/// One problem with a value of a record.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct RecordProblem {
    /// JSON pointer to the value inside the record, e.g. `/quantity` or `/lineItems/0/sku`;
    /// the empty string is the record itself.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl RecordsReport {
    /// Checks every record against `ty` and keeps a bounded report.
    pub(crate) fn check(ty: &CanonicalType, records: &[Value]) -> Self {
        let mut invalid_records = Vec::new();
        let mut invalid_count = 0;
        let mut truncated = false;
        for (index, record) in records.iter().enumerate() {
            let errors = ty.validate(record);
            if errors.is_empty() {
                continue;
            }
            invalid_count += 1;
            if invalid_records.len() == MAX_INVALID_RECORDS {
                truncated = true;
                continue;
            }
            truncated |= errors.len() > MAX_ERRORS_PER_RECORD;
            invalid_records.push(InvalidRecord {
                index,
                error_count: errors.len(),
                errors: errors
                    .into_iter()
                    .take(MAX_ERRORS_PER_RECORD)
                    .map(|error| RecordProblem {
                        path: error.path,
                        message: error.message,
                    })
                    .collect(),
            });
        }
        RecordsReport {
            type_name: ty.name().to_owned(),
            version: ty.version(),
            record_count: records.len(),
            valid_count: records.len() - invalid_count,
            invalid_count,
            invalid_records,
            truncated,
        }
    }
}

/// Most streams, samples, rejected records and exchanges one `test_definition` result lists.
pub(crate) const MAX_TEST_SAMPLES: usize = 2;
pub(crate) const MAX_TEST_REJECTED: usize = 5;
pub(crate) const MAX_TEST_EXCHANGES: usize = 20;

/// Arguments of `test_definition`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TestDefinitionArgs {
    /// The connector definition: its JSON text (preferred) or a JSON object. It must validate.
    #[schemars(schema_with = "definition_schema")]
    pub definition: Value,
    /// The config values the definition's `config_spec` asks for (credentials included; they
    /// are never echoed back), e.g. `{"api_token": "..."}`.
    #[serde(default)]
    pub config: serde_json::Map<String, Value>,
    /// Pages to fetch per stream at most (default 3, at most 20).
    pub max_pages: Option<u64>,
    /// Records to read per stream at most (default 500, at most 5000).
    pub max_records: Option<u64>,
    /// Seconds the whole run may take (default 60, at most 300).
    pub timeout_seconds: Option<u64>,
    /// Allow loopback and private addresses, for an API or mock server on this machine. Off by
    /// default.
    #[serde(default)]
    pub allow_internal: bool,
    /// Send every request to this origin instead of the definition's hosts (a local fixture or
    /// mock server), keeping paths and queries, e.g. `http://127.0.0.1:8080`.
    pub route_to: Option<String>,
}

/// The verdict of `test_definition`.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct TestDefinitionReport {
    /// True when every check of every stream passed: the definition works against the API.
    pub passed: bool,
    /// True when the time limit stopped the run.
    pub timed_out: bool,
    /// sha256 of the definition text that was tested (what a registry publish refers to).
    pub sha256: String,
    /// One verdict per stream.
    pub streams: Vec<TestedStream>,
    /// HTTP exchanges made in all (token requests included).
    pub exchange_count: usize,
    /// The first exchanges, redacted: method, URL, status or error.
    pub exchanges: Vec<TestedExchange>,
}

/// The verdict on one stream.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct TestedStream {
    /// Stream name.
    pub name: String,
    /// Canonical type it produces.
    pub canonical_type: String,
    /// True when every check passed.
    pub passed: bool,
    /// `request`, `records`, `mapping`, `pagination`: each passed or not, with what was found.
    pub checks: Vec<TestedCheck>,
    /// Pages fetched.
    pub pages: u64,
    /// Records the API returned.
    pub records_seen: u64,
    /// Records that became valid canonical events.
    pub valid: u64,
    /// Records rejected (see rejected_records).
    pub rejected: u64,
    /// Whether pagination saw the end of the data (false when the test limit stopped it).
    pub reached_end: bool,
    /// The first canonical events (at most 2): check the mapping produced what you meant.
    pub sample_events: Vec<Value>,
    /// The first rejected records (at most 5): page, index and every problem (JSON pointers
    /// into the canonical record).
    pub rejected_records: Vec<Value>,
    /// JSON Schema inferred from the raw records: the native field names and types, to fix
    /// paths in the mapping.
    pub inferred_schema: Value,
    /// Findings that do not fail the test (duplicate keys, a few records with missing data).
    pub warnings: Vec<String>,
    /// The stream's error, if it failed.
    pub error: Option<String>,
}

/// One check of a stream.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct TestedCheck {
    /// The check.
    pub name: String,
    /// Whether it passed.
    pub passed: bool,
    /// What was found, with hints on failure.
    pub message: String,
}

/// One HTTP exchange, redacted.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct TestedExchange {
    /// `read` or `token`.
    pub kind: String,
    /// Method.
    pub method: String,
    /// URL with credentials redacted.
    pub url: String,
    /// Status, when a response came.
    pub status: Option<u16>,
    /// Error, when no response came.
    pub error: Option<String>,
}

impl TestDefinitionReport {
    /// The bounded view of a full report.
    pub(crate) fn new(report: pullpush_core::TestReport) -> Self {
        TestDefinitionReport {
            passed: report.passed,
            timed_out: report.timed_out,
            sha256: report.definition.sha256,
            exchange_count: report.exchanges.len(),
            exchanges: report
                .exchanges
                .into_iter()
                .take(MAX_TEST_EXCHANGES)
                .map(|exchange| TestedExchange {
                    kind: exchange.kind,
                    method: exchange.method,
                    url: exchange.url,
                    status: exchange.status,
                    error: exchange.error,
                })
                .collect(),
            streams: report
                .streams
                .into_iter()
                .map(|stream| TestedStream {
                    name: stream.name,
                    canonical_type: stream.canonical_type,
                    passed: stream.passed,
                    checks: stream
                        .checks
                        .into_iter()
                        .map(|check| TestedCheck {
                            name: check.name,
                            passed: check.passed,
                            message: check.message,
                        })
                        .collect(),
                    pages: stream.page_count,
                    records_seen: stream.records_seen,
                    valid: stream.valid,
                    rejected: stream.rejected,
                    reached_end: stream.reached_end,
                    sample_events: stream
                        .sample_events
                        .iter()
                        .take(MAX_TEST_SAMPLES)
                        .filter_map(|event| serde_json::to_value(event).ok())
                        .collect(),
                    rejected_records: stream
                        .rejected_records
                        .iter()
                        .take(MAX_TEST_REJECTED)
                        .filter_map(|record| serde_json::to_value(record).ok())
                        .collect(),
                    inferred_schema: stream.inferred_schema,
                    warnings: stream.warnings,
                    error: stream.error,
                })
                .collect(),
        }
    }
}
