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
