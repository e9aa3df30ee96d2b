//! Inferring a JSON Schema from sample records: what a test run reports about an API's raw
//! records, and what discovery builds mappings from when an API has no documentation.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use serde_json::{Map, Value, json};

/// A JSON Schema learned from the records observed so far, merged across pages.
#[derive(Debug, Clone, Default)]
pub struct SchemaInference {
    root: Shape,
}

/// What has been seen at one place of the records.
#[derive(Debug, Clone, Default)]
struct Shape {
    /// How many values were seen here.
    seen: u64,
    types: BTreeSet<&'static str>,
    /// Object members, with how many objects had each (non-null).
    properties: IndexMap<String, (Shape, u64)>,
    objects: u64,
    items: Option<Box<Shape>>,
    /// String formats every string here matched so far (`None` before the first string).
    formats: Option<BTreeSet<&'static str>>,
    /// A few distinct string values, to suggest enums (dropped once there are too many).
    values: Option<BTreeSet<String>>,
}

/// Distinct values kept per string field to suggest an enum.
const ENUM_LIMIT: usize = 12;

impl SchemaInference {
    /// An empty inference.
    pub fn new() -> Self {
        SchemaInference::default()
    }

    /// Takes one record into account.
    pub fn observe(&mut self, record: &Value) {
        self.root.observe(record);
    }

    /// How many records were observed.
    pub fn records(&self) -> u64 {
        self.root.seen
    }

    /// The schema (draft 2020-12): types seen, properties present in every object listed as
    /// required, formats every value matched, and `examples` of the distinct values of
    /// low-cardinality strings (enum candidates).
    pub fn schema(&self) -> Value {
        let mut schema = self.root.schema();
        if let Value::Object(object) = &mut schema {
            object.insert(
                "$schema".into(),
                json!("https://json-schema.org/draft/2020-12/schema"),
            );
        }
        schema
    }
}

impl Shape {
    fn observe(&mut self, value: &Value) {
        self.seen += 1;
        match value {
            Value::Null => {
                self.types.insert("null");
            }
            Value::Bool(_) => {
                self.types.insert("boolean");
            }
            Value::Number(number) => {
                self.types
                    .insert(if number.is_f64() { "number" } else { "integer" });
            }
            Value::String(text) => {
                self.types.insert("string");
                let matched = formats_of(text);
                self.formats = Some(match self.formats.take() {
                    None => matched,
                    Some(previous) => previous.intersection(&matched).copied().collect(),
                });
                if self.seen <= 1 || self.values.is_some() {
                    let values = self.values.get_or_insert_with(BTreeSet::new);
                    values.insert(text.chars().take(64).collect());
                    if values.len() > ENUM_LIMIT {
                        self.values = None;
                    }
                }
            }
            Value::Array(items) => {
                self.types.insert("array");
                let shape = self.items.get_or_insert_with(Default::default);
                for item in items {
                    shape.observe(item);
                }
            }
            Value::Object(object) => {
                self.types.insert("object");
                self.objects += 1;
                for (name, member) in object {
                    let (shape, present) = self
                        .properties
                        .entry(name.clone())
                        .or_insert_with(|| (Shape::default(), 0));
                    shape.observe(member);
                    if !member.is_null() {
                        *present += 1;
                    }
                }
            }
        }
    }

    fn schema(&self) -> Value {
        let mut schema = Map::new();
        // `integer` is a `number`: when both were seen, say `number`.
        let mut types: Vec<&str> = self.types.iter().copied().collect();
        if types.contains(&"integer") && types.contains(&"number") {
            types.retain(|ty| *ty != "integer");
        }
        match types.as_slice() {
            [] => {}
            [single] => {
                schema.insert("type".into(), json!(single));
            }
            several => {
                schema.insert("type".into(), json!(several));
            }
        }
        if let Some(format) = self
            .formats
            .as_ref()
            .and_then(|formats| formats.iter().next())
        {
            schema.insert("format".into(), json!(format));
        }
        if let Some(values) = &self.values
            && self.formats.as_ref().is_none_or(BTreeSet::is_empty)
            && self.seen > values.len() as u64
        {
            schema.insert("examples".into(), json!(values));
        }
        if !self.properties.is_empty() {
            let properties: Map<String, Value> = self
                .properties
                .iter()
                .map(|(name, (shape, _))| (name.clone(), shape.schema()))
                .collect();
            let required: Vec<&String> = self
                .properties
                .iter()
                .filter(|(_, (_, present))| *present == self.objects)
                .map(|(name, _)| name)
                .collect();
            schema.insert("properties".into(), Value::Object(properties));
            if !required.is_empty() {
                schema.insert("required".into(), json!(required));
            }
        }
        if let Some(items) = &self.items {
            schema.insert("items".into(), items.schema());
        }
        Value::Object(schema)
    }
}

/// The JSON Schema formats a string matches.
fn formats_of(text: &str) -> BTreeSet<&'static str> {
    let mut formats = BTreeSet::new();
    if text.len() >= 20 && text.parse::<jiff::Timestamp>().is_ok() {
        formats.insert("date-time");
    } else if text.len() == 10 && text.parse::<jiff::civil::Date>().is_ok() {
        formats.insert("date");
    }
    if let Some((local, domain)) = text.split_once('@')
        && !local.is_empty()
        && domain.contains('.')
        && !text.contains(char::is_whitespace)
    {
        formats.insert("email");
    }
    if text.starts_with("https://") || text.starts_with("http://") {
        formats.insert("uri");
    }
    formats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_records_into_one_schema() {
        let mut inference = SchemaInference::new();
        for record in [
            json!({"id": 1, "email": "a@x.io", "price": 1, "status": "paid", "at": "2024-05-01T00:00:00Z", "tags": ["a"]}),
            json!({"id": 2, "email": "b@x.io", "price": 2.5, "status": "paid", "at": "2024-05-02T00:00:00Z", "note": null}),
            json!({"id": 3, "email": "c@x.io", "price": 3, "status": "open", "at": "2024-05-03T00:00:00Z", "note": "x"}),
        ] {
            inference.observe(&record);
        }
        let schema = inference.schema();
        assert_eq!(inference.records(), 3);
        assert_eq!(schema["type"], "object");
        assert_eq!(schema["properties"]["id"]["type"], "integer");
        assert_eq!(schema["properties"]["price"]["type"], "number");
        assert_eq!(schema["properties"]["email"]["format"], "email");
        assert_eq!(schema["properties"]["at"]["format"], "date-time");
        assert_eq!(
            schema["properties"]["note"]["type"],
            json!(["null", "string"])
        );
        assert_eq!(
            schema["properties"]["status"]["examples"],
            json!(["open", "paid"])
        );
        assert_eq!(schema["properties"]["tags"]["items"]["type"], "string");
        assert_eq!(
            schema["required"],
            json!(["id", "email", "price", "status", "at"])
        );
    }

    #[test]
    fn high_cardinality_strings_suggest_no_enum() {
        let mut inference = SchemaInference::new();
        for n in 0..(ENUM_LIMIT + 5) {
            inference.observe(&json!({ "name": format!("name {n}") }));
        }
        assert!(
            inference.schema()["properties"]["name"]
                .get("examples")
                .is_none()
        );
    }
}
