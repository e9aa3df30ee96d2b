//! The fixture server over real HTTP: a server on 127.0.0.1:0, a reqwest client.

use pullpush_demo::{Fixture, FixtureServer, RunningFixture};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// A reqwest client. The workspace builds reqwest with rustls but no built-in crypto provider
/// (pullpush-http installs ring), so a test that uses reqwest directly installs it too.
fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

async fn serve(fixture: Value) -> RunningFixture {
    let fixture = Fixture::from_json(&fixture.to_string()).expect("a valid fixture");
    FixtureServer::start(fixture)
        .await
        .expect("the server starts")
}

struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("{e}: {}", self.text))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().expect("text"))
    }
}

async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("an answer");
    Answer {
        status: response.status(),
        headers: response.headers().clone(),
        text: response.text().await.expect("a body"),
    }
}

async fn get(server: &RunningFixture, path_and_query: &str) -> Answer {
    send(client().get(format!("{}{path_and_query}", server.base_url()))).await
}

#[tokio::test]
async fn routes_match_on_method_path_and_listed_query_parameters_first_match_wins() {
    let server = serve(json!({"routes": [
        {"path": "/items", "query": {"cursor": null}, "body": {"page": 1}},
        {"path": "/items", "query": {"cursor": "abc"}, "body": {"page": 2}},
        {"path": "/items", "body": {"page": "any"}},
        {"method": "post", "path": "/items", "status": 201, "body": {"created": true}}
    ]}))
    .await;
    assert_eq!(
        get(&server, "/items?limit=5").await.json(),
        json!({"page": 1})
    );
    assert_eq!(
        get(&server, "/items?cursor=abc&limit=5").await.json(),
        json!({"page": 2})
    );
    assert_eq!(
        get(&server, "/items?cursor=zzz").await.json(),
        json!({"page": "any"})
    );
    let created = send(client().post(format!("{}/items", server.base_url()))).await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.header("content-type"), Some("application/json"));

    let log = server.requests();
    assert_eq!(log.len(), 4);
    assert_eq!(
        log.iter().map(|r| r.route).collect::<Vec<_>>(),
        [Some(0), Some(1), Some(2), Some(3)]
    );
    assert_eq!(
        log[1].query,
        [
            ("cursor".into(), "abc".into()),
            ("limit".into(), "5".into())
        ]
    );
    server.shutdown().await.expect("stops");
}

#[tokio::test]
async fn an_unmatched_request_gets_a_404_naming_it_and_the_near_misses() {
    let server = serve(json!({"routes": [
        {"path": "/items", "query": {"page": "1"}, "body": []},
        {"path": "/items", "query": {"token": null}, "body": []}
    ]}))
    .await;
    let answer = get(&server, "/items?page=2&token=t").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let body = answer.json();
    assert_eq!(body["method"], "GET");
    assert_eq!(body["path"], "/items");
    assert_eq!(body["query"], json!({"page": "2", "token": "t"}));
    assert_eq!(
        body["near_misses"],
        json!([
            {"route": 0, "differs": "query `page` should be \"1\", is \"2\""},
            {"route": 1, "differs": "query `token` should be absent, is \"t\""}
        ])
    );
    let other = get(&server, "/other").await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert_eq!(other.json()["near_misses"], json!([]));
    let log = server.requests();
    assert_eq!(log[0].route, None);
    assert_eq!(
        log[0].near_misses,
        [
            "route 0: query `page` should be \"1\", is \"2\"",
            "route 1: query `token` should be absent, is \"t\""
        ]
    );
}

#[tokio::test]
async fn expected_headers_prove_authentication_without_echoing_values() {
    let server = serve(json!({"routes": [
        {"path": "/me", "expect_headers": {"Authorization": "Bearer test-token"}, "body": {"ok": true}}
    ]}))
    .await;
    let client = client();
    let url = format!("{}/me", server.base_url());
    let ok = send(
        client
            .get(&url)
            .header("authorization", "Bearer test-token"),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    let wrong = send(client.get(&url).header("authorization", "Bearer nope")).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.text.contains("`Authorization`"), "{}", wrong.text);
    assert!(!wrong.text.contains("test-token"), "{}", wrong.text);
    let missing = send(client.get(&url)).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_base_url_placeholder_is_filled_in_headers_and_bodies() {
    let server = serve(json!({"routes": [
        {"path": "/users", "query": {"page": "1"},
         "headers": {"Link": "<{{base_url}}/users?page=2>; rel=\"next\"", "X-Total-Count": "3"},
         "body": {"next": "{{base_url}}/users?page=2"}},
        {"path": "/raw", "body_text": "see {{base_url}}/x"}
    ]}))
    .await;
    let base = server.base_url();
    let answer = get(&server, "/users?page=1").await;
    assert_eq!(
        answer.header("link"),
        Some(format!("<{base}/users?page=2>; rel=\"next\"").as_str())
    );
    assert_eq!(answer.header("x-total-count"), Some("3"));
    assert_eq!(answer.json()["next"], format!("{base}/users?page=2"));
    let raw = get(&server, "/raw").await;
    assert_eq!(raw.text, format!("see {base}/x"));
    assert_eq!(
        raw.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
}

#[tokio::test]
async fn raw_text_bodies_keep_a_given_content_type_and_status() {
    let server = serve(json!({"routes": [
        {"path": "/down", "status": 503, "headers": {"Content-Type": "text/html", "Retry-After": "0"},
         "body_text": "<html><body>Service Unavailable</body></html>"}
    ]}))
    .await;
    let answer = get(&server, "/down").await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(answer.header("content-type"), Some("text/html"));
    assert_eq!(answer.header("retry-after"), Some("0"));
    assert!(answer.text.starts_with("<html>"));
}

#[tokio::test]
async fn bodies_are_matched_as_json_or_as_forms() {
    let server = serve(json!({"routes": [
        {"method": "POST", "path": "/search", "body_match": {"/cursor": null}, "body": {"page": 1}},
        {"method": "POST", "path": "/search", "body_match": {"/cursor": "c2", "/query/limit": 10},
         "body": {"page": 2}},
        {"method": "POST", "path": "/token",
         "body_match": {"/grant_type": "client_credentials", "/scope": "admin read"},
         "body": {"access_token": "a", "token_type": "Bearer", "expires_in": 3600}}
    ]}))
    .await;
    let client = client();
    let search = format!("{}/search", server.base_url());
    let first = send(
        client
            .post(&search)
            .header("content-type", "application/json")
            .body(r#"{"query": {"limit": 10}}"#),
    )
    .await;
    assert_eq!(first.json(), json!({"page": 1}));
    let second = send(
        client
            .post(&search)
            .header("content-type", "application/json")
            .body(r#"{"cursor": "c2", "query": {"limit": 10}}"#),
    )
    .await;
    assert_eq!(second.json(), json!({"page": 2}));
    let unknown = send(
        client
            .post(&search)
            .body(r#"{"cursor": "c3", "query": {"limit": 10}}"#),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(
        unknown
            .text
            .contains("body field `/cursor` does not have the expected value"),
        "{}",
        unknown.text
    );

    let token = send(
        client
            .post(format!("{}/token", server.base_url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials&scope=admin+read&client_secret=s%3Dcret"),
    )
    .await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.text);
    assert_eq!(token.json()["token_type"], "Bearer");
}

#[tokio::test]
async fn percent_encoded_paths_match_as_sent_or_decoded() {
    let server = serve(json!({"routes": [
        {"path": "/projects/group%2Fproject/issues", "body": [1]},
        {"path": "/files/a b", "body": [2]}
    ]}))
    .await;
    assert_eq!(
        get(&server, "/projects/group%2Fproject/issues")
            .await
            .json(),
        json!([1])
    );
    assert_eq!(get(&server, "/files/a%20b").await.json(), json!([2]));
}

#[tokio::test]
async fn delays_hold_the_answer_back() {
    let server = serve(json!({"routes": [{"path": "/slow", "delay_ms": 300, "body": {}}]})).await;
    let started = Instant::now();
    assert_eq!(get(&server, "/slow").await.status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn a_truncated_body_declares_more_than_it_sends() {
    let server = serve(json!({"routes": [
        {"path": "/cut", "body": {"items": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}, "truncate_after": 10}
    ]}))
    .await;
    let response = client()
        .get(format!("{}/cut", server.base_url()))
        .send()
        .await
        .expect("the head arrives");
    assert_eq!(response.status(), StatusCode::OK);
    let declared = response.content_length().expect("a declared length");
    assert!(declared > 10, "{declared}");
    assert!(
        response.bytes().await.is_err(),
        "the body must end early with an error"
    );
}

#[tokio::test]
async fn fixture_files_load_and_a_missing_file_is_named() {
    let dir = std::env::temp_dir().join(format!("pullpush-fixture-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("fixture.json");
    std::fs::write(
        &path,
        r#"{"description": "x", "routes": [{"path": "/a", "body": 1}]}"#,
    )
    .expect("write");
    let fixture = Fixture::load(&path).expect("loads");
    assert_eq!(fixture.routes.len(), 1);
    assert_eq!(fixture.routes[0].method, "GET");
    assert_eq!(fixture.routes[0].status, 200);
    let error = Fixture::load(dir.join("missing.json")).expect_err("no file");
    assert!(error.to_string().contains("missing.json"), "{error}");
    std::fs::remove_dir_all(&dir).ok();
}
