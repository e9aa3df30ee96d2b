//! `pullpush test`, `read` and `demo` end to end against the embedded demo API on 127.0.0.1.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn pullpush(args: Vec<String>) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pullpush"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the pullpush binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs the binary off the async test's runtime, which keeps serving the demo API.
async fn run(args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    tokio::task::spawn_blocking(move || pullpush(args))
        .await
        .expect("the command ran")
}

struct Fixture {
    demo: pullpush_demo::RunningDemo,
    dir: PathBuf,
    definition: String,
    config: String,
}

async fn fixture(name: &str) -> Fixture {
    let demo = pullpush_demo::DemoApi::builder()
        .orders(250)
        .start()
        .await
        .expect("demo starts");
    let dir = std::env::temp_dir().join(format!("pullpush-live-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let definition = dir.join("demo.json");
    std::fs::write(&definition, pullpush_demo::DEFINITION).expect("write definition");
    let config = dir.join("config.json");
    std::fs::write(&config, demo.definition_config().to_string()).expect("write config");
    Fixture {
        demo,
        definition: definition.display().to_string(),
        config: config.display().to_string(),
        dir,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_passes_against_the_demo_and_refuses_loopback_unless_allowed() {
    let f = fixture("test").await;
    let output = run(&[
        "test",
        &f.definition,
        "--config",
        &f.config,
        "--allow-internal",
        "--json",
    ])
    .await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    assert_eq!(report["passed"], true);
    assert_eq!(report["definition"]["id"], "pullpush-demo-commerce");
    assert!(
        !text(&output.stdout).contains(f.demo.token()),
        "the token leaked"
    );

    let output = run(&["test", &f.definition, "--config", &f.config]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stdout).contains("refused"),
        "{}",
        text(&output.stdout)
    );
    f.demo.shutdown().await.expect("demo stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_writes_events_and_resumes_from_its_state() {
    let f = fixture("read").await;
    let state = f.dir.join("state.json").display().to_string();
    let args = [
        "read",
        &f.definition,
        "--config",
        &f.config,
        "--allow-internal",
        "--stream",
        "orders",
        "--state",
        &state,
    ];
    let output = run(&args).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let events: Vec<Value> = text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON event per line"))
        .collect();
    assert_eq!(events.len(), 250);
    assert!(events.iter().all(|event| event["type"] == "order"));
    let stored: Value =
        serde_json::from_str(&std::fs::read_to_string(&state).expect("state written"))
            .expect("JSON");
    let cursor = stored["orders"]["cursor"]
        .as_str()
        .expect("an orders cursor")
        .to_owned();

    // The second run asks only for orders updated since the cursor.
    let output = run(&args).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let again = text(&output.stdout).lines().count();
    let newer = f
        .demo
        .data()
        .orders
        .iter()
        .filter(|order| order.updated_at.to_string() >= cursor)
        .count();
    assert_eq!(again, newer);
    assert!(again < 250);
    f.demo.shutdown().await.expect("demo stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_as_singer_messages() {
    let f = fixture("singer").await;
    let output = run(&[
        "read",
        &f.definition,
        "--config",
        &f.config,
        "--allow-internal",
        "--format",
        "singer",
        "--stream",
        "products",
    ])
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let messages: Vec<Value> = text(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(messages[0]["type"], "SCHEMA");
    assert_eq!(messages[0]["key_properties"], serde_json::json!(["sku"]));
    assert_eq!(messages[1]["type"], "RECORD");
    assert_eq!(messages.last().expect("messages")["type"], "STATE");
    assert_eq!(
        messages.iter().filter(|m| m["type"] == "RECORD").count(),
        f.demo.data().products.len()
    );
    f.demo.shutdown().await.expect("demo stops");
}

#[test]
fn config_problems_are_listed_without_values() {
    let dir = std::env::temp_dir().join(format!("pullpush-live-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let definition = dir.join("demo.json");
    std::fs::write(&definition, pullpush_demo::DEFINITION).expect("write");
    let config = dir.join("config.json");
    std::fs::write(&config, r#"{"api_tokn": "s3cret-value", "base_url": 5}"#).expect("write");
    let output = pullpush(vec![
        "read".into(),
        definition.display().to_string(),
        "--config".into(),
        config.display().to_string(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("did you mean `api_token`"), "{stderr}");
    assert!(stderr.contains("`base_url` must be a string"), "{stderr}");
    assert!(!stderr.contains("s3cret-value"), "{stderr}");
}

#[test]
fn demo_runs_the_whole_workflow() {
    let output = pullpush(vec!["demo".into(), "--orders".into(), "300".into()]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    let stdout = text(&output.stdout);
    for expected in [
        "1. validate",
        "2. test",
        "✓ passed",
        "3. read",
        "order",
        "canonical events",
        "4. discover",
        "GET /v1/orders → order",
        "valid: true",
    ] {
        assert!(
            stdout.contains(expected),
            "`{expected}` missing from:\n{stdout}"
        );
    }
    // Both the bundled definition and the generated draft passed their test runs.
    assert_eq!(stdout.matches("✓ passed").count(), 2, "{stdout}");
}
