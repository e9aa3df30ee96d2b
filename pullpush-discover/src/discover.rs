//! The discovery pass: a document in, a [`DiscoveryReport`] out.

use pullpush_core::CanonicalRegistry;
use serde_json::Value;

use crate::classify::{classify, resource_words};
use crate::openapi::RawOperation;
use crate::pagination::Signals;
use crate::report::{DiscoveryReport, ListDetails, Operation, Parameter};
use crate::schema::{inline, property_paths};
use crate::{ApiDocument, DiscoverError};
use crate::{auth, incremental, mapping, pagination};

/// Reads everything a connector needs from an API description. Deterministic: the same document
/// gives the same report.
pub fn discover(document: &ApiDocument, registry: &CanonicalRegistry) -> DiscoveryReport {
    let root = document.root();
    let info = root.get("info");
    let info_text = |key: &str| {
        info.and_then(|info| info.get(key))
            .map(crate::openapi::text)
            .unwrap_or_default()
    };
    let global = document.global_security();
    let mut warnings: Vec<String> = document
        .reference_problems()
        .iter()
        .map(|problem| format!("{problem} (read as any value)"))
        .collect();
    let auth: Vec<_> = document
        .security_schemes()
        .into_iter()
        .flat_map(|(name, scheme)| auth::candidates(name, scheme, &global))
        .collect();
    for candidate in auth.iter().filter(|c| c.kind == "unsupported") {
        warnings.push(format!(
            "security scheme `{}` cannot be used: {}",
            candidate.scheme,
            candidate.note.as_deref().unwrap_or("unsupported")
        ));
    }
    let mut rate_limit_headers: Vec<String> = Vec::new();
    let raw_operations = document.operations();
    let collections = collection_paths(&raw_operations);
    let operations = raw_operations
        .iter()
        .map(|raw| {
            // One response inlined at a time: together they can be hundreds of megabytes.
            let response = success_schema(document, raw);
            let operation = discover_operation(document, raw, response, registry, &collections);
            if let Some(list) = &operation.list {
                for header in &list.rate_limit_headers {
                    if !rate_limit_headers.contains(header) {
                        rate_limit_headers.push(header.clone());
                    }
                }
            }
            operation
        })
        .collect();
    DiscoveryReport {
        spec: document.version(),
        spec_version: document.declared_version().to_owned(),
        title: info_text("title"),
        api_version: info_text("version"),
        servers: document.servers(),
        auth,
        operations,
        rate_limit_headers,
        warnings,
    }
}

impl DiscoveryReport {
    /// The operation named `wanted`: its id, `METHOD /path`, `/path` (a GET), or its id in
    /// another case; an unknown name is an error naming the closest id.
    pub fn operation(&self, wanted: &str) -> Result<&Operation, DiscoverError> {
        find_named(&self.operations, wanted, |operation| {
            (
                operation.id.clone(),
                operation.method.as_str(),
                operation.path.as_str(),
            )
        })
    }
}

/// Finds the operation named `wanted` among `items`, whose `key` gives (id, method, path): by
/// id, by `METHOD /path`, by `/path` (GET), then by id ignoring case.
pub(crate) fn find_named<'a, T>(
    items: &'a [T],
    wanted: &str,
    key: impl Fn(&'a T) -> (String, &'a str, &'a str),
) -> Result<&'a T, DiscoverError> {
    let wanted = wanted.trim();
    let (method, path) = match wanted.split_once(' ') {
        Some((method, path)) => (method.to_ascii_uppercase(), path.trim()),
        None if wanted.starts_with('/') => ("GET".to_owned(), wanted),
        None => (String::new(), ""),
    };
    let keys: Vec<(String, &str, &str)> = items.iter().map(&key).collect();
    let index = keys
        .iter()
        .position(|(id, _, _)| id == wanted)
        .or_else(|| keys.iter().position(|(_, m, p)| *m == method && *p == path))
        .or_else(|| {
            keys.iter()
                .position(|(id, _, _)| id.eq_ignore_ascii_case(wanted))
        });
    match index {
        Some(index) => Ok(&items[index]),
        None => Err(DiscoverError::UnknownOperation {
            wanted: wanted.to_owned(),
            did_you_mean: pullpush_core::did_you_mean(wanted, keys.iter().map(|k| k.0.as_str()))
                .map(str::to_owned),
        }),
    }
}

/// The id `generate --stream` accepts for an operation: its `operationId`, else `METHOD /path`.
pub(crate) fn operation_id(raw: &RawOperation<'_>) -> String {
    match raw.object.get("operationId").and_then(Value::as_str) {
        Some(id) => id.to_owned(),
        None => format!("{} {}", raw.method, raw.path),
    }
}

/// The paths of collections — a GET on a path that does not end in a parameter — where a POST
/// creates a record rather than acting on one.
fn collection_paths<'a>(operations: &[RawOperation<'a>]) -> Vec<&'a str> {
    operations
        .iter()
        .filter(|raw| raw.method == "GET" && !last_segment_is_param(raw.path))
        .map(|raw| raw.path)
        .collect()
}

fn last_segment_is_param(path: &str) -> bool {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .is_some_and(|segment| segment.contains('{'))
}

/// The success response's JSON schema, inlined.
pub(crate) fn success_schema(document: &ApiDocument, raw: &RawOperation<'_>) -> Option<Value> {
    raw.success
        .as_ref()
        .filter(|success| success.json)
        .and_then(|success| success.schema)
        .map(|schema| inline(document.root(), schema))
}

/// The report of one operation.
pub(crate) fn discover_operation(
    document: &ApiDocument,
    raw: &RawOperation<'_>,
    response: Option<Value>,
    registry: &CanonicalRegistry,
    collections: &[&str],
) -> Operation {
    let root = document.root();
    let body = raw.body.map(|body| inline(root, body));
    // Dotted paths, so a cursor nested in the body (`pagination.starting_after`) is found.
    let body_fields = body
        .as_ref()
        .map(|body| {
            property_paths(body, 2)
                .into_iter()
                .map(|(path, _)| path.join("."))
                .collect()
        })
        .unwrap_or_default();
    let headers = raw
        .success
        .as_ref()
        .map(|success| success.headers.as_slice())
        .unwrap_or_default();
    let pagination = pagination::candidates(&Signals {
        params: raw.params.iter().collect(),
        body_fields,
        response: response.as_ref(),
        headers,
    });
    // Sure paging: a cursor parameter and the response field that feeds it.
    let paged = pagination
        .iter()
        .any(|c| c.config.kind() == "cursor" && c.confidence >= 0.85);
    let (kind, records) = classify(raw, response.as_ref(), collections, paged);
    let list = records.map(|records| {
        let words = resource_words(raw);
        ListDetails {
            pagination,
            incremental: incremental::candidates(&raw.params, &records.schema),
            canonical: mapping::rank_canonical_types(registry, &words, &records.schema),
            rate_limit_headers: headers
                .iter()
                .filter(|header| is_rate_limit_header(header))
                .map(|header| (*header).to_owned())
                .collect(),
            records: records.path,
            record_schema: records.schema,
        }
    });
    let summary = raw
        .object
        .get("summary")
        .and_then(Value::as_str)
        .or_else(|| {
            raw.object
                .get("description")
                .and_then(Value::as_str)
                .and_then(|text| text.lines().find(|line| !line.trim().is_empty()))
        })
        .map(|text| text.trim().to_owned());
    Operation {
        id: operation_id(raw),
        method: raw.method.clone(),
        path: raw.path.to_owned(),
        summary,
        kind,
        parameters: raw.params.iter().map(parameter).collect(),
        security: raw.security.clone(),
        list,
    }
}

fn parameter(raw: &crate::openapi::RawParam<'_>) -> Parameter {
    let schema = raw.schema;
    Parameter {
        name: raw.name.to_owned(),
        location: raw.location.to_owned(),
        required: raw.required,
        r#type: schema
            .get("type")
            .and_then(Value::as_str)
            .map(str::to_owned),
        default: schema.get("default").cloned(),
        maximum: schema.get("maximum").and_then(Value::as_f64),
        values: schema
            .get("enum")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
    }
}

fn is_rate_limit_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("ratelimit") || lower.contains("rate-limit") || lower == "retry-after"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DEFAULT_MAX_DOCUMENT_BYTES;

    #[test]
    fn operations_are_found_by_id_method_and_path_or_suggested() {
        let text = include_str!("../../pullpush-demo/openapi.json");
        let document = ApiDocument::parse(text, DEFAULT_MAX_DOCUMENT_BYTES).unwrap();
        let report = discover(&document, &CanonicalRegistry::builtin());
        let find = |wanted: &str| report.operation(wanted);
        assert_eq!(find("listOrders").unwrap().path, "/v1/orders");
        assert_eq!(find("get /v1/orders").unwrap().id, "listOrders");
        assert_eq!(find("/v1/orders").unwrap().id, "listOrders");
        assert_eq!(find("LISTORDERS").unwrap().id, "listOrders");
        assert_eq!(
            find("POST /v1/orders").unwrap_err().to_string(),
            "no operation \"POST /v1/orders\" in the document"
        );
        assert_eq!(
            find("listOrder").unwrap_err().to_string(),
            "no operation \"listOrder\" in the document; did you mean \"listOrders\"?"
        );
    }
}
