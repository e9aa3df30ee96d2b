//! The demo API over real HTTP: a server on 127.0.0.1:0, a reqwest client.

use std::collections::HashSet;
use std::time::Duration;

/// A reqwest client. The workspace builds reqwest with rustls but no built-in crypto provider
/// (pullpush-http installs ring), so a test that uses reqwest directly installs it too.
fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

use pullpush_demo::{DEFAULT_TOKEN, DemoApi, RunningDemo};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

async fn get_with(url: &str, token: Option<&str>) -> Answer {
    let mut request = client().get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the demo answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{url} answered {status} with non-JSON ({e}): {bytes:?}"));
    Answer {
        status,
        headers,
        body,
    }
}

/// `GET` a path of `demo` with its token.
async fn get(demo: &RunningDemo, path: &str) -> Answer {
    get_with(&format!("{}{path}", demo.base_url()), Some(demo.token())).await
}

fn ok(answer: &Answer) {
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.header("content-type"), Some("application/json"));
}

/// The `rel="next"` target of an RFC 8288 `Link` header.
fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (target, params) = part.trim().split_once(';')?;
        let is_next = params
            .split(';')
            .any(|p| p.trim().eq_ignore_ascii_case("rel=\"next\""));
        is_next.then(|| {
            target
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned()
        })
    })
}

#[tokio::test]
async fn auth_is_enforced_and_errors_are_json() {
    let demo = DemoApi::builder().start().await.unwrap();
    assert_eq!(demo.token(), DEFAULT_TOKEN);
    assert!(demo.local_addr().ip().is_loopback());
    let url = format!("{}/v1/products", demo.base_url());

    for path in [
        "/v1/products",
        "/v1/locations",
        "/v1/locations/berlin/stock",
        "/v1/orders",
    ] {
        let url = format!("{}{path}", demo.base_url());
        let missing = get_with(&url, None).await;
        assert_eq!(missing.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(missing.body["error"]["code"], "unauthorized");
        assert_eq!(
            missing.header("www-authenticate"),
            Some("Bearer realm=\"pullpush-demo\"")
        );
        let wrong = get_with(&url, Some("not-the-token")).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{path}");
        ok(&get_with(&url, Some(DEFAULT_TOKEN)).await);
    }

    // Another scheme with the right token is still refused; the scheme's case is not significant.
    let basic = client()
        .get(&url)
        .header("authorization", format!("Basic {DEFAULT_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), StatusCode::UNAUTHORIZED);
    let lower = client()
        .get(&url)
        .header("authorization", format!("bearer {DEFAULT_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(lower.status(), StatusCode::OK);

    // A custom token replaces the default.
    let custom = DemoApi::builder().token("s3cret").start().await.unwrap();
    let url = format!("{}/v1/orders", custom.base_url());
    assert_eq!(
        get_with(&url, Some(DEFAULT_TOKEN)).await.status,
        StatusCode::UNAUTHORIZED
    );
    ok(&get_with(&url, Some("s3cret")).await);

    // Unknown endpoints are a JSON 404.
    let missing = get(&demo, "/v2/nothing").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.body["error"]["code"], "not_found");

    demo.shutdown().await.unwrap();
    custom.shutdown().await.unwrap();
}

#[tokio::test]
async fn products_cursor_walk_returns_every_product_once() {
    let demo = DemoApi::builder().products(250).start().await.unwrap();
    let expected: Vec<Value> = demo
        .data()
        .products
        .iter()
        .map(|p| serde_json::to_value(p).unwrap())
        .collect();

    let mut seen = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let page = get(&demo, &format!("/v1/products?cursor={cursor}&limit=37")).await;
        ok(&page);
        pages += 1;
        let records = page.body["data"].as_array().unwrap();
        assert!(records.len() <= 37);
        seen.extend(records.iter().cloned());
        match &page.body["next_cursor"] {
            Value::Null => break,
            Value::String(next) => cursor = next.clone(),
            other => panic!("next_cursor is {other}"),
        }
        assert!(pages < 100, "the walk does not end");
    }
    assert_eq!(pages, 250usize.div_ceil(37));
    assert_eq!(seen, expected, "every product once, in order, as generated");
    let skus: HashSet<&str> = seen.iter().map(|p| p["sku"].as_str().unwrap()).collect();
    assert_eq!(skus.len(), 250);

    // The wire format the bundled definition relies on.
    let first = &seen[0];
    assert!(first["price"].is_number());
    assert!(
        ["eur", "usd", "gbp"].contains(&first["currency"].as_str().unwrap()),
        "{first}"
    );
    assert!([1, 2, 3].contains(&first["status"].as_u64().unwrap()));
    assert!(first["variants"].is_array());
    let statuses: HashSet<u64> = seen.iter().map(|p| p["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses.len(), 3, "all three status codes occur");

    // Defaults, caps and mistakes.
    let default_page = get(&demo, "/v1/products").await;
    assert_eq!(default_page.body["data"].as_array().unwrap().len(), 100);
    let capped = get(&demo, "/v1/products?limit=100000").await;
    ok(&capped);
    assert_eq!(capped.body["data"].as_array().unwrap().len(), 250);
    assert!(capped.body["next_cursor"].is_null());
    for bad in [
        "cursor=nonsense",
        "cursor=prod_999999",
        "limit=0",
        "limit=ten",
    ] {
        let answer = get(&demo, &format!("/v1/products?{bad}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(answer.body["error"]["message"].is_string());
    }
    demo.shutdown().await.unwrap();
}

#[tokio::test]
async fn stock_link_header_walk_returns_every_level_once() {
    let demo = DemoApi::builder()
        .products(320)
        .locations(3)
        .start()
        .await
        .unwrap();

    let locations = get(&demo, "/v1/locations").await;
    ok(&locations);
    let ids: Vec<&str> = locations.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["berlin", "paris", "madrid"]);

    for location in ids {
        let expected: Vec<Value> = demo
            .data()
            .stock_at(location)
            .iter()
            .map(|s| serde_json::to_value(s).unwrap())
            .collect();
        let mut url = format!(
            "{}/v1/locations/{location}/stock?per_page=150",
            demo.base_url()
        );
        let mut seen = Vec::new();
        let mut page = 1;
        loop {
            let answer = get_with(&url, Some(demo.token())).await;
            ok(&answer);
            assert_eq!(answer.header("x-total-count"), Some("320"));
            seen.extend(
                answer
                    .body
                    .as_array()
                    .expect("a bare array")
                    .iter()
                    .cloned(),
            );
            let link = answer.header("link").expect("a Link header");
            assert!(link.contains(&format!(
                "<{}/v1/locations/{location}/stock?page=1&per_page=150>; rel=\"first\"",
                demo.base_url()
            )));
            assert!(link.contains(&format!(
                "<{}/v1/locations/{location}/stock?page=3&per_page=150>; rel=\"last\"",
                demo.base_url()
            )));
            match next_link(link) {
                Some(next) => {
                    page += 1;
                    // Absolute, to this server, with the page size carried along.
                    assert_eq!(
                        next,
                        format!(
                            "{}/v1/locations/{location}/stock?page={page}&per_page=150",
                            demo.base_url()
                        )
                    );
                    url = next;
                }
                None => break,
            }
            assert!(page < 10, "the walk does not end");
        }
        assert_eq!(page, 3);
        assert_eq!(seen, expected, "{location}: every level once, in order");
    }

    // Unknown counts are served as null, never as 0.
    let all = &demo.data().stock_levels;
    let unknown = all.iter().filter(|s| s.on_hand.is_none()).count();
    assert!(
        unknown > 0 && unknown < all.len() / 20,
        "{unknown} unknown counts"
    );
    let berlin = get(&demo, "/v1/locations/berlin/stock?per_page=1000").await;
    let nulls = berlin
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["on_hand"].is_null())
        .count();
    assert_eq!(
        nulls,
        demo.data()
            .stock_at("berlin")
            .iter()
            .filter(|s| s.on_hand.is_none())
            .count()
    );

    // Past the last page: empty, with no next link.
    let past = get(&demo, "/v1/locations/berlin/stock?page=9&per_page=150").await;
    ok(&past);
    assert_eq!(past.body, serde_json::json!([]));
    assert_eq!(next_link(past.header("link").unwrap()), None);

    let unknown_location = get(&demo, "/v1/locations/atlantis/stock").await;
    assert_eq!(unknown_location.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown_location.body["error"]["code"], "not_found");
    demo.shutdown().await.unwrap();
}

#[tokio::test]
async fn orders_page_number_walk_and_updated_since() {
    let demo = DemoApi::builder().orders(730).start().await.unwrap();
    let data = demo.data();

    // The whole walk, as the definition does it: pages until meta.total_pages.
    let walk = |query: String| {
        let demo = &demo;
        async move {
            let mut seen = Vec::new();
            let mut page = 1;
            loop {
                let answer =
                    get(demo, &format!("/v1/orders?page={page}&per_page=100{query}")).await;
                ok(&answer);
                let meta = &answer.body["meta"];
                assert_eq!(meta["page"], page);
                assert_eq!(meta["per_page"], 100);
                seen.extend(answer.body["orders"].as_array().unwrap().iter().cloned());
                let total_pages = meta["total_pages"].as_u64().unwrap();
                assert_eq!(
                    meta["total_count"].as_u64().unwrap().div_ceil(100),
                    total_pages
                );
                if page >= total_pages {
                    break (seen, total_pages);
                }
                page += 1;
            }
        }
    };

    let (seen, total_pages) = walk(String::new()).await;
    assert_eq!(total_pages, 8);
    let expected: Vec<Value> = data
        .orders
        .iter()
        .map(|o| serde_json::to_value(o).unwrap())
        .collect();
    assert_eq!(seen, expected, "every order once, in order");
    let states: HashSet<&str> = seen.iter().map(|o| o["state"].as_str().unwrap()).collect();
    assert_eq!(
        states,
        HashSet::from(["pending", "paid", "fulfilled", "cancelled", "refunded"])
    );
    assert!(seen.iter().all(|o| o["total_cents"].is_i64()));

    // A page past the last is empty (the definition's empty-page stop).
    let past = get(&demo, "/v1/orders?page=9&per_page=100").await;
    ok(&past);
    assert_eq!(past.body["orders"], serde_json::json!([]));
    assert_eq!(past.body["meta"]["total_pages"], 8);

    // updated_since keeps orders updated at or after the instant, and counts only those.
    let mut instants: Vec<_> = data.orders.iter().map(|o| o.updated_at).collect();
    instants.sort();
    let since = instants[instants.len() * 2 / 3];
    let expected_ids: Vec<u64> = data.orders_updated_since(since).map(|o| o.id).collect();
    assert!(expected_ids.len() >= 730 / 3 && expected_ids.len() < 730);
    let (recent, _) = walk(format!("&updated_since={since}")).await;
    let recent_ids: Vec<u64> = recent.iter().map(|o| o["id"].as_u64().unwrap()).collect();
    assert_eq!(recent_ids, expected_ids);
    for order in &recent {
        let updated: jiff::Timestamp = order["updated_at"].as_str().unwrap().parse().unwrap();
        assert!(updated >= since);
    }

    // The same instant in another offset (`+` percent-encoded) filters the same.
    let berlin_time = since.display_with_offset(jiff::tz::offset(2)).to_string();
    assert!(berlin_time.ends_with("+02:00"), "{berlin_time}");
    let berlin_time = berlin_time.replace('+', "%2B");
    let offset = get(
        &demo,
        &format!("/v1/orders?per_page=1000&updated_since={berlin_time}"),
    )
    .await;
    ok(&offset);
    assert_eq!(
        offset.body["meta"]["total_count"].as_u64().unwrap() as usize,
        expected_ids.len()
    );

    // Later than everything: nothing, zero pages.
    let none = get(&demo, "/v1/orders?updated_since=2100-01-01T00:00:00Z").await;
    ok(&none);
    assert_eq!(none.body["orders"], serde_json::json!([]));
    assert_eq!(none.body["meta"]["total_pages"], 0);

    for bad in [
        "updated_since=yesterday",
        "updated_since=2024-05-01",
        "page=0",
        "per_page=-5",
    ] {
        let answer = get(&demo, &format!("/v1/orders?{bad}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    demo.shutdown().await.unwrap();
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let demo = DemoApi::builder().rate_limit(3).start().await.unwrap();
    let mut remaining = Vec::new();
    let mut refused = None;
    for _ in 0..12 {
        let answer = get(&demo, "/v1/locations").await;
        match answer.status {
            StatusCode::OK => {
                assert_eq!(answer.header("x-ratelimit-limit"), Some("3"));
                remaining.push(answer.header("x-ratelimit-remaining").unwrap().to_owned());
            }
            StatusCode::TOO_MANY_REQUESTS => refused = Some(answer),
            other => panic!("unexpected {other}"),
        }
    }
    let refused = refused.expect("12 quick requests exceed 3 per second");
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert_eq!(refused.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(refused.body["error"]["code"], "rate_limited");
    assert_eq!(remaining[..3], ["2", "1", "0"]);
    // At most 3 per window: 12 quick requests span at most a few windows.
    assert!(remaining.len() < 12);
    assert_eq!(demo.request_count(), remaining.len() as u64);

    // After Retry-After, requests are admitted again.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    ok(&get(&demo, "/v1/locations").await);
    demo.shutdown().await.unwrap();

    // A limit of 0 is a 429 storm; /openapi.json is never limited.
    let storm = DemoApi::builder().rate_limit(0).start().await.unwrap();
    for _ in 0..3 {
        assert_eq!(
            get(&storm, "/v1/orders").await.status,
            StatusCode::TOO_MANY_REQUESTS
        );
    }
    ok(&get(&storm, "/openapi.json").await);

    // Unlimited: no rate-limit headers at all.
    let unlimited = DemoApi::builder().unlimited().start().await.unwrap();
    let answer = get(&unlimited, "/v1/orders").await;
    ok(&answer);
    assert_eq!(answer.header("x-ratelimit-remaining"), None);
}

#[tokio::test]
async fn fault_injection_fails_every_nth_request() {
    let demo = DemoApi::builder().fail_every(3).start().await.unwrap();
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(get(&demo, "/v1/products?limit=5").await.status.as_u16());
    }
    assert_eq!(statuses, [200, 200, 503, 200, 200, 503, 200]);
    let failed = get(&demo, "/v1/products?limit=5").await; // the 8th: fine
    ok(&failed);
    let ninth = get(&demo, "/v1/products?limit=5").await;
    assert_eq!(ninth.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ninth.header("retry-after"), Some("1"));
    assert_eq!(ninth.body["error"]["code"], "unavailable");
    assert_eq!(demo.request_count(), 9);
}

#[tokio::test]
async fn openapi_document_describes_the_api() {
    let demo = DemoApi::builder().start().await.unwrap();
    let doc = get_with(&format!("{}/openapi.json", demo.base_url()), None).await;
    ok(&doc);
    let doc = doc.body;
    assert_eq!(doc["openapi"], "3.0.3");
    assert_eq!(doc["servers"][0]["url"], demo.base_url());
    let paths = doc["paths"].as_object().unwrap();
    let mut names: Vec<&str> = paths.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "/v1/locations",
            "/v1/locations/{location_id}/stock",
            "/v1/orders",
            "/v1/products"
        ]
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["bearerAuth"],
        serde_json::json!({"type": "http", "scheme": "bearer", "description": doc["components"]["securitySchemes"]["bearerAuth"]["description"]})
    );
    let stock = &doc["paths"]["/v1/locations/{location_id}/stock"]["get"]["responses"]["200"];
    assert!(stock["headers"]["Link"].is_object());
    assert!(stock["headers"]["X-Total-Count"].is_object());

    // Every $ref resolves inside the document.
    fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    out.push(target);
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut targets = Vec::new();
    refs(&doc, &mut targets);
    assert!(targets.len() > 20);
    for target in targets {
        let pointer = target.strip_prefix('#').expect("local refs only");
        assert!(doc.pointer(pointer).is_some(), "{target} does not resolve");
    }

    // The served document is the bundled one with the server's address.
    let mut bundled: Value = serde_json::from_str(pullpush_demo::OPENAPI).unwrap();
    bundled["servers"] = doc["servers"].clone();
    assert_eq!(bundled, doc);
}

#[tokio::test]
async fn same_seed_same_bytes_and_shutdown_closes_the_port() {
    let api = DemoApi::builder().seed(7).products(40).build();
    let a = api.start().await.unwrap();
    let b = api.start().await.unwrap();
    assert_ne!(a.local_addr(), b.local_addr());
    for path in ["/v1/products?limit=15", "/v1/orders?page=2&per_page=50"] {
        let from_a = get(&a, path).await.body;
        let from_b = get(&b, path).await.body;
        assert_eq!(from_a, from_b);
    }
    let other_seed = DemoApi::builder()
        .seed(8)
        .products(40)
        .start()
        .await
        .unwrap();
    assert_ne!(
        get(&a, "/v1/products").await.body,
        get(&other_seed, "/v1/products").await.body
    );

    let url = format!("{}/v1/products", a.base_url());
    a.shutdown().await.unwrap();
    let refused = client()
        .get(&url)
        .bearer_auth(DEFAULT_TOKEN)
        .timeout(Duration::from_secs(5))
        .send()
        .await;
    assert!(refused.is_err(), "the server still answers after shutdown");

    // Dropping the handle stops the server too.
    let url = format!("{}/v1/products", b.base_url());
    drop(b);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        client()
            .get(&url)
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .is_err()
    );
}
