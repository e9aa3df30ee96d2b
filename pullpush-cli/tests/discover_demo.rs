//! The discovery workflow end to end against the embedded demo API: its OpenAPI document is
//! fetched from the running server, a definition is generated for every list operation, and the
//! generated definition — unedited — validates and passes a live test run.

use std::process::{Command, Output};

use serde_json::{Value, json};

/// Runs the binary off the async test's runtime, which keeps serving the demo API.
async fn run(args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
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

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discover_generate_test_passes_against_the_demo_api_without_edits() {
    let demo = pullpush_demo::DemoApi::builder()
        .orders(150)
        .start()
        .await
        .expect("demo starts");
    let dir = std::env::temp_dir().join(format!("pullpush-discover-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let openapi = format!("{}/openapi.json", demo.base_url());

    // Discover: the document is fetched from the server itself (loopback needs the flag).
    let refused = run(&["discover", &openapi]).await;
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
    assert!(
        text(&refused.stderr).contains("cannot fetch"),
        "{}",
        text(&refused.stderr)
    );
    let discovered = run(&["discover", &openapi, "--allow-internal", "--json"]).await;
    assert!(discovered.status.success(), "{}", text(&discovered.stderr));
    let report: Value = serde_json::from_slice(&discovered.stdout).expect("JSON report");
    assert_eq!(report["servers"][0]["resolved"], json!(demo.base_url()));
    assert_eq!(report["auth"][0]["kind"], "bearer");
    let lists: Vec<&str> = report["operations"]
        .as_array()
        .expect("operations")
        .iter()
        .filter(|op| op["kind"] == "list")
        .map(|op| op["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        lists,
        [
            "listProducts",
            "listLocations",
            "listStockLevels",
            "listOrders"
        ]
    );

    // Generate: one stream per list operation that has a canonical type.
    let definition = dir.join("generated.json");
    let definition = definition.to_str().expect("UTF-8 path");
    let generated = run(&[
        "generate",
        &openapi,
        "--allow-internal",
        "--stream",
        "listProducts=product",
        "--stream",
        "listStockLevels=stocklevel",
        "--stream",
        "listOrders=order",
        "-o",
        definition,
    ])
    .await;
    assert!(generated.status.success(), "{}", text(&generated.stderr));
    assert!(text(&generated.stderr).contains("guesses to review"));
    let draft: Value =
        serde_json::from_str(&std::fs::read_to_string(definition).expect("written")).expect("JSON");
    assert_eq!(draft["base_url"], json!(demo.base_url()));
    assert_eq!(draft["auth"]["type"], "bearer");
    let pagination: Vec<&str> = draft["streams"]
        .as_array()
        .expect("streams")
        .iter()
        .map(|stream| stream["pagination"]["type"].as_str().unwrap_or("none"))
        .collect();
    assert_eq!(pagination, ["cursor", "next_url", "page_number"]);

    let validated = run(&["validate", definition]).await;
    assert!(validated.status.success(), "{}", text(&validated.stdout));

    // Test: live, read-only, with only the config the draft's config_spec asks for.
    let required: Vec<&str> = draft["config_spec"]["required"]
        .as_array()
        .expect("required config")
        .iter()
        .map(|name| name.as_str().expect("name"))
        .collect();
    assert_eq!(required, ["api_token", "location_id"]);
    let config = dir.join("config.json");
    std::fs::write(
        &config,
        json!({"api_token": demo.token(), "location_id": "berlin"}).to_string(),
    )
    .expect("write config");
    let tested = run(&[
        "test",
        definition,
        "--config",
        config.to_str().expect("UTF-8 path"),
        "--allow-internal",
        "--json",
    ])
    .await;
    let report: Value = serde_json::from_slice(&tested.stdout).unwrap_or(Value::Null);
    assert!(
        tested.status.success(),
        "the generated definition fails its test run:\n{}\n{}",
        serde_json::to_string_pretty(&report).unwrap_or_default(),
        text(&tested.stderr)
    );
    assert_eq!(report["passed"], true);
    let _ = std::fs::remove_dir_all(&dir);
}
