//! `pullpush test DEF`

use std::fmt::Write as _;
use std::time::Duration;

use anyhow::Context;
use pullpush_core::{CanonicalRegistry, TestReport, definition_digest};
use pullpush_http::{Session, SessionOptions, TestLimits};

use super::connect::{load_config, load_connector};
use super::{print_json, runtime};
use crate::Outcome;
use crate::cli::TestArgs;

pub fn run(args: &TestArgs, registry: CanonicalRegistry) -> anyhow::Result<Outcome> {
    let loaded = load_connector(&args.connect.definition, registry)?;
    let config = load_config(&loaded.connector, args.connect.config.as_deref())?;
    let limits = TestLimits {
        max_pages: args.max_pages,
        max_records: args.max_records,
        time_limit: Duration::from_secs(args.timeout),
    };
    let options = SessionOptions {
        allow_internal: args.connect.allow_internal,
        read_only: true,
        route_to: args.connect.route_to.clone(),
    };
    let report = runtime()?.block_on(async {
        let session = Session::open(&loaded.connector, config, options)?;
        let report = session.test(limits, definition_digest(&loaded.text)).await;
        super::persist_rotated_token(&session, &loaded.connector, args.connect.config.as_deref())?;
        anyhow::Ok(report)
    })?;
    if let Some(path) = &args.report {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if args.json {
        print_json(&report)?;
    } else {
        print!("{}", render(&report));
    }
    Ok(if report.passed {
        Outcome::Success
    } else {
        Outcome::Invalid
    })
}

/// The report for people: a verdict per stream, its checks, warnings and the first problems.
pub fn render(report: &TestReport) -> String {
    let mut out = String::new();
    let mark = |passed: bool| if passed { "✓" } else { "✗" };
    let _ = writeln!(
        out,
        "test of {}@{} (sha256 {})",
        report.definition.id,
        report.definition.version,
        report.definition.sha256.get(..12).unwrap_or_default()
    );
    for stream in &report.streams {
        let _ = writeln!(
            out,
            "{} {} → {}: {} page(s), {} record(s), {} valid, {} rejected",
            mark(stream.passed),
            stream.name,
            stream.canonical_type,
            stream.page_count,
            stream.records_seen,
            stream.valid,
            stream.rejected
        );
        for check in &stream.checks {
            let _ = writeln!(
                out,
                "    {} {:<10} {}",
                mark(check.passed),
                check.name,
                check.message
            );
        }
        for warning in &stream.warnings {
            let _ = writeln!(out, "    ! {warning}");
        }
        for rejected in stream.rejected_records.iter().take(3) {
            let _ = writeln!(
                out,
                "    rejected page {} record {}: {}",
                rejected.page,
                rejected.index,
                rejected.errors.join("; ")
            );
        }
        if let Some(event) = stream.sample_events.first() {
            let sample = serde_json::to_string(&event.data).unwrap_or_default();
            let shown: String = sample.chars().take(160).collect();
            let more = if shown.len() < sample.len() {
                "…"
            } else {
                ""
            };
            let _ = writeln!(out, "    sample: {shown}{more}");
        }
    }
    let _ = writeln!(
        out,
        "\n{} {} ({} request(s){})",
        mark(report.passed),
        if report.passed { "passed" } else { "failed" },
        report.exchanges.len(),
        if report.timed_out {
            ", stopped by the time limit"
        } else {
            ""
        }
    );
    out
}
