//! `pullpush read DEF`

use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, bail};
use futures::StreamExt;
use pullpush_core::{
    CanonicalRegistry, ReadEvent, ReadInput, ReadOptions, singer_record, singer_schema,
    singer_state,
};
use pullpush_http::{Session, SessionOptions, SystemClock};
use serde_json::{Map, Value};

use super::connect::{load_config, load_connector};
use super::{read_input, runtime};
use crate::Outcome;
use crate::cli::{OutputFormat, ReadArgs};

pub fn run(args: &ReadArgs, registry: CanonicalRegistry) -> anyhow::Result<Outcome> {
    let loaded = load_connector(&args.connect.definition, registry)?;
    let connector = &loaded.connector;
    let known: Vec<&str> = connector
        .definition()
        .streams
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    if let Some(unknown) = args
        .streams
        .iter()
        .find(|name| !known.contains(&name.as_str()))
    {
        bail!(
            "unknown stream `{unknown}`; streams are: {}",
            known.join(", ")
        );
    }
    let config = load_config(connector, args.connect.config.as_deref())?;
    let states = match &args.state {
        Some(path) if path.exists() => read_states(path)?,
        _ => HashMap::new(),
    };
    let options = SessionOptions {
        allow_internal: args.connect.allow_internal,
        read_only: false,
        route_to: args.connect.route_to.clone(),
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let outcome = runtime()?.block_on(async {
        let session = Session::open(connector, config, options)?;
        let clock = SystemClock;
        let input = ReadInput {
            config: session.config(),
            clock: &clock,
            options: ReadOptions {
                max_pages: args.max_pages,
                max_records: args.max_records,
                connection: args.connection.clone(),
                raw_records: false,
            },
        };
        if args.format == OutputFormat::Singer {
            for compiled in connector.streams() {
                let stream = &connector.definition().streams[compiled.index];
                if args.streams.is_empty() || args.streams.contains(&stream.name) {
                    let message =
                        singer_schema(&stream.name, &compiled.canonical, compiled.mapper.key());
                    write_line(&mut out, &message)?;
                }
            }
        }
        let mut new_states: Map<String, Value> = states.clone().into_iter().collect();
        let (mut records, mut rejected, mut failed) = (0u64, 0u64, 0u64);
        let mut items = session.read(&input, &args.streams, &states);
        while let Some(item) = items.next().await {
            match item {
                Ok(ReadEvent::Record(event)) => {
                    records += 1;
                    match args.format {
                        OutputFormat::Jsonl => write_line(&mut out, &event)?,
                        OutputFormat::Singer => write_line(&mut out, &singer_record(&event))?,
                    }
                }
                Ok(ReadEvent::Rejected(record)) => {
                    rejected += 1;
                    eprintln!(
                        "rejected {} page {} record {}: {}",
                        record.stream,
                        record.page,
                        record.index,
                        record.errors.join("; ")
                    );
                }
                Ok(ReadEvent::End(end)) => {
                    eprintln!(
                        "{}: {} record(s), {} rejected, {} page(s)",
                        end.stream, end.records, end.rejected, end.pages
                    );
                    new_states.insert(end.stream, end.state);
                }
                Ok(ReadEvent::Page(_) | ReadEvent::Raw(_)) => {}
                Err(error) => {
                    failed += 1;
                    eprintln!("error: {error}");
                }
            }
        }
        drop(items);
        if args.format == OutputFormat::Singer {
            write_line(&mut out, &singer_state(&new_states))?;
        }
        // State is committed only after every event it covers was written out.
        out.flush().context("cannot write to stdout")?;
        if let Some(path) = &args.state {
            write_states(path, &new_states)?;
        }
        super::persist_rotated_token(&session, connector, args.connect.config.as_deref())?;
        eprintln!("read {records} record(s), rejected {rejected}, {failed} stream(s) failed");
        anyhow::Ok(if failed == 0 {
            Outcome::Success
        } else {
            Outcome::Invalid
        })
    });
    match outcome {
        Err(error) if is_broken_pipe(&error) => Ok(Outcome::Success),
        other => other,
    }
}

fn write_line(out: &mut impl Write, value: &impl serde::Serialize) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// A downstream reader that stopped early (`| head`) is not an error.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(|json| json.io_error_kind())
                .is_some_and(|kind| kind == std::io::ErrorKind::BrokenPipe)
    })
}

fn read_states(path: &Path) -> anyhow::Result<HashMap<String, Value>> {
    match serde_json::from_str::<Value>(&read_input(path)?)
        .with_context(|| format!("{} is not JSON", path.display()))?
    {
        Value::Object(states) => Ok(states.into_iter().collect()),
        _ => bail!(
            "{} must hold a JSON object of states by stream name",
            path.display()
        ),
    }
}

/// Writes the state file atomically: a crash leaves the old state or the new one, never half.
fn write_states(path: &Path, states: &Map<String, Value>) -> anyhow::Result<()> {
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, serde_json::to_string_pretty(states)?)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("cannot replace {}", path.display()))
}
