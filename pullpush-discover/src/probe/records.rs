//! Where the records are in a list response: the array of objects a definition's `read.records`
//! JSONPath should select.
//!
//! APIs wrap their records in a handful of ways — a bare array, `{"data": [...]}`, a member named
//! after the resource (`{"calls": [...]}` for `/Calls.json`), or one level deeper
//! (`{"response": {"items": [...]}}`) — so the search looks at arrays of objects up to two members
//! deep and prefers the names APIs use for records over whatever else holds objects (`errors`,
//! `included`).

use serde_json::Value;

/// Member names APIs commonly give the array of records.
const RECORD_NAMES: &[&str] = &[
    "data", "items", "results", "records", "entries", "elements", "values",
];

/// Members that hold arrays of objects but rarely the records: side-loaded resources, errors and
/// links. They are still chosen when nothing else fits.
const UNLIKELY_NAMES: &[&str] = &[
    "errors", "warnings", "messages", "included", "links", "_links",
];

/// Where a page's records are, as the member names leading from the root to the array (none for
/// a top-level array).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RecordsAt {
    keys: Vec<String>,
}

impl RecordsAt {
    /// The definition's `read.records` JSONPath: `$` for a top-level array, else e.g.
    /// `$.data[*]` or `$.response['line items'][*]`.
    pub(crate) fn jsonpath(&self) -> String {
        if self.keys.is_empty() {
            return "$".to_owned();
        }
        let members: String = self.keys.iter().map(|key| member(key)).collect();
        format!("${members}[*]")
    }

    /// The JSONPath of `field` of the last record, e.g. `$.data[-1:].id`.
    pub(crate) fn last_record_field(&self, field: &str) -> String {
        let members: String = self.keys.iter().map(|key| member(key)).collect();
        format!("${members}[-1:]{}", member(field))
    }

    /// The records of `body` at this place, when it holds an array there.
    pub(crate) fn select<'a>(&self, body: &'a Value) -> Option<&'a [Value]> {
        let mut value = body;
        for key in &self.keys {
            value = value.get(key)?;
        }
        value.as_array().map(Vec::as_slice)
    }
}

/// Why no records were found: the top-level members (for an object) or the kind of value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NotFound {
    /// An object without an array of objects; its member names, in order.
    Members(Vec<String>),
    /// Not an object or array, e.g. `a string`.
    Scalar(&'static str),
}

/// One array found in the body, with what makes it likely to be the records.
struct Found {
    keys: Vec<String>,
    /// 2: named after the URL's resource, 1: a usual records name, 0: another name.
    name: u8,
    unlikely: bool,
    depth: usize,
    len: usize,
}

impl Found {
    /// Higher is better: likely names first, then the resource's own name, then shallower, then
    /// longer.
    fn rank(&self) -> (bool, u8, std::cmp::Reverse<usize>, usize) {
        (
            !self.unlikely,
            self.name,
            std::cmp::Reverse(self.depth),
            self.len,
        )
    }
}

/// Finds the records of a list response. `resource` is the last segment of the request path
/// without its extension (`calls` for `/Calls.json`), compared case-insensitively.
pub(crate) fn locate(body: &Value, resource: Option<&str>) -> Result<RecordsAt, NotFound> {
    let object = match body {
        Value::Array(_) => return Ok(RecordsAt { keys: Vec::new() }),
        Value::Object(object) => object,
        other => return Err(NotFound::Scalar(kind(other))),
    };
    let mut found = Vec::new();
    for (key, value) in object {
        consider(&mut found, vec![key.clone()], value, resource);
        if let Value::Object(inner) = value {
            for (inner_key, inner_value) in inner {
                consider(
                    &mut found,
                    vec![key.clone(), inner_key.clone()],
                    inner_value,
                    resource,
                );
            }
        }
    }
    // `max_by_key` keeps the last of equals; reversing keeps the first in document order.
    found
        .into_iter()
        .rev()
        .max_by_key(Found::rank)
        .map(|best| RecordsAt { keys: best.keys })
        .ok_or_else(|| NotFound::Members(object.keys().cloned().collect()))
}

/// Adds `value` to `found` when it can hold records: a non-empty array of objects, or an empty
/// array under a name that says records.
fn consider(found: &mut Vec<Found>, keys: Vec<String>, value: &Value, resource: Option<&str>) {
    let Value::Array(items) = value else {
        return;
    };
    let Some(last) = keys.last() else {
        return;
    };
    let name = if resource.is_some_and(|resource| last.eq_ignore_ascii_case(resource)) {
        2
    } else if RECORD_NAMES
        .iter()
        .any(|name| last.eq_ignore_ascii_case(name))
    {
        1
    } else {
        0
    };
    let objects = !items.is_empty() && items.iter().all(Value::is_object);
    let may_hold_records = objects || (items.is_empty() && name > 0);
    if !may_hold_records {
        return;
    }
    found.push(Found {
        unlikely: UNLIKELY_NAMES.contains(&last.to_ascii_lowercase().as_str()),
        depth: keys.len(),
        len: items.len(),
        keys,
        name,
    });
}

/// The resource a URL path names: its last non-empty segment without an extension, lower case
/// (`calls` for `/2010-04-01/Accounts/AC1/Calls.json`).
pub(crate) fn resource_name(url: &url::Url) -> Option<String> {
    let last = url
        .path_segments()?
        .rev()
        .find(|segment| !segment.is_empty())?;
    let stem = last.split('.').next().unwrap_or(last);
    (!stem.is_empty()).then(|| stem.to_ascii_lowercase())
}

/// A member selector: `.name` for plain names, `['name']` (escaped) otherwise.
pub(crate) fn member(key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!(".{key}")
    } else {
        let escaped = key.replace('\\', "\\\\").replace('\'', "\\'");
        format!("['{escaped}']")
    }
}

/// What kind of JSON value this is, for messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn path(body: Value, resource: Option<&str>) -> String {
        match locate(&body, resource) {
            Ok(at) => at.jsonpath(),
            Err(not_found) => format!("{not_found:?}"),
        }
    }

    #[test]
    fn prefers_record_names_the_resource_and_shallow_arrays() {
        assert_eq!(path(json!([{"id": 1}]), None), "$");
        assert_eq!(
            path(json!({"data": [{"id": 1}], "next": null}), None),
            "$.data[*]"
        );
        assert_eq!(
            path(
                json!({"tags": [{"a": 1}], "response": {"items": [{"id": 1}]}}),
                None
            ),
            "$.response.items[*]"
        );
        assert_eq!(
            path(
                json!({"end": 1, "Calls": [{"sid": "CA1"}], "page": 0}),
                Some("calls")
            ),
            "$.Calls[*]"
        );
        assert_eq!(
            path(json!({"errors": [{"m": 1}], "rows": [{"id": 1}]}), None),
            "$.rows[*]"
        );
        assert_eq!(path(json!({"data": [], "next": null}), None), "$.data[*]");
        assert_eq!(
            path(json!({"line items": [{"id": 1}]}), None),
            "$['line items'][*]"
        );
    }

    #[test]
    fn says_what_the_body_has_when_nothing_fits() {
        assert_eq!(
            locate(&json!({"id": 1, "tags": ["a"], "other": []}), None),
            Err(NotFound::Members(vec![
                "id".into(),
                "tags".into(),
                "other".into()
            ]))
        );
        assert_eq!(
            locate(&json!("text"), None),
            Err(NotFound::Scalar("a string"))
        );
    }

    #[test]
    fn resource_names_come_from_the_last_path_segment() {
        let url = |text: &str| url::Url::parse(text).expect("a URL");
        assert_eq!(
            resource_name(&url(
                "https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json"
            )),
            Some("calls".into())
        );
        assert_eq!(
            resource_name(&url("https://x.io/v1/orders/")),
            Some("orders".into())
        );
        assert_eq!(resource_name(&url("https://x.io/")), None);
    }
}
