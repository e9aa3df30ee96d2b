//! Recursive validation of canonical records.
//!
//! Hand-written rather than delegated to a JSON Schema validator: it runs once per record on the
//! hot path, and its messages speak the canonical model's language ("quantity is null; null means
//! no data and is never read as 0").

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::schema::{FieldKind, Fields};
use crate::pointer;
use crate::suggest::closest;

/// A problem with one value of a canonical record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordError {
    /// JSON pointer to the value inside the record, e.g. `/lineItems/0/quantity`.
    pub path: String,
    /// What is wrong, in lowercase.
    pub message: String,
    /// Whether a required value is absent or null: a gap in the source's data rather than a
    /// wrong value (a test run tells the two apart).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub missing: bool,
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "{path}: {}", self.message)
    }
}

pub(crate) fn validate_record(fields: &Fields, record: &Value) -> Vec<RecordError> {
    let mut errors = Vec::new();
    check_object(fields, record, &mut errors);
    errors
}

/// Checks an object. Error paths are relative to it and built only for errors, so a valid
/// record costs no allocation here: this runs once per record on the hot path.
fn check_object(fields: &Fields, value: &Value, errors: &mut Vec<RecordError>) {
    let Some(object) = value.as_object() else {
        errors.push(RecordError {
            path: String::new(),
            message: format!("expected an object, found {}", json_type(value)),
            missing: false,
        });
        return;
    };
    for (name, field) in fields {
        let first_error = errors.len();
        match object.get(name) {
            None if field.required => errors.push(RecordError {
                path: String::new(),
                message: format!("required field `{name}` is missing"),
                missing: true,
            }),
            Some(Value::Null) if field.required => errors.push(RecordError {
                path: String::new(),
                message: format!(
                    "required field `{name}` is null; null means \"no data\" and is never read as a default such as 0"
                ),
                missing: true,
            }),
            None | Some(Value::Null) => {}
            Some(value) => check_value(&field.kind, value, errors),
        }
        prefix_errors(&mut errors[first_error..], name);
    }
    if object.len() > fields.len() || object.keys().any(|name| !fields.contains_key(name)) {
        for name in object.keys().filter(|name| !fields.contains_key(*name)) {
            let suggestion = closest(name, fields.keys().map(String::as_str))
                .map(|close| format!(" (did you mean `{close}`?)"))
                .unwrap_or_default();
            errors.push(RecordError {
                path: pointer::push("", name),
                message: format!("unknown field `{name}`{suggestion}"),
                missing: false,
            });
        }
    }
}

/// Prepends a pointer token to the paths of errors found below it.
fn prefix_errors(errors: &mut [RecordError], token: &str) {
    for error in errors {
        error.path = format!("{}{}", pointer::push("", token), error.path);
    }
}

fn check_value(kind: &FieldKind, value: &Value, errors: &mut Vec<RecordError>) {
    let mut fail = |message: String| {
        errors.push(RecordError {
            path: String::new(),
            message,
            missing: false,
        })
    };
    match kind {
        FieldKind::Any => {}
        FieldKind::String => {
            if !value.is_string() {
                fail(expected("a string", value));
            }
        }
        FieldKind::Integer { minimum } => match value.as_i64() {
            Some(number) => {
                if let Some(minimum) = minimum.filter(|minimum| number < *minimum) {
                    fail(format!("{number} is below the minimum {minimum}"));
                }
            }
            None if value.is_u64() => {}
            None => fail(expected("an integer", value)),
        },
        FieldKind::Number => {
            if !value.is_number() {
                fail(expected("a number", value));
            }
        }
        FieldKind::Decimal => match value {
            Value::String(text) if is_decimal(text) => {}
            Value::String(text) => fail(format!(
                "`{text}` is not a decimal such as \"19.99\" (digits, optional minus and fraction)"
            )),
            Value::Number(_) => fail(format!(
                "expected a decimal string such as \"19.99\", found the number {value}; money is a string so no cent is lost to floating point"
            )),
            _ => fail(expected("a decimal string", value)),
        },
        FieldKind::Boolean => {
            if !value.is_boolean() {
                fail(expected("a boolean", value));
            }
        }
        FieldKind::DateTime => match value.as_str() {
            Some(text) if text.parse::<jiff::Timestamp>().is_ok() => {}
            Some(text) => fail(format!(
                "`{text}` is not an RFC 3339 date-time with offset, e.g. 2024-05-01T12:00:00Z"
            )),
            None => fail(expected("an RFC 3339 date-time string", value)),
        },
        FieldKind::Date => match value.as_str() {
            Some(text) if is_date(text) => {}
            Some(text) => fail(format!("`{text}` is not a date in the form YYYY-MM-DD")),
            None => fail(expected("a date string", value)),
        },
        FieldKind::Email => match value.as_str() {
            Some(text) if is_email(text) => {}
            Some(text) => fail(format!("`{text}` is not an e-mail address")),
            None => fail(expected("an e-mail address string", value)),
        },
        FieldKind::Currency => match value.as_str() {
            Some(text) if text.len() == 3 && text.bytes().all(|b| b.is_ascii_uppercase()) => {}
            Some(text) => fail(format!(
                "`{text}` is not an ISO 4217 currency code (three upper-case letters such as EUR)"
            )),
            None => fail(expected("a currency code string", value)),
        },
        FieldKind::Enum(allowed) => match value.as_str() {
            Some(text) if allowed.iter().any(|a| a == text) => {}
            Some(text) => {
                let hint = closest(text, allowed.iter().map(String::as_str))
                    .map(|close| format!(" (did you mean `{close}`?)"))
                    .unwrap_or_default();
                fail(format!(
                    "`{text}` is not one of {}{hint}",
                    allowed.join(", ")
                ))
            }
            None => fail(expected("a string", value)),
        },
        FieldKind::Object(fields) => check_object(fields, value, errors),
        FieldKind::Array(item) => match value.as_array() {
            Some(items) => {
                for (index, element) in items.iter().enumerate() {
                    let first_error = errors.len();
                    if element.is_null() {
                        errors.push(RecordError {
                            path: String::new(),
                            message: "array element is null".into(),
                            missing: false,
                        });
                    } else {
                        check_value(item, element, errors);
                    }
                    prefix_errors(&mut errors[first_error..], &index.to_string());
                }
            }
            None => fail(expected("an array", value)),
        },
    }
}

fn expected(what: &str, value: &Value) -> String {
    format!("expected {what}, found {}", json_type(value))
}

/// The JSON type of a value with a short excerpt, for messages.
pub(crate) fn json_type(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() > 40 => {
            let excerpt: String = s.chars().take(40).collect();
            format!("the string \"{excerpt}…\"")
        }
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Whether `text` is a decimal number written as digits with an optional sign and fraction.
pub(crate) fn is_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && (whole == "0" || !whole.starts_with('0')) && fraction.is_none_or(digits)
}

fn is_date(text: &str) -> bool {
    text.len() == 10 && text.parse::<jiff::civil::Date>().is_ok()
}

fn is_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !text.chars().any(char::is_whitespace)
        }
        None => false,
    }
}
