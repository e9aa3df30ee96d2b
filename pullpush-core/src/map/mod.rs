//! Compiling and running mapping expressions.
//!
//! [`Mapper::compile`] turns a stream's [`MappingConfig`] into a tree of [`Compiled`] nodes and
//! checks it against the canonical type in the same pass: unknown fields, unmapped required
//! fields, and expressions whose static type cannot fill their field are reported with the JSON
//! pointer of the offending expression. [`Mapper::apply`] then runs per record without parsing
//! anything.

mod convert;
mod path;

#[cfg(test)]
mod tests;

pub use path::RecordPath;

use std::borrow::Cow;
use std::collections::HashMap;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::canonical::{CanonicalType, FieldKind, Fields};
use crate::definition::{Expr, ExprOp, MappingConfig, UnixUnit};
use crate::pointer;

/// A problem found while compiling a mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingIssue {
    /// Stable code, e.g. `unknown-canonical-field`.
    pub code: &'static str,
    /// JSON pointer of the offending expression in the definition.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

/// A problem with one field while mapping a record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct MapError {
    /// The canonical field (a JSON pointer into the canonical record), e.g. `/quantity`.
    pub field: String,
    /// What went wrong, e.g. `cannot convert the string "n/a" to an integer`.
    pub message: String,
    /// Whether a value the record needs is simply absent (a key field): a gap in the source's
    /// data rather than a mapping that failed.
    pub missing: bool,
}

/// A native record mapped into canonical form, not yet validated.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedRecord {
    /// The canonical record.
    pub data: Map<String, Value>,
    /// The source's own id, when the mapping names it.
    pub source_id: Option<String>,
    /// When the source last changed the record, when the mapping names it.
    pub source_updated_at: Option<String>,
    /// Whether the record is a deletion.
    pub delete: bool,
}

/// A compiled mapping expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Compiled {
    /// Reads a value from the record.
    Path(RecordPath),
    /// A constant.
    Const(Value),
    /// The first non-null value.
    Coalesce(Vec<Compiled>),
    /// Non-null values joined as strings.
    Join(Vec<Compiled>, String),
    /// A conversion of the inner value.
    Convert(Conversion, Box<Compiled>),
    /// A table lookup.
    Lookup {
        /// The value looked up.
        value: Box<Compiled>,
        /// Key (the value as a string) → result.
        table: HashMap<String, Value>,
        /// Result for unknown keys; unknown keys are errors without it.
        default: Option<Value>,
    },
    /// Every element of an array mapped to an object.
    Each(RecordPath, Vec<CompiledField>),
    /// An object built from fields.
    Object(Vec<CompiledField>),
}

/// One output field of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledField {
    name: String,
    expr: Compiled,
    /// Null results of optional fields are left out: absence means "no data". Required fields
    /// keep their null so validation reports it for what it is.
    keep_null: bool,
}

/// A conversion applied to one value.
#[derive(Debug, Clone, PartialEq)]
pub enum Conversion {
    /// To string.
    String,
    /// To integer.
    Integer,
    /// To number.
    Number,
    /// To decimal string.
    Decimal,
    /// Minor units to decimal string.
    MinorUnits(u32),
    /// To boolean.
    Boolean,
    /// To RFC 3339 date-time.
    Datetime(Option<String>, Option<UnixUnit>),
    /// To `YYYY-MM-DD`.
    Date(Option<String>),
    /// Lower case.
    Lowercase,
    /// Upper case.
    Uppercase,
    /// Trim whitespace.
    Trim,
}

/// A stream's mapping, compiled against its canonical type.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapper {
    fields: Vec<CompiledField>,
    key: Vec<String>,
    source_id: Option<Compiled>,
    source_updated_at: Option<Compiled>,
    delete_when: Option<Compiled>,
}

impl Mapper {
    /// Compiles `config` (found at `at` in the definition) for `ty`, returning every issue.
    pub fn compile(
        config: &MappingConfig,
        ty: &CanonicalType,
        at: &str,
    ) -> Result<Mapper, Vec<MappingIssue>> {
        let mut issues = Vec::new();
        let fields_at = pointer::push(at, "fields");
        let fields = compile_fields(
            &config.fields,
            ty.fields(),
            ty.name(),
            &fields_at,
            &mut issues,
        );
        let key = match &config.key {
            None => ty.key().to_vec(),
            Some(key) => {
                for (index, field) in key.iter().enumerate() {
                    let field_at = pointer::push(&pointer::push(at, "key"), &index.to_string());
                    if !ty.fields().contains_key(field) {
                        issues.push(unknown_field(field, ty.fields(), ty.name(), field_at));
                    } else if !config.fields.contains_key(field) {
                        issues.push(MappingIssue {
                            code: "unmapped-key-field",
                            pointer: field_at,
                            message: format!("key field `{field}` is not mapped"),
                            hint: Some(format!("add `{field}` to `fields`")),
                        });
                    }
                }
                if key.is_empty() {
                    issues.push(MappingIssue {
                        code: "empty-key",
                        pointer: pointer::push(at, "key"),
                        message: "the key must name at least one field".into(),
                        hint: Some(format!(
                            "leave `key` out to use the type's key {:?}",
                            ty.key()
                        )),
                    });
                }
                key.clone()
            }
        };
        let mut optional = |name: &str, expr: &Option<Expr>, expected: Static| {
            expr.as_ref().map(|expr| {
                let expr_at = pointer::push(at, name);
                let (compiled, ty) = compile_expr(expr, &expr_at, &mut issues);
                if let Some(message) = expected.accepts(&ty) {
                    issues.push(MappingIssue {
                        code: "mapping-type-mismatch",
                        pointer: expr_at,
                        message: format!("`{name}`: {message}"),
                        hint: None,
                    });
                }
                compiled
            })
        };
        let source_id = optional("source_id", &config.source_id, Static::Scalar);
        let source_updated_at = optional(
            "source_updated_at",
            &config.source_updated_at,
            Static::Kind(Kind::DateTime),
        );
        let delete_when = optional(
            "delete_when",
            &config.delete_when,
            Static::Kind(Kind::Boolean),
        );
        if issues.is_empty() {
            Ok(Mapper {
                fields,
                key,
                source_id,
                source_updated_at,
                delete_when,
            })
        } else {
            Err(issues)
        }
    }

    /// The canonical fields that identify a record.
    pub fn key(&self) -> &[String] {
        &self.key
    }

    /// Maps one native record. Every field is attempted, so one call reports every problem.
    pub fn apply(&self, record: &Value) -> Result<MappedRecord, Vec<MapError>> {
        let mut errors = Vec::new();
        let data = eval_fields(&self.fields, record, &mut errors);
        let scalar = |expr: &Option<Compiled>, name: &str, errors: &mut Vec<MapError>| {
            let value = expr.as_ref().map(|expr| eval(expr, record))?;
            match value {
                Ok(Value::Null) => None,
                Ok(value) => Some(value),
                Err(message) => {
                    errors.push(MapError {
                        field: format!("({name})"),
                        message,
                        missing: false,
                    });
                    None
                }
            }
        };
        let source_id =
            scalar(&self.source_id, "source_id", &mut errors).map(|value| match value {
                Value::String(text) => text,
                other => other.to_string(),
            });
        // The envelope promises RFC 3339 here; a string that merely looks right is checked.
        let source_updated_at =
            match scalar(&self.source_updated_at, "source_updated_at", &mut errors) {
                Some(Value::String(text)) if text.parse::<jiff::Timestamp>().is_ok() => Some(text),
                Some(other) => {
                    errors.push(MapError {
                    field: "(source_updated_at)".into(),
                    message: format!(
                        "{} is not an RFC 3339 date-time; convert it with {{\"datetime\": ...}}",
                        crate::canonical::validate::json_type(&other)
                    ),
                    missing: false,
                });
                    None
                }
                None => None,
            };
        let delete =
            scalar(&self.delete_when, "delete_when", &mut errors) == Some(Value::Bool(true));
        // A record without its key could not be told apart from others: never emit one.
        for field in &self.key {
            if data.get(field).is_some_and(|value| !value.is_null()) {
                continue;
            }
            let field_at = pointer::push("", field);
            if !errors.iter().any(|error| error.field == field_at) {
                errors.push(MapError {
                    field: field_at,
                    message: format!(
                        "key field `{field}` is missing, so the record cannot be identified"
                    ),
                    missing: true,
                });
            }
        }
        if errors.is_empty() {
            Ok(MappedRecord {
                data,
                source_id,
                source_updated_at,
                delete,
            })
        } else {
            Err(errors)
        }
    }
}

/// Compiles an expression that is not checked against a canonical field (e.g. the body of a write
/// operation, whose paths read the canonical record). Returns the compiled tree or the issues.
pub fn compile_standalone(expr: &Expr, at: &str) -> Result<Compiled, Vec<MappingIssue>> {
    let mut issues = Vec::new();
    let (compiled, _) = compile_expr(expr, at, &mut issues);
    if issues.is_empty() {
        Ok(compiled)
    } else {
        Err(issues)
    }
}

impl Compiled {
    /// Evaluates the expression against a record.
    pub fn eval(&self, record: &Value) -> Result<Value, String> {
        eval(self, record)
    }

    /// Every path the expression reads, for checks such as "write paths name canonical fields".
    pub fn paths(&self) -> Vec<&RecordPath> {
        let mut out = Vec::new();
        collect_paths(self, &mut out);
        out
    }
}

fn collect_paths<'a>(expr: &'a Compiled, out: &mut Vec<&'a RecordPath>) {
    match expr {
        Compiled::Path(path) => out.push(path),
        Compiled::Const(_) => {}
        Compiled::Coalesce(items) | Compiled::Join(items, _) => {
            items.iter().for_each(|item| collect_paths(item, out))
        }
        Compiled::Convert(_, inner) => collect_paths(inner, out),
        Compiled::Lookup { value, .. } => collect_paths(value, out),
        // Paths inside `each` are relative to the elements; only the array path reads the record.
        Compiled::Each(path, _) => out.push(path),
        Compiled::Object(fields) => fields
            .iter()
            .for_each(|field| collect_paths(&field.expr, out)),
    }
}

/// What an expression is statically known to produce.
#[derive(Debug, Clone, PartialEq)]
enum Static {
    /// Unknown until run time (a path).
    Unknown,
    /// One of a known set of values (constants, lookup results).
    Values(Vec<Value>),
    /// A value of this kind.
    Kind(Kind),
    /// Any of these (coalesce).
    OneOf(Vec<Static>),
    /// An object of mapped fields, already checked against its field schema.
    Object,
    /// An array of objects, already checked against its item schema.
    ArrayOfObjects,
    /// Any scalar (string, number, boolean); used for `source_id`.
    Scalar,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    String,
    Integer,
    Number,
    Decimal,
    Boolean,
    DateTime,
    Date,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::String => "a string",
            Kind::Integer => "an integer",
            Kind::Number => "a number",
            Kind::Decimal => "a decimal string",
            Kind::Boolean => "a boolean",
            Kind::DateTime => "a date-time string",
            Kind::Date => "a date string",
        }
    }
}

impl Static {
    /// `None` when a value described by `produced` may fill `self` (used as an expectation for the
    /// envelope fields), else a message.
    fn accepts(&self, produced: &Static) -> Option<String> {
        if *self == Static::Scalar && produced.may_be_compound() {
            return Some(
                "the expression produces an object or an array; it must be a string, number or boolean"
                    .into(),
            );
        }
        let field = match self {
            Static::Kind(Kind::DateTime) => FieldKind::DateTime,
            Static::Kind(Kind::Boolean) => FieldKind::Boolean,
            _ => FieldKind::Any,
        };
        let problems = check_static(produced, &field);
        (!problems.is_empty()).then(|| problems.join("; "))
    }

    /// Whether the output may be an object or an array, which no scalar expectation accepts.
    fn may_be_compound(&self) -> bool {
        match self {
            Static::Object | Static::ArrayOfObjects => true,
            Static::OneOf(options) => options.iter().any(Static::may_be_compound),
            Static::Values(values) => values
                .iter()
                .any(|value| value.is_object() || value.is_array()),
            Static::Unknown | Static::Kind(_) | Static::Scalar => false,
        }
    }
}

/// Compiles the fields of a canonical object; `owner` names it in messages (`order`,
/// `order.lineItems`).
fn compile_fields(
    exprs: &IndexMap<String, Expr>,
    schema: &Fields,
    owner: &str,
    at: &str,
    issues: &mut Vec<MappingIssue>,
) -> Vec<CompiledField> {
    let mut compiled = Vec::with_capacity(exprs.len());
    for (name, expr) in exprs {
        let expr_at = pointer::push(at, name);
        let Some(field) = schema.get(name) else {
            issues.push(unknown_field(name, schema, owner, expr_at));
            continue;
        };
        // Nested canonical objects and arrays of objects are checked field by field against
        // their own schema, so a typo inside a line item is caught like one at the top level.
        let nested = match (&field.kind, expr) {
            (FieldKind::Object(schema), Expr::Op(op)) => match op.as_ref() {
                ExprOp::Object(inner) => {
                    Some((schema, inner, pointer::push(&expr_at, "object"), None))
                }
                _ => None,
            },
            (FieldKind::Array(item), Expr::Op(op)) => match (item.as_ref(), op.as_ref()) {
                (
                    FieldKind::Object(schema),
                    ExprOp::Each {
                        path,
                        fields: inner,
                    },
                ) => {
                    let each_at = pointer::push(&expr_at, "each");
                    let path_at = pointer::push(&each_at, "path");
                    Some((
                        schema,
                        inner,
                        pointer::push(&each_at, "fields"),
                        Some((path, path_at)),
                    ))
                }
                _ => None,
            },
            _ => None,
        };
        let expr = if let Some((schema, inner, inner_at, each_path)) = nested {
            let children =
                compile_fields(inner, schema, &format!("{owner}.{name}"), &inner_at, issues);
            match each_path {
                None => Compiled::Object(children),
                Some((path, path_at)) => match RecordPath::parse(path) {
                    Ok(path) => Compiled::Each(path, children),
                    Err(message) => {
                        issues.push(invalid_path(message, path_at));
                        continue;
                    }
                },
            }
        } else {
            let (compiled, produced) = compile_expr(expr, &expr_at, issues);
            for message in check_static(&produced, &field.kind) {
                issues.push(MappingIssue {
                    code: "mapping-type-mismatch",
                    pointer: expr_at.clone(),
                    message: format!("`{name}` is {}; {message}", field.kind.describe()),
                    hint: conversion_hint(&field.kind),
                });
            }
            compiled
        };
        compiled.push(CompiledField {
            name: name.clone(),
            expr,
            keep_null: field.required,
        });
    }
    // A misspelt required field is reported once, as the typo with its suggestion, not a second
    // time as missing.
    let misspelt: Vec<&str> = exprs
        .keys()
        .filter(|name| !schema.contains_key(*name))
        .filter_map(|name| crate::suggest::closest(name, schema.keys().map(String::as_str)))
        .collect();
    for (name, field) in schema {
        if field.required && !exprs.contains_key(name) && !misspelt.contains(&name.as_str()) {
            issues.push(MappingIssue {
                code: "missing-required-mapping",
                pointer: at.to_owned(),
                message: format!(
                    "required canonical field `{name}` ({}) is not mapped",
                    field.kind.describe()
                ),
                hint: Some(format!(
                    "add \"{name}\": \"$.<path to the native field>\" to the mapping"
                )),
            });
        }
    }
    compiled
}

fn unknown_field(name: &str, schema: &Fields, owner: &str, at: String) -> MappingIssue {
    let suggestion = crate::suggest::closest(name, schema.keys().map(String::as_str));
    MappingIssue {
        code: "unknown-canonical-field",
        pointer: at,
        message: format!("`{name}` is not a field of {owner}"),
        hint: Some(match suggestion {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!(
                "known fields: {}",
                schema.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        }),
    }
}

fn invalid_path(message: String, at: String) -> MappingIssue {
    MappingIssue {
        code: "invalid-path",
        pointer: at,
        message,
        hint: Some("write a singular path such as `$.field` or `$.list[0].field`".into()),
    }
}

fn conversion_hint(kind: &FieldKind) -> Option<String> {
    let op = match kind {
        FieldKind::Integer { .. } => "integer",
        FieldKind::Number => "number",
        FieldKind::Decimal => "decimal",
        FieldKind::Boolean => "boolean",
        FieldKind::DateTime => "datetime",
        FieldKind::Date => "date",
        FieldKind::Enum(values) => {
            return Some(format!(
                "the allowed values are {}; translate source values with a `lookup`",
                values.join(", ")
            ));
        }
        FieldKind::String | FieldKind::Email | FieldKind::Currency => "string",
        FieldKind::Object(_) => return Some("build it with {\"object\": {...}}".into()),
        FieldKind::Array(_) => return Some("build it with {\"each\": {...}}".into()),
        FieldKind::Any => return None,
    };
    let example = match op {
        "datetime" | "date" => format!("{{\"{op}\": {{\"value\": \"$.field\"}}}}"),
        _ => format!("{{\"{op}\": \"$.field\"}}"),
    };
    Some(format!("convert the value with {example}"))
}

/// The most digits `minor_units` may put after the point, as the definition schema states.
const MAX_MINOR_UNIT_DECIMALS: u32 = 18;

/// Compiles one expression, returning its tree and its static output.
fn compile_expr(expr: &Expr, at: &str, issues: &mut Vec<MappingIssue>) -> (Compiled, Static) {
    let op = match expr {
        Expr::Path(path) => return compile_path(path, at, issues),
        Expr::Op(op) => op.as_ref(),
    };
    let op_at = pointer::push(at, op.name());
    let inner = |expr: &Expr, suffix: Option<&str>, issues: &mut Vec<MappingIssue>| {
        let inner_at = match suffix {
            Some(suffix) => pointer::push(&op_at, suffix),
            None => op_at.clone(),
        };
        compile_expr(expr, &inner_at, issues)
    };
    let convert = |conversion: Conversion, (compiled, _): (Compiled, Static), kind: Kind| {
        (
            Compiled::Convert(conversion, Box::new(compiled)),
            Static::Kind(kind),
        )
    };
    match op {
        ExprOp::Path(path) => compile_path(path, &op_at, issues),
        ExprOp::Const(value) => (
            Compiled::Const(value.clone()),
            Static::Values(vec![value.clone()]),
        ),
        ExprOp::Coalesce(items) => {
            let (compiled, statics): (Vec<_>, Vec<_>) = items
                .iter()
                .enumerate()
                .map(|(index, item)| inner(item, Some(&index.to_string()), issues))
                .unzip();
            (Compiled::Coalesce(compiled), Static::OneOf(statics))
        }
        ExprOp::Join { values, separator } => {
            let compiled = values
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    let item_at =
                        pointer::push(&pointer::push(&op_at, "values"), &index.to_string());
                    compile_expr(item, &item_at, issues).0
                })
                .collect();
            (
                Compiled::Join(compiled, separator.clone()),
                Static::Kind(Kind::String),
            )
        }
        ExprOp::String(value) => {
            convert(Conversion::String, inner(value, None, issues), Kind::String)
        }
        ExprOp::Integer(value) => convert(
            Conversion::Integer,
            inner(value, None, issues),
            Kind::Integer,
        ),
        ExprOp::Number(value) => {
            convert(Conversion::Number, inner(value, None, issues), Kind::Number)
        }
        ExprOp::Decimal(value) => convert(
            Conversion::Decimal,
            inner(value, None, issues),
            Kind::Decimal,
        ),
        ExprOp::MinorUnits { value, decimals } => {
            // The JSON Schema caps `decimals` at 18, but a definition built in code skips it; an
            // unchecked value would pad every amount with up to four billion zeros.
            if *decimals > MAX_MINOR_UNIT_DECIMALS {
                issues.push(MappingIssue {
                    code: "decimals-out-of-range",
                    pointer: pointer::push(&op_at, "decimals"),
                    message: format!(
                        "`decimals` is {decimals}, but at most {MAX_MINOR_UNIT_DECIMALS} digits may follow the point"
                    ),
                    hint: Some("use 2 for most currencies, 0 for JPY, 3 for KWD".into()),
                });
            }
            convert(
                Conversion::MinorUnits(*decimals),
                inner(value, Some("value"), issues),
                Kind::Decimal,
            )
        }
        ExprOp::Boolean(value) => convert(
            Conversion::Boolean,
            inner(value, None, issues),
            Kind::Boolean,
        ),
        ExprOp::Datetime {
            value,
            format,
            unix,
        } => {
            if let (Some(_), Some(_)) = (format, unix) {
                issues.push(MappingIssue {
                    code: "conflicting-options",
                    pointer: op_at.clone(),
                    message: "`format` and `unix` cannot both be set".into(),
                    hint: Some("`unix` reads numbers, `format` reads strings: keep one".into()),
                });
            }
            if let Some(format) = format {
                check_format(format, &op_at, issues);
            }
            convert(
                Conversion::Datetime(format.clone(), *unix),
                inner(value, Some("value"), issues),
                Kind::DateTime,
            )
        }
        ExprOp::Date { value, format } => {
            if let Some(format) = format {
                check_format(format, &op_at, issues);
            }
            convert(
                Conversion::Date(format.clone()),
                inner(value, Some("value"), issues),
                Kind::Date,
            )
        }
        ExprOp::Lookup {
            value,
            table,
            default,
        } => {
            let (compiled, _) = inner(value, Some("value"), issues);
            let mut results: Vec<Value> = table.values().cloned().collect();
            results.extend(default.iter().cloned());
            (
                Compiled::Lookup {
                    value: Box::new(compiled),
                    table: table.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                    default: default.clone(),
                },
                Static::Values(results),
            )
        }
        ExprOp::Lowercase(value) => convert(
            Conversion::Lowercase,
            inner(value, None, issues),
            Kind::String,
        ),
        ExprOp::Uppercase(value) => convert(
            Conversion::Uppercase,
            inner(value, None, issues),
            Kind::String,
        ),
        ExprOp::Trim(value) => convert(Conversion::Trim, inner(value, None, issues), Kind::String),
        ExprOp::Each { path, fields } => {
            // Outside a canonical array-of-objects field there is no schema to check the element
            // fields against; they are compiled as free-form objects.
            let children = compile_free_fields(fields, &pointer::push(&op_at, "fields"), issues);
            match RecordPath::parse(path) {
                Ok(path) => (Compiled::Each(path, children), Static::ArrayOfObjects),
                Err(message) => {
                    issues.push(invalid_path(message, pointer::push(&op_at, "path")));
                    (Compiled::Const(Value::Null), Static::Unknown)
                }
            }
        }
        ExprOp::Object(fields) => (
            Compiled::Object(compile_free_fields(fields, &op_at, issues)),
            Static::Object,
        ),
    }
}

fn compile_free_fields(
    exprs: &IndexMap<String, Expr>,
    at: &str,
    issues: &mut Vec<MappingIssue>,
) -> Vec<CompiledField> {
    exprs
        .iter()
        .map(|(name, expr)| CompiledField {
            name: name.clone(),
            expr: compile_expr(expr, &pointer::push(at, name), issues).0,
            keep_null: false,
        })
        .collect()
}

fn compile_path(path: &str, at: &str, issues: &mut Vec<MappingIssue>) -> (Compiled, Static) {
    match RecordPath::parse(path) {
        Ok(path) => (Compiled::Path(path), Static::Unknown),
        Err(message) => {
            issues.push(invalid_path(message, at.to_owned()));
            (Compiled::Const(Value::Null), Static::Unknown)
        }
    }
}

fn check_format(format: &str, at: &str, issues: &mut Vec<MappingIssue>) {
    if !format.contains('%') && format != convert::RFC2822 && format != convert::MS_JSON {
        issues.push(MappingIssue {
            code: "invalid-format",
            pointer: pointer::push(at, "format"),
            message: format!("`{format}` has no strftime directives"),
            hint: Some(
                "write a strftime format such as `%Y-%m-%d %H:%M:%S`, or `rfc2822` or `ms_json`"
                    .into(),
            ),
        });
    }
}

/// Why a statically known output cannot fill a field of `kind`; empty when it can (or when only
/// run time can tell).
fn check_static(produced: &Static, kind: &FieldKind) -> Vec<String> {
    match produced {
        Static::Unknown => vec![],
        Static::OneOf(options) => options
            .iter()
            .flat_map(|option| check_static(option, kind))
            .collect(),
        Static::Values(values) => values
            .iter()
            .filter(|value| !value.is_null())
            .filter_map(|value| {
                let mut fields = Fields::new();
                fields.insert(
                    "value".into(),
                    crate::canonical::Field {
                        kind: kind.clone(),
                        required: false,
                        description: String::new(),
                    },
                );
                let errors = crate::canonical::validate::validate_record(
                    &fields,
                    &serde_json::json!({ "value": value }),
                );
                errors
                    .first()
                    .map(|error| format!("the constant {value} does not fit: {}", error.message))
            })
            .collect(),
        Static::Scalar => vec![],
        Static::Object => match kind {
            FieldKind::Object(_) | FieldKind::Any => vec![],
            other => vec![format!(
                "an object cannot fill a field that is {}",
                other.describe()
            )],
        },
        Static::ArrayOfObjects => match kind {
            FieldKind::Array(_) | FieldKind::Any => vec![],
            other => vec![format!(
                "an array cannot fill a field that is {}",
                other.describe()
            )],
        },
        Static::Kind(produced) => {
            let fits = match kind {
                FieldKind::Any => true,
                FieldKind::String | FieldKind::Email | FieldKind::Currency | FieldKind::Enum(_) => {
                    *produced == Kind::String
                }
                FieldKind::Integer { .. } => *produced == Kind::Integer,
                FieldKind::Number => matches!(produced, Kind::Number | Kind::Integer),
                FieldKind::Decimal => matches!(produced, Kind::Decimal | Kind::String),
                FieldKind::Boolean => *produced == Kind::Boolean,
                FieldKind::DateTime => matches!(produced, Kind::DateTime | Kind::String),
                FieldKind::Date => matches!(produced, Kind::Date | Kind::String),
                FieldKind::Object(_) | FieldKind::Array(_) => false,
            };
            if fits {
                vec![]
            } else {
                vec![format!("the expression produces {}", produced.name())]
            }
        }
    }
}

/// Evaluates the fields of one object. Error paths are built on the way out, and only for
/// errors, so a record that maps cleanly allocates nothing but its output.
fn eval_fields(
    fields: &[CompiledField],
    record: &Value,
    errors: &mut Vec<MapError>,
) -> Map<String, Value> {
    let mut out = Map::with_capacity(fields.len());
    for field in fields {
        let first_error = errors.len();
        let value = match &field.expr {
            Compiled::Each(path, children) => match path.get(record) {
                None | Some(Value::Null) => Value::Null,
                Some(Value::Array(items)) => Value::Array(
                    items
                        .iter()
                        .enumerate()
                        .map(|(index, item)| {
                            let item_errors = errors.len();
                            let object = eval_fields(children, item, errors);
                            prefix_errors(&mut errors[item_errors..], &index.to_string());
                            Value::Object(object)
                        })
                        .collect(),
                ),
                Some(other) => {
                    errors.push(MapError {
                        field: String::new(),
                        message: format!(
                            "`each` needs an array, found {}",
                            crate::canonical::validate::json_type(other)
                        ),
                        missing: false,
                    });
                    Value::Null
                }
            },
            Compiled::Object(children) => Value::Object(eval_fields(children, record, errors)),
            expr => eval(expr, record).unwrap_or_else(|message| {
                errors.push(MapError {
                    field: String::new(),
                    message,
                    missing: false,
                });
                Value::Null
            }),
        };
        if errors.len() > first_error {
            prefix_errors(&mut errors[first_error..], &field.name);
            continue;
        }
        if !value.is_null() || field.keep_null {
            out.insert(field.name.clone(), value);
        }
    }
    out
}

/// Prepends a pointer token to the paths of errors found below it.
fn prefix_errors(errors: &mut [MapError], token: &str) {
    for error in errors {
        error.field = format!("{}{}", pointer::push("", token), error.field);
    }
}

fn eval(expr: &Compiled, record: &Value) -> Result<Value, String> {
    eval_borrowed(expr, record).map(Cow::into_owned)
}

/// Evaluates without copying what it only reads: a path feeding a conversion or a lookup
/// borrows the record's value, and a lookup result borrows the table. Only values that end up in
/// the canonical record are cloned, once. This runs for every field of every record.
fn eval_borrowed<'a>(expr: &'a Compiled, record: &'a Value) -> Result<Cow<'a, Value>, String> {
    const NULL: Cow<'static, Value> = Cow::Owned(Value::Null);
    match expr {
        Compiled::Path(path) => Ok(path.get(record).map_or(NULL, Cow::Borrowed)),
        Compiled::Const(value) => Ok(Cow::Borrowed(value)),
        Compiled::Coalesce(items) => {
            for item in items {
                let value = eval_borrowed(item, record)?;
                if !value.is_null() {
                    return Ok(value);
                }
            }
            Ok(NULL)
        }
        Compiled::Join(items, separator) => {
            let mut parts = Vec::with_capacity(items.len());
            for item in items {
                match eval_borrowed(item, record)?.as_ref() {
                    Value::Null => {}
                    Value::String(text) if text.is_empty() => {}
                    value => parts.push(convert::string_of(value)?),
                }
            }
            Ok(if parts.is_empty() {
                NULL
            } else {
                Cow::Owned(Value::String(parts.join(separator)))
            })
        }
        Compiled::Convert(conversion, inner) => {
            let value = eval_borrowed(inner, record)?;
            if value.is_null() || (conversion.empty_is_null() && is_blank(&value)) {
                return Ok(NULL);
            }
            apply_conversion(conversion, &value).map(Cow::Owned)
        }
        Compiled::Lookup {
            value,
            table,
            default,
        } => {
            let value = eval_borrowed(value, record)?;
            let formatted;
            let key = match value.as_ref() {
                Value::Null => return Ok(NULL),
                Value::String(text) => text.as_str(),
                Value::Number(_) | Value::Bool(_) => {
                    formatted = value.to_string();
                    formatted.as_str()
                }
                other => {
                    return Err(format!(
                        "cannot look up {}",
                        crate::canonical::validate::json_type(other)
                    ));
                }
            };
            match table.get(key).or(default.as_ref()) {
                Some(result) => Ok(Cow::Borrowed(result)),
                None => Err(format!(
                    "{} is not in the lookup table and there is no default",
                    crate::canonical::validate::json_type(&value)
                )),
            }
        }
        Compiled::Each(path, children) => eval_each(path, children, record).map(Cow::Owned),
        Compiled::Object(children) => eval_object(children, record).map(Cow::Owned),
    }
}

/// `each`: every element of the array at `path` mapped to an object.
fn eval_each(
    path: &RecordPath,
    children: &[CompiledField],
    record: &Value,
) -> Result<Value, String> {
    match path.get(record) {
        None | Some(Value::Null) => Ok(Value::Null),
        Some(Value::Array(items)) => {
            let mut errors = Vec::new();
            let out = items
                .iter()
                .map(|item| Value::Object(eval_fields(children, item, &mut errors)))
                .collect();
            match errors.first() {
                None => Ok(Value::Array(out)),
                Some(error) => Err(error.to_string()),
            }
        }
        Some(other) => Err(format!(
            "`each` needs an array, found {}",
            crate::canonical::validate::json_type(other)
        )),
    }
}

/// `object`: a nested object built from fields.
fn eval_object(children: &[CompiledField], record: &Value) -> Result<Value, String> {
    let mut errors = Vec::new();
    let out = eval_fields(children, record, &mut errors);
    match errors.first() {
        None => Ok(Value::Object(out)),
        Some(error) => Err(error.to_string()),
    }
}

/// A string with nothing but whitespace.
fn is_blank(value: &Value) -> bool {
    value.as_str().is_some_and(|text| text.trim().is_empty())
}

impl Conversion {
    /// Typed conversions read an empty string as "no data" (APIs often send `""` for a missing
    /// number or date); text conversions keep it.
    fn empty_is_null(&self) -> bool {
        !matches!(
            self,
            Conversion::String | Conversion::Lowercase | Conversion::Uppercase | Conversion::Trim
        )
    }
}

fn apply_conversion(conversion: &Conversion, value: &Value) -> Result<Value, String> {
    let text_op = |f: fn(&str) -> String| match value {
        Value::String(text) => Ok(Value::String(f(text))),
        other => Err(format!(
            "expected a string, found {}",
            crate::canonical::validate::json_type(other)
        )),
    };
    match conversion {
        Conversion::String => convert::to_string(value),
        Conversion::Integer => convert::to_integer(value),
        Conversion::Number => convert::to_number(value),
        Conversion::Decimal => convert::to_decimal(value),
        Conversion::MinorUnits(decimals) => convert::minor_units(value, *decimals),
        Conversion::Boolean => convert::to_boolean(value),
        Conversion::Datetime(format, unix) => convert::to_datetime(value, format.as_deref(), *unix),
        Conversion::Date(format) => convert::to_date(value, format.as_deref()),
        Conversion::Lowercase => text_op(str::to_lowercase),
        Conversion::Uppercase => text_op(str::to_uppercase),
        Conversion::Trim => text_op(|text| text.trim().to_owned()),
    }
}
