//! Turning a response body into records: JSON with a selector, JSON lines, or CSV.

use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use crate::definition::RecordFormat;

/// A decoded page: the parsed JSON document (which pagination also reads), or the records of a
/// line-oriented format.
#[derive(Debug)]
pub(crate) enum DecodedPage {
    /// A JSON document; records are selected from it without copying.
    Document(Value),
    /// JSON lines or CSV rows.
    Records(Vec<Value>),
}

impl DecodedPage {
    /// The JSON document, for pagination tokens and stop conditions.
    pub(crate) fn document(&self) -> Option<&Value> {
        match self {
            DecodedPage::Document(document) => Some(document),
            DecodedPage::Records(_) => None,
        }
    }

    /// The records, borrowed from the page.
    pub(crate) fn records<'a>(&'a self, selector: &JsonPath, source: &str) -> Vec<&'a Value> {
        match self {
            DecodedPage::Document(document) => select(document, selector, source),
            DecodedPage::Records(records) => records.iter().collect(),
        }
    }
}

/// Decodes `body` as `format`, selecting records from JSON documents with `selector`.
pub(crate) fn decode(body: &[u8], format: RecordFormat) -> Result<DecodedPage, String> {
    match format {
        RecordFormat::Json => {
            let document: Value = serde_json::from_slice(body).map_err(|err| {
                format!(
                    "the body is not valid JSON ({err}); it starts with {}",
                    excerpt(body)
                )
            })?;
            Ok(DecodedPage::Document(document))
        }
        RecordFormat::Jsonl => {
            let text =
                std::str::from_utf8(body).map_err(|err| format!("the body is not UTF-8: {err}"))?;
            let records = text
                .lines()
                .enumerate()
                .filter(|(_, line)| !line.trim().is_empty())
                .map(|(index, line)| {
                    serde_json::from_str(line)
                        .map_err(|err| format!("line {} is not valid JSON: {err}", index + 1))
                })
                .collect::<Result<_, _>>()?;
            Ok(DecodedPage::Records(records))
        }
        RecordFormat::Csv => {
            let mut reader = csv::ReaderBuilder::new().from_reader(body);
            let headers = reader
                .headers()
                .map_err(|err| format!("the CSV header row is unreadable: {err}"))?
                .clone();
            let records = reader
                .records()
                .map(|row| {
                    let row = row.map_err(|err| format!("CSV row unreadable: {err}"))?;
                    let record: Map<String, Value> = headers
                        .iter()
                        .zip(row.iter())
                        .map(|(name, value)| (name.to_owned(), Value::from(value)))
                        .collect();
                    Ok(Value::Object(record))
                })
                .collect::<Result<_, String>>()?;
            Ok(DecodedPage::Records(records))
        }
    }
}

/// The records a selector picks. `$` picks each element of a top-level array, or the one object;
/// a selector that lands on a single array (`$.data` rather than `$.data[*]`) picks its elements.
fn select<'a>(document: &'a Value, selector: &JsonPath, source: &str) -> Vec<&'a Value> {
    if source.trim() == "$" {
        return match document {
            Value::Array(items) => items.iter().collect(),
            Value::Null => Vec::new(),
            other => vec![other],
        };
    }
    let nodes = selector.query(document).all();
    match nodes.as_slice() {
        [Value::Array(items)] => items.iter().collect(),
        _ => nodes,
    }
}

/// The first characters of a body, for messages about bodies that are not what they should be.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(120)]);
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    if body.len() > 120 {
        format!("`{text}…`")
    } else {
        format!("`{text}`")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn json_records(body: &str, selector: &str) -> Vec<Value> {
        let path = JsonPath::parse(selector).expect("a selector");
        let page = decode(body.as_bytes(), RecordFormat::Json).expect("decodes");
        page.records(&path, selector).into_iter().cloned().collect()
    }

    #[test]
    fn selects_records_from_json() {
        assert_eq!(
            json_records(r#"[{"a":1},{"a":2}]"#, "$"),
            [json!({"a":1}), json!({"a":2})]
        );
        assert_eq!(json_records(r#"{"a":1}"#, "$"), [json!({"a":1})]);
        assert_eq!(
            json_records(r#"{"data":[{"a":1}]}"#, "$.data[*]"),
            [json!({"a":1})]
        );
        assert_eq!(
            json_records(r#"{"data":[{"a":1}]}"#, "$.data"),
            [json!({"a":1})]
        );
        assert!(json_records(r#"{"data":[]}"#, "$.items[*]").is_empty());
    }

    #[test]
    fn decodes_json_lines_and_csv() {
        let root = JsonPath::parse("$").expect("root");
        let lines = decode(b"{\"a\":1}\n\n{\"a\":2}\n", RecordFormat::Jsonl).expect("jsonl");
        assert_eq!(
            lines.records(&root, "$"),
            [&json!({"a":1}), &json!({"a":2})]
        );
        let csv = decode(b"sku,qty\nA-1,3\n\"B,2\",\n", RecordFormat::Csv).expect("csv");
        assert_eq!(
            csv.records(&root, "$"),
            [
                &json!({"sku":"A-1","qty":"3"}),
                &json!({"sku":"B,2","qty":""})
            ]
        );
    }

    #[test]
    fn garbage_is_an_error_that_quotes_the_body() {
        let error = decode(b"<html>502 Bad Gateway</html>", RecordFormat::Json).unwrap_err();
        assert!(
            error.contains("not valid JSON") && error.contains("<html>"),
            "{error}"
        );
        let error = decode(b"{\"a\":1}\nnope\n", RecordFormat::Jsonl).unwrap_err();
        assert!(error.contains("line 2"), "{error}");
        let error = decode(b"{\"data\": [1, 2", RecordFormat::Json).unwrap_err();
        assert!(error.contains("EOF"), "{error}");
    }
}
