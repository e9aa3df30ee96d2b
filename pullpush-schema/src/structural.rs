//! Structural validation: the definition against its JSON Schema, every error at once, each turned
//! into a diagnostic that names the field and suggests the fix.
//!
//! The schema has unions (auth and pagination kinds tagged by `type`, mapping operations tagged by
//! their key, paths written as plain strings). A raw validator says "not valid under any of the
//! schemas" for a typo inside one of them; here the branch the author meant is found from the
//! errors themselves (the branch whose tag matched), and only its errors are reported.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use pullpush_core::{Diagnostic, did_you_mean, push_pointer};
use serde_json::Value;

/// Validates `instance` against the compiled connector schema.
pub(crate) fn check(validator: &Validator, schema: &Value, instance: &Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for error in validator.iter_errors(instance) {
        explain(&error, schema, instance, &mut out);
    }
    out.sort_by(|a, b| a.pointer.cmp(&b.pointer).then(a.code.cmp(&b.code)));
    out.dedup();
    out
}

fn explain(error: &ValidationError, schema: &Value, instance: &Value, out: &mut Vec<Diagnostic>) {
    let at = error.instance_path().as_str().to_owned();
    let value = instance.pointer(&at).unwrap_or(&Value::Null);
    match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            explain_union(context, &at, value, schema, instance, error, out)
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed = allowed_properties(schema, error.evaluation_path().as_str());
            for name in unexpected {
                let hint = match did_you_mean(name, allowed.iter().map(String::as_str)) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None if allowed.is_empty() => "remove it".to_owned(),
                    None => format!("allowed here: {}", allowed.join(", ")),
                };
                out.push(
                    Diagnostic::error(
                        "unknown-field",
                        push_pointer(&at, name),
                        format!("unknown field `{name}`"),
                    )
                    .with_hint(hint),
                );
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            out.push(
                Diagnostic::error(
                    "missing-field",
                    at,
                    format!("missing required field `{name}`"),
                )
                .with_hint(format!("add `\"{name}\": ...`; see docs/definition.md")),
            );
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(ty) => ty.to_string(),
                TypeKind::Multiple(types) => types
                    .into_iter()
                    .map(|ty| ty.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            out.push(Diagnostic::error(
                "wrong-type",
                at,
                format!("expected {expected}, found {}", describe(value)),
            ));
        }
        ValidationErrorKind::Enum { options } => out.push(invalid_choice(
            &at,
            value,
            options.as_array().map(Vec::as_slice).unwrap_or_default(),
        )),
        ValidationErrorKind::Constant { expected_value } => out.push(invalid_choice(
            &at,
            value,
            std::slice::from_ref(expected_value.as_ref()),
        )),
        _ => out.push(Diagnostic::error(
            "invalid-value",
            at,
            error.masked().to_string(),
        )),
    }
}

/// A union failed: find the branch the author meant and explain only its errors.
fn explain_union(
    branches: &[Vec<ValidationError<'static>>],
    at: &str,
    value: &Value,
    schema: &Value,
    instance: &Value,
    error: &ValidationError,
    out: &mut Vec<Diagnostic>,
) {
    let meant: Vec<&Vec<ValidationError>> = branches
        .iter()
        .filter(|errors| !errors.iter().any(|e| rejects_branch(e, at)))
        .collect();
    if let [branch] = meant.as_slice() {
        for inner in branch.iter() {
            explain(inner, schema, instance, out);
        }
        return;
    }
    if meant.len() > 1 {
        // Several branches fit the shape; the one with the fewest complaints is the likeliest.
        if let Some(branch) = meant.iter().min_by_key(|errors| errors.len()) {
            for inner in branch.iter() {
                explain(inner, schema, instance, out);
            }
            return;
        }
    }
    // A choice among constants (e.g. HTTP methods documented one by one): list them.
    let choices: Vec<Value> = branches
        .iter()
        .flatten()
        .filter(|e| e.instance_path().as_str() == at)
        .flat_map(|e| match e.kind() {
            ValidationErrorKind::Constant { expected_value } => {
                vec![expected_value.as_ref().clone()]
            }
            ValidationErrorKind::Enum { options } => {
                options.as_array().cloned().unwrap_or_default()
            }
            _ => vec![],
        })
        .collect();
    if !choices.is_empty() && !value.is_object() {
        out.push(invalid_choice(at, value, &choices));
        return;
    }
    // No branch matched its tag: say which tags exist.
    let tag_at = push_pointer(at, "type");
    let tags: Vec<Value> = branches
        .iter()
        .flatten()
        .filter_map(|e| match e.kind() {
            ValidationErrorKind::Constant { expected_value }
                if e.instance_path().as_str() == tag_at =>
            {
                Some(expected_value.as_ref().clone())
            }
            _ => None,
        })
        .collect();
    if let (Some(tag), false) = (value.get("type"), tags.is_empty()) {
        out.push(invalid_choice(&tag_at, tag, &tags));
        return;
    }
    let keys: Vec<String> = branches
        .iter()
        .flatten()
        .filter_map(|e| match e.kind() {
            ValidationErrorKind::Required { property } if e.instance_path().as_str() == at => {
                property.as_str().map(str::to_owned)
            }
            _ => None,
        })
        .collect();
    let unknown = match value {
        Value::Object(object) if !keys.is_empty() => object.keys().find(|key| !keys.contains(key)),
        _ => None,
    };
    if let Some(unknown) = unknown {
        let hint = match did_you_mean(unknown, keys.iter().map(String::as_str)) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("expected one of: {}", keys.join(", ")),
        };
        out.push(
            Diagnostic::error(
                "unknown-field",
                push_pointer(at, unknown),
                format!("unknown operation `{unknown}`"),
            )
            .with_hint(hint),
        );
        return;
    }
    out.push(Diagnostic::error(
        "invalid-value",
        at,
        error.masked().to_string(),
    ));
}

/// Whether an error inside a union branch shows that the branch is not the one meant: the value
/// has another type, another tag, or lacks the branch's tag key.
fn rejects_branch(error: &ValidationError, union_at: &str) -> bool {
    let at = error.instance_path().as_str();
    match error.kind() {
        ValidationErrorKind::Type { .. } | ValidationErrorKind::Required { .. } => at == union_at,
        ValidationErrorKind::Constant { .. } | ValidationErrorKind::Enum { .. } => {
            at == union_at || at == push_pointer(union_at, "type")
        }
        _ => false,
    }
}

fn invalid_choice(at: &str, value: &Value, allowed: &[Value]) -> Diagnostic {
    let names: Vec<String> = allowed
        .iter()
        .map(|option| {
            option
                .as_str()
                .map_or_else(|| option.to_string(), str::to_owned)
        })
        .collect();
    let hint = value
        .as_str()
        .and_then(|text| did_you_mean(text, names.iter().map(String::as_str)))
        .map(|close| format!("did you mean `{close}`?"))
        .unwrap_or_else(|| format!("expected one of: {}", names.join(", ")));
    Diagnostic::error(
        "invalid-value",
        at,
        format!("{} is not allowed here", describe(value)),
    )
    .with_hint(hint)
}

/// A short description of a value for messages; long strings are cut so a pasted secret is not
/// echoed whole.
fn describe(value: &Value) -> String {
    match value {
        Value::String(text) if text.chars().count() > 24 => {
            format!(
                "the string \"{}…\"",
                text.chars().take(12).collect::<String>()
            )
        }
        Value::String(text) => format!("the string \"{text}\""),
        Value::Number(number) => format!("the number {number}"),
        Value::Bool(flag) => format!("the boolean {flag}"),
        Value::Null => "null".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// The property names allowed where an `additionalProperties` error arose, found by walking the
/// error's evaluation path through the schema (following `$ref`s).
fn allowed_properties(schema: &Value, evaluation_path: &str) -> Vec<String> {
    let Some(tokens) = pullpush_core::pointer_tokens(evaluation_path) else {
        return Vec::new();
    };
    let mut node = schema;
    // The last token is `additionalProperties`; its parent schema lists the properties.
    for token in &tokens[..tokens.len().saturating_sub(1)] {
        if token == "$ref" {
            let Some(target) = node
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
            else {
                return Vec::new();
            };
            match schema.pointer(target) {
                Some(resolved) => node = resolved,
                None => return Vec::new(),
            }
            continue;
        }
        let next = match node {
            Value::Object(object) => object.get(token),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(next) => node = next,
            None => return Vec::new(),
        }
    }
    node.get("properties")
        .and_then(Value::as_object)
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default()
}
