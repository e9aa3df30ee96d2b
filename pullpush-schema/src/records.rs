//! Validating files of canonical records: a JSON array, one JSON object, or JSON lines.

use pullpush_core::{CanonicalType, RecordError};
use serde::Serialize;
use serde_json::Value;

/// The verdict on one record of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordReport {
    /// Position of the record in the file, starting at 0.
    pub index: usize,
    /// Line of the record in a JSON-lines file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Every problem; empty when the record is valid.
    pub errors: Vec<RecordError>,
}

/// Validates every record in `text` against `ty`. A JSON array is a list of records, a JSON
/// object is one record, and anything else is read as JSON lines, where a line that is not JSON
/// is reported as that record's error rather than stopping the check.
pub fn validate_records(ty: &CanonicalType, text: &str) -> Vec<RecordReport> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(records)) => records
            .iter()
            .enumerate()
            .map(|(index, record)| RecordReport {
                index,
                line: None,
                errors: ty.validate(record),
            })
            .collect(),
        Ok(record @ Value::Object(_)) => vec![RecordReport {
            index: 0,
            line: None,
            errors: ty.validate(&record),
        }],
        _ => text
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .enumerate()
            .map(|(index, (line_index, line))| {
                let errors = match serde_json::from_str::<Value>(line) {
                    Ok(record) => ty.validate(&record),
                    Err(err) => vec![RecordError {
                        path: String::new(),
                        message: format!("not valid JSON: {err}"),
                        missing: false,
                    }],
                };
                RecordReport {
                    index,
                    line: Some(line_index + 1),
                    errors,
                }
            })
            .collect(),
    }
}
