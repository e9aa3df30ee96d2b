//! The embedding example runs and prints one valid canonical event.

#[test]
fn embedding_example_prints_a_canonical_stocklevel_event() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_embed-validate-and-map"))
        .output()
        .expect("the example runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let event: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON event");
    assert_eq!(event["type"], "stocklevel");
    assert_eq!(
        event["key"],
        serde_json::json!({"sku": "A-1", "locationId": "7"})
    );
    assert_eq!(event["data"]["quantity"], 12);
    assert_eq!(event["data"]["updatedAt"], "2024-05-01T14:30:00Z");
    assert_eq!(event["id"].as_str().map(str::len), Some(64));
}

#[test]
fn reading_example_reads_every_demo_order() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_embed-read"))
        .output()
        .expect("the example runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut lines = stdout.lines();
    let first: serde_json::Value =
        serde_json::from_str(lines.next().expect("an event")).expect("JSON");
    assert_eq!(first["type"], "order");
    assert!(
        lines
            .next()
            .is_some_and(|line| line.starts_with("1000 orders read")),
        "{stdout}"
    );
}
