//! The native side of a mapping: a record's JSON Schema flattened into addressable fields, each
//! with what the schema documents about it (types, format, enum values, description, examples).
//!
//! Schemas from real documents are rarely a flat `properties` list: `allOf` merges parts,
//! `oneOf`/`anyOf` offer variants whose fields may all appear, types come as `["string", "null"]`
//! or with `nullable`, and useful fields sit inside JSON:API `attributes`. All of that is read
//! here, so scoring only ever sees plain fields.

use indexmap::IndexMap;
use serde_json::Value;

/// How deep (in meaningful segments) fields are collected: `$.customer.address.city` at most.
const MAX_DEPTH: usize = 3;
/// Bound on all segments, wrappers included, so a recursive schema cannot run away.
const MAX_SEGMENTS: usize = 6;
/// Bound on nested `$ref`/`allOf`/`oneOf`/`anyOf` while reading one schema.
const MAX_COMPOSITION_DEPTH: usize = 12;

/// Object names that only group a record's fields (JSON:API `attributes`, `relationships` and
/// `data`, HubSpot `properties`, Jira `fields`). They neither make a field deeper nor change what
/// it means: `attributes.sku` is the record's SKU.
const WRAPPERS: &[&str] = &[
    "attributes",
    "relationships",
    "data",
    "properties",
    "fields",
];

/// The JSON type a field mostly has, chosen from everything its schema allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum JsonType {
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array,
    /// The schema does not say.
    Unknown,
}

impl JsonType {
    /// The name used in reasons.
    pub(super) fn name(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Integer => "integer",
            JsonType::Number => "number",
            JsonType::Boolean => "boolean",
            JsonType::Object => "object",
            JsonType::Array => "array",
            JsonType::Unknown => "untyped",
        }
    }

    /// Whether a value of this type can fill a scalar canonical field at all.
    pub(super) fn is_scalar(self) -> bool {
        !matches!(self, JsonType::Object | JsonType::Array)
    }
}

/// What a schema documents about one value, merged over its `$ref`s and compositions.
#[derive(Debug, Clone, Default)]
pub(super) struct Facts<'a> {
    types: Vec<&'a str>,
    /// The first `format` found, e.g. `date-time`.
    pub(super) format: Option<&'a str>,
    /// Documented values (`enum`, `const`), nulls left out, in document order.
    pub(super) values: Vec<&'a Value>,
    /// The first non-empty `description` (or `title`).
    pub(super) description: Option<&'a str>,
    /// `example`, `examples` and `x-example` values.
    pub(super) examples: Vec<&'a Value>,
    /// The first `pattern`.
    pub(super) pattern: Option<&'a str>,
    /// Xero's `x-is-msdate`/`x-is-msdate-time`: the value is a Microsoft JSON date.
    pub(super) ms_date: bool,
    /// Properties, merged in document order (the first schema naming one wins).
    properties: IndexMap<&'a str, &'a Value>,
    /// The schema of array elements.
    pub(super) items: Option<&'a Value>,
    /// A recursion cut-off (`x-recursive`): an object whose fields are not known here.
    opaque: bool,
}

impl Facts<'_> {
    /// The type a value mostly has. Unions prefer the most general scalar (a string can hold
    /// numbers and dates), since the conversions parse strings.
    pub(super) fn json_type(&self) -> JsonType {
        let has = |name: &str| self.types.contains(&name);
        if has("string") {
            JsonType::String
        } else if has("number") {
            JsonType::Number
        } else if has("integer") {
            JsonType::Integer
        } else if has("boolean") {
            JsonType::Boolean
        } else if has("object") || self.opaque || !self.properties.is_empty() {
            JsonType::Object
        } else if has("array") || self.items.is_some() {
            JsonType::Array
        } else if let Some(value) = self.values.first() {
            match value {
                Value::String(_) => JsonType::String,
                Value::Number(number) if number.is_f64() => JsonType::Number,
                Value::Number(_) => JsonType::Integer,
                Value::Bool(_) => JsonType::Boolean,
                _ => JsonType::Unknown,
            }
        } else if self.format.is_some() {
            JsonType::String
        } else {
            JsonType::Unknown
        }
    }
}

/// One field of the native record.
#[derive(Debug, Clone)]
pub(super) struct NativeField<'a> {
    /// The singular JSONPath of the field, e.g. `$.attributes.sku`.
    pub(super) path: String,
    /// Every property name from the record down to the field.
    pub(super) segments: Vec<&'a str>,
    /// The names that carry meaning: `segments` without wrappers such as `attributes`.
    pub(super) meaningful: Vec<&'a str>,
    /// What the schema says about it.
    pub(super) facts: Facts<'a>,
    /// Its type.
    pub(super) ty: JsonType,
    /// The names it answers to, prepared for matching.
    pub(super) names: super::names::NativeNames,
}

impl<'a> NativeField<'a> {
    /// The field's own name.
    pub(super) fn name(&self) -> &'a str {
        self.segments.last().copied().unwrap_or_default()
    }

    /// The name of the object holding it, ignoring wrappers, e.g. `total_money` for
    /// `$.total_money.amount`.
    pub(super) fn parent(&self) -> Option<&'a str> {
        let count = self.meaningful.len();
        (count >= 2).then(|| self.meaningful[count - 2])
    }

    /// How deep it sits, counting meaningful segments: 1 for a top-level field.
    pub(super) fn depth(&self) -> usize {
        self.meaningful.len().max(1)
    }

    /// The path without `$.`, for reasons: `attributes.sku`.
    pub(super) fn display(&self) -> String {
        self.segments.join(".")
    }

    /// Whether `self` lies inside `container` (an object field).
    pub(super) fn is_inside(&self, container: &NativeField<'_>) -> bool {
        self.segments.len() > container.segments.len()
            && self.segments[..container.segments.len()] == container.segments[..]
    }
}

/// The fields of the record described by `schema`, in document order (depth first), read up to
/// three meaningful levels deep and never into arrays. `root` is the document `$ref`s resolve
/// against. A schema of an array of records is read as the schema of its elements.
pub(super) fn flatten<'a>(root: &'a Value, schema: &'a Value) -> Vec<NativeField<'a>> {
    flatten_to(root, schema, MAX_DEPTH)
}

/// Like [`flatten`], with its own depth bound (array elements use a shallower one).
pub(super) fn flatten_to<'a>(
    root: &'a Value,
    schema: &'a Value,
    max_depth: usize,
) -> Vec<NativeField<'a>> {
    let reader = Reader { root };
    let mut facts = reader.facts(schema);
    if facts.properties.is_empty()
        && let Some(items) = facts.items
    {
        facts = reader.facts(items);
    }
    let mut out = Vec::new();
    reader.walk(&facts.properties, &[], &[], max_depth, &mut out);
    out
}

/// Reads schemas of one document, following its local `$ref`s.
struct Reader<'a> {
    root: &'a Value,
}

impl<'a> Reader<'a> {
    fn facts(&self, schema: &'a Value) -> Facts<'a> {
        let mut facts = Facts::default();
        self.collect(schema, &mut facts, 0);
        facts
    }

    /// Merges what `schema` documents into `facts`: its own keywords first, then what its
    /// `$ref` and compositions add.
    fn collect(&self, schema: &'a Value, facts: &mut Facts<'a>, depth: usize) {
        let Some(object) = schema.as_object() else {
            return;
        };
        if depth > MAX_COMPOSITION_DEPTH {
            return;
        }
        if object.contains_key("x-recursive") {
            facts.opaque = true;
        }
        match object.get("type") {
            Some(Value::String(name)) => facts.types.push(name),
            Some(Value::Array(names)) => facts.types.extend(names.iter().filter_map(Value::as_str)),
            _ => {}
        }
        if facts.format.is_none() {
            facts.format = object.get("format").and_then(Value::as_str);
        }
        if facts.pattern.is_none() {
            facts.pattern = object.get("pattern").and_then(Value::as_str);
        }
        if let Some(Value::Array(values)) = object.get("enum") {
            facts
                .values
                .extend(values.iter().filter(|value| !value.is_null()));
        }
        if let Some(value) = object.get("const").filter(|value| !value.is_null()) {
            facts.values.push(value);
        }
        if facts.description.is_none() {
            facts.description = ["description", "title"]
                .iter()
                .filter_map(|key| object.get(*key).and_then(Value::as_str))
                .find(|text| !text.trim().is_empty());
        }
        for key in ["example", "x-example"] {
            facts.examples.extend(object.get(key));
        }
        if let Some(Value::Array(examples)) = object.get("examples") {
            facts.examples.extend(examples);
        }
        facts.ms_date |= ["x-is-msdate", "x-is-msdate-time"]
            .iter()
            .any(|key| object.get(*key) == Some(&Value::Bool(true)));
        if let Some(Value::Object(properties)) = object.get("properties") {
            for (name, property) in properties {
                facts.properties.entry(name.as_str()).or_insert(property);
            }
        }
        if facts.items.is_none() {
            facts.items = match object.get("items") {
                Some(Value::Array(items)) => items.first(),
                other => other,
            };
        }
        if let Some(target) = object
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|reference| reference.strip_prefix('#'))
            .and_then(|pointer| self.root.pointer(pointer))
        {
            self.collect(target, facts, depth + 1);
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(Value::Array(parts)) = object.get(key) {
                for part in parts {
                    self.collect(part, facts, depth + 1);
                }
            }
        }
    }

    fn walk(
        &self,
        properties: &IndexMap<&'a str, &'a Value>,
        segments: &[&'a str],
        meaningful: &[&'a str],
        max_depth: usize,
        out: &mut Vec<NativeField<'a>>,
    ) {
        for (&name, &schema) in properties {
            let mut segments = segments.to_vec();
            segments.push(name);
            let Some(path) = path_of(&segments) else {
                continue;
            };
            let mut meaningful = meaningful.to_vec();
            meaningful.push(name);
            let facts = self.facts(schema);
            let ty = facts.json_type();
            let children = (ty == JsonType::Object && segments.len() < MAX_SEGMENTS)
                .then(|| facts.properties.clone());
            let parent = (meaningful.len() >= 2).then(|| meaningful[meaningful.len() - 2]);
            out.push(NativeField {
                path,
                names: super::names::NativeNames::new(name, parent),
                segments: segments.clone(),
                meaningful: meaningful.clone(),
                facts,
                ty,
            });
            if let Some(children) = children {
                if WRAPPERS.contains(&name.to_ascii_lowercase().as_str()) {
                    meaningful.pop();
                }
                if meaningful.len() < max_depth {
                    self.walk(&children, &segments, &meaningful, max_depth, out);
                }
            }
        }
    }
}

/// The singular JSONPath of a chain of property names: `.name` for plain names, bracketed
/// otherwise; `None` for a name no path can spell (it holds both quote kinds or a `]`).
fn path_of(segments: &[&str]) -> Option<String> {
    let mut path = String::from("$");
    for segment in segments {
        let plain = !segment.is_empty()
            && segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if plain {
            path.push('.');
            path.push_str(segment);
        } else if segment.contains(']') {
            return None;
        } else if !segment.contains('\'') {
            path.push_str(&format!("['{segment}']"));
        } else if !segment.contains('"') {
            path.push_str(&format!("[\"{segment}\"]"));
        } else {
            return None;
        }
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn paths(schema: &Value) -> Vec<String> {
        flatten(schema, schema)
            .into_iter()
            .map(|field| field.path)
            .collect()
    }

    #[test]
    fn merges_compositions_and_reads_inside_wrappers() {
        let schema = json!({
            "allOf": [
                {"properties": {"id": {"type": "string"}}},
                {"properties": {"attributes": {"type": "object", "properties": {
                    "sku": {"type": ["string", "null"]},
                    "odd name": {"type": "string"}
                }}}}
            ],
            "anyOf": [{"properties": {"extra": {"$ref": "#/$defs/Extra"}}}],
            "$defs": {"Extra": {"type": "integer", "nullable": true}}
        });
        assert_eq!(
            paths(&schema),
            [
                "$.id",
                "$.attributes",
                "$.attributes.sku",
                "$.attributes['odd name']",
                "$.extra"
            ]
        );
        let fields = flatten(&schema, &schema);
        assert_eq!(fields[2].ty, JsonType::String);
        assert_eq!(fields[2].depth(), 1, "wrappers do not count");
        assert_eq!(fields[4].ty, JsonType::Integer);
    }

    #[test]
    fn stops_at_arrays_depth_and_recursion_markers() {
        let schema = json!({"type": "array", "items": {"properties": {
            "lines": {"type": "array", "items": {"properties": {"sku": {"type": "string"}}}},
            "a": {"properties": {"b": {"properties": {"c": {"properties": {"d": {"type": "string"}}}}}}},
            "parent": {"x-recursive": "#/components/schemas/Node"}
        }}});
        assert_eq!(
            paths(&schema),
            ["$.lines", "$.a", "$.a.b", "$.a.b.c", "$.parent"]
        );
        let fields = flatten(&schema, &schema);
        assert_eq!(fields[4].ty, JsonType::Object);
    }

    #[test]
    fn survives_reference_cycles() {
        let schema = json!({"$ref": "#/$defs/Node", "$defs": {"Node": {
            "$ref": "#/$defs/Node",
            "properties": {"child": {"$ref": "#/$defs/Node"}, "name": {"type": "string"}}
        }}});
        let found = paths(&schema);
        assert!(
            found.contains(&"$.child.child.name".to_owned()),
            "{found:?}"
        );
    }
}
