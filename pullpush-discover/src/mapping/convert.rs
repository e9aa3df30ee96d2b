//! Choosing the mapping expression that turns a native value into a canonical field's type, and
//! how much the native type fits.
//!
//! The expression follows the documented type and format, never a guess about values: money
//! becomes `decimal` (or `minor_units` when the schema says cents), instants get the `format` or
//! `unix` unit their documentation implies, and statuses become a `lookup` whose table is built
//! from the documented values.

use indexmap::IndexMap;
use pullpush_core::{Expr, ExprOp, FieldKind, UnixUnit};
use serde_json::Value;

use super::native::{JsonType, NativeField};
use crate::words::{normalize, words};

/// An expression for one canonical field with how well the native type fits it.
#[derive(Debug, Clone)]
pub(super) struct Conversion {
    pub(super) expr: Expr,
    /// From 0 to 1, multiplied into the name score.
    pub(super) fit: f64,
    /// The type half of the reason, e.g. "integer" or "string, RFC 2822".
    pub(super) note: String,
}

/// Native enum values (normalised) and the canonical value each usually means. A pair applies
/// only when the canonical type has that value, so one table serves every enum: `deleted` is
/// `void` for an invoice and `archived` for a product. Earlier pairs win.
const ENUM_SYNONYMS: &[(&str, &str)] = &[
    ("canceled", "cancelled"),
    ("cancelled", "canceled"),
    ("complete", "completed"),
    ("done", "completed"),
    ("fulfilled", "completed"),
    ("delivered", "completed"),
    ("closed", "completed"),
    ("paid", "processing"),
    ("open", "processing"),
    ("unfulfilled", "processing"),
    ("hold", "on_hold"),
    ("authorised", "open"),
    ("authorized", "open"),
    ("awaitingpayment", "open"),
    ("unpaid", "open"),
    ("sent", "open"),
    ("outstanding", "open"),
    ("submitted", "pending"),
    ("submitted", "draft"),
    ("authorised", "processing"),
    ("authorized", "processing"),
    ("billed", "completed"),
    ("partial", "partially_paid"),
    ("pastdue", "overdue"),
    ("voided", "void"),
    ("deleted", "void"),
    ("voided", "cancelled"),
    ("deleted", "cancelled"),
    ("new", "open"),
    ("opened", "open"),
    ("reopened", "open"),
    ("hold", "pending"),
    ("onhold", "pending"),
    ("waiting", "pending"),
    ("solved", "resolved"),
    ("answered", "completed"),
    ("initiated", "queued"),
    ("incoming", "inbound"),
    ("outgoing", "outbound"),
    ("trunkingoriginating", "inbound"),
    ("trunkingterminating", "outbound"),
    ("publish", "active"),
    ("published", "active"),
    ("enabled", "active"),
    ("available", "active"),
    ("unpublished", "draft"),
    ("private", "draft"),
    ("disabled", "archived"),
    ("inactive", "archived"),
    ("deleted", "archived"),
    ("medium", "normal"),
    ("moderate", "normal"),
    ("critical", "urgent"),
    ("highest", "urgent"),
    ("blocker", "urgent"),
    ("lowest", "low"),
    ("minor", "low"),
    ("trivial", "low"),
    ("major", "high"),
    ("error", "failed"),
    ("declined", "failed"),
];

/// Description phrases that say an integer amount is in minor units.
const MINOR_UNIT_PHRASES: &[&str] = &[
    "smallest denomination",
    "smallest currency unit",
    "smallest unit",
    "lowest denomination",
    "minor unit",
    "cents",
    "in pence",
];

/// The expression that fills a field of `kind` from `native`, or `None` when the native type
/// cannot fill it. Objects and arrays are built elsewhere.
pub(super) fn convert(kind: &FieldKind, native: &NativeField<'_>) -> Option<Conversion> {
    let path = || Expr::Path(native.path.clone());
    let ty = native.ty;
    let conversion = |expr: Expr, fit: f64, note: String| Some(Conversion { expr, fit, note });
    if !ty.is_scalar() {
        return None;
    }
    match kind {
        FieldKind::String => match ty {
            JsonType::String => conversion(path(), 1.0, "string".into()),
            JsonType::Integer | JsonType::Number => conversion(
                op(ExprOp::String(path())),
                0.9,
                format!("{}, formatted as a string", ty.name()),
            ),
            JsonType::Boolean => conversion(
                op(ExprOp::String(path())),
                0.5,
                "boolean, formatted as a string".into(),
            ),
            _ => conversion(path(), 0.75, untyped()),
        },
        FieldKind::Email => match ty {
            JsonType::String if native.facts.format == Some("email") => {
                conversion(path(), 1.0, "string (email)".into())
            }
            JsonType::String => conversion(path(), 0.95, "string".into()),
            JsonType::Unknown => conversion(path(), 0.7, untyped()),
            _ => None,
        },
        FieldKind::Currency => match ty {
            JsonType::String => conversion(
                op(ExprOp::Uppercase(path())),
                1.0,
                "string, upper-cased".into(),
            ),
            JsonType::Unknown => conversion(op(ExprOp::Uppercase(path())), 0.7, untyped()),
            _ => None,
        },
        FieldKind::Integer { .. } => {
            let expr = op(ExprOp::Integer(path()));
            match ty {
                JsonType::Integer => conversion(expr, 1.0, "integer".into()),
                JsonType::Number => conversion(expr, 0.8, "number (fractions are refused)".into()),
                JsonType::String if is_numeric_string(native) => {
                    conversion(expr, 0.9, "numeric string, parsed".into())
                }
                JsonType::String => conversion(expr, 0.75, "string, parsed as an integer".into()),
                JsonType::Boolean => None,
                _ => conversion(expr, 0.7, untyped()),
            }
        }
        FieldKind::Number => {
            let expr = op(ExprOp::Number(path()));
            match ty {
                JsonType::Integer | JsonType::Number => conversion(expr, 1.0, ty.name().into()),
                JsonType::String => conversion(expr, 0.75, "string, parsed as a number".into()),
                JsonType::Boolean => None,
                _ => conversion(expr, 0.7, untyped()),
            }
        }
        FieldKind::Decimal => decimal(native),
        FieldKind::Boolean => {
            let expr = op(ExprOp::Boolean(path()));
            match ty {
                JsonType::Boolean => conversion(expr, 1.0, "boolean".into()),
                JsonType::String | JsonType::Integer => {
                    conversion(expr, 0.6, format!("{}, read as a boolean", ty.name()))
                }
                _ => conversion(expr, 0.7, untyped()),
            }
        }
        FieldKind::DateTime => datetime(native),
        FieldKind::Date => date(native),
        FieldKind::Enum(values) => enumeration(values, native),
        FieldKind::Object(_) | FieldKind::Array(_) | FieldKind::Any => None,
    }
}

fn op(op: ExprOp) -> Expr {
    Expr::Op(Box::new(op))
}

fn untyped() -> String {
    "type not documented".into()
}

/// The description, lower case, for hints such as "RFC 2822" or "cents".
fn documentation(native: &NativeField<'_>) -> String {
    native.facts.description.unwrap_or_default().to_lowercase()
}

fn example_strings<'a>(native: &'a NativeField<'_>) -> impl Iterator<Item = &'a str> {
    native
        .facts
        .examples
        .iter()
        .filter_map(|value| value.as_str())
}

/// A string field documented as holding a number: a numeric `format`, a digit `pattern`, or
/// numeric examples.
fn is_numeric_string(native: &NativeField<'_>) -> bool {
    let format = native.facts.format.unwrap_or_default();
    let pattern = native.facts.pattern.unwrap_or_default();
    [
        "int32", "int64", "integer", "decimal", "number", "double", "float",
    ]
    .contains(&format)
        || pattern.contains("\\d")
        || pattern.contains("[0-9]")
        || example_strings(native)
            .next()
            .is_some_and(|example| example.trim().parse::<f64>().is_ok())
}

/// Whether an integer amount is in minor units: a `cents` name, a Square-style money object
/// (`total_money.amount`), or a description saying so.
fn is_minor_units(native: &NativeField<'_>) -> bool {
    let name_words = words(native.name());
    let money_object = native
        .parent()
        .is_some_and(|parent| normalize(parent).ends_with("money"))
        && normalize(native.name()) == "amount";
    let documentation = documentation(native);
    name_words
        .iter()
        .any(|word| word == "cents" || word == "minor")
        || money_object
        || MINOR_UNIT_PHRASES
            .iter()
            .any(|phrase| documentation.contains(phrase))
}

fn decimal(native: &NativeField<'_>) -> Option<Conversion> {
    let path = Expr::Path(native.path.clone());
    let (expr, fit, note) = match native.ty {
        JsonType::Integer if is_minor_units(native) => (
            op(ExprOp::MinorUnits {
                value: path,
                decimals: 2,
            }),
            1.0,
            "integer in minor units (cents)".to_owned(),
        ),
        JsonType::Integer => (
            op(ExprOp::Decimal(path)),
            0.85,
            "integer, read as whole units".to_owned(),
        ),
        JsonType::Number => (
            op(ExprOp::Decimal(path)),
            1.0,
            "number, kept exact".to_owned(),
        ),
        JsonType::String if is_numeric_string(native) => {
            (op(ExprOp::Decimal(path)), 1.0, "numeric string".to_owned())
        }
        JsonType::String => (
            op(ExprOp::Decimal(path)),
            0.85,
            "string, checked as a decimal".to_owned(),
        ),
        JsonType::Unknown => (op(ExprOp::Decimal(path)), 0.7, untyped()),
        _ => return None,
    };
    Some(Conversion { expr, fit, note })
}

/// The `format` keyword a date string's documentation implies: `ms_json` for Xero's
/// `/Date(…)/`, `rfc2822` for Twilio's `Fri, 04 Sep 2015 22:54:41 +0000`.
fn date_keyword(native: &NativeField<'_>) -> Option<&'static str> {
    let format = native.facts.format.unwrap_or_default().to_lowercase();
    let documentation = documentation(native);
    if native.facts.ms_date || example_strings(native).any(|e| e.starts_with("/Date(")) {
        return Some("ms_json");
    }
    let rfc2822 = format.contains("2822")
        || format.contains("1123")
        || ["rfc 2822", "rfc2822", "rfc 1123", "rfc1123", "rfc 822"]
            .iter()
            .any(|name| documentation.contains(name))
        || example_strings(native).any(looks_like_rfc2822);
    rfc2822.then_some("rfc2822")
}

/// `Fri, 04 Sep 2015 22:54:41 +0000`: a day name, a comma, then a date with a named month.
fn looks_like_rfc2822(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() > 16
        && bytes[..3].iter().all(u8::is_ascii_alphabetic)
        && &bytes[3..5] == b", "
        && bytes[5].is_ascii_digit()
}

/// Whether a number is documented as milliseconds rather than seconds.
fn is_milliseconds(native: &NativeField<'_>) -> bool {
    let name_words = words(native.name());
    let documentation = documentation(native);
    name_words
        .iter()
        .any(|word| word == "ms" || word.starts_with("milli"))
        || documentation.contains("millisecond")
        || native
            .facts
            .examples
            .iter()
            .filter_map(|value| value.as_f64())
            .any(|value| value.abs() > 1e11)
}

fn datetime(native: &NativeField<'_>) -> Option<Conversion> {
    let value = Expr::Path(native.path.clone());
    let format = native.facts.format.unwrap_or_default();
    let (keyword, unix, fit, note) = match native.ty {
        JsonType::String => match date_keyword(native) {
            Some("ms_json") => (Some("ms_json"), None, 1.0, "Microsoft JSON date".to_owned()),
            Some(keyword) => (Some(keyword), None, 1.0, "string, RFC 2822".to_owned()),
            None if format == "date-time" => (None, None, 1.0, "string (date-time)".to_owned()),
            None if format == "date" => (None, None, 0.85, "string (date)".to_owned()),
            None => (None, None, 0.85, "string".to_owned()),
        },
        JsonType::Integer | JsonType::Number => {
            let unit = if is_milliseconds(native) {
                UnixUnit::Milliseconds
            } else {
                UnixUnit::Seconds
            };
            let note = format!(
                "{}, Unix time in {}",
                native.ty.name(),
                match unit {
                    UnixUnit::Seconds => "seconds",
                    UnixUnit::Milliseconds => "milliseconds",
                }
            );
            (None, Some(unit), 0.95, note)
        }
        JsonType::Unknown => (None, None, 0.7, untyped()),
        _ => return None,
    };
    Some(Conversion {
        expr: op(ExprOp::Datetime {
            value,
            format: keyword.map(str::to_owned),
            unix,
        }),
        fit,
        note,
    })
}

fn date(native: &NativeField<'_>) -> Option<Conversion> {
    let value = Expr::Path(native.path.clone());
    let format = native.facts.format.unwrap_or_default();
    let (keyword, fit, note) = match native.ty {
        JsonType::String => match date_keyword(native) {
            Some("ms_json") => (Some("ms_json"), 1.0, "Microsoft JSON date".to_owned()),
            Some(keyword) => (Some(keyword), 1.0, "string, RFC 2822".to_owned()),
            None if format == "date" => (None, 1.0, "string (date)".to_owned()),
            None if format == "date-time" => (None, 0.9, "string (date-time)".to_owned()),
            None => (None, 0.85, "string".to_owned()),
        },
        JsonType::Unknown => (None, 0.7, untyped()),
        _ => return None,
    };
    Some(Conversion {
        expr: op(ExprOp::Date {
            value,
            format: keyword.map(str::to_owned),
        }),
        fit,
        note,
    })
}

/// A `lookup` from the documented values to the canonical ones, with `"default": null` so an
/// undocumented value becomes "no data" instead of failing the record.
fn enumeration(canonical: &[String], native: &NativeField<'_>) -> Option<Conversion> {
    let path = Expr::Path(native.path.clone());
    let (documented, from_description) = documented_values(native);
    if documented.is_empty() {
        return matches!(native.ty, JsonType::String | JsonType::Unknown)
            .then(|| undocumented_values(path));
    }
    let description = native.facts.description.unwrap_or_default();
    let mut table = IndexMap::new();
    let mut unmatched = Vec::new();
    for value in &documented {
        match match_enum_value(value, canonical, description) {
            Some(target) => {
                table.insert(value.clone(), Value::String(target.to_owned()));
            }
            None => unmatched.push(value.as_str()),
        }
    }
    // Backticked words that are not values after all.
    if table.is_empty() && from_description {
        return Some(undocumented_values(path));
    }
    let source = if from_description {
        "values from the description"
    } else {
        "enum"
    };
    let mut note = format!(
        "{} {source}, {} of {} values translated",
        native.ty.name(),
        table.len(),
        documented.len()
    );
    if !unmatched.is_empty() {
        note.push_str(&format!(" (no counterpart: {})", unmatched.join(", ")));
    }
    // A table without entries still compiles and says what to fill in, but it maps every value
    // to null, so it barely passes as a suggestion.
    let fit = if table.is_empty() {
        0.35
    } else {
        0.55 + 0.45 * table.len() as f64 / documented.len() as f64
    };
    Some(Conversion {
        expr: op(ExprOp::Lookup {
            value: path,
            table,
            default: Some(Value::Null),
        }),
        fit,
        note,
    })
}

/// A string status whose values are not documented: lower-cased, the likeliest spelling of
/// canonical values, with a fit low enough to ask for a check.
fn undocumented_values(path: Expr) -> Conversion {
    Conversion {
        expr: op(ExprOp::Lowercase(path)),
        fit: 0.6,
        note: "string without documented values, lower-cased; check they are canonical".into(),
    }
}

/// The values a field is documented to take, as lookup keys (strings as they are, numbers as
/// written), and whether they came from the description's `` `backticked` `` words rather than
/// an `enum` (Twilio documents `direction` only in prose).
fn documented_values(native: &NativeField<'_>) -> (Vec<String>, bool) {
    let mut values: Vec<String> = Vec::new();
    for value in &native.facts.values {
        let key = match value {
            Value::String(text) => text.clone(),
            Value::Number(_) | Value::Bool(_) => value.to_string(),
            _ => continue,
        };
        if !values.contains(&key) {
            values.push(key);
        }
    }
    if !values.is_empty() || native.ty != JsonType::String {
        return (values, false);
    }
    let description = native.facts.description.unwrap_or_default();
    for quoted in description.split('`').skip(1).step_by(2) {
        let plain = !quoted.is_empty()
            && quoted.len() <= 40
            && quoted
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if plain && !values.iter().any(|value| value == quoted) {
            values.push(quoted.to_owned());
        }
    }
    // A single backticked word is more likely a field name than a list of values.
    if values.len() < 2 {
        values.clear();
    }
    (values, true)
}

/// The canonical value a native value means: the same name (ignoring case and separators), a
/// known synonym, the first word (`outbound-api` → `outbound`), or what the description pairs it
/// with (`1 active, 2 draft`).
fn match_enum_value<'a>(
    value: &str,
    canonical: &'a [String],
    description: &str,
) -> Option<&'a str> {
    if let Some(found) = match_word(value, canonical) {
        return Some(found);
    }
    if let Some(found) = words(value)
        .first()
        .and_then(|first| match_word(first, canonical))
    {
        return Some(found);
    }
    let described = words(description);
    let key = normalize(value);
    described
        .windows(2)
        .find(|pair| pair[0] == key)
        .and_then(|pair| match_word(&pair[1], canonical))
}

/// Exact (normalised) or synonym match of one word against the canonical values.
fn match_word<'a>(word: &str, canonical: &'a [String]) -> Option<&'a str> {
    let key = normalize(word);
    if key.is_empty() {
        return None;
    }
    if let Some(found) = canonical.iter().find(|value| normalize(value) == key) {
        return Some(found);
    }
    ENUM_SYNONYMS
        .iter()
        .filter(|(native, _)| *native == key)
        .find_map(|(_, target)| canonical.iter().find(|value| value == target))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(list: &[&str]) -> Vec<String> {
        list.iter().map(|value| (*value).to_owned()).collect()
    }

    #[test]
    fn enum_values_match_by_name_synonym_first_word_and_description() {
        let call = values(&["inbound", "outbound"]);
        assert_eq!(
            match_enum_value("outbound-api", &call, ""),
            Some("outbound")
        );
        assert_eq!(
            match_enum_value("trunking-originating", &call, ""),
            Some("inbound")
        );
        let status = values(&["queued", "in_progress", "no_answer", "canceled"]);
        assert_eq!(
            match_enum_value("in-progress", &status, ""),
            Some("in_progress")
        );
        assert_eq!(
            match_enum_value("no-answer", &status, ""),
            Some("no_answer")
        );
        assert_eq!(match_enum_value("cancelled", &status, ""), Some("canceled"));
        let invoice = values(&["draft", "open", "paid", "void"]);
        assert_eq!(match_enum_value("AUTHORISED", &invoice, ""), Some("open"));
        assert_eq!(match_enum_value("DELETED", &invoice, ""), Some("void"));
        let product = values(&["active", "draft", "archived"]);
        assert_eq!(
            match_enum_value("3", &product, "1 active, 2 draft, 3 archived."),
            Some("archived")
        );
        assert_eq!(match_enum_value("4", &product, "1 active"), None);
    }

    #[test]
    fn rfc2822_examples_are_recognised() {
        assert!(looks_like_rfc2822("Fri, 04 Sep 2015 22:54:41 +0000"));
        assert!(!looks_like_rfc2822("2015-09-04T22:54:41Z"));
    }
}
