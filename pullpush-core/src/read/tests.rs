//! Tests of the read engine against a scripted transport: every pagination strategy walked to its
//! end, rejected records, incremental state, limits, loops, hostile bodies, parents, prefetch.
//!
//! Tests are data: a definition (a small JSON change to [`base`]), the scripted responses, and
//! the events or requests expected. [`run`] is the one helper that reads.

use futures::StreamExt;
use futures::executor::block_on;
use serde_json::{Value, json};

use super::*;
use crate::store::FixedClock;
use crate::transport::ScriptedTransport;
use crate::{CanonicalRegistry, Definition};

fn base(stream: Value) -> Value {
    json!({
        "id": "acme", "name": "Acme", "version": "1.2.0",
        "config_spec": {"properties": {
            "api_token": {"type": "string", "secret": true},
            "shop": {"type": "string", "default": "main"}
        }},
        "base_url": "https://api.acme.example/v1",
        "headers": {"Accept": "application/json"},
        "auth": {"type": "bearer", "token": "{{ config.api_token }}"},
        "streams": [stream]
    })
}

fn stock_stream(pagination: Value) -> Value {
    json!({
        "name": "stock",
        "canonical_type": "stocklevel",
        "read": {"path": "/shops/{{ config.shop }}/stock", "records": "$.items[*]"},
        "pagination": pagination,
        "mapping": {"fields": {
            "sku": "$.sku",
            "locationId": {"string": "$.loc"},
            "quantity": {"integer": "$.qty"}
        }}
    })
}

fn item(sku: &str, qty: Value) -> Value {
    json!({"sku": sku, "loc": 1, "qty": qty})
}

fn page(items: Vec<Value>, extra: Value) -> Result<HttpResponse, TransportError> {
    let mut body = json!({ "items": items });
    if let (Value::Object(body), Value::Object(extra)) = (&mut body, extra) {
        body.extend(extra);
    }
    ScriptedTransport::json(&body)
}

fn connector(definition: Value) -> Connector {
    let definition: Definition = serde_json::from_value(definition).expect("a definition");
    Connector::build(definition, &CanonicalRegistry::builtin())
        .unwrap_or_else(|diagnostics| panic!("invalid test definition: {diagnostics:#?}"))
}

fn config(connector: &Connector) -> ResolvedConfig {
    connector
        .definition()
        .config_spec
        .resolve(json!({"api_token": "s3cret"}).as_object().expect("object"))
        .expect("valid config")
}

/// Reads `stream` of `definition` against `responses`; returns the items and the requests sent.
fn run(
    definition: Value,
    stream: &str,
    responses: Vec<Result<HttpResponse, TransportError>>,
    options: ReadOptions,
    state: Option<Value>,
) -> (Vec<Result<ReadEvent, ReadError>>, Vec<HttpRequest>) {
    let connector = connector(definition);
    let config = config(&connector);
    let clock = FixedClock("2024-05-01T12:00:00Z".parse().expect("instant"));
    let input = ReadInput {
        config: &config,
        clock: &clock,
        options,
    };
    let transport = ScriptedTransport::new(responses);
    let items =
        block_on(read_stream(&connector, stream, &transport, &input, state).collect::<Vec<_>>());
    (items, transport.requests())
}

fn records(items: &[Result<ReadEvent, ReadError>]) -> Vec<Value> {
    items
        .iter()
        .filter_map(|item| match item {
            Ok(ReadEvent::Record(event)) => Some(Value::Object(event.data.clone())),
            _ => None,
        })
        .collect()
}

fn end(items: &[Result<ReadEvent, ReadError>]) -> &StreamEnd {
    match items.last() {
        Some(Ok(ReadEvent::End(end))) => end,
        other => panic!("the stream should end with End, got {other:?}"),
    }
}

fn urls(requests: &[HttpRequest]) -> Vec<&str> {
    requests
        .iter()
        .map(|request| request.url.as_str())
        .collect()
}

#[test]
fn cursor_pagination_walks_to_the_end() {
    let definition = base(stock_stream(json!({
        "type": "cursor", "cursor_from": {"body": "$.next"}, "param": "cursor",
        "page_size": {"param": "limit", "value": 2}
    })));
    let (items, requests) = run(
        definition,
        "stock",
        vec![
            page(
                vec![item("A", json!(1)), item("B", json!("2"))],
                json!({"next": "c2"}),
            ),
            page(vec![item("C", json!(3))], json!({"next": null})),
        ],
        ReadOptions::default(),
        None,
    );
    assert_eq!(
        urls(&requests),
        [
            "https://api.acme.example/v1/shops/main/stock?limit=2",
            "https://api.acme.example/v1/shops/main/stock?limit=2&cursor=c2",
        ]
    );
    assert_eq!(requests[0].header("accept"), Some("application/json"));
    let skus: Vec<Value> = records(&items).iter().map(|r| r["sku"].clone()).collect();
    assert_eq!(skus, [json!("A"), json!("B"), json!("C")]);
    assert_eq!(records(&items)[1]["quantity"], 2);
    let end = end(&items);
    assert_eq!(
        (end.reason, end.pages, end.records, end.rejected),
        (StopReason::NoNextPage, 2, 3, 0)
    );
    assert_eq!(end.state, json!({}));
}

#[test]
fn next_url_from_a_link_header_and_relative_urls() {
    let definition = base(stock_stream(
        json!({"type": "next_url", "next_from": "link_header"}),
    ));
    let linked = |items, link: &str| {
        let mut response = page(items, json!({})).expect("response");
        response.headers.push(("Link".into(), link.into()));
        Ok(response)
    };
    let (items, requests) = run(
        definition,
        "stock",
        vec![
            linked(
                vec![item("A", json!(1))],
                r#"</v1/shops/main/stock?page=2>; rel="next""#,
            ),
            linked(
                vec![item("B", json!(1))],
                r#"<https://api.acme.example/v1/shops/main/stock?page=1>; rel="prev""#,
            ),
        ],
        ReadOptions::default(),
        None,
    );
    assert_eq!(
        urls(&requests)[1],
        "https://api.acme.example/v1/shops/main/stock?page=2"
    );
    assert_eq!(records(&items).len(), 2);
    assert_eq!(end(&items).reason, StopReason::NoNextPage);
}

#[test]
fn page_number_stops_at_the_total_and_offset_at_a_short_page() {
    let pages = base(stock_stream(json!({
        "type": "page_number", "page_size": {"param": "per_page", "value": 1},
        "stop": {"total_pages": "$.meta.pages"}
    })));
    let (items, requests) = run(
        pages,
        "stock",
        vec![
            page(vec![item("A", json!(1))], json!({"meta": {"pages": 2}})),
            page(vec![item("B", json!(1))], json!({"meta": {"pages": 2}})),
        ],
        ReadOptions::default(),
        None,
    );
    assert_eq!(
        urls(&requests)[1],
        "https://api.acme.example/v1/shops/main/stock?page=2&per_page=1"
    );
    assert_eq!(end(&items).reason, StopReason::TotalPagesReached);

    let offsets = base(stock_stream(json!({
        "type": "offset", "limit": 2, "stop": {"short_page": true}
    })));
    let (items, requests) = run(
        offsets,
        "stock",
        vec![
            page(vec![item("A", json!(1)), item("B", json!(1))], json!({})),
            page(vec![item("C", json!(1))], json!({})),
        ],
        ReadOptions::default(),
        None,
    );
    assert_eq!(
        urls(&requests),
        [
            "https://api.acme.example/v1/shops/main/stock?offset=0&limit=2",
            "https://api.acme.example/v1/shops/main/stock?offset=2&limit=2",
        ]
    );
    assert_eq!(end(&items).reason, StopReason::ShortPage);
}

#[test]
fn null_quantities_are_rejected_never_delivered_as_zero() {
    let (items, _) = run(
        base(stock_stream(json!({"type": "none"}))),
        "stock",
        vec![page(
            vec![
                item("A", Value::Null),
                item("B", json!("n/a")),
                item("C", json!(4)),
            ],
            json!({}),
        )],
        ReadOptions::default(),
        None,
    );
    let rejected: Vec<&RejectedRecord> = items
        .iter()
        .filter_map(|item| match item {
            Ok(ReadEvent::Rejected(rejected)) => Some(rejected),
            _ => None,
        })
        .collect();
    assert_eq!(rejected.len(), 2);
    assert!(
        rejected[0].errors[0].contains("/quantity") && rejected[0].errors[0].contains("null"),
        "{:?}",
        rejected[0]
    );
    assert!(
        rejected[1].errors[0].contains("cannot convert"),
        "{:?}",
        rejected[1]
    );
    assert_eq!(
        records(&items),
        [json!({"sku": "C", "locationId": "1", "quantity": 4})]
    );
    let end = end(&items);
    assert_eq!(
        (end.reason, end.records, end.rejected),
        (StopReason::SinglePage, 1, 2)
    );
}

#[test]
fn a_repeated_cursor_is_an_error_and_ends_the_stream_without_state() {
    let definition = base(stock_stream(json!({
        "type": "cursor", "cursor_from": {"body": "$.next"}, "param": "cursor"
    })));
    let (items, requests) = run(
        definition,
        "stock",
        vec![
            page(vec![item("A", json!(1))], json!({"next": "same"})),
            page(vec![item("B", json!(1))], json!({"next": "same"})),
            page(vec![item("C", json!(1))], json!({"next": "other"})),
        ],
        ReadOptions::default(),
        None,
    );
    let error = items
        .last()
        .expect("items")
        .as_ref()
        .expect_err("a loop error");
    assert!(matches!(error.kind, ReadErrorKind::Loop(_)), "{error}");
    assert_eq!(error.page, Some(2));
    assert!(
        !items
            .iter()
            .any(|item| matches!(item, Ok(ReadEvent::End(_))))
    );
    assert_eq!(requests.len(), 2, "no request after the loop was seen");
}

#[test]
fn a_server_ignoring_the_page_parameter_is_caught() {
    let definition = base(stock_stream(json!({"type": "page_number"})));
    let same = || page(vec![item("A", json!(1))], json!({}));
    let (items, _) = run(
        definition,
        "stock",
        vec![same(), same(), same()],
        ReadOptions::default(),
        None,
    );
    let error = items
        .last()
        .expect("items")
        .as_ref()
        .expect_err("a loop error");
    assert!(
        matches!(&error.kind, ReadErrorKind::Loop(message) if message.contains("identical")),
        "{error}"
    );
}

#[test]
fn error_statuses_and_garbage_bodies_end_the_stream_with_scrubbed_messages() {
    let mut definition = base(stock_stream(json!({"type": "none"})));
    definition["streams"][0]["read"]["query"] = json!({"token": "{{ config.api_token }}"});
    let server_error = Ok(HttpResponse {
        status: 500,
        headers: vec![],
        body: b"internal error for token s3cret".to_vec(),
    });
    let (items, _) = run(
        definition.clone(),
        "stock",
        vec![server_error],
        ReadOptions::default(),
        None,
    );
    let error = items[0].as_ref().expect_err("a status error");
    let message = error.to_string();
    assert!(
        message.contains("500") && !message.contains("s3cret"),
        "{message}"
    );

    let garbage = Ok(HttpResponse {
        status: 200,
        headers: vec![],
        body: b"<html>gateway timeout</html>".to_vec(),
    });
    let (items, _) = run(
        definition,
        "stock",
        vec![garbage],
        ReadOptions::default(),
        None,
    );
    let error = items[0].as_ref().expect_err("a decode error");
    assert!(matches!(error.kind, ReadErrorKind::Decode(_)), "{error}");
}

#[test]
fn incremental_reads_send_the_bound_and_end_with_the_largest_cursor() {
    let mut stream = stock_stream(json!({"type": "none"}));
    stream["mapping"]["fields"]["updatedAt"] = json!({"datetime": {"value": "$.changed"}});
    stream["incremental"] =
        json!({"cursor_field": "updatedAt", "param": "updated_since", "lookback_seconds": 60});
    let with_changed = |sku: &str, changed: &str| {
        let mut record = item(sku, json!(1));
        record["changed"] = json!(changed);
        record
    };
    let (items, requests) = run(
        base(stream),
        "stock",
        vec![page(
            vec![
                with_changed("A", "2024-05-02 10:00:00"),
                with_changed("B", "2024-05-03 08:00:00"),
            ],
            json!({}),
        )],
        ReadOptions::default(),
        Some(json!({"cursor": "2024-05-01T00:00:00Z"})),
    );
    assert_eq!(
        urls(&requests),
        ["https://api.acme.example/v1/shops/main/stock?updated_since=2024-04-30T23%3A59%3A00Z"]
    );
    assert_eq!(end(&items).state, json!({"cursor": "2024-05-03T08:00:00Z"}));
}

#[test]
fn page_and_record_limits_cut_walks_short() {
    let definition = base(stock_stream(json!({"type": "page_number"})));
    let pages = || {
        (1..=5)
            .map(|n| {
                page(
                    vec![
                        item(&format!("A{n}"), json!(1)),
                        item(&format!("B{n}"), json!(1)),
                    ],
                    json!({}),
                )
            })
            .collect::<Vec<_>>()
    };
    let (items, requests) = run(
        definition.clone(),
        "stock",
        pages(),
        ReadOptions {
            max_pages: Some(2),
            ..ReadOptions::default()
        },
        None,
    );
    assert_eq!(requests.len(), 2);
    assert_eq!(end(&items).reason, StopReason::PageLimit);
    assert!(!end(&items).reason.reached_end());

    let (items, requests) = run(
        definition,
        "stock",
        pages(),
        ReadOptions {
            max_records: Some(3),
            ..ReadOptions::default()
        },
        None,
    );
    assert_eq!(records(&items).len(), 3);
    assert_eq!(requests.len(), 2);
    assert_eq!(end(&items).reason, StopReason::RecordLimit);
}

#[test]
fn a_post_search_carries_typed_values_and_the_cursor_in_its_body() {
    let mut stream = stock_stream(json!({"type": "cursor", "cursor_from": {"body": "$.next"}}));
    stream["read"] = json!({
        "method": "POST", "safe": true, "path": "/stock/search", "records": "$.items[*]",
        "body": {"limit": "{{ 50 }}", "shop": "{{ config.shop }}", "cursor": "{{ page.token }}"}
    });
    let (items, requests) = run(
        base(stream),
        "stock",
        vec![
            page(vec![item("A", json!(1))], json!({"next": "n2"})),
            page(vec![item("B", json!(1))], json!({})),
        ],
        ReadOptions::default(),
        None,
    );
    let body = |index: usize| -> Value {
        serde_json::from_slice(requests[index].body.as_deref().expect("a body")).expect("JSON body")
    };
    assert_eq!(
        body(0),
        json!({"limit": 50, "shop": "main"}),
        "a null cursor is left out"
    );
    assert_eq!(
        body(1),
        json!({"limit": 50, "shop": "main", "cursor": "n2"})
    );
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    assert_eq!(records(&items).len(), 2);
}

#[test]
fn child_streams_read_once_per_parent_record() {
    let mut definition = base(json!({
        "name": "locations",
        "canonical_type": "company",
        "read": {"path": "/locations", "records": "$.items[*]"},
        "mapping": {"fields": {"companyId": {"string": "$.id"}, "name": "$.name"}}
    }));
    let mut child = stock_stream(json!({"type": "none"}));
    child["parent"] = json!({"stream": "locations"});
    child["read"]["path"] = json!("/locations/{{ parent.id }}/stock");
    definition["streams"]
        .as_array_mut()
        .expect("streams")
        .push(child);
    let (items, requests) = run(
        definition,
        "stock",
        vec![
            page(
                vec![
                    json!({"id": 7, "name": "Berlin"}),
                    json!({"id": 9, "name": "Paris"}),
                ],
                json!({}),
            ),
            page(vec![item("A", json!(1))], json!({})),
            page(vec![item("B", json!(2))], json!({})),
        ],
        ReadOptions::default(),
        None,
    );
    assert_eq!(
        urls(&requests),
        [
            "https://api.acme.example/v1/locations",
            "https://api.acme.example/v1/locations/7/stock",
            "https://api.acme.example/v1/locations/9/stock",
        ]
    );
    assert_eq!(records(&items).len(), 2);
    assert_eq!(
        end(&items).pages,
        2,
        "the parent's pages are not the child's"
    );
}

#[test]
fn the_next_page_is_requested_before_this_page_is_consumed() {
    let definition = base(stock_stream(json!({"type": "page_number"})));
    let connector = connector(definition);
    let config = config(&connector);
    let clock = FixedClock(jiff::Timestamp::UNIX_EPOCH);
    let input = ReadInput {
        config: &config,
        clock: &clock,
        options: ReadOptions::default(),
    };
    let transport = ScriptedTransport::new(vec![
        page(vec![item("A", json!(1))], json!({})),
        page(vec![item("B", json!(1))], json!({})),
        page(vec![], json!({})),
    ]);
    let mut events = read_stream(&connector, "stock", &transport, &input, None);
    let first = block_on(events.next()).expect("an event").expect("a page");
    assert!(matches!(first, ReadEvent::Page(PageInfo { number: 1, .. })));
    assert_eq!(
        transport.requests().len(),
        2,
        "page 2 was requested before page 1 was mapped"
    );
}

#[test]
fn events_carry_their_source_and_a_stable_id() {
    let (items, _) = run(
        base(stock_stream(json!({"type": "none"}))),
        "stock",
        vec![page(vec![item("A", json!(1))], json!({}))],
        ReadOptions {
            connection: Some("shop-eu".into()),
            ..ReadOptions::default()
        },
        None,
    );
    let Some(Ok(ReadEvent::Record(event))) =
        items.iter().find(|i| matches!(i, Ok(ReadEvent::Record(_))))
    else {
        panic!("a record");
    };
    assert_eq!(event.source.connector, "acme@1.2.0");
    assert_eq!(event.source.connection.as_deref(), Some("shop-eu"));
    assert_eq!(event.observed_at, "2024-05-01T12:00:00Z");
    assert_eq!(
        event.key,
        json!({"sku": "A", "locationId": "1"})
            .as_object()
            .cloned()
            .expect("object")
    );
}

#[test]
fn an_unknown_stream_is_an_error_naming_the_streams() {
    let (items, _) = run(
        base(stock_stream(json!({"type": "none"}))),
        "stok",
        vec![],
        ReadOptions::default(),
        None,
    );
    let error = items[0].as_ref().expect_err("unknown stream");
    assert_eq!(
        error.to_string(),
        "stream `stok`: no such stream; streams are: stock"
    );
}

#[test]
fn records_without_their_key_are_missing_data_and_status_errors_count_attempts() {
    let (items, _) = run(
        base(stock_stream(json!({"type": "none"}))),
        "stock",
        vec![page(vec![json!({"loc": 1, "qty": 2})], json!({}))],
        ReadOptions::default(),
        None,
    );
    let cause = items.iter().find_map(|item| match item {
        Ok(ReadEvent::Rejected(rejected)) => Some(rejected.cause),
        _ => None,
    });
    assert_eq!(cause, Some(RejectionCause::MissingData));

    let retried = Ok(HttpResponse {
        status: 503,
        headers: vec![(crate::transport::ATTEMPTS_HEADER.into(), "4".into())],
        body: b"busy".to_vec(),
    });
    let (items, _) = run(
        base(stock_stream(json!({"type": "none"}))),
        "stock",
        vec![retried],
        ReadOptions::default(),
        None,
    );
    let message = items[0].as_ref().expect_err("a status error").to_string();
    assert!(
        message.contains("answered 503 after 4 attempts: `busy`"),
        "{message}"
    );
}
