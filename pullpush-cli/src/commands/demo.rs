//! `pullpush demo`: the whole workflow against the embedded sample API.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::time::Instant;

use anyhow::{Context, bail};
use futures::StreamExt;
use pullpush_core::{ReadEvent, ReadInput, ReadOptions, definition_digest};
use pullpush_demo::{DEFINITION, DemoApi};
use pullpush_http::{Session, SessionOptions, SystemClock, TestLimits};

use super::runtime;
use crate::Outcome;
use crate::cli::DemoArgs;

pub fn run(args: &DemoArgs) -> anyhow::Result<Outcome> {
    runtime()?.block_on(async {
        let demo = DemoApi::builder()
            .orders(args.orders)
            .start()
            .await
            .context("cannot start the sample API on 127.0.0.1")?;
        println!(
            "PullPush demo: a sample commerce API is running at {}\n  (bearer auth; products by cursor, stock levels by Link header, orders by page number; rate limited)\n",
            demo.base_url()
        );

        println!("1. validate the bundled definition (pullpush-demo/definitions/demo-commerce.json)");
        let validation = pullpush_schema::validate(DEFINITION);
        let Some(connector) = validation.connector else {
            bail!("the bundled definition is invalid: {:?}", validation.diagnostics);
        };
        for compiled in connector.streams() {
            let stream = &connector.definition().streams[compiled.index];
            println!(
                "   ✓ {} → {} ({} pagination)",
                stream.name,
                compiled.canonical.name(),
                stream.pagination.kind()
            );
        }

        let values = demo.definition_config();
        let config = connector
            .definition()
            .config_spec
            .resolve(values.as_object().context("the demo config is an object")?)
            .map_err(|errors| anyhow::anyhow!("demo config: {errors:?}"))?;

        println!("\n2. test it read-only against the API (3 pages per stream at most)");
        let local = SessionOptions {
            allow_internal: true,
            read_only: true,
            route_to: None,
        };
        let session = Session::open(&connector, config.clone(), local.clone())?;
        let report = session
            .test(TestLimits::default(), definition_digest(DEFINITION))
            .await;
        for line in super::test::render(&report).lines().skip(1) {
            println!("   {line}");
        }
        if !report.passed {
            bail!("the test run failed");
        }

        println!("\n3. read every stream to the end");
        let session = Session::open(
            &connector,
            config,
            SessionOptions {
                allow_internal: true,
                read_only: false,
                route_to: None,
            },
        )?;
        let clock = SystemClock;
        let input = ReadInput {
            config: session.config(),
            clock: &clock,
            options: ReadOptions::default(),
        };
        let started = Instant::now();
        let progress = std::io::stderr().is_terminal();
        let mut by_type: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        let (mut events, mut pages) = (0u64, 0u64);
        let mut items = session.read(&input, &[], &Default::default());
        while let Some(item) = items.next().await {
            match item? {
                ReadEvent::Record(event) => {
                    events += 1;
                    by_type.entry(event.type_name.clone()).or_default().0 += 1;
                }
                ReadEvent::Rejected(record) => {
                    let stream = &connector.definition().stream(&record.stream);
                    let ty = stream.map_or_else(String::new, |s| s.canonical_type.clone());
                    by_type.entry(ty).or_default().1 += 1;
                }
                ReadEvent::Page(_) => {
                    pages += 1;
                    if progress {
                        eprint!("\r   {pages} pages, {events} events…");
                        let _ = std::io::stderr().flush();
                    }
                }
                ReadEvent::End(_) | ReadEvent::Raw(_) => {}
            }
        }
        drop(items);
        if progress {
            eprintln!();
        }
        let elapsed = started.elapsed().as_secs_f64();
        println!("   {:<12} {:>8} {:>9}", "TYPE", "EVENTS", "SKIPPED");
        for (ty, (valid, rejected)) in &by_type {
            println!("   {ty:<12} {valid:>8} {rejected:>9}");
        }
        println!(
            "   {events} canonical events from {pages} pages in {elapsed:.2} s ({:.0} events/s); skipped records lack a required value (e.g. an unknown stock count) and are never delivered as 0",
            events as f64 / elapsed.max(f64::EPSILON)
        );
        println!(
            "\nNext: `pullpush read pullpush-demo/definitions/demo-commerce.json --config CFG` writes these events as JSON lines; see README.md."
        );
        demo.shutdown().await?;
        anyhow::Ok(Outcome::Success)
    })
}
