//! Embedding PullPush: read canonical events from a live API inside your own binary.
//!
//! Run it with `cargo run -p pullpush-examples --bin embed-read`. It starts the embedded demo API
//! on 127.0.0.1 so it needs no credentials; with a real API you would pass its config instead.

use std::collections::HashMap;

use anyhow::Context;
use futures::StreamExt;
use pullpush_core::{ReadEvent, ReadInput, ReadOptions};
use pullpush_http::{Session, SessionOptions, SystemClock};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let demo = pullpush_demo::DemoApi::builder().start().await?;

    // 1. Validate the definition and check the config against its spec.
    let connector = pullpush_schema::validate(pullpush_demo::DEFINITION)
        .connector
        .context("the definition is valid")?;
    let values = demo.definition_config(); // {"base_url": ..., "api_token": ...}
    let config = connector
        .definition()
        .config_spec
        .resolve(values.as_object().context("config is an object")?)
        .map_err(|errors| anyhow::anyhow!("invalid config: {errors:?}"))?;

    // 2. Open a session: the HTTP stack (auth, rate limit, retries, egress policy) for this API.
    let options = SessionOptions {
        allow_internal: true, // the demo listens on 127.0.0.1
        ..SessionOptions::default()
    };
    let session = Session::open(&connector, config, options)?;

    // 3. Read one stream as canonical events; the End event carries the state to store.
    let clock = SystemClock;
    let input = ReadInput {
        config: session.config(),
        clock: &clock,
        options: ReadOptions::default(),
    };
    let mut events = session.read(&input, &["orders".to_owned()], &HashMap::new());
    let mut orders = 0;
    while let Some(item) = events.next().await {
        match item? {
            ReadEvent::Record(event) => {
                orders += 1;
                if orders == 1 {
                    println!("{}", serde_json::to_string(&event)?);
                }
            }
            ReadEvent::End(end) => {
                println!("{} orders read; state to store: {}", orders, end.state)
            }
            _ => {}
        }
    }
    drop(events);
    demo.shutdown().await?;
    Ok(())
}
