//! The whole read path over real HTTP: the bundled demo definition read from the demo API on
//! 127.0.0.1 through the session (templates, auth, pagination of every style, mapping, canonical
//! validation, incremental state), and a test run of it.

use std::collections::HashMap;

use futures::StreamExt;
use pullpush_core::{ReadEvent, ReadInput, ReadOptions, StopReason};
use pullpush_http::{Session, SessionOptions, SystemClock, TestLimits};
use serde_json::Value;

fn connector() -> pullpush_core::Connector {
    pullpush_schema::validate(pullpush_demo::DEFINITION)
        .connector
        .expect("the bundled definition is valid")
}

fn config(
    connector: &pullpush_core::Connector,
    demo: &pullpush_demo::RunningDemo,
) -> pullpush_core::ResolvedConfig {
    let values = demo.definition_config();
    connector
        .definition()
        .config_spec
        .resolve(values.as_object().expect("an object"))
        .expect("the demo's config is valid")
}

const LOCAL: SessionOptions = SessionOptions {
    allow_internal: true,
    read_only: true,
    route_to: None,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_every_stream_of_the_demo_to_the_end() {
    let demo = pullpush_demo::DemoApi::builder()
        .start()
        .await
        .expect("demo starts");
    let connector = connector();
    let session =
        Session::open(&connector, config(&connector, &demo), LOCAL.clone()).expect("session");
    let clock = SystemClock;
    let input = ReadInput {
        config: session.config(),
        clock: &clock,
        options: ReadOptions::default(),
    };
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut rejected: HashMap<String, usize> = HashMap::new();
    let mut ends = HashMap::new();
    let mut items = session.read(&input, &[], &HashMap::new());
    while let Some(item) = items.next().await {
        match item.expect("no read error") {
            ReadEvent::Record(event) => {
                *counts.entry(event.source.stream.clone()).or_default() += 1
            }
            ReadEvent::Rejected(record) => *rejected.entry(record.stream.clone()).or_default() += 1,
            ReadEvent::End(end) => {
                ends.insert(end.stream.clone(), end);
            }
            ReadEvent::Page(_) | ReadEvent::Raw(_) => {}
        }
    }
    drop(items);
    let data = demo.data();
    let berlin = data
        .stock_levels
        .iter()
        .filter(|level| level.location_id == "berlin");
    let unknown = berlin
        .clone()
        .filter(|level| level.on_hand.is_none())
        .count();
    assert_eq!(counts["products"], data.products.len());
    assert_eq!(counts["orders"], data.orders.len());
    assert_eq!(counts["stock_levels"] + unknown, berlin.count());
    assert_eq!(
        rejected.get("stock_levels").copied().unwrap_or_default(),
        unknown,
        "null counts are rejected, never zero"
    );
    for end in ends.values() {
        assert!(end.reason.reached_end(), "{end:?}");
    }
    assert!(
        ends["orders"]
            .state
            .get("cursor")
            .is_some_and(Value::is_string),
        "{:?}",
        ends["orders"].state
    );
    assert_eq!(ends["stock_levels"].reason, StopReason::NoNextPage);
    demo.shutdown().await.expect("demo stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_run_of_the_demo_passes_and_hides_the_token() {
    let demo = pullpush_demo::DemoApi::builder()
        .start()
        .await
        .expect("demo starts");
    let connector = connector();
    let session =
        Session::open(&connector, config(&connector, &demo), LOCAL.clone()).expect("session");
    let report = session
        .test(
            TestLimits::default(),
            pullpush_core::definition_digest(pullpush_demo::DEFINITION),
        )
        .await;
    assert!(
        report.passed,
        "{}",
        serde_json::to_string_pretty(&report).unwrap_or_default()
    );
    assert_eq!(report.streams.len(), 3);
    assert!(!report.exchanges.is_empty());
    let text = serde_json::to_string(&report).expect("serialises");
    assert!(
        !text.contains(demo.token()),
        "the token leaked into the report"
    );
    demo.shutdown().await.expect("demo stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_fails_the_request_check() {
    let demo = pullpush_demo::DemoApi::builder()
        .start()
        .await
        .expect("demo starts");
    let connector = connector();
    let mut values = demo.definition_config();
    values["api_token"] = Value::from("wrong-token");
    let config = connector
        .definition()
        .config_spec
        .resolve(values.as_object().expect("object"))
        .expect("config");
    let session = Session::open(&connector, config, LOCAL.clone()).expect("session");
    let report = session.test(TestLimits::default(), String::new()).await;
    assert!(!report.passed);
    let request = &report.streams[0].checks[0];
    assert!(
        !request.passed && request.message.contains("401"),
        "{request:?}"
    );
    assert!(
        !serde_json::to_string(&report)
            .expect("json")
            .contains("wrong-token")
    );
    demo.shutdown().await.expect("demo stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_allow_internal_the_demo_on_loopback_is_refused() {
    let demo = pullpush_demo::DemoApi::builder()
        .start()
        .await
        .expect("demo starts");
    let connector = connector();
    let options = SessionOptions {
        allow_internal: false,
        read_only: true,
        route_to: None,
    };
    let session = Session::open(&connector, config(&connector, &demo), options).expect("session");
    let report = session.test(TestLimits::default(), String::new()).await;
    assert!(!report.passed);
    assert!(
        report.streams[0].checks[0].message.contains("refused"),
        "{:?}",
        report.streams[0].checks[0]
    );
    demo.shutdown().await.expect("demo stops");
}
