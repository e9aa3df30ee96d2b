//! `pullpush test` end to end against fixture servers on 127.0.0.1: every example definition
//! against its fixture (`examples/fixtures/<name>/`, modelled on the vendor's documented
//! responses), and small inline definitions against hostile servers, each of which must fail
//! with a precise message and without printing a secret.
//!
//! Each run goes through the real binary with `--route-to`, so requests (API and OAuth token
//! endpoint alike) reach the fixture while the definitions keep their real URLs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pullpush_demo::{Fixture, FixtureServer, RunningFixture};
use serde_json::{Value, json};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh temporary directory for one run.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "pullpush-examples-live-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// `pullpush test DEF --config CFG --allow-internal --route-to ORIGIN --json`, off the async
/// runtime (which keeps serving the fixture).
async fn pullpush_test(definition: &Path, config: &Path, origin: &str) -> Output {
    let args: Vec<String> = vec![
        "test".into(),
        definition.display().to_string(),
        "--config".into(),
        config.display().to_string(),
        "--allow-internal".into(),
        "--route-to".into(),
        origin.to_owned(),
        "--json".into(),
        "--timeout".into(),
        "30".into(),
    ];
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_pullpush"))
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .expect("the pullpush binary runs")
    })
    .await
    .expect("the command ran")
}

/// The config values of the properties the definition marks secret.
fn secret_values(definition: &Value, config: &Value) -> Vec<String> {
    let Some(properties) = definition["config_spec"]["properties"].as_object() else {
        return Vec::new();
    };
    properties
        .iter()
        .filter(|(_, spec)| spec["secret"] == true)
        .filter_map(|(name, _)| config[name].as_str().map(str::to_owned))
        .collect()
}

/// The tokens a fixture's OAuth token endpoint hands out: secrets the run learns, which must not
/// be printed either.
struct IssuedTokens {
    access: Vec<String>,
    refresh: Vec<String>,
}

fn issued_tokens(fixture: &Fixture) -> IssuedTokens {
    let field = |name: &str| {
        fixture
            .routes
            .iter()
            .filter_map(|route| route.body.as_ref()?.get(name)?.as_str())
            .map(str::to_owned)
            .collect()
    };
    IssuedTokens {
        access: field("access_token"),
        refresh: field("refresh_token"),
    }
}

/// Requests the fixture answered with 404 (no route matched): the first thing to look at when an
/// example fails.
fn unmatched(server: &RunningFixture) -> String {
    server
        .requests()
        .iter()
        .filter(|request| request.route.is_none())
        .map(|request| {
            format!(
                "  {} {} {:?}{}",
                request.method,
                request.path,
                request.query,
                request
                    .near_misses
                    .iter()
                    .map(|miss| format!("\n    {miss}"))
                    .collect::<String>()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs one example against its fixture; `Err` describes every problem.
async fn check_example(definition_path: &Path) -> Result<(), String> {
    let name = definition_path
        .file_stem()
        .and_then(|stem| stem.to_str())
        .expect("a file name")
        .to_owned();
    let fixtures = workspace().join("examples/fixtures").join(&name);
    let fixture_file = fixtures.join("fixture.json");
    let config_file = fixtures.join("config.json");
    if !fixture_file.is_file() || !config_file.is_file() {
        return Err(format!(
            "{name}: every example definition needs examples/fixtures/{name}/fixture.json and config.json"
        ));
    }
    let fixture = Fixture::load(&fixture_file).map_err(|err| format!("{name}: {err}"))?;
    let routes = fixture.routes.len();
    let issued = issued_tokens(&fixture);
    let server = FixtureServer::start(fixture)
        .await
        .map_err(|err| format!("{name}: the fixture server does not start: {err}"))?;

    // `pullpush test` writes a rotated refresh token back into the config: use a copy.
    let dir = temp_dir(&name);
    let config_copy = dir.join("config.json");
    std::fs::copy(&config_file, &config_copy).expect("copy the config");
    let output = pullpush_test(definition_path, &config_copy, &server.base_url()).await;
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);

    let mut problems = Vec::new();
    let report: Value = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    if output.status.code() != Some(0) || report["passed"] != true {
        problems.push(format!(
            "exit {:?}, passed {}",
            output.status.code(),
            report["passed"]
        ));
    }
    for stream in report["streams"].as_array().into_iter().flatten() {
        if stream["reached_end"] != true {
            problems.push(format!(
                "stream `{}` did not reach the end of its pages within the test limit (stopped: {})",
                stream["name"].as_str().unwrap_or("?"),
                stream["stopped"]
            ));
        }
    }
    let requests = server.requests();
    let unused: Vec<usize> = (0..routes)
        .filter(|index| !requests.iter().any(|r| r.route == Some(*index)))
        .collect();
    if !unused.is_empty() {
        problems.push(format!(
            "fixture routes never requested: {unused:?} (a page the walk did not reach?)"
        ));
    }
    let definition: Value =
        serde_json::from_str(&std::fs::read_to_string(definition_path).expect("read definition"))
            .expect("the definition is JSON");
    let config: Value =
        serde_json::from_str(&std::fs::read_to_string(&config_file).expect("read config"))
            .expect("the config is JSON");
    let learned = issued.access.iter().chain(&issued.refresh);
    for secret in secret_values(&definition, &config).iter().chain(learned) {
        if stdout.contains(secret.as_str()) || stderr.contains(secret.as_str()) {
            problems.push(format!("a secret leaked: {secret}"));
        }
    }
    // A rotated refresh token is written back to the config (the copy).
    let rewritten = std::fs::read_to_string(&config_copy).unwrap_or_default();
    for rotated in &issued.refresh {
        if !rewritten.contains(rotated.as_str()) {
            problems.push("the rotated refresh token was not stored in the config".to_owned());
        }
    }
    let result = if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{name}: {}\nunmatched requests:\n{}\nstderr:\n{stderr}\nreport:\n{stdout}",
            problems.join("; "),
            unmatched(&server)
        ))
    };
    server.shutdown().await.expect("the fixture stops");
    let _ = std::fs::remove_dir_all(&dir);
    result
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_definition_passes_against_its_fixture() {
    let mut definitions: Vec<PathBuf> = std::fs::read_dir(workspace().join("examples/definitions"))
        .expect("examples/definitions")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    definitions.sort();
    assert!(definitions.len() >= 10, "{definitions:?}");
    let mut failures = Vec::new();
    for definition in &definitions {
        if let Err(problem) = check_example(definition).await {
            failures.push(problem);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} examples failed:\n\n{}",
        failures.len(),
        definitions.len(),
        failures.join("\n\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Hostile servers

const SECRET: &str = "hostile-s3cret-token-9f2c";

/// A small definition with a tight timeout and a fast, short retry policy, so every hostile
/// scenario ends in well under a second or two.
fn hostile_definition() -> Value {
    json!({
        "id": "hostile",
        "name": "Hostile server",
        "version": "1.0.0",
        "config_spec": {
            "properties": {"api_token": {"type": "string", "secret": true}},
            "required": ["api_token"]
        },
        "base_url": "https://api.hostile.example/v1",
        "auth": {"type": "bearer", "token": "{{ config.api_token }}"},
        "timeouts": {"connect_ms": 1000, "request_ms": 300},
        "retry": {
            "max_attempts": 3,
            "backoff": {"initial_ms": 1, "max_ms": 5, "multiplier": 1.0, "jitter": false}
        },
        "streams": [{
            "name": "stock",
            "canonical_type": "stocklevel",
            "read": {"path": "/stock", "records": "$.items[*]"},
            "pagination": {"type": "cursor", "cursor_from": {"body": "$.next"}, "param": "cursor"},
            "mapping": {"fields": {
                "sku": "$.sku",
                "locationId": {"string": "$.location"},
                "quantity": {"integer": "$.on_hand"}
            }}
        }]
    })
}

fn auth() -> Value {
    json!({"Authorization": format!("Bearer {SECRET}")})
}

fn items(skus: &[&str]) -> Value {
    Value::Array(
        skus.iter()
            .map(|sku| json!({"sku": sku, "location": 1, "on_hand": 5}))
            .collect(),
    )
}

/// What a hostile run printed.
struct Hostile {
    code: Option<i32>,
    report: Value,
    everything: String,
    requests: usize,
}

impl Hostile {
    fn stream(&self) -> &Value {
        &self.report["streams"][0]
    }

    fn check(&self, name: &str) -> &Value {
        self.stream()["checks"]
            .as_array()
            .and_then(|checks| checks.iter().find(|check| check["name"] == name))
            .unwrap_or_else(|| panic!("no `{name}` check in {}", self.everything))
    }

    /// Asserts a failed run whose `check` failed with a message containing every `expected`.
    fn fails(&self, check: &str, expected: &[&str]) {
        assert_eq!(self.code, Some(1), "{}", self.everything);
        assert_eq!(self.report["passed"], false, "{}", self.everything);
        let found = self.check(check);
        assert_eq!(found["passed"], false, "{}", self.everything);
        let message = found["message"].as_str().unwrap_or_default();
        for part in expected {
            assert!(
                message.contains(part),
                "`{part}` is not in the {check} message: {message}"
            );
        }
        assert!(
            self.stream()["error"]
                .as_str()
                .is_some_and(|error| error.contains(expected[0])),
            "{}",
            self.everything
        );
    }
}

async fn hostile(name: &str, definition: Value, routes: Value) -> Hostile {
    let fixture = Fixture::from_json(&json!({ "routes": routes }).to_string()).expect("a fixture");
    let server = FixtureServer::start(fixture).await.expect("starts");
    let dir = temp_dir(&format!("hostile-{name}"));
    let definition_path = dir.join("definition.json");
    std::fs::write(&definition_path, definition.to_string()).expect("write definition");
    let config_path = dir.join("config.json");
    std::fs::write(&config_path, json!({"api_token": SECRET}).to_string()).expect("write config");
    let output = pullpush_test(&definition_path, &config_path, &server.base_url()).await;
    let stdout = text(&output.stdout);
    let everything = format!("{stdout}\n{}", text(&output.stderr));
    assert!(
        !everything.contains(SECRET),
        "{name}: the secret leaked:\n{everything}"
    );
    let hostile = Hostile {
        code: output.status.code(),
        report: serde_json::from_str(&stdout)
            .unwrap_or_else(|err| panic!("{name}: not a JSON report ({err}):\n{everything}")),
        everything,
        requests: server.requests().len(),
    };
    server.shutdown().await.expect("stops");
    let _ = std::fs::remove_dir_all(&dir);
    hostile
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_that_never_changes_is_a_pagination_loop() {
    let run = hostile(
        "cursor-loop",
        hostile_definition(),
        json!([
            {"path": "/v1/stock", "query": {"cursor": null}, "expect_headers": auth(),
             "body": {"items": items(&["A-1", "A-2"]), "next": "c1"}},
            {"path": "/v1/stock", "query": {"cursor": "c1"}, "expect_headers": auth(),
             "body": {"items": items(&["B-1", "B-2"]), "next": "c1"}}
        ]),
    )
    .await;
    run.fails(
        "pagination",
        &[
            "page 2 returned a cursor already followed",
            "the walk would never end",
        ],
    );
    assert_eq!(run.requests, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_ignores_the_cursor_is_caught_by_identical_pages() {
    let run = hostile(
        "same-page",
        hostile_definition(),
        json!([{"path": "/v1/stock", "expect_headers": auth(),
                "body": {"items": items(&["A-1"]), "next": "c1"}}]),
    )
    .await;
    run.fails(
        "pagination",
        &[
            "page 2 is identical to the page before it",
            "ignore the pagination parameters",
        ],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_garbage_html_body_is_not_valid_json() {
    let run = hostile(
        "garbage",
        hostile_definition(),
        json!([{"path": "/v1/stock", "expect_headers": auth(),
                "headers": {"Content-Type": "text/html"},
                "body_text": "<html><body><h1>Welcome to nginx!</h1></body></html>"}]),
    )
    .await;
    run.fails(
        "pagination",
        &[
            "the body is not valid JSON",
            "it starts with `<html><body><h1>Welcome",
        ],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_body_is_reported_as_truncated_after_retries() {
    let run = hostile(
        "truncated",
        hostile_definition(),
        json!([{"path": "/v1/stock", "expect_headers": auth(),
                "body": {"items": items(&["A-1", "A-2", "A-3"])}, "truncate_after": 20}]),
    )
    .await;
    run.fails("request", &["truncated", "gave up after 3 attempts"]);
    assert_eq!(run.requests, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_on_every_request_names_the_status_after_the_retries() {
    let run = hostile(
        "500",
        hostile_definition(),
        json!([{"path": "/v1/stock", "status": 500,
                "body": {"error": "internal", "message": "database unavailable"}}]),
    )
    .await;
    run.fails("request", &["answered 500", "database unavailable"]);
    assert_eq!(run.requests, 3, "3 attempts: {}", run.everything);
    assert_eq!(run.report["exchanges"].as_array().map(Vec::len), Some(3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_points_at_the_credentials_and_an_echoed_secret_is_scrubbed() {
    let run = hostile(
        "401",
        hostile_definition(),
        json!([{"path": "/v1/stock", "status": 401,
                "body": {"error": "invalid_token", "message": format!("token {SECRET} is revoked")}}]),
    )
    .await;
    run.fails(
        "request",
        &[
            "answered 401",
            "the API refused the credentials",
            "is revoked",
        ],
    );
    assert_eq!(run.requests, 1, "a 401 is not retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_the_metadata_address_is_refused_by_egress() {
    let run = hostile(
        "metadata",
        hostile_definition(),
        json!([{"path": "/v1/stock", "status": 302,
                "headers": {"Location": "http://169.254.169.254/latest/meta-data/iam/security-credentials/"}}]),
    )
    .await;
    run.fails("request", &["169.254.169.254", "refused"]);
    assert_eq!(
        run.requests, 1,
        "nothing was retried toward the metadata address"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_slower_than_the_request_timeout_times_out() {
    let run = hostile(
        "slow",
        hostile_definition(),
        json!([{"path": "/v1/stock", "expect_headers": auth(), "delay_ms": 2000,
                "body": {"items": items(&["A-1"])}}]),
    )
    .await;
    run.fails("request", &["timed out", "gave up after 3 attempts"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_ends_with_the_status_after_max_attempts() {
    let run = hostile(
        "429",
        hostile_definition(),
        json!([{"path": "/v1/stock", "status": 429, "headers": {"Retry-After": "0"},
                "body": {"error": "rate_limited", "message": "slow down"}}]),
    )
    .await;
    run.fails("request", &["answered 429", "slow down"]);
    assert_eq!(run.requests, 3);
}
