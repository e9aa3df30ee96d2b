//! `pullpush demo`: the whole workflow against the embedded sample API.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::time::Instant;

use anyhow::{Context, bail};
use futures::StreamExt;
use pullpush_core::CanonicalRegistry;
use pullpush_core::{ReadEvent, ReadInput, ReadOptions, definition_digest};
use pullpush_demo::{DEFINITION, DemoApi, RunningDemo};
use pullpush_discover::{
    ApiDocument, DEFAULT_MAX_DOCUMENT_BYTES, GenerateOptions, StreamRequest, discover, generate,
};
use pullpush_http::{Session, SessionOptions, SystemClock, TestLimits};

use super::runtime;
use crate::Outcome;
use crate::cli::DemoArgs;

pub fn run(args: &DemoArgs) -> anyhow::Result<Outcome> {
    let serve = args.serve;
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
        discover_and_generate(&demo).await?;

        println!(
            "\nNext: `pullpush read pullpush-demo/definitions/demo-commerce.json --config CFG` writes these events as JSON lines; `pullpush demo --serve` keeps the API running to try `pullpush discover` and `generate` on it; see README.md."
        );
        if serve {
            println!(
                "\nServing {} (token {}; OpenAPI at {}/openapi.json). Press Enter or Ctrl-C to stop.",
                demo.base_url(),
                demo.token(),
                demo.base_url()
            );
            wait_for_enter().await;
        }
        demo.shutdown().await?;
        anyhow::Ok(Outcome::Success)
    })
}

/// Step 4: the discovery workflow on the running API — its OpenAPI document fetched from the
/// server, a draft generated for every list operation with a confident canonical type, then
/// validated and tested like a hand-written definition.
async fn discover_and_generate(demo: &RunningDemo) -> anyhow::Result<()> {
    println!("\n4. discover the API from its own OpenAPI document and draft a definition");
    let source = format!("{}/openapi.json", demo.base_url());
    let text = super::discover::fetch_document(&source, DEFAULT_MAX_DOCUMENT_BYTES, true).await??;
    let document = ApiDocument::parse(&text, DEFAULT_MAX_DOCUMENT_BYTES)?;
    let registry = CanonicalRegistry::builtin();
    let report = discover(&document, &registry);
    let mut streams = Vec::new();
    for operation in &report.operations {
        let Some(list) = &operation.list else {
            continue;
        };
        let pagination = list
            .pagination
            .first()
            .map_or("no", |candidate| candidate.config.kind());
        match list.canonical.first().filter(|c| c.confidence >= 0.5) {
            Some(best) => {
                println!(
                    "   ✓ {} {} → {} ({:.2}); records {}, {pagination} pagination",
                    operation.method,
                    operation.path,
                    best.canonical_type,
                    best.confidence,
                    list.records
                );
                streams.push(StreamRequest {
                    operation: operation.id.clone(),
                    canonical_type: best.canonical_type.clone(),
                });
            }
            None => println!(
                "   · {} {}: no canonical type fits well enough; left out",
                operation.method, operation.path
            ),
        }
    }
    let options = GenerateOptions { streams, id: None };
    let draft = generate(&document, &registry, &options)?;
    let review = draft.guesses.iter().filter(|g| g.confidence < 0.5).count();
    println!(
        "   draft: {} streams, {} guesses listed ({review} below 0.5 to review first); valid: {}",
        options.streams.len(),
        draft.guesses.len(),
        draft.is_valid()
    );
    let text = draft.text();
    let validation = pullpush_schema::validate(&text);
    let Some(connector) = validation.connector else {
        bail!(
            "the generated draft is invalid: {:?}",
            validation.diagnostics
        );
    };
    // The draft asks for the token and, for the stock endpoint, a location: the demo knows both.
    let location = demo
        .data()
        .locations
        .first()
        .map(|location| location.id.clone())
        .unwrap_or_default();
    let values = serde_json::json!({"api_token": demo.token(), "location_id": location});
    let config = connector
        .definition()
        .config_spec
        .resolve(values.as_object().context("an object")?)
        .map_err(|errors| anyhow::anyhow!("draft config: {errors:?}"))?;
    let options = SessionOptions {
        allow_internal: true,
        read_only: true,
        route_to: None,
    };
    let session = Session::open(&connector, config, options)?;
    let report = session
        .test(TestLimits::default(), definition_digest(&text))
        .await;
    for line in super::test::render(&report).lines().skip(1) {
        println!("   {line}");
    }
    if !report.passed {
        bail!("the generated draft failed its test run");
    }
    Ok(())
}

/// Blocks until a line arrives on stdin; when stdin is closed (a background job), until the
/// process is stopped.
async fn wait_for_enter() {
    let _ = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        if matches!(std::io::stdin().read_line(&mut line), Ok(0) | Err(_)) {
            loop {
                std::thread::park();
            }
        }
    })
    .await;
}
