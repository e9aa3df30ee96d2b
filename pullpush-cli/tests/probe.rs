//! `pullpush probe` end to end: the embedded demo API's three pagination styles, the egress
//! refusal of loopback, a wrong token, and a fixture whose body holds no records.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{Value, json};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs the binary off the async test's runtime, which keeps serving the API; `env` adds
/// environment variables.
async fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_pullpush"))
            .args(args)
            .envs(env)
            .env("NO_COLOR", "1")
            .output()
            .expect("the pullpush binary runs")
    })
    .await
    .expect("the command ran")
}

/// The demo API and a probe config holding its token.
struct Demo {
    demo: pullpush_demo::RunningDemo,
    config: String,
    dir: PathBuf,
}

async fn demo(name: &str) -> Demo {
    let demo = pullpush_demo::DemoApi::builder()
        .orders(250)
        .start()
        .await
        .expect("demo starts");
    let dir = std::env::temp_dir().join(format!("pullpush-probe-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = dir.join("probe.json");
    std::fs::write(&config, json!({"token": demo.token()}).to_string()).expect("write config");
    Demo {
        config: config.display().to_string(),
        demo,
        dir,
    }
}

impl Demo {
    /// Probes `path` of the demo with its token, `--allow-internal` and `--json`; the report.
    async fn probe(&self, path: &str) -> Value {
        let url = format!("{}{path}", self.demo.base_url());
        let output = run(
            &[
                "probe",
                &url,
                "--config",
                &self.config,
                "--allow-internal",
                "--json",
            ],
            &[],
        )
        .await;
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}\n{}",
            text(&output.stdout),
            text(&output.stderr)
        );
        assert!(
            !text(&output.stdout).contains(self.demo.token()),
            "the token leaked"
        );
        serde_json::from_slice(&output.stdout).expect("a JSON report")
    }

    async fn stop(self) {
        self.demo.shutdown().await.expect("demo stops");
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn learns_the_demo_apis_three_pagination_styles() {
    let demo = demo("styles").await;

    let products = demo.probe("/v1/products?limit=20").await;
    assert_eq!(products["records"], "$.data[*]");
    assert_eq!(
        (products["pages"].clone(), products["records_seen"].clone()),
        (json!(3), json!(60))
    );
    let best = &products["pagination"][0]["config"];
    assert_eq!(best["type"], "cursor", "{products:#}");
    assert_eq!(best["cursor_from"], json!({"body": "$.next_cursor"}));
    assert_eq!(best["param"], "cursor");
    assert_eq!(
        products["record_schema"]["properties"]["sku"]["type"],
        "string"
    );

    let stock = demo.probe("/v1/locations/berlin/stock?per_page=50").await;
    assert_eq!(stock["records"], "$");
    assert_eq!(stock["total"], 500);
    let best = &stock["pagination"][0]["config"];
    assert_eq!(best["type"], "next_url", "{stock:#}");
    assert_eq!(best["next_from"], "link_header");
    assert!(stock["record_schema"]["properties"]["on_hand"].is_object());

    let orders = demo.probe("/v1/orders?page=1&per_page=100").await;
    assert_eq!(orders["records"], "$.orders[*]");
    assert_eq!(orders["records_seen"], 250);
    assert_eq!(orders["total"], 250);
    let best = &orders["pagination"][0]["config"];
    assert_eq!(best["type"], "page_number", "{orders:#}");
    assert_eq!(best["page_param"], "page");
    assert_eq!(best["stop"]["total_pages"], "$.meta.total_pages");
    assert!(orders["record_schema"]["properties"]["state"].is_object());
    assert_eq!(
        orders["notes"],
        json!(["page 3 is the last page by the `page_number` strategy"])
    );

    demo.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prints_a_readable_report() {
    let demo = demo("human").await;
    let url = format!("{}/v1/orders?per_page=100", demo.demo.base_url());
    let output = run(
        &["probe", &url, "--allow-internal", "--pages", "1"],
        &[("PULLPUSH_CONFIG_TOKEN", demo.demo.token())],
    )
    .await;
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&output.stderr)
    );
    for expected in [
        "pages:    1 (100 records)",
        "records:  $.orders[*]",
        "total:    250 records",
        r#"1. {"type":"page_number","page_param":"page""#,
        "stopped after 1 page(s), the limit",
        "record schema:",
        r#""total_cents": {"#,
    ] {
        assert!(stdout.contains(expected), "{expected:?} missing:\n{stdout}");
    }
    assert!(!stdout.contains(demo.demo.token()), "the token leaked");
    demo.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loopback_needs_allow_internal_and_a_wrong_token_is_a_401() {
    let demo = demo("refusals").await;
    let url = format!("{}/v1/products", demo.demo.base_url());

    let output = run(&["probe", &url, "--config", &demo.config], &[]).await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("refused"), "{stderr}");
    assert!(stderr.contains("loopback"), "{stderr}");
    assert!(stderr.contains("--allow-internal"), "{stderr}");
    assert_eq!(demo.demo.request_count(), 0);

    let output = run(
        &["probe", &url, "--config", &demo.config, "--allow-internal"],
        &[("PULLPUSH_CONFIG_TOKEN", "not-the-token")],
    )
    .await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("answered HTTP 401 (unauthorized"),
        "{stderr}"
    );
    assert!(
        stderr.contains("send `Authorization: Bearer <token>`"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("not-the-token"),
        "the token leaked: {stderr}"
    );
    demo.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_without_records_exits_1_and_relative_next_urls_are_followed() {
    let fixture = pullpush_demo::Fixture::from_json(
        &json!({"routes": [
            {"path": "/v1/me", "body": {"id": 7, "name": "Ada", "roles": ["admin"]}},
            {
                "path": "/2010-04-01/Accounts/AC1/Calls.json",
                "query": {"PageToken": null},
                "body": {
                    "calls": [{"sid": "CA1", "status": "completed"}],
                    "next_page_uri": "/2010-04-01/Accounts/AC1/Calls.json?Page=1&PageToken=PA1",
                    "page": 0
                }
            },
            {
                "path": "/2010-04-01/Accounts/AC1/Calls.json",
                "query": {"PageToken": "PA1"},
                "body": {
                    "calls": [{"sid": "CA2", "status": "busy", "price": "-0.02"}],
                    "next_page_uri": null,
                    "page": 1
                }
            }
        ]})
        .to_string(),
    )
    .expect("a fixture");
    let server = pullpush_demo::FixtureServer::start(fixture)
        .await
        .expect("the fixture starts");

    let url = format!("{}/v1/me", server.base_url());
    let output = run(&["probe", &url, "--allow-internal"], &[]).await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("no array of records") && stderr.contains("`id`, `name`, `roles`"),
        "{stderr}"
    );

    let url = format!("{}/2010-04-01/Accounts/AC1/Calls.json", server.base_url());
    let output = run(&["probe", &url, "--allow-internal", "--json"], &[]).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    assert_eq!(report["records"], "$.calls[*]");
    assert_eq!(report["records_seen"], 2);
    assert_eq!(
        report["pagination"][0]["config"]["next_from"],
        json!({"body": "$.next_page_uri"})
    );
    // `price` is only on page 2: in the schema, not required.
    assert_eq!(
        report["record_schema"]["properties"]["price"]["type"],
        "string"
    );
    assert_eq!(
        report["record_schema"]["required"],
        json!(["sid", "status"])
    );
    server.shutdown().await.expect("the fixture stops");
}
