//! Where `pullpush read` spends its CPU per record, without the network: the end-to-end
//! benchmark's pages (see BENCHMARKS.md, `bash bench/run.sh`) are read from disk into memory,
//! then each page goes through the same steps as in a read, each step timed on its own, batched
//! per page:
//!
//! 1. `decode`: `serde_json::from_slice` of the body into a `Value` (the raw loop does this too);
//! 2. `select`: the records JSONPath (`$.data[*]`);
//! 3. `map`: the compiled mapping of every record into a canonical record;
//! 4. `validate`: canonical validation of every record;
//! 5. `event`: `CanonicalEvent::new` (the key, the content-hash id, `observedAt`);
//! 6. `serialize`: the event as a JSON line, as `pullpush read --format jsonl` writes it;
//! 7. `drop`: freeing the events and the page.
//!
//! ```sh
//! cargo run --release -p pullpush-examples --bin bench-phases -- \
//!     bench/definitions/bench.json target/bench/data-18080/200k
//! ```
//!
//! Prints one line per step: total time, time per record, share of the total.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use pullpush_core::{CanonicalEvent, EventSource, Operation};
use serde_json::Value;

const STEPS: [&str; 7] = [
    "decode",
    "select",
    "map",
    "validate",
    "event",
    "serialize",
    "drop",
];

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(definition), Some(pages)) = (args.next(), args.next()) else {
        bail!("usage: bench-phases DEFINITION PAGES_DIR");
    };
    let validation = pullpush_schema::validate(
        &std::fs::read_to_string(&definition).with_context(|| definition.clone())?,
    );
    let Some(connector) = validation.connector else {
        bail!("{definition} is not valid");
    };
    let stream = &connector.streams()[0];
    let source = EventSource {
        connector: format!(
            "{}@{}",
            connector.definition().id,
            connector.definition().version
        ),
        stream: connector.definition().streams[stream.index].name.clone(),
        connection: None,
    };

    let mut bodies = Vec::new();
    for number in 1.. {
        let path = PathBuf::from(&pages).join(format!("page-{number}.json"));
        match std::fs::read(&path) {
            Ok(body) => bodies.push(body),
            Err(_) if number > 1 => break,
            Err(error) => return Err(error).context(path.display().to_string()),
        }
    }

    let mut spent = [Duration::ZERO; STEPS.len()];
    let mut out = Vec::with_capacity(1 << 20);
    let (mut records, mut bytes) = (0usize, 0usize);
    let total = Instant::now();
    for body in &bodies {
        let mut clock = Instant::now();
        let mut lap = |step: usize, spent: &mut [Duration; STEPS.len()]| {
            let now = Instant::now();
            spent[step] += now - clock;
            clock = now;
        };
        let page: Value = serde_json::from_slice(body)?;
        lap(0, &mut spent);
        let selected = stream.records.query(&page).all();
        lap(1, &mut spent);
        let mapped: Vec<_> = selected
            .iter()
            .map(|record| stream.mapper.apply(record))
            .collect::<Result<_, _>>()
            .map_err(|errors| anyhow::anyhow!("a record does not map: {errors:?}"))?;
        lap(2, &mut spent);
        let mapped: Vec<_> = mapped
            .into_iter()
            .map(|mapped| {
                let data = Value::Object(mapped.data);
                let problems = stream.canonical.validate(&data);
                let Value::Object(data) = data else {
                    unreachable!()
                };
                (data, mapped.source_id, mapped.source_updated_at, problems)
            })
            .collect();
        lap(3, &mut spent);
        let observed_at = jiff::Timestamp::now().to_string();
        let mut events = Vec::with_capacity(mapped.len());
        for (data, source_id, source_updated_at, problems) in mapped {
            if !problems.is_empty() {
                bail!("a record is not valid: {problems:?}");
            }
            let mut event = CanonicalEvent::new(
                &stream.canonical,
                stream.mapper.key(),
                Operation::Upsert,
                data,
                source.clone(),
                &observed_at,
            );
            event.source_id = source_id;
            event.source_updated_at = source_updated_at;
            events.push(Box::new(event));
        }
        lap(4, &mut spent);
        for event in &events {
            serde_json::to_writer(&mut out, event)?;
            out.write_all(b"\n")?;
            bytes += out.len();
            out.clear();
        }
        lap(5, &mut spent);
        records += events.len();
        drop(events);
        drop(selected);
        drop(page);
        lap(6, &mut spent);
    }
    let total = total.elapsed();
    println!(
        "{records} records, {} pages, {:.1} MB of events, {:.3} s",
        bodies.len(),
        bytes as f64 / 1e6,
        total.as_secs_f64()
    );
    for (step, spent) in STEPS.iter().zip(spent) {
        println!(
            "{step:>10}  {:7.3} s  {:6.2} µs/record  {:5.1} %",
            spent.as_secs_f64(),
            spent.as_secs_f64() * 1e6 / records as f64,
            100.0 * spent.as_secs_f64() / total.as_secs_f64()
        );
    }
    Ok(())
}
