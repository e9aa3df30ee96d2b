//! Local `$ref`s: checked once when a document is read, then followed without failing.
//!
//! Documents are not inlined: recursive schemas (a category with sub-categories) are legitimate
//! and would never end. Instead every `$ref` is checked up front — it must be local, point at
//! something, and not be one link of a circle of references that never reaches a value — and
//! later walks follow references lazily, bounding their own depth.

use std::borrow::Cow;

use serde_json::Value;

use crate::DiscoverError;

/// How many `$ref` hops a chain may take before it counts as a cycle.
const MAX_HOPS: usize = 64;

/// Checks every `$ref` of the document: local, resolvable, and not part of a pure cycle. Returns
/// every problem, in document order; a document with problems is still usable (real vendor
/// documents have the odd dangling reference), the broken references read as "any value".
pub(crate) fn check_refs(root: &Value) -> Vec<DiscoverError> {
    let mut problems = Vec::new();
    let mut stack: Vec<(&Value, String)> = vec![(root, String::new())];
    while let Some((value, pointer)) = stack.pop() {
        match value {
            Value::Object(object) => {
                if let Some(Value::String(target)) = object.get("$ref")
                    && let Err(problem) = follow(root, target, &pointer)
                {
                    problems.push(problem);
                }
                for (key, child) in object {
                    if is_literal(key, child) {
                        continue;
                    }
                    if child.is_object() || child.is_array() {
                        stack.push((child, pullpush_core::push_pointer(&pointer, key)));
                    }
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    if child.is_object() || child.is_array() {
                        stack.push((child, format!("{pointer}/{index}")));
                    }
                }
            }
            _ => {}
        }
    }
    // The walk is depth-first from the end; report in document order.
    problems.reverse();
    problems
}

/// Whether a member holds literal data rather than document structure: examples, defaults,
/// enums and extensions may contain objects with a `$ref` key that is just data (Square's
/// examples do).
fn is_literal(key: &str, value: &Value) -> bool {
    matches!(key, "example" | "default" | "enum" | "const")
        || key.starts_with("x-")
        // OpenAPI 3.1 schemas' `examples` is an array of values; elsewhere `examples` is a map of
        // Example Objects, which may be references.
        || (key == "examples" && value.is_array())
}

/// Follows a reference (and the references it leads to) to a value.
fn follow<'a>(root: &'a Value, target: &str, pointer: &str) -> Result<&'a Value, DiscoverError> {
    let mut chain = vec![target.to_owned()];
    let mut current = lookup(root, target, pointer)?;
    while let Some(Value::String(next)) = current.get("$ref") {
        if chain.iter().any(|seen| seen == next) || chain.len() >= MAX_HOPS {
            chain.push(next.clone());
            return Err(DiscoverError::RefCycle {
                pointer: display_pointer(pointer),
                chain,
            });
        }
        chain.push(next.clone());
        current = lookup(root, next, pointer)?;
    }
    Ok(current)
}

fn lookup<'a>(root: &'a Value, target: &str, pointer: &str) -> Result<&'a Value, DiscoverError> {
    let Some(fragment) = target.strip_prefix('#') else {
        return Err(DiscoverError::Malformed {
            pointer: display_pointer(pointer),
            message: format!(
                "$ref {target:?} points outside the document, which is not supported; bundle the description into one file first (e.g. `redocly bundle`)"
            ),
        });
    };
    let decoded: Cow<str> = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
    root.pointer(&decoded)
        .ok_or_else(|| DiscoverError::DanglingRef {
            target: target.to_owned(),
            pointer: display_pointer(pointer),
        })
}

/// Resolves `value` if it is a reference, following chains; anything else is returned as is.
///
/// A reference that does not resolve (dangling, external, or a cycle; [`check_refs`] reported
/// it) yields the schema `true`, "any value", rather than an error at every use.
pub(crate) fn resolve<'a>(root: &'a Value, value: &'a Value) -> &'a Value {
    try_resolve(root, value).unwrap_or(&ANY)
}

/// The schema that allows anything, standing in for what a broken reference pointed at.
static ANY: Value = Value::Bool(true);

/// Resolves `value` if it is a reference; `None` when the reference is broken.
pub(crate) fn try_resolve<'a>(root: &'a Value, mut value: &'a Value) -> Option<&'a Value> {
    for _ in 0..MAX_HOPS {
        let Some(Value::String(target)) = value.get("$ref") else {
            return Some(value);
        };
        value = lookup(root, target, "").ok()?;
    }
    None
}

/// The reference a value is, if it is one, e.g. `#/components/schemas/Pet`.
pub(crate) fn ref_of(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

fn display_pointer(pointer: &str) -> String {
    if pointer.is_empty() {
        "/".to_owned()
    } else {
        pointer.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn chains_resolve_and_recursion_is_fine() {
        let doc = json!({
            "components": {"schemas": {
                "A": {"$ref": "#/components/schemas/B"},
                "B": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/B"}}}}
            }},
            "paths": {"/x": {"get": {"schema": {"$ref": "#/components/schemas/A"}}}}
        });
        assert!(check_refs(&doc).is_empty());
        let resolved = resolve(&doc, &doc["paths"]["/x"]["get"]["schema"]);
        assert_eq!(resolved["type"], "object");
    }

    #[test]
    fn dangling_refs_name_target_and_place() {
        let doc = json!({"paths": {"/a/{id}": {"get": {"schema": {"$ref": "#/components/schemas/Nope"}}}}});
        let problems = check_refs(&doc);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            resolve(&doc, &doc["paths"]["/a/{id}"]["get"]["schema"]),
            &json!(true)
        );
        assert_eq!(
            problems[0].to_string(),
            "dangling $ref \"#/components/schemas/Nope\" at /paths/~1a~1{id}/get/schema: nothing in the document is at that location"
        );
    }

    #[test]
    fn pure_cycles_are_reported() {
        let doc = json!({"definitions": {
            "A": {"$ref": "#/definitions/B"},
            "B": {"$ref": "#/definitions/A"}
        }});
        let problems = check_refs(&doc);
        assert_eq!(problems.len(), 2, "both links of the circle: {problems:?}");
        assert!(matches!(problems[0], DiscoverError::RefCycle { .. }));
        let message = problems[0].to_string();
        assert!(
            message.contains("#/definitions/B -> #/definitions/A"),
            "{message}"
        );
        let self_ref = json!({"definitions": {"A": {"$ref": "#/definitions/A"}}});
        assert!(matches!(
            check_refs(&self_ref)[..],
            [DiscoverError::RefCycle { .. }]
        ));
        assert_eq!(
            resolve(&self_ref, &self_ref["definitions"]["A"]),
            &json!(true)
        );
    }

    #[test]
    fn refs_inside_examples_are_data() {
        let doc = json!({"components": {"schemas": {"A": {
            "example": {"schema": {"$ref": "https://elsewhere.example/x.json"}},
            "x-meta": {"$ref": "nowhere"}
        }}}});
        assert!(check_refs(&doc).is_empty());
    }

    #[test]
    fn external_refs_are_refused_with_advice() {
        let doc = json!({"paths": {"schema": {"$ref": "common.yaml#/Pet"}}});
        let error = check_refs(&doc)[0].to_string();
        assert!(error.contains("outside the document"), "{error}");
    }

    #[test]
    fn percent_encoded_pointers_resolve() {
        let doc =
            json!({"paths": {"/pets/{id}": {"x": 1}}, "r": {"$ref": "#/paths/~1pets~1%7Bid%7D"}});
        assert!(check_refs(&doc).is_empty());
        assert_eq!(resolve(&doc, &doc["r"])["x"], 1);
    }
}
