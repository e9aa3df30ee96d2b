//! The native → canonical mapping and its small expression language.
//!
//! An expression is a JSON value: a string is a path into the native record (`"$.sku"`), an object
//! with one key is an operation (`{"integer": "$.qty"}`). The vocabulary is small, typed and
//! deterministic on purpose: every expression has a static output type that is checked against the
//! canonical field it fills when the definition is validated, it runs without I/O, and it compiles
//! once into a tree the engine evaluates per record with no parsing on the hot path.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// How a native record becomes a canonical record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MappingConfig {
    /// Canonical field → expression over the native record. Every required field of the
    /// canonical type must be mapped; fields that are not mapped are absent (never zero).
    pub fields: IndexMap<String, Expr>,
    /// The canonical fields that identify a record, overriding the canonical type's key, e.g.
    /// `["sku", "locationId"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<Vec<String>>,
    /// The source's own id of the record, kept in the event envelope, e.g. `"$.id"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<Expr>,
    /// When the source last changed the record, kept in the event envelope, e.g.
    /// `{"datetime": "$.updated_at"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_updated_at: Option<Expr>,
    /// A boolean expression; when true the record is emitted as a delete, e.g.
    /// `{"boolean": "$.deleted"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_when: Option<Expr>,
}

/// A mapping expression: a path string, or an object with exactly one operation key.
///
/// Paths are singular JSONPath: `$`, `.name`, `['odd name']` and `[index]` steps, e.g.
/// `$.location.id` or `$.lines[0].sku`. A path that finds nothing yields null, and null flows
/// through every conversion unchanged: a missing quantity stays missing, it never becomes 0.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Expr {
    /// A path into the record, e.g. `$.sku`.
    Path(String),
    /// An operation.
    Op(Box<ExprOp>),
}

impl<'de> Deserialize<'de> for Expr {
    /// Strings are paths and anything else is an operation; deserializing by hand keeps serde's
    /// precise message for a misspelt operation instead of "did not match any variant".
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        match value {
            Value::String(path) => Ok(Expr::Path(path)),
            other => ExprOp::deserialize(other)
                .map(|op| Expr::Op(Box::new(op)))
                .map_err(serde::de::Error::custom),
        }
    }
}

/// One operation of the mapping language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ExprOp {
    /// A path into the record, e.g. `{"path": "$.sku"}` (same as the string `"$.sku"`).
    Path(String),
    /// A constant value, e.g. `{"const": "EUR"}`.
    Const(Value),
    /// The first value that is not null, e.g. `{"coalesce": ["$.email", "$.contact.email"]}`.
    Coalesce(Vec<Expr>),
    /// Joins the non-null values as strings with a separator, e.g.
    /// `{"join": {"values": ["$.first_name", "$.last_name"], "separator": " "}}`. Null when all
    /// values are null.
    Join {
        /// The values to join.
        values: Vec<Expr>,
        /// Placed between values.
        #[serde(default)]
        separator: String,
    },
    /// Converts to a string: numbers and booleans are formatted, strings kept.
    String(Expr),
    /// Converts to a whole number: integers kept, numeric strings parsed; a fraction is an error,
    /// not a silent truncation.
    Integer(Expr),
    /// Converts to a number (a float; never use it for money).
    Number(Expr),
    /// Converts to an exact decimal string such as `"19.99"`: the canonical form of money.
    /// Numbers keep the digits the source wrote; numeric strings are checked.
    Decimal(Expr),
    /// Converts an amount in minor units (cents) to an exact decimal string, e.g.
    /// `{"minor_units": {"value": "$.amount", "decimals": 2}}` turns 1999 into `"19.99"`.
    MinorUnits {
        /// The integer amount.
        value: Expr,
        /// Digits after the decimal point (2 for most currencies, 0 for JPY, 3 for KWD).
        #[schemars(range(max = 18))]
        decimals: u32,
    },
    /// Converts to a boolean: booleans kept, `"true"`/`"false"`/`"1"`/`"0"`/`"yes"`/`"no"` and
    /// 0/1 recognised.
    Boolean(Expr),
    /// Parses a date-time into RFC 3339 UTC, e.g. `{"datetime": {"value": "$.updated"}}`. Without
    /// `format`, RFC 3339 and `YYYY-MM-DD[ T]HH:MM:SS` (taken as UTC) are accepted.
    Datetime {
        /// The value to parse.
        value: Expr,
        /// A strftime format such as `%d/%m/%Y %H:%M` for non-standard strings, or one of the
        /// keywords `rfc2822` (`Fri, 04 Sep 2015 22:54:41 +0000`) and `ms_json`
        /// (`/Date(1573755038314+0000)/`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<String>,
        /// Read numbers as Unix time in this unit.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unix: Option<UnixUnit>,
    },
    /// Parses a calendar date into `YYYY-MM-DD`.
    Date {
        /// The value to parse.
        value: Expr,
        /// A strftime format such as `%d.%m.%Y` for non-standard strings, or `rfc2822` or
        /// `ms_json` as for `datetime`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<String>,
    },
    /// Translates a value through a table, e.g. numeric status codes to canonical statuses:
    /// `{"lookup": {"value": "$.status", "table": {"1": "pending", "2": "paid"}}}`. Keys are the
    /// value written as a string. A value missing from the table yields `default`, or an error when
    /// there is no default (an unknown code is worth knowing about).
    Lookup {
        /// The value to translate.
        value: Expr,
        /// Source value (as a string) → result.
        table: IndexMap<String, Value>,
        /// Result for values not in the table; `null` maps them to "no data".
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "present"
        )]
        default: Option<Value>,
    },
    /// Lowercases a string.
    Lowercase(Expr),
    /// Uppercases a string, e.g. currency codes.
    Uppercase(Expr),
    /// Removes leading and trailing whitespace.
    Trim(Expr),
    /// Maps every element of an array, e.g. order line items:
    /// `{"each": {"path": "$.lines", "fields": {"sku": "$.sku"}}}`. Paths inside `fields` are
    /// relative to the element.
    Each {
        /// Path to the array in the record.
        path: String,
        /// Canonical field → expression over one element.
        fields: IndexMap<String, Expr>,
    },
    /// Builds a nested object, e.g. an order's customer:
    /// `{"object": {"email": "$.buyer.email", "name": "$.buyer.name"}}`.
    Object(IndexMap<String, Expr>),
}

/// Reads a field that is present, `null` included, as `Some`: for `lookup.default`, where an
/// explicit `null` means "map unknown values to null" and absence means "unknown values are
/// errors".
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// Unit of a Unix timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnixUnit {
    /// Seconds since 1970-01-01T00:00:00Z.
    Seconds,
    /// Milliseconds since 1970-01-01T00:00:00Z.
    Milliseconds,
}

impl ExprOp {
    /// The operation's key as written in definitions, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            ExprOp::Path(_) => "path",
            ExprOp::Const(_) => "const",
            ExprOp::Coalesce(_) => "coalesce",
            ExprOp::Join { .. } => "join",
            ExprOp::String(_) => "string",
            ExprOp::Integer(_) => "integer",
            ExprOp::Number(_) => "number",
            ExprOp::Decimal(_) => "decimal",
            ExprOp::MinorUnits { .. } => "minor_units",
            ExprOp::Boolean(_) => "boolean",
            ExprOp::Datetime { .. } => "datetime",
            ExprOp::Date { .. } => "date",
            ExprOp::Lookup { .. } => "lookup",
            ExprOp::Lowercase(_) => "lowercase",
            ExprOp::Uppercase(_) => "uppercase",
            ExprOp::Trim(_) => "trim",
            ExprOp::Each { .. } => "each",
            ExprOp::Object(_) => "object",
        }
    }
}
