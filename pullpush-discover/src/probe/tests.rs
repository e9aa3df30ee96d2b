//! The walk against scripted APIs, one per pagination style, and the analysis of typical pages.

use futures::executor::block_on;
use pullpush_core::{
    HttpResponse, PageSize, PaginationConfig, ScriptedTransport, TokenSource, TransportError,
};
use serde_json::{Value, json};

use super::*;

fn page(body: &Value, headers: &[(&str, &str)]) -> Result<HttpResponse, TransportError> {
    let mut response = ScriptedTransport::json(body)?;
    response.headers.extend(
        headers
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned())),
    );
    Ok(response)
}

fn options(max_pages: u32) -> ProbeOptions {
    ProbeOptions {
        max_pages,
        ..ProbeOptions::default()
    }
}

fn urls(transport: &ScriptedTransport) -> Vec<String> {
    transport
        .requests()
        .into_iter()
        .map(|request| request.url)
        .collect()
}

fn run(transport: &ScriptedTransport, url: &str, max_pages: u32) -> ProbeReport {
    match block_on(probe(transport, url, options(max_pages))) {
        Ok(report) => report,
        Err(error) => panic!("the probe failed: {error}"),
    }
}

#[test]
fn follows_link_headers_and_merges_the_schema_of_every_page() {
    let transport = ScriptedTransport::new([
        page(
            &json!([{"sku": "A", "on_hand": 1}, {"sku": "B", "on_hand": 2}]),
            &[
                ("Link", r#"<https://api.x.io/v1/stock?page=2>; rel="next""#),
                ("X-Total-Count", "5"),
            ],
        ),
        page(
            &json!([{"sku": "C", "on_hand": 3, "note": "recount"}, {"sku": "D", "on_hand": null}]),
            &[(
                "Link",
                r#"<https://api.x.io/v1/stock?page=3>; rel="next", <https://api.x.io/v1/stock?page=1>; rel="prev""#,
            )],
        ),
        page(
            &json!([{"sku": "E", "on_hand": 5}]),
            &[("Link", r#"<https://api.x.io/v1/stock?page=2>; rel="prev""#)],
        ),
    ]);
    let report = run(&transport, "https://api.x.io/v1/stock", 5);
    assert_eq!(report.pages, 3);
    assert_eq!(report.records_seen, 5);
    assert_eq!(report.records, "$");
    assert_eq!(report.total, Some(5));
    assert_eq!(
        urls(&transport),
        [
            "https://api.x.io/v1/stock",
            "https://api.x.io/v1/stock?page=2",
            "https://api.x.io/v1/stock?page=3"
        ]
    );
    let best = &report.pagination[0];
    assert!(matches!(
        &best.config,
        PaginationConfig::NextUrl {
            next_from: TokenSource::LinkHeader,
            ..
        }
    ));
    assert_eq!(best.confidence, 1.0, "{best:?}");
    assert!(
        best.evidence
            .iter()
            .any(|line| line.contains("X-Total-Count: 5"))
    );
    assert!(
        best.evidence
            .iter()
            .any(|line| line.contains("2 more page(s)"))
    );
    let schema = &report.record_schema;
    assert_eq!(schema["properties"]["note"]["type"], "string");
    // `note` is on one record of page 2 only, and one `on_hand` is null: neither is required.
    assert_eq!(schema["required"], json!(["sku"]));
    assert_eq!(
        schema["properties"]["on_hand"]["type"],
        json!(["integer", "null"])
    );
    assert_eq!(
        report.notes,
        ["page 3 is the last page by the `next_url` strategy"]
    );
    let accept = transport.requests()[0].header("accept").map(str::to_owned);
    assert_eq!(accept.as_deref(), Some("application/json"));
}

#[test]
fn sends_the_body_cursor_back_as_a_query_parameter() {
    let transport = ScriptedTransport::new([
        ScriptedTransport::json(
            &json!({"data": [{"id": "p1"}, {"id": "p2"}], "next_cursor": "p2"}),
        ),
        ScriptedTransport::json(&json!({"data": [{"id": "p3"}], "next_cursor": null})),
    ]);
    let report = run(&transport, "https://api.x.io/v1/products?limit=2", 3);
    assert_eq!(report.records, "$.data[*]");
    assert_eq!((report.pages, report.records_seen), (2, 3));
    assert_eq!(
        urls(&transport)[1],
        "https://api.x.io/v1/products?limit=2&cursor=p2"
    );
    assert_eq!(
        report.pagination[0].config,
        PaginationConfig::Cursor {
            cursor_from: TokenSource::Body("$.next_cursor".into()),
            param: Some("cursor".into()),
            page_size: Some(PageSize {
                param: "limit".into(),
                value: 2
            }),
            stop: Default::default(),
            max_pages: None,
        }
    );
    assert!(
        report.pagination[0]
            .evidence
            .iter()
            .any(|line| line.contains("guessed from the field name"))
    );
    assert_eq!(
        report.notes,
        ["page 2 is the last page by the `cursor` strategy"]
    );
}

#[test]
fn resolves_relative_next_page_uris_twilio_style() {
    let transport = ScriptedTransport::new([
        ScriptedTransport::json(&json!({
            "calls": [{"sid": "CA1", "status": "completed"}],
            "next_page_uri": "/2010-04-01/Accounts/AC1/Calls.json?Page=1&PageToken=PA1",
            "page": 0,
            "page_size": 1,
            "uri": "/2010-04-01/Accounts/AC1/Calls.json?PageSize=1"
        })),
        ScriptedTransport::json(&json!({
            "calls": [{"sid": "CA2", "status": "busy"}],
            "next_page_uri": null,
            "page": 1,
            "page_size": 1
        })),
    ]);
    let report = run(
        &transport,
        "https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json?PageSize=1",
        3,
    );
    assert_eq!(report.records, "$.calls[*]");
    assert_eq!(
        urls(&transport)[1],
        "https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json?Page=1&PageToken=PA1"
    );
    assert!(matches!(
        &report.pagination[0].config,
        PaginationConfig::NextUrl { next_from: TokenSource::Body(path), page_size: Some(size), .. }
            if path == "$.next_page_uri" && size.param == "PageSize"
    ));
    assert_eq!(report.records_seen, 2);
}

#[test]
fn sends_the_last_records_id_back_stripe_style() {
    let transport = ScriptedTransport::new([
        ScriptedTransport::json(
            &json!({"object": "list", "data": [{"id": "cus_1"}, {"id": "cus_2"}], "has_more": true}),
        ),
        ScriptedTransport::json(
            &json!({"object": "list", "data": [{"id": "cus_3"}], "has_more": false}),
        ),
    ]);
    let report = run(&transport, "https://api.stripe.com/v1/customers?limit=2", 5);
    assert_eq!(
        urls(&transport)[1],
        "https://api.stripe.com/v1/customers?limit=2&starting_after=cus_2"
    );
    assert_eq!(report.records_seen, 3);
    let PaginationConfig::Cursor {
        cursor_from: TokenSource::Body(path),
        param: Some(param),
        stop,
        ..
    } = &report.pagination[0].config
    else {
        panic!("a cursor expected: {:?}", report.pagination);
    };
    assert_eq!(
        (path.as_str(), param.as_str()),
        ("$.data[-1:].id", "starting_after")
    );
    assert_eq!(stop.has_more.as_deref(), Some("$.has_more"));
    assert_eq!(
        report.notes,
        ["page 2 is the last page by the `cursor` strategy"]
    );
}

#[test]
fn counts_pages_up_until_an_empty_one() {
    let transport = ScriptedTransport::new([
        ScriptedTransport::json(&json!([{"id": 1}, {"id": 2}])),
        ScriptedTransport::json(&json!([{"id": 3}, {"id": 4}])),
        ScriptedTransport::json(&json!([])),
    ]);
    let report = run(&transport, "https://x.io/items?page=1&per_page=2", 5);
    assert_eq!(
        urls(&transport),
        [
            "https://x.io/items?page=1&per_page=2",
            "https://x.io/items?page=2&per_page=2",
            "https://x.io/items?page=3&per_page=2"
        ]
    );
    assert_eq!((report.pages, report.records_seen), (3, 4));
    assert_eq!(report.records, "$");
    assert!(matches!(
        &report.pagination[0].config,
        PaginationConfig::PageNumber { page_param, start: 1, page_size: Some(_), .. } if page_param == "page"
    ));
    assert_eq!(report.notes, ["page 3 is empty: the walk ends there"]);
}

#[test]
fn stops_at_the_page_limit_and_says_more_pages_follow() {
    let transport = ScriptedTransport::new([
        ScriptedTransport::json(&json!([{"id": 1}])),
        ScriptedTransport::json(&json!([{"id": 2}])),
    ]);
    let report = run(&transport, "https://x.io/items?page=1", 2);
    assert_eq!(report.pages, 2);
    assert_eq!(transport.requests().len(), 2);
    assert_eq!(
        report.notes,
        ["stopped after 2 page(s), the limit; page 3 is at https://x.io/items?page=3"]
    );
}

#[test]
fn a_body_without_records_says_what_it_has() {
    let transport = ScriptedTransport::new([ScriptedTransport::json(
        &json!({"id": 1, "name": "one", "tags": ["a"]}),
    )]);
    let error =
        block_on(probe(&transport, "https://x.io/v1/thing", options(3))).expect_err("no records");
    assert!(matches!(error, ProbeError::NoRecords { .. }));
    assert_eq!(
        error.to_string(),
        "no array of records in the response of https://x.io/v1/thing: no member holds an array of objects; the top-level members are `id`, `name`, `tags`"
    );
}

#[test]
fn a_401_is_a_clear_error_with_the_body() {
    let transport = ScriptedTransport::new([Ok(HttpResponse {
        status: 401,
        headers: Vec::new(),
        body: br#"{"error": {"code": "unauthorized",
                 "message": "bad token"}}"#
            .to_vec(),
    })]);
    let error = block_on(probe(&transport, "https://x.io/v1/orders", options(3)))
        .expect_err("unauthorized");
    assert_eq!(
        error.to_string(),
        r#"https://x.io/v1/orders answered HTTP 401 (unauthorized: check the token, key or password in the config): {"error": {"code": "unauthorized", "message": "bad token"}}"#
    );
}

#[test]
fn first_page_failures_are_errors() {
    let transport = ScriptedTransport::new([Ok(HttpResponse {
        status: 200,
        headers: Vec::new(),
        body: b"<html>hello</html>".to_vec(),
    })]);
    let error = block_on(probe(&transport, "https://x.io/a", options(1))).expect_err("HTML");
    assert!(matches!(error, ProbeError::NotJson { .. }));
    assert!(
        error.to_string().ends_with(": <html>hello</html>"),
        "{error}"
    );

    let transport = ScriptedTransport::new([]);
    let error = block_on(probe(&transport, "https://x.io/a", options(1))).expect_err("no answer");
    assert!(matches!(error, ProbeError::Transport { page: 1, .. }));
    assert!(
        error
            .to_string()
            .starts_with("cannot fetch page 1: request to https://x.io/a failed")
    );

    let error = block_on(probe(&transport, "ftp://x.io/a", options(1))).expect_err("bad URL");
    assert_eq!(
        error.to_string(),
        "`ftp://x.io/a` is not an absolute http(s) URL: the scheme is `ftp`"
    );
}

#[test]
fn a_next_url_seen_before_stops_the_walk_with_a_note() {
    let transport = ScriptedTransport::new([
        ScriptedTransport::json(&json!({"items": [{"id": 1}], "next": "https://x.io/a?page=2"})),
        ScriptedTransport::json(&json!({"items": [{"id": 2}], "next": "https://x.io/a"})),
    ]);
    let report = run(&transport, "https://x.io/a", 5);
    assert_eq!(transport.requests().len(), 2);
    assert_eq!(
        report.notes,
        ["page 2 points to https://x.io/a, which was already fetched: stopped to avoid a loop"]
    );
    let candidate = &report.pagination[0];
    assert_eq!(candidate.confidence, 0.6);
    assert!(
        candidate
            .evidence
            .last()
            .is_some_and(|line| line.contains("pointed back"))
    );
}

#[test]
fn later_page_problems_end_the_walk_with_notes() {
    // The same records again: the page parameter is ignored.
    let transport = ScriptedTransport::new([
        ScriptedTransport::json(&json!({"data": [{"id": 1}]})),
        ScriptedTransport::json(&json!({"data": [{"id": 1}]})),
    ]);
    let report = run(&transport, "https://x.io/a?page=1", 5);
    assert_eq!(report.records_seen, 1);
    assert!(
        report.notes[0].contains("repeats the records of page 1"),
        "{:?}",
        report.notes
    );

    // A failing second page.
    let transport = ScriptedTransport::new([
        ScriptedTransport::json(&json!({"data": [{"id": 1}], "next_cursor": "c1"})),
        Ok(HttpResponse {
            status: 500,
            headers: Vec::new(),
            body: Vec::new(),
        }),
    ]);
    let report = run(&transport, "https://x.io/a", 5);
    assert_eq!(report.pages, 1);
    assert!(report.notes[0].starts_with(
        "page 2 failed, so the walk stopped: https://x.io/a?cursor=c1 answered HTTP 500"
    ));

    // Records elsewhere on page 2.
    let transport = ScriptedTransport::new([
        ScriptedTransport::json(&json!({"data": [{"id": 1}], "next_cursor": "c1"})),
        ScriptedTransport::json(&json!({"results": [{"id": 2}], "next_cursor": null})),
    ]);
    let report = run(&transport, "https://x.io/a", 5);
    assert_eq!(report.records_seen, 2);
    assert_eq!(
        report.notes[0],
        "page 2 has its records at `$.results[*]`, page 1 at `$.data[*]`: the records path is not the same on every page"
    );
}

#[test]
fn an_empty_first_page_is_reported_not_followed() {
    let transport = ScriptedTransport::new([ScriptedTransport::json(
        &json!({"data": [], "next_cursor": null}),
    )]);
    let report = run(&transport, "https://x.io/a", 5);
    assert_eq!((report.pages, report.records_seen), (1, 0));
    assert_eq!(report.records, "$.data[*]");
    assert!(report.notes[0].contains("no records"));
}

fn analysis(url: &str, headers: &[(&str, &str)], body: Value) -> PageAnalysis {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    match analyze_page(url, &headers, &body) {
        Ok(analysis) => analysis,
        Err(error) => panic!("the analysis failed: {error}"),
    }
}

#[test]
fn page_numbers_with_totals_in_meta() {
    let page = analysis(
        "https://x.io/v1/orders?page=2&per_page=50",
        &[],
        json!({"orders": [{"id": 1}], "meta": {"page": 2, "per_page": 50, "total_pages": 3, "total_count": 101}}),
    );
    assert_eq!(page.records, "$.orders[*]");
    assert_eq!(page.total, Some(101));
    assert_eq!(
        page.next_url.as_deref(),
        Some("https://x.io/v1/orders?page=3&per_page=50")
    );
    let best = &page.pagination[0];
    let PaginationConfig::PageNumber { stop, .. } = &best.config else {
        panic!("page numbers expected: {best:?}");
    };
    assert_eq!(stop.total_pages.as_deref(), Some("$.meta.total_pages"));
    assert_eq!(stop.total_records.as_deref(), Some("$.meta.total_count"));
    assert_eq!(best.confidence, 0.8);

    // Without the parameter in the URL, the body's page number still suggests it; on the
    // last page there is no next URL.
    let page = analysis(
        "https://x.io/v1/orders",
        &[],
        json!({"orders": [{"id": 1}], "meta": {"page": 3, "total_pages": 3}}),
    );
    assert!(matches!(
        &page.pagination[0].config,
        PaginationConfig::PageNumber { page_param, .. } if page_param == "page"
    ));
    assert_eq!(page.next_url, None);
}

#[test]
fn stripe_json_api_and_offset_styles() {
    // Stripe: `has_more` false ends every strategy.
    let page = analysis(
        "https://api.stripe.com/v1/customers?limit=2&starting_after=cus_1",
        &[],
        json!({"object": "list", "data": [{"id": "cus_2"}], "has_more": false, "url": "/v1/customers"}),
    );
    assert_eq!(page.records, "$.data[*]");
    assert_eq!(page.next_url, None);

    // JSON:API: links.next.
    let page = analysis(
        "https://x.io/articles",
        &[],
        json!({"data": [{"type": "articles", "id": "1", "attributes": {}}],
               "links": {"self": "/articles", "next": "/articles?page[offset]=1"}}),
    );
    assert_eq!(
        page.next_url.as_deref(),
        Some("https://x.io/articles?page[offset]=1")
    );
    assert!(matches!(
        &page.pagination[0].config,
        PaginationConfig::NextUrl { next_from: TokenSource::Body(path), .. } if path == "$.links.next"
    ));

    // Offset and limit in the URL, a total in the body.
    let page = analysis(
        "https://x.io/v2/items?offset=0&limit=2",
        &[],
        json!({"results": [{"id": 1}, {"id": 2}], "total": 3}),
    );
    assert_eq!(
        page.next_url.as_deref(),
        Some("https://x.io/v2/items?offset=2&limit=2")
    );
    assert!(matches!(
        &page.pagination[0].config,
        PaginationConfig::Offset { offset_param, limit_param, limit: 2, .. }
            if offset_param == "offset" && limit_param == "limit"
    ));

    // Facebook: paging.cursors.after, with the cursor parameter in the request.
    let page = analysis(
        "https://graph.x.io/me/posts?after=A0",
        &[],
        json!({"data": [{"id": "1"}], "paging": {"cursors": {"after": "A1", "before": "B"}}}),
    );
    assert!(matches!(
        &page.pagination[0].config,
        PaginationConfig::Cursor { cursor_from: TokenSource::Body(path), param: Some(param), .. }
            if path == "$.paging.cursors.after" && param == "after"
    ));
    assert_eq!(
        page.next_url.as_deref(),
        Some("https://graph.x.io/me/posts?after=A1")
    );
}

#[test]
fn a_single_page_without_signals_suggests_no_pagination() {
    let page = analysis(
        "https://x.io/v1/locations",
        &[],
        json!({"data": [{"id": "berlin"}]}),
    );
    assert_eq!(page.pagination.len(), 1);
    assert_eq!(page.pagination[0].config, PaginationConfig::None);
    assert_eq!(page.next_url, None);
}

#[test]
fn options_do_not_show_header_values() {
    let options = ProbeOptions {
        max_pages: 1,
        headers: vec![("X-Api-Key".into(), "s3cret".into())],
    };
    let shown = format!("{options:?}");
    assert!(
        shown.contains("X-Api-Key") && !shown.contains("s3cret"),
        "{shown}"
    );
}
