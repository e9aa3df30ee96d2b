//! Recognising how a list operation pages: from its parameters and response fields, by name and
//! shape, each strategy a [`PaginationCandidate`] ready for a definition, with its confidence.

use pullpush_core::{PageSize, PaginationConfig, StopConfig, TokenSource};
use serde_json::Value;

use crate::openapi::RawParam;
use crate::report::{PaginationCandidate, score};
use crate::schema::{self, is, property_paths};
use crate::vocabulary::{
    CURSOR_PARAMS, HAS_MORE_FIELDS, OFFSET_PARAMS, PAGE_PARAMS, PAGE_SIZE_PARAMS,
    TOTAL_PAGE_FIELDS, TOTAL_RECORD_FIELDS,
};
use crate::words::normalize;

/// Response fields that hold the next cursor, as normalised dotted paths or last names.
const CURSOR_FIELDS: &[&str] = &[
    "nextcursor",
    "scrollparam",
    "cursor",
    "nextpagetoken",
    "nexttoken",
    "continuationtoken",
    "meta.cursors.next",
    "pages.next.startingafter",
    "paging.cursors.after",
    "pagination.nextcursor",
    "responsemetadata.nextcursor",
    "endcursor",
];
/// Response fields that hold the URL of the next page.
const NEXT_URL_FIELDS: &[&str] = &[
    "next",
    "nexturl",
    "nextpageurl",
    "nextpageuri",
    "nextlink",
    "links.next",
    "links.next.href",
    "paging.next",
    "meta.next",
    "pagination.next",
    "odata.nextlink",
];
/// Records asked per page when the document states no default or maximum.
const DEFAULT_PAGE_SIZE: u32 = 100;

/// Everything the recogniser looks at.
pub(crate) struct Signals<'a> {
    /// Query parameters (for a POST search, the request body's fields too, marked `body`).
    pub params: Vec<&'a RawParam<'a>>,
    /// Fields of the request body of a POST search.
    pub body_fields: Vec<String>,
    /// The inlined response schema (the envelope).
    pub response: Option<&'a Value>,
    /// Documented response headers.
    pub headers: &'a [&'a str],
}

/// A parameter recognised by name.
struct Found<'a> {
    name: &'a str,
    schema: Option<&'a Value>,
}

/// The strategies that fit, best first (ties broken by strategy order, so the result is
/// deterministic).
pub(crate) fn candidates(signals: &Signals<'_>) -> Vec<PaginationCandidate> {
    let param = |names: &[&str]| -> Option<Found<'_>> {
        signals
            .params
            .iter()
            .find(|p| p.location == "query" && names.contains(&normalize(p.name).as_str()))
            .map(|p| Found {
                name: p.name,
                schema: Some(p.schema),
            })
    };
    let body_field = |names: &[&str]| -> Option<&str> {
        signals
            .body_fields
            .iter()
            .find(|field| {
                let last = field.rsplit('.').next().unwrap_or(field);
                names.contains(&normalize(last).as_str())
            })
            .map(String::as_str)
    };
    let fields = response_fields(signals.response);
    // A full dotted path (`meta.cursors.next`) beats a bare name met anywhere; shallow fields
    // come first in `fields`, so they win among bare names.
    let field_with_optional = |names: &[&str], want: &str| -> Option<(String, bool)> {
        let typed = |kind: &String| want.is_empty() || kind == want;
        fields
            .iter()
            .find(|(dotted, _, kind, ..)| names.contains(&dotted.as_str()) && typed(kind))
            .or_else(|| {
                fields
                    .iter()
                    .find(|(_, last, kind, ..)| names.contains(&last.as_str()) && typed(kind))
            })
            .map(|(_, _, _, path, optional)| (path.clone(), *optional))
    };
    let field = |names: &[&str], want: &str| field_with_optional(names, want).map(|(path, _)| path);
    let has_more = field(HAS_MORE_FIELDS, "boolean");
    let total_records = field(TOTAL_RECORD_FIELDS, "integer");
    let total_pages = field(TOTAL_PAGE_FIELDS, "integer");
    let size_param = param(PAGE_SIZE_PARAMS);
    let page_size = size_param.as_ref().map(|found| PageSize {
        param: found.name.to_owned(),
        value: page_size_value(found.schema),
    });
    let size_evidence = size_param
        .as_ref()
        .map(|found| format!("page size parameter `{}`", found.name));

    let mut out: Vec<PaginationCandidate> = Vec::new();
    let mut push = |config: PaginationConfig, confidence: f64, evidence: Vec<String>| {
        out.push(PaginationCandidate {
            config,
            confidence: score(confidence),
            evidence,
        });
    };

    // An explicit next link is reliable when it can be absent: the API says where to go and
    // stops saying it. A link the document requires on every page may point back at the last
    // page, which the engine refuses as a loop, so parameters are preferred then.
    // `meta.cursors.next` is a cursor, not a URL, whatever its last name says.
    let next_url = field_with_optional(NEXT_URL_FIELDS, "string")
        .filter(|(path, _)| !path.to_ascii_lowercase().contains("cursor"));
    if let Some((path, optional)) = next_url {
        let mut evidence = vec![format!("response field `{path}` (next page URL)")];
        if !optional {
            evidence
                .push("documented as always present, so the last page may link to itself".into());
        }
        evidence.extend(size_evidence.clone());
        push(
            PaginationConfig::NextUrl {
                next_from: TokenSource::Body(path),
                page_size: page_size.clone(),
                stop: stop(has_more.clone(), None, None),
                max_pages: None,
            },
            if optional { 0.88 } else { 0.7 },
            evidence,
        );
    }
    if signals
        .headers
        .iter()
        .any(|header| header.eq_ignore_ascii_case("link"))
    {
        let mut evidence = vec!["documented `Link` response header".to_owned()];
        evidence.extend(size_evidence.clone());
        push(
            PaginationConfig::NextUrl {
                next_from: TokenSource::LinkHeader,
                page_size: page_size.clone(),
                stop: StopConfig::default(),
                max_pages: None,
            },
            0.85,
            evidence,
        );
    }
    let cursor_param = param(CURSOR_PARAMS);
    let cursor_field = field(CURSOR_FIELDS, "string");
    let cursor_in_body = body_field(CURSOR_PARAMS);
    if cursor_param.is_some() || cursor_field.is_some() || cursor_in_body.is_some() {
        let mut evidence = Vec::new();
        let mut confidence: f64 = 0.0;
        if let Some(found) = &cursor_param {
            evidence.push(format!("query parameter `{}`", found.name));
            confidence += 0.45;
        }
        if let Some(name) = cursor_in_body
            && cursor_param.is_none()
        {
            evidence.push(format!("request body field `{name}`"));
            confidence += 0.4;
        }
        let from = match &cursor_field {
            Some(path) => {
                evidence.push(format!("response field `{path}`"));
                confidence += 0.45;
                path.clone()
            }
            None => {
                // No documented response field: guess one named like the parameter.
                let guess = format!(
                    "$.{}",
                    cursor_param
                        .as_ref()
                        .map_or("next_cursor", |found| found.name)
                );
                evidence.push(format!("no cursor field documented; `{guess}` is a guess"));
                guess
            }
        };
        let param_name = match (&cursor_param, cursor_in_body) {
            (Some(found), _) => Some(found.name.to_owned()),
            (None, Some(_)) => None,
            (None, None) => {
                // A cursor in the response but no documented parameter (e.g. Intercom's
                // `pages.next.starting_after`): the field's own name is the best guess.
                let last = from.rsplit('.').next().unwrap_or("cursor").to_owned();
                evidence.push(format!(
                    "no cursor parameter documented; `{last}` is a guess"
                ));
                confidence += 0.1;
                Some(last)
            }
        };
        evidence.extend(size_evidence.clone());
        push(
            PaginationConfig::Cursor {
                cursor_from: TokenSource::Body(from),
                param: param_name,
                page_size: page_size.clone(),
                stop: stop(has_more.clone(), None, None),
                max_pages: None,
            },
            confidence,
            evidence,
        );
    }
    if let Some(page) = param(PAGE_PARAMS) {
        let mut evidence = vec![format!("query parameter `{}`", page.name)];
        evidence.extend(size_evidence.clone());
        let mut confidence = 0.7 + if page_size.is_some() { 0.1 } else { 0.0 };
        if let Some(path) = &total_pages {
            // A page count gives the walk a definite end, whatever the links say.
            evidence.push(format!("response field `{path}` (total pages)"));
            confidence += 0.1;
        }
        push(
            PaginationConfig::PageNumber {
                page_param: page.name.to_owned(),
                start: first_page(page.schema),
                page_size: page_size.clone(),
                stop: stop(None, total_records.clone(), total_pages.clone()),
                max_pages: None,
            },
            confidence,
            evidence,
        );
    }
    if let Some(offset) = param(OFFSET_PARAMS) {
        let limit = size_param.as_ref().map_or("limit", |found| found.name);
        let mut evidence = vec![format!("query parameter `{}`", offset.name)];
        evidence.extend(size_evidence.clone());
        push(
            PaginationConfig::Offset {
                offset_param: offset.name.to_owned(),
                limit_param: limit.to_owned(),
                limit: page_size
                    .as_ref()
                    .map_or(DEFAULT_PAGE_SIZE, |size| size.value),
                start: 0,
                stop: stop(None, total_records.clone(), None),
                max_pages: None,
            },
            if size_param.is_some() { 0.8 } else { 0.6 },
            evidence,
        );
    }
    // Stable: equal confidences keep the order above (next link, Link header, cursor, page,
    // offset), which is also the order of reliability.
    out.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    out
}

fn stop(
    has_more: Option<String>,
    total_records: Option<String>,
    total_pages: Option<String>,
) -> StopConfig {
    StopConfig {
        has_more,
        total_records,
        total_pages,
        ..StopConfig::default()
    }
}

/// The page size to ask for: the documented maximum (capped at 100), else the default, else 100.
fn page_size_value(schema: Option<&Value>) -> u32 {
    let number = |key: &str| {
        schema
            .and_then(|schema| schema.get(key))
            .and_then(Value::as_f64)
            .filter(|n| *n >= 1.0)
    };
    match (number("maximum"), number("default")) {
        (Some(max), _) => (max as u32).min(DEFAULT_PAGE_SIZE),
        (None, Some(default)) => (default as u32).max(1),
        (None, None) => DEFAULT_PAGE_SIZE,
    }
}

/// The first page number: the parameter's default or minimum when it is 0, else 1.
fn first_page(schema: Option<&Value>) -> u64 {
    let zero = |key: &str| {
        schema
            .and_then(|schema| schema.get(key))
            .and_then(Value::as_f64)
            == Some(0.0)
    };
    if zero("default") || zero("minimum") {
        0
    } else {
        1
    }
}

/// Whether the field at `path` may be missing or null: not in its parent's `required`, or
/// nullable.
fn may_be_absent(response: &Value, path: &[&str], member: &Value) -> bool {
    let nullable = member.get("nullable") == Some(&Value::Bool(true))
        || member.get("x-nullable") == Some(&Value::Bool(true))
        || schema::types(member).contains(&"null");
    let mut parent = response;
    for step in &path[..path.len().saturating_sub(1)] {
        match schema::properties(parent)
            .into_iter()
            .find(|(name, _)| name == step)
        {
            Some((_, next)) => parent = next,
            None => return true,
        }
    }
    let required = parent
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|names| {
            names
                .iter()
                .any(|name| Some(name.as_str().unwrap_or_default()) == path.last().copied())
        });
    nullable || !required
}

/// The response's fields outside the records: `(normalised dotted path, normalised last name,
/// JSON type, definition JSONPath, whether it may be absent or null)`.
fn response_fields(response: Option<&Value>) -> Vec<(String, String, String, String, bool)> {
    let Some(response) = response else {
        return Vec::new();
    };
    let mut fields = property_paths(response, 4)
        .into_iter()
        .map(|(path, member)| {
            let dotted = path
                .iter()
                .map(|step| normalize(step))
                .collect::<Vec<_>>()
                .join(".");
            let last = normalize(path.last().copied().unwrap_or_default());
            let kind = if is(member, "string") {
                "string"
            } else if is(member, "integer") || is(member, "number") {
                "integer"
            } else if is(member, "boolean") {
                "boolean"
            } else if is(member, "object") {
                "object"
            } else {
                // Untyped: let it match as a string, the commonest case.
                "string"
            };
            let optional = may_be_absent(response, &path, member);
            (
                dotted,
                last,
                kind.to_owned(),
                schema::json_path(&path),
                optional,
            )
        })
        .collect::<Vec<_>>();
    fields.sort_by_key(|(dotted, ..)| dotted.matches('.').count());
    fields
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn param<'a>(name: &'a str, schema: &'a Value) -> RawParam<'a> {
        RawParam {
            name,
            location: "query",
            required: false,
            schema,
            description: None,
        }
    }

    fn kinds(candidates: &[PaginationCandidate]) -> Vec<&'static str> {
        candidates.iter().map(|c| c.config.kind()).collect()
    }

    #[test]
    fn cursor_parameter_and_field() {
        let limit = json!({"type": "integer", "maximum": 200, "default": 50});
        let plain = json!({"type": "string"});
        let params = [param("cursor", &plain), param("limit", &limit)];
        let response = json!({"properties": {
            "customers": {"type": "array", "items": {"type": "object"}},
            "cursor": {"type": "string"}
        }});
        let found = candidates(&Signals {
            params: params.iter().collect(),
            body_fields: vec![],
            response: Some(&response),
            headers: &[],
        });
        assert_eq!(kinds(&found), ["cursor"]);
        assert_eq!(
            serde_json::to_value(&found[0].config).unwrap(),
            json!({"type": "cursor", "cursor_from": {"body": "$.cursor"}, "param": "cursor",
                   "page_size": {"param": "limit", "value": 100},
                   "stop": {"empty_page": true, "short_page": false}})
        );
        assert_eq!(found[0].confidence, 0.9);
    }

    #[test]
    fn next_uri_beats_page_numbers_and_link_headers_are_recognised() {
        let page = json!({"type": "integer", "minimum": 0});
        let size = json!({"type": "integer", "maximum": 1000});
        let token = json!({"type": "string"});
        let params = [
            param("PageSize", &size),
            param("Page", &page),
            param("PageToken", &token),
        ];
        let response = json!({"properties": {
            "calls": {"type": "array", "items": {"type": "object"}},
            "next_page_uri": {"type": "string", "format": "uri"},
            "page": {"type": "integer"}
        }});
        let found = candidates(&Signals {
            params: params.iter().collect(),
            body_fields: vec![],
            response: Some(&response),
            headers: &["Link"],
        });
        assert_eq!(kinds(&found)[0], "next_url");
        assert!(kinds(&found).contains(&"page_number"));
        let page_number = found
            .iter()
            .find(|c| c.config.kind() == "page_number")
            .unwrap();
        let PaginationConfig::PageNumber { start, .. } = &page_number.config else {
            unreachable!()
        };
        assert_eq!(*start, 0, "a minimum of 0 means pages count from 0");
        assert!(found.iter().any(|c| matches!(
            &c.config,
            PaginationConfig::NextUrl {
                next_from: TokenSource::LinkHeader,
                ..
            }
        )));
    }

    #[test]
    fn nested_fields_and_offsets() {
        let plain = json!({"type": "integer"});
        let params = [param("offset", &plain), param("limit", &plain)];
        let response = json!({"properties": {
            "data": {"type": "array", "items": {"type": "object"}},
            "_links": {"type": "object", "properties": {"next": {"type": "object", "properties": {"href": {"type": "string"}}}}},
            "itemsTotal": {"type": "integer"}
        }});
        let found = candidates(&Signals {
            params: params.iter().collect(),
            body_fields: vec![],
            response: Some(&response),
            headers: &[],
        });
        assert_eq!(kinds(&found), ["next_url", "offset"]);
        let PaginationConfig::NextUrl { next_from, .. } = &found[0].config else {
            unreachable!()
        };
        assert_eq!(next_from, &TokenSource::Body("$._links.next.href".into()));
        let PaginationConfig::Offset { stop, .. } = &found[1].config else {
            unreachable!()
        };
        assert_eq!(stop.total_records.as_deref(), Some("$.itemsTotal"));
    }

    #[test]
    fn nothing_recognised_gives_nothing() {
        let plain = json!({"type": "string"});
        let params = [param("tags", &plain)];
        let found = candidates(&Signals {
            params: params.iter().collect(),
            body_fields: vec![],
            response: None,
            headers: &[],
        });
        assert!(found.is_empty());
    }
}
