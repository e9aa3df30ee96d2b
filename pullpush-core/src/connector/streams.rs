//! Rules about streams: names, canonical types, parents, the read operation, pagination and
//! incremental sync.

use std::collections::{BTreeMap, BTreeSet};

use serde_json_path::JsonPath;

use super::{BuildContext, parse_jsonpath};
use crate::canonical::{CanonicalType, FieldKind};
use crate::definition::{
    IncrementalCursorType, PaginationConfig, RecordFormat, StreamConfig, TokenSource,
};
use crate::diagnostic::Diagnostic;
use crate::map::RecordPath;
use crate::template::Variable;

/// What the stream rules resolved for one stream, for the mapping rules to finish.
pub(super) struct CheckedStream {
    pub index: usize,
    pub canonical: Option<CanonicalType>,
    pub records: Option<JsonPath>,
}

pub(super) fn check(cx: &mut BuildContext) -> Vec<CheckedStream> {
    check_names_and_parents(cx);
    let definition = cx.definition;
    definition
        .streams
        .iter()
        .enumerate()
        .map(|(index, stream)| {
            let at = format!("/streams/{index}");
            let canonical = resolve_canonical(cx, stream, &at);
            let records = check_read(cx, stream, &at);
            check_pagination(cx, stream, &at);
            check_incremental(cx, stream, canonical.as_ref(), &at);
            CheckedStream {
                index,
                canonical,
                records,
            }
        })
        .collect()
}

fn check_names_and_parents(cx: &mut BuildContext) {
    let streams = &cx.definition.streams;
    let mut first_index: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, stream) in streams.iter().enumerate() {
        if let Some(first) = first_index.insert(&stream.name, index) {
            first_index.insert(&stream.name, first);
            cx.push(
                Diagnostic::error(
                    "duplicate-stream",
                    format!("/streams/{index}/name"),
                    format!(
                        "stream name `{}` is already used by /streams/{first}",
                        stream.name
                    ),
                )
                .with_hint("give every stream a unique name"),
            );
        }
    }
    for (index, stream) in streams.iter().enumerate() {
        let Some(parent) = &stream.parent else {
            continue;
        };
        let at = format!("/streams/{index}/parent/stream");
        if !first_index.contains_key(parent.stream.as_str()) {
            let hint = crate::suggest::closest(&parent.stream, first_index.keys().copied())
                .map(|close| format!("did you mean `{close}`?"))
                .unwrap_or_else(|| "name a stream of this definition".into());
            cx.push(
                Diagnostic::error(
                    "unknown-parent-stream",
                    at,
                    format!("parent stream `{}` does not exist", parent.stream),
                )
                .with_hint(hint),
            );
            continue;
        }
        // Walk up the parent chain; coming back to this stream is a cycle.
        let mut seen = BTreeSet::from([stream.name.as_str()]);
        let mut current = parent.stream.as_str();
        loop {
            if !seen.insert(current) {
                // A chain that runs into a cycle further up is reported by the streams on the
                // cycle; this stream is only its own ancestor when the walk came back to it.
                if current != stream.name {
                    break;
                }
                cx.push(
                    Diagnostic::error(
                        "parent-cycle",
                        at,
                        format!(
                            "stream `{}` is its own ancestor through `{}`",
                            stream.name, parent.stream
                        ),
                    )
                    .with_hint("parent chains must end at a stream without a parent"),
                );
                break;
            }
            match streams
                .iter()
                .find(|s| s.name == current)
                .and_then(|s| s.parent.as_ref())
            {
                Some(next) => current = &next.stream,
                None => break,
            }
        }
    }
}

fn resolve_canonical(
    cx: &mut BuildContext,
    stream: &StreamConfig,
    at: &str,
) -> Option<CanonicalType> {
    match cx.registry.get(&stream.canonical_type) {
        Some(ty) => Some(ty.clone()),
        None => {
            let hint = crate::suggest::closest(&stream.canonical_type, cx.registry.names())
                .map(|close| format!("did you mean `{close}`?"))
                .unwrap_or_else(|| {
                    format!(
                        "known types: {}",
                        cx.registry.names().collect::<Vec<_>>().join(", ")
                    )
                });
            cx.push(
                Diagnostic::error(
                    "unknown-canonical-type",
                    format!("{at}/canonical_type"),
                    format!("`{}` is not a canonical type", stream.canonical_type),
                )
                .with_hint(hint),
            );
            None
        }
    }
}

fn check_read(cx: &mut BuildContext, stream: &StreamConfig, at: &str) -> Option<JsonPath> {
    let read = &stream.read;
    let read_at = format!("{at}/read");
    if !read.method.is_safe() && !read.safe {
        cx.push(
            Diagnostic::error(
                "unsafe-read-method",
                format!("{read_at}/method"),
                format!("the read uses {}, which may change data on the server", read.method),
            )
            .with_hint("use GET, or if this endpoint only searches (e.g. POST /search) declare `\"safe\": true`"),
        );
    }
    if read.method.is_safe() && read.body.is_some() {
        cx.push(
            Diagnostic::error(
                "body-on-safe-method",
                format!("{read_at}/body"),
                format!("a {} request carries no body", read.method),
            )
            .with_hint("move the values to `query`, or use POST with `\"safe\": true`"),
        );
    }
    if read.format != RecordFormat::Json && read.records != "$" {
        cx.push(
            Diagnostic::error(
                "selector-with-line-format",
                format!("{read_at}/records"),
                "JSONL and CSV responses are one record per line; `records` must be `$`",
            )
            .with_hint("remove `records` or set the format to `json`"),
        );
    }
    parse_jsonpath(cx, &read.records, format!("{read_at}/records"))
}

fn check_pagination(cx: &mut BuildContext, stream: &StreamConfig, at: &str) {
    let pagination = &stream.pagination;
    let pagination_at = format!("{at}/pagination");
    let token = match pagination {
        PaginationConfig::Cursor { cursor_from, .. } => Some(("cursor_from", cursor_from)),
        PaginationConfig::NextUrl { next_from, .. } => Some(("next_from", next_from)),
        _ => None,
    };
    match token {
        Some(("cursor_from", TokenSource::LinkHeader)) => cx.push(
            Diagnostic::error(
                "link-header-cursor",
                format!("{pagination_at}/cursor_from"),
                "a Link header names the next URL, not a cursor",
            )
            .with_hint("use `\"type\": \"next_url\"` with `\"next_from\": \"link_header\"`"),
        ),
        Some((field, TokenSource::Body(path))) => {
            parse_jsonpath(cx, path, format!("{pagination_at}/{field}/body"));
        }
        _ => {}
    }
    if let PaginationConfig::Cursor { param: None, .. } = pagination {
        let reads_page = read_templates(stream, at)
            .iter()
            .any(|name| cx.templates.reads_path(name, "page.token"));
        if !reads_page {
            cx.push(
                Diagnostic::error(
                    "pagination-token-unused",
                    format!("{pagination_at}/cursor_from"),
                    "the cursor is read from each response but never sent, so every page would be the first",
                )
                .with_hint("set `param`, or read `{{ page.token }}` in the request (e.g. in the body of a POST search)"),
            );
        }
    }
    let Some(stop) = pagination.stop() else {
        return;
    };
    if stop.short_page && pagination.page_size().is_none() {
        cx.push(
            Diagnostic::error(
                "short-page-without-size",
                format!("{pagination_at}/stop/short_page"),
                "`short_page` needs to know the page size",
            )
            .with_hint("add `\"page_size\": {\"param\": \"limit\", \"value\": 100}`"),
        );
    }
    for (name, path) in [
        ("has_more", &stop.has_more),
        ("total_records", &stop.total_records),
        ("total_pages", &stop.total_pages),
    ] {
        if let Some(path) = path {
            parse_jsonpath(cx, path, format!("{pagination_at}/stop/{name}"));
        }
    }
    for param in pagination.owned_params() {
        if stream.read.query.contains_key(param) {
            cx.push(
                Diagnostic::error(
                    "pagination-param-conflict",
                    crate::pointer::push(&format!("{at}/read/query"), param),
                    format!(
                        "query parameter `{param}` is set by the {} pagination",
                        pagination.kind()
                    ),
                )
                .with_hint("remove it from `read.query`; the engine sets it on every page"),
            );
        }
    }
}

fn check_incremental(
    cx: &mut BuildContext,
    stream: &StreamConfig,
    canonical: Option<&CanonicalType>,
    at: &str,
) {
    let Some(incremental) = &stream.incremental else {
        return;
    };
    let inc_at = format!("{at}/incremental");
    let field_at = format!("{inc_at}/cursor_field");
    let cursor_field = &incremental.cursor_field;
    if cursor_field.starts_with('$') {
        if let Err(message) = RecordPath::parse(cursor_field) {
            cx.push(
                Diagnostic::error("invalid-path", field_at, message)
                    .with_hint("name the record field, e.g. `$.updated_at`"),
            );
        }
    } else if let Some(canonical) = canonical {
        // A bare name reads the mapped canonical record, after its conversions.
        let expected = match incremental.cursor_type {
            IncrementalCursorType::Datetime => "a date-time",
            IncrementalCursorType::Integer => "an integer",
            IncrementalCursorType::String => "a string",
        };
        match canonical.fields().get(cursor_field) {
            None => {
                let hint = crate::suggest::closest(
                    cursor_field,
                    canonical.fields().keys().map(String::as_str),
                )
                .map(|close| format!("did you mean `{close}`?"))
                .unwrap_or_else(|| {
                    "use `$.field` for a native field, or a field of the canonical type".into()
                });
                cx.push(
                    Diagnostic::error(
                        "unknown-canonical-field",
                        field_at,
                        format!("`{cursor_field}` is not a field of {}", canonical.name()),
                    )
                    .with_hint(hint),
                );
            }
            Some(field) => {
                // Strings compare byte-wise: right for ids and codes, wrong for date-times
                // with fractional seconds, meaningless for objects and arrays.
                let fits = matches!(
                    (&field.kind, incremental.cursor_type),
                    (FieldKind::DateTime, IncrementalCursorType::Datetime)
                        | (FieldKind::Integer { .. }, IncrementalCursorType::Integer)
                        | (
                            FieldKind::String
                                | FieldKind::Enum(_)
                                | FieldKind::Email
                                | FieldKind::Currency
                                | FieldKind::Date,
                            IncrementalCursorType::String
                        )
                );
                if !fits {
                    cx.push(
                        Diagnostic::error(
                            "incremental-cursor-type",
                            field_at.clone(),
                            format!(
                                "`{cursor_field}` holds values of type {}, which a `{}` cursor cannot order",
                                field.kind.describe(),
                                cursor_type_name(incremental.cursor_type)
                            ),
                        )
                        .with_hint(format!("set `cursor_type` to {expected} cursor, or pick another field")),
                    );
                }
                if !stream.mapping.fields.contains_key(cursor_field) {
                    cx.push(
                        Diagnostic::error(
                            "unmapped-cursor-field",
                            field_at,
                            format!("`{cursor_field}` is not mapped, so the cursor would never move"),
                        )
                        .with_hint(format!("map `{cursor_field}` in `mapping.fields`, or read a native field with `$.`")),
                    );
                }
            }
        }
    }
    if incremental.lookback_seconds > 0
        && incremental.cursor_type != IncrementalCursorType::Datetime
    {
        cx.push(Diagnostic::warning(
            "lookback-ignored",
            format!("{inc_at}/lookback_seconds"),
            "a lookback only applies to `datetime` cursors",
        ));
    }
    match &incremental.param {
        Some(param) => {
            let owned = stream.pagination.owned_params();
            if stream.read.query.contains_key(param) || owned.contains(&param.as_str()) {
                cx.push(
                    Diagnostic::error(
                        "incremental-param-conflict",
                        format!("{inc_at}/param"),
                        format!(
                            "query parameter `{param}` is already set by the read or its pagination"
                        ),
                    )
                    .with_hint("send the cursor through one parameter only"),
                );
            }
        }
        None => {
            let reads_state = read_templates(stream, at)
                .iter()
                .any(|name| cx.templates.reads(name, Variable::State));
            if !reads_state {
                cx.push(
                    Diagnostic::warning(
                        "incremental-cursor-unused",
                        inc_at,
                        "the incremental cursor is stored but never sent, so every run reads everything",
                    )
                    .with_hint("set `param`, or read `{{ state.cursor }}` in a query template"),
                );
            }
        }
    }
}

/// The pointers of every template of a stream's read request (path, query, headers, body).
fn read_templates(stream: &StreamConfig, at: &str) -> Vec<String> {
    let read_at = format!("{at}/read");
    let mut names = vec![format!("{read_at}/path")];
    let query_at = format!("{read_at}/query");
    names.extend(
        stream
            .read
            .query
            .keys()
            .map(|k| crate::pointer::push(&query_at, k)),
    );
    let headers_at = format!("{read_at}/headers");
    names.extend(
        stream
            .read
            .headers
            .keys()
            .map(|k| crate::pointer::push(&headers_at, k)),
    );
    if let Some(body) = &stream.read.body {
        names.extend(
            super::string_pointers(&format!("{read_at}/body"), body)
                .into_iter()
                .map(|(name, _)| name),
        );
    }
    names
}

/// The name of a cursor type as written in definitions.
fn cursor_type_name(cursor_type: IncrementalCursorType) -> &'static str {
    match cursor_type {
        IncrementalCursorType::Datetime => "datetime",
        IncrementalCursorType::Integer => "integer",
        IncrementalCursorType::String => "string",
    }
}
