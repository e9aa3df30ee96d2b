//! Inlining a schema: `$ref`s replaced by what they point at, `allOf` merged, recursion and size
//! cut off, so the rest of discovery (and the reader of a report) sees one plain JSON Schema.

use serde_json::{Map, Value};

use crate::refs::{ref_of, try_resolve};

/// Nesting depth kept when inlining; deeper schemas become `{"x-truncated": true}`. Records are
/// rarely more than a few levels deep, and mapping only looks three levels down.
const MAX_DEPTH: usize = 8;

/// Schema nodes kept per inlined schema; bounds the report size for huge, highly connected
/// documents.
const MAX_NODES: usize = 4000;

/// Inlines `schema` (a schema or a reference to one) from `root`.
///
/// A reference met again inside itself becomes `{"x-recursive": "<ref>"}`; `allOf` members are
/// merged into one object schema (properties, required, type); Swagger 2.0's
/// `x-nullable` and OpenAPI 3.0's `nullable` are kept as they are.
pub(crate) fn inline(root: &Value, schema: &Value) -> Value {
    let mut inliner = Inliner {
        root,
        stack: Vec::new(),
        nodes: 0,
    };
    inliner.inline(schema, 0)
}

struct Inliner<'a> {
    root: &'a Value,
    /// The references being inlined, outermost first: a reference inside itself is recursion.
    stack: Vec<&'a str>,
    nodes: usize,
}

impl<'a> Inliner<'a> {
    fn inline(&mut self, schema: &'a Value, depth: usize) -> Value {
        self.nodes += 1;
        if depth > MAX_DEPTH || self.nodes > MAX_NODES {
            return serde_json::json!({"x-truncated": true});
        }
        if let Some(target) = ref_of(schema) {
            if self.stack.contains(&target) {
                return serde_json::json!({"x-recursive": target});
            }
            let Some(resolved) = try_resolve(self.root, schema) else {
                return serde_json::json!({"x-unresolved": target});
            };
            self.stack.push(target);
            let inlined = self.inline(resolved, depth);
            self.stack.pop();
            return inlined;
        }
        let Value::Object(object) = schema else {
            return schema.clone();
        };
        let mut out = Map::new();
        for (key, value) in object {
            match key.as_str() {
                "allOf" => continue,
                "properties" | "patternProperties" | "definitions" | "$defs" => {
                    let Value::Object(members) = value else {
                        continue;
                    };
                    let members = members
                        .iter()
                        .map(|(name, member)| (name.clone(), self.inline(member, depth + 1)))
                        .collect();
                    out.insert(key.clone(), Value::Object(members));
                }
                "items" | "additionalProperties" | "not" => {
                    out.insert(key.clone(), self.inline(value, depth + 1));
                }
                "oneOf" | "anyOf" | "prefixItems" => {
                    let Value::Array(members) = value else {
                        continue;
                    };
                    let members = members
                        .iter()
                        .map(|member| self.inline(member, depth + 1))
                        .collect();
                    out.insert(key.clone(), Value::Array(members));
                }
                // Examples can be large and say nothing about the shape.
                "example" | "examples" if value.to_string().len() > 512 => {}
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        if let Some(Value::Array(members)) = object.get("allOf") {
            for member in members {
                let member = self.inline(member, depth);
                merge(&mut out, member);
            }
        }
        Value::Object(out)
    }
}

/// Merges an `allOf` member into the schema being built: properties and required lists are
/// united, other keywords kept where the schema has none.
fn merge(into: &mut Map<String, Value>, member: Value) {
    let Value::Object(member) = member else {
        return;
    };
    for (key, value) in member {
        match (key.as_str(), into.get_mut(&key), value) {
            ("properties", Some(Value::Object(existing)), Value::Object(more)) => {
                for (name, schema) in more {
                    existing.entry(name).or_insert(schema);
                }
            }
            ("required", Some(Value::Array(existing)), Value::Array(more)) => {
                for name in more {
                    if !existing.contains(&name) {
                        existing.push(name);
                    }
                }
            }
            (_, Some(_), _) => {}
            (_, None, value) => {
                into.insert(key, value);
            }
        }
    }
}

/// The JSON types a schema allows, from `type` (a string or an array), with `object` implied by
/// `properties` and `array` by `items`.
pub(crate) fn types(schema: &Value) -> Vec<&str> {
    let mut types: Vec<&str> = match schema.get("type") {
        Some(Value::String(name)) => vec![name.as_str()],
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if types.is_empty() {
        if schema.get("properties").is_some() {
            types.push("object");
        } else if schema.get("items").is_some() {
            types.push("array");
        }
    }
    types
}

/// Whether a schema allows `type`.
pub(crate) fn is(schema: &Value, r#type: &str) -> bool {
    types(schema).contains(&r#type)
}

/// The properties of an object schema, including those of every `oneOf`/`anyOf` branch (a
/// record may be any of them), in order, first occurrence wins.
pub(crate) fn properties(schema: &Value) -> Vec<(&str, &Value)> {
    let mut sources = vec![schema];
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = schema.get(key) {
            sources.extend(branches);
        }
    }
    let mut out: Vec<(&str, &Value)> = Vec::new();
    for source in sources {
        if let Some(Value::Object(members)) = source.get("properties") {
            for (name, member) in members {
                if !out.iter().any(|(seen, _)| *seen == name.as_str()) {
                    out.push((name.as_str(), member));
                }
            }
        }
    }
    out
}

/// Every property path of an object schema down to `depth` levels, not through arrays, as
/// `(["attributes", "sku"], schema)`.
pub(crate) fn property_paths(schema: &Value, depth: usize) -> Vec<(Vec<&str>, &Value)> {
    let mut out = Vec::new();
    walk(schema, depth, &mut Vec::new(), &mut out);
    out
}

fn walk<'a>(
    schema: &'a Value,
    depth: usize,
    prefix: &mut Vec<&'a str>,
    out: &mut Vec<(Vec<&'a str>, &'a Value)>,
) {
    if depth == 0 {
        return;
    }
    for (name, member) in properties(schema) {
        prefix.push(name);
        out.push((prefix.clone(), member));
        if is(member, "object") {
            walk(member, depth - 1, prefix, out);
        }
        prefix.pop();
    }
}

/// A definition JSONPath for a property path, e.g. `$.attributes.sku` or `$['odd name']`.
pub(crate) fn json_path(path: &[&str]) -> String {
    let mut out = String::from("$");
    for step in path {
        let plain = !step.is_empty()
            && step.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !step.starts_with(|c: char| c.is_ascii_digit());
        if plain {
            out.push('.');
            out.push_str(step);
        } else {
            out.push_str("['");
            out.push_str(&step.replace('\\', "\\\\").replace('\'', "\\'"));
            out.push_str("']");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn refs_all_of_and_recursion() {
        let root = json!({"components": {"schemas": {
            "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            "Node": {"allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}}
            ]}
        }}});
        let inlined = inline(&root, &json!({"$ref": "#/components/schemas/Node"}));
        assert_eq!(inlined["type"], "object");
        assert_eq!(inlined["required"], json!(["id"]));
        assert_eq!(inlined["properties"]["id"]["type"], "string");
        assert_eq!(
            inlined["properties"]["children"]["items"],
            json!({"x-recursive": "#/components/schemas/Node"})
        );
    }

    #[test]
    fn paths_are_flattened_and_quoted() {
        let schema = json!({"properties": {
            "id": {"type": "string"},
            "attributes": {"type": "object", "properties": {"sku": {"type": "string"}}},
            "tags": {"type": "array", "items": {"properties": {"name": {"type": "string"}}}}
        }});
        let paths: Vec<String> = property_paths(&schema, 3)
            .into_iter()
            .map(|(path, _)| json_path(&path))
            .collect();
        assert_eq!(
            paths,
            ["$.id", "$.attributes", "$.attributes.sku", "$.tags"]
        );
        assert_eq!(json_path(&["filter[name]"]), "$['filter[name]']");
    }
}
