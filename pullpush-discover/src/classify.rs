//! What an operation does, and for list operations where the records sit in the response.

use serde_json::Value;

use crate::openapi::RawOperation;
use crate::report::OperationKind;
use crate::schema::{self, is, properties};
use crate::words::words;

/// Members that hold records in envelopes, by convention.
const RECORD_MEMBERS: &[&str] = &[
    "data", "items", "results", "records", "entries", "elements", "values", "list", "objects",
    "rows", "content", "nodes", "hits",
];

/// Members that are arrays but never the records.
const NOT_RECORDS: &[&str] = &[
    "errors", "warnings", "links", "_links", "included", "meta", "facets",
];

/// Words in an operation id or path that make a POST a read (a search), not a create.
const SEARCH_WORDS: &[&str] = &["search", "query", "list", "find", "filter", "retrieve"];

/// The records of a list response: where they are and what one looks like (inlined schema).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Records {
    /// A definition `read.records` JSONPath.
    pub path: String,
    /// JSON Schema of one record.
    pub schema: Value,
}

/// Classifies an operation, returning the records when it is a list.
///
/// `collections` are the paths that have a GET returning records: a POST there creates one.
/// `paged` says the operation pages for sure (a paging parameter and the response field that
/// feeds it), which makes a GET on `/things/{id}` a list of that thing's records.
pub(crate) fn classify(
    operation: &RawOperation<'_>,
    response: Option<&Value>,
    collections: &[&str],
    paged: bool,
) -> (OperationKind, Option<Records>) {
    let words = resource_words(operation);
    let records = response.and_then(|schema| find_records(schema, &words));
    let ends_with_param = last_segment(operation.path).contains('{');
    let kind = match operation.method.as_str() {
        "GET" => match (&records, ends_with_param) {
            (Some(found), _) if found.path == "$" => OperationKind::List,
            (Some(_), false) => OperationKind::List,
            // `/inventory/{id}` that pages through counts is a list of one thing's records.
            (Some(found), true) if paged && found.path.matches('.').count() == 1 => {
                OperationKind::List
            }
            _ if response.is_some() || ends_with_param => OperationKind::Item,
            _ => OperationKind::Other,
        },
        "POST" if records.is_some() && is_search(&words) => OperationKind::List,
        "POST" | "PUT" if ends_with_param => OperationKind::Update,
        "POST" | "PUT" if collections.contains(&operation.path) || !is_action(operation.path) => {
            OperationKind::Create
        }
        "PATCH" => OperationKind::Update,
        "DELETE" => OperationKind::Delete,
        _ => OperationKind::Other,
    };
    let records = if kind == OperationKind::List {
        records
    } else {
        None
    };
    (kind, records)
}

/// Lower-case words of the operation's id and static path segments, e.g. `ListCustomers` on
/// `/v2/customers` gives `["list", "customers", "v2", "customers"]`.
pub(crate) fn resource_words(operation: &RawOperation<'_>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(id) = operation.object.get("operationId").and_then(Value::as_str) {
        out.extend(words(id));
    }
    for segment in operation.path.split('/') {
        if !segment.contains('{') {
            out.extend(words(segment.split('.').next().unwrap_or(segment)));
        }
    }
    out
}

fn last_segment(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

fn is_search(words: &[String]) -> bool {
    words
        .iter()
        .any(|word| SEARCH_WORDS.iter().any(|search| word.starts_with(search)))
}

/// `POST /orders/{id}/cancel`: an action on a record rather than a create.
fn is_action(path: &str) -> bool {
    let mut segments = path.trim_end_matches('/').rsplit('/');
    let last = segments.next().unwrap_or_default();
    let before = segments.next().unwrap_or_default();
    !last.contains('{') && before.contains('{')
}

/// Finds the array of records in a response schema: the response itself, or an array member of
/// an envelope (up to two levels deep), preferring conventional names and the resource's name.
pub(crate) fn find_records(response: &Value, words: &[String]) -> Option<Records> {
    if is(response, "array") {
        return Some(Records {
            path: "$".into(),
            schema: response.get("items").cloned().unwrap_or(Value::Bool(true)),
        });
    }
    let mut found: Vec<(i32, Vec<&str>, &Value)> = Vec::new();
    for (name, member) in properties(response) {
        if let Some((rank, items)) = rank_array(name, member, words) {
            found.push((rank, vec![name], items));
        } else if is(member, "object") && !NOT_RECORDS.contains(&name.to_ascii_lowercase().as_str())
        {
            for (inner, nested) in properties(member) {
                if let Some((rank, items)) = rank_array(inner, nested, words) {
                    // One level deeper is a little less likely than a direct member.
                    found.push((rank - 1, vec![name, inner], items));
                }
            }
        }
    }
    // The best rank wins; among equals, the first in document order.
    let (_, path, items) = found.into_iter().rev().max_by_key(|(rank, _, _)| *rank)?;
    Some(Records {
        path: format!("{}[*]", schema::json_path(&path)),
        schema: items.clone(),
    })
}

/// How likely an array member is to hold the records; `None` when it is not an array of
/// objects or is known not to be records.
fn rank_array<'a>(name: &str, member: &'a Value, words: &[String]) -> Option<(i32, &'a Value)> {
    let lower = name.to_ascii_lowercase();
    if !is(member, "array") || NOT_RECORDS.contains(&lower.as_str()) {
        return None;
    }
    let items = member.get("items")?;
    let objects = is(items, "object") || items.get("x-recursive").is_some();
    let mut rank = if objects { 10 } else { 2 };
    if RECORD_MEMBERS.contains(&lower.as_str()) {
        rank += 5;
    }
    let named = crate::words::words(name).join("");
    if words
        .iter()
        .any(|word| *word == named || format!("{word}s") == named)
    {
        rank += 6;
    }
    Some((rank, items))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn records_in_envelopes() {
        let words = vec!["calls".to_owned()];
        let twilio = json!({"properties": {
            "calls": {"type": "array", "items": {"type": "object", "properties": {"sid": {}}}},
            "next_page_uri": {"type": "string"}
        }});
        assert_eq!(find_records(&twilio, &words).unwrap().path, "$.calls[*]");
        let square = json!({"properties": {
            "errors": {"type": "array", "items": {"type": "object"}},
            "customers": {"type": "array", "items": {"type": "object"}},
            "cursor": {"type": "string"}
        }});
        let words = vec!["customers".to_owned()];
        assert_eq!(
            find_records(&square, &words).unwrap().path,
            "$.customers[*]"
        );
        let nested = json!({"properties": {"response": {"type": "object", "properties": {
            "items": {"type": "array", "items": {"type": "object"}}
        }}}});
        assert_eq!(
            find_records(&nested, &[]).unwrap().path,
            "$.response.items[*]"
        );
        let array = json!({"type": "array", "items": {"type": "object"}});
        assert_eq!(find_records(&array, &[]).unwrap().path, "$");
        assert!(find_records(&json!({"properties": {"id": {"type": "string"}}}), &[]).is_none());
    }
}
