//! Test runs: a bounded, read-only read turned into a report that says whether a definition
//! works against the live API, and exactly where it does not.
//!
//! [`TestRun`] is fed the items of [`crate::read_all`] one by one (the caller drives the read
//! and applies the time limit) and then [`TestRun::finish`]es into a [`TestReport`]. Each stream
//! passes when its requests succeeded, it returned records, every record mapped to a valid
//! canonical event, and its pagination ended without error (at its end or at the test limit).

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::canonical::CanonicalEvent;
use crate::connector::Connector;
use crate::infer::SchemaInference;
use crate::read::{
    PageInfo, ReadError, ReadErrorKind, ReadEvent, RejectedRecord, RejectionCause, StopReason,
};

/// How many items of each kind a report keeps, so a report stays readable (and an MCP answer
/// small) whatever the API returns.
const MAX_PAGES_SHOWN: usize = 10;
const MAX_SAMPLES: usize = 3;
const MAX_REJECTED_SHOWN: usize = 20;
const MAX_DUPLICATES_SHOWN: usize = 5;

/// The sha256 (hex) of a definition's bytes: reports and the registry name exactly what was
/// tested.
pub fn definition_digest(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// One HTTP exchange as a report shows it (redacted by the transport that recorded it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeSummary {
    /// `read`, `write` or `token`.
    pub kind: String,
    /// The method.
    pub method: String,
    /// The URL, secrets redacted.
    pub url: String,
    /// The status, when a response came.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
    /// Response size in bytes.
    pub response_bytes: usize,
    /// The error, when no response came.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The verdict on a definition.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestReport {
    /// Which definition was tested.
    pub definition: TestedDefinition,
    /// Whether every check of every stream passed.
    pub passed: bool,
    /// Whether the run was stopped by its time limit before every stream finished.
    pub timed_out: bool,
    /// One report per stream.
    pub streams: Vec<StreamReport>,
    /// Every HTTP exchange, redacted (token fetches included).
    pub exchanges: Vec<ExchangeSummary>,
}

/// The identity of the tested definition.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestedDefinition {
    /// Connector id.
    pub id: String,
    /// Connector version.
    pub version: String,
    /// sha256 of the definition text.
    pub sha256: String,
}

/// The verdict on one stream.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StreamReport {
    /// The stream.
    pub name: String,
    /// Its canonical type.
    pub canonical_type: String,
    /// Whether every check passed.
    pub passed: bool,
    /// Each check with its outcome.
    pub checks: Vec<Check>,
    /// The first pages fetched.
    pub pages: Vec<PageInfo>,
    /// Pages fetched in all.
    pub page_count: u64,
    /// Records returned by the API.
    pub records_seen: u64,
    /// Records that became valid canonical events.
    pub valid: u64,
    /// Records rejected by the mapping or canonical validation.
    pub rejected: u64,
    /// The first canonical events.
    pub sample_events: Vec<CanonicalEvent>,
    /// The first rejected records, with every problem.
    pub rejected_records: Vec<RejectedRecord>,
    /// Why pagination ended, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<StopReason>,
    /// Whether pagination saw the end of the data (rather than a test limit).
    pub reached_end: bool,
    /// Keys seen more than once.
    pub duplicate_keys: u64,
    /// A few of those keys.
    pub duplicate_key_examples: Vec<Map<String, Value>>,
    /// The JSON Schema inferred from the raw records.
    pub inferred_schema: Value,
    /// The stream's error, if it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Things worth a look that do not fail the test.
    pub warnings: Vec<String>,
}

/// One check of a stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// `request`, `records`, `mapping` or `pagination`.
    pub name: String,
    /// Whether it passed.
    pub passed: bool,
    /// What was found.
    pub message: String,
}

/// A test run in progress.
#[derive(Debug)]
pub struct TestRun {
    definition: TestedDefinition,
    streams: BTreeMap<String, StreamProgress>,
    order: Vec<String>,
}

#[derive(Debug)]
struct StreamProgress {
    canonical_type: String,
    pages: Vec<PageInfo>,
    page_count: u64,
    records_seen: u64,
    valid: u64,
    rejected: u64,
    missing_data: u64,
    samples: Vec<CanonicalEvent>,
    rejected_records: Vec<RejectedRecord>,
    stopped: Option<StopReason>,
    keys: HashSet<String>,
    duplicates: u64,
    duplicate_examples: Vec<Map<String, Value>>,
    schema: SchemaInference,
    error: Option<ReadError>,
    finished: bool,
}

impl TestRun {
    /// Starts a report for `connector`, whose definition text hashes to `digest`.
    pub fn new(connector: &Connector, digest: String) -> Self {
        let definition = connector.definition();
        let order: Vec<String> = definition.streams.iter().map(|s| s.name.clone()).collect();
        let streams = definition
            .streams
            .iter()
            .map(|stream| {
                (
                    stream.name.clone(),
                    StreamProgress {
                        canonical_type: stream.canonical_type.clone(),
                        pages: Vec::new(),
                        page_count: 0,
                        records_seen: 0,
                        valid: 0,
                        rejected: 0,
                        missing_data: 0,
                        samples: Vec::new(),
                        rejected_records: Vec::new(),
                        stopped: None,
                        keys: HashSet::new(),
                        duplicates: 0,
                        duplicate_examples: Vec::new(),
                        schema: SchemaInference::new(),
                        error: None,
                        finished: false,
                    },
                )
            })
            .collect();
        TestRun {
            definition: TestedDefinition {
                id: definition.id.clone(),
                version: definition.version.clone(),
                sha256: digest,
            },
            streams,
            order,
        }
    }

    /// Takes one item of the read into account.
    pub fn observe(&mut self, item: &Result<ReadEvent, ReadError>) {
        let stream = match item {
            Ok(ReadEvent::Page(page)) => &page.stream,
            Ok(ReadEvent::Raw(raw)) => &raw.stream,
            Ok(ReadEvent::Record(event)) => &event.source.stream,
            Ok(ReadEvent::Rejected(rejected)) => &rejected.stream,
            Ok(ReadEvent::End(end)) => &end.stream,
            Err(error) => &error.stream,
        };
        let Some(progress) = self.streams.get_mut(stream) else {
            return;
        };
        match item {
            Ok(ReadEvent::Page(page)) => {
                progress.page_count += 1;
                progress.records_seen += page.records as u64;
                if progress.pages.len() < MAX_PAGES_SHOWN {
                    progress.pages.push(page.clone());
                }
            }
            Ok(ReadEvent::Raw(raw)) => progress.schema.observe(&raw.record),
            Ok(ReadEvent::Record(event)) => {
                progress.valid += 1;
                let key = Value::Object(event.key.clone()).to_string();
                if !progress.keys.insert(key) {
                    progress.duplicates += 1;
                    if progress.duplicate_examples.len() < MAX_DUPLICATES_SHOWN {
                        progress.duplicate_examples.push(event.key.clone());
                    }
                }
                if progress.samples.len() < MAX_SAMPLES {
                    progress.samples.push(event.as_ref().clone());
                }
            }
            Ok(ReadEvent::Rejected(rejected)) => {
                progress.rejected += 1;
                if rejected.cause == RejectionCause::MissingData {
                    progress.missing_data += 1;
                }
                if progress.rejected_records.len() < MAX_REJECTED_SHOWN {
                    progress.rejected_records.push(rejected.clone());
                }
            }
            Ok(ReadEvent::End(end)) => {
                progress.stopped = Some(end.reason);
                progress.finished = true;
            }
            Err(error) => {
                progress.error = Some(error.clone());
                progress.finished = true;
            }
        }
    }

    /// The report. `timed_out` says the caller stopped the read at its time limit;
    /// `exchanges` are the redacted HTTP exchanges its transport recorded.
    pub fn finish(self, timed_out: bool, exchanges: Vec<ExchangeSummary>) -> TestReport {
        let mut streams = Vec::with_capacity(self.order.len());
        let mut progress_by_name = self.streams;
        for name in &self.order {
            let Some(progress) = progress_by_name.remove(name) else {
                continue;
            };
            streams.push(stream_report(name.clone(), progress, timed_out));
        }
        TestReport {
            definition: self.definition,
            passed: !timed_out && streams.iter().all(|stream| stream.passed),
            timed_out,
            streams,
            exchanges,
        }
    }
}

fn stream_report(name: String, progress: StreamProgress, timed_out: bool) -> StreamReport {
    let mut checks = Vec::new();
    let mut warnings = Vec::new();
    let check = |name: &str, passed, message: String| Check {
        name: name.to_owned(),
        passed,
        message,
    };
    let error = progress.error.as_ref().map(ToString::to_string);

    let request_failure = progress.error.as_ref().filter(|error| {
        matches!(
            error.kind,
            ReadErrorKind::Status { .. } | ReadErrorKind::Transport(_) | ReadErrorKind::Render(_)
        )
    });
    checks.push(match request_failure {
        Some(error) => {
            let hint = match &error.kind {
                ReadErrorKind::Status {
                    status: 401 | 403, ..
                } => " — the API refused the credentials: check the auth settings and config",
                ReadErrorKind::Status { status: 404, .. } => " — check the base URL and the path",
                _ => "",
            };
            check("request", false, format!("{error}{hint}"))
        }
        None if progress.page_count == 0 && !progress.finished => check(
            "request",
            false,
            if timed_out {
                "no page arrived before the time limit".into()
            } else {
                "no request was made".into()
            },
        ),
        None => check(
            "request",
            true,
            format!("{} page(s) fetched", progress.page_count),
        ),
    });

    checks.push(if progress.records_seen == 0 && progress.page_count == 0 {
        check(
            "records",
            false,
            "not checked: no page was fetched (see request)".into(),
        )
    } else if progress.records_seen > 0 {
        check(
            "records",
            true,
            format!("{} record(s) returned", progress.records_seen),
        )
    } else {
        check(
            "records",
            false,
            "the API answered without records: is the `records` selector right, and does the account hold data?".into(),
        )
    });

    // Records that only lack required data are the source's gaps, not the definition's
    // fault: a few are a warning. Failed conversions, wrong values, or gaps in more than a tenth
    // of the records fail the check (a wrong path leaves every record without its field).
    let mapped = progress.valid + progress.rejected;
    let gaps_only = progress.rejected == progress.missing_data;
    let few = progress.missing_data * 10 <= mapped;
    checks.push(if progress.rejected == 0 {
        check(
            "mapping",
            true,
            format!("{} record(s) mapped to valid canonical events", progress.valid),
        )
    } else if gaps_only && few {
        warnings.push(format!(
            "{} of {mapped} record(s) lack a required value and are skipped (never delivered with a default); see rejected_records",
            progress.missing_data
        ));
        check(
            "mapping",
            true,
            format!(
                "{} record(s) mapped to valid canonical events; {} skipped for missing data",
                progress.valid, progress.missing_data
            ),
        )
    } else {
        check(
            "mapping",
            false,
            format!("{} of {mapped} record(s) rejected; see rejected_records", progress.rejected),
        )
    });

    let pagination_failure = progress.error.as_ref().filter(|error| {
        matches!(
            error.kind,
            ReadErrorKind::Loop(_) | ReadErrorKind::Decode(_)
        )
    });
    checks.push(match (pagination_failure, progress.stopped) {
        (Some(error), _) => check("pagination", false, error.to_string()),
        (None, Some(reason)) if reason.reached_end() => check(
            "pagination",
            true,
            format!("reached the end ({})", reason_text(reason)),
        ),
        (None, Some(reason)) => check(
            "pagination",
            true,
            format!(
                "stopped at the test limit ({}); more pages may exist",
                reason_text(reason)
            ),
        ),
        (None, None) => check(
            "pagination",
            !timed_out && progress.error.is_none(),
            if timed_out {
                "the time limit ended the walk".into()
            } else {
                "the walk did not finish".into()
            },
        ),
    });

    if progress.duplicates > 0 {
        warnings.push(format!(
            "{} record(s) repeat a key already seen: pages may overlap, or the key does not identify records",
            progress.duplicates
        ));
    }
    let passed = checks.iter().all(|check| check.passed) && progress.error.is_none();
    StreamReport {
        name,
        canonical_type: progress.canonical_type,
        passed,
        checks,
        pages: progress.pages,
        page_count: progress.page_count,
        records_seen: progress.records_seen,
        valid: progress.valid,
        rejected: progress.rejected,
        sample_events: progress.samples,
        rejected_records: progress.rejected_records,
        stopped: progress.stopped,
        reached_end: progress.stopped.is_some_and(StopReason::reached_end),
        duplicate_keys: progress.duplicates,
        duplicate_key_examples: progress.duplicate_examples,
        inferred_schema: progress.schema.schema(),
        error,
        warnings,
    }
}

fn reason_text(reason: StopReason) -> &'static str {
    match reason {
        StopReason::SinglePage => "a single page",
        StopReason::NoNextPage => "no next page",
        StopReason::EmptyPage => "an empty page",
        StopReason::ShortPage => "a short page",
        StopReason::HasMoreFalse => "has_more was false",
        StopReason::TotalRecordsReached => "the total record count was reached",
        StopReason::TotalPagesReached => "the total page count was reached",
        StopReason::MaxPages => "the definition's max_pages",
        StopReason::PageLimit => "page limit",
        StopReason::RecordLimit => "record limit",
    }
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;
    use futures::executor::block_on;
    use serde_json::json;

    use super::*;
    use crate::read::{ReadInput, ReadOptions, read_all};
    use crate::store::FixedClock;
    use crate::transport::{HttpResponse, ScriptedTransport, TransportError};
    use crate::{CanonicalRegistry, Definition};

    const DEFINITION: &str = r#"{
        "id": "acme", "name": "Acme", "version": "1.0.0",
        "base_url": "https://api.acme.example",
        "streams": [{
            "name": "stock", "canonical_type": "stocklevel",
            "read": {"path": "/stock", "records": "$.items[*]"},
            "pagination": {"type": "cursor", "cursor_from": {"body": "$.next"}, "param": "cursor"},
            "mapping": {"fields": {"sku": "$.sku", "locationId": {"string": "$.loc"}, "quantity": {"integer": "$.qty"}}}
        }]
    }"#;

    fn report(
        responses: Vec<Result<HttpResponse, TransportError>>,
        max_pages: Option<u64>,
    ) -> TestReport {
        let definition: Definition = serde_json::from_str(DEFINITION).expect("a definition");
        let connector = Connector::build(definition, &CanonicalRegistry::builtin()).expect("valid");
        let config = connector
            .definition()
            .config_spec
            .resolve(&serde_json::Map::new())
            .expect("no config needed");
        let clock = FixedClock(jiff::Timestamp::UNIX_EPOCH);
        let options = ReadOptions {
            max_pages,
            raw_records: true,
            ..ReadOptions::default()
        };
        let input = ReadInput {
            config: &config,
            clock: &clock,
            options,
        };
        let transport = ScriptedTransport::new(responses);
        let mut run = TestRun::new(&connector, definition_digest(DEFINITION));
        let items = block_on(
            read_all(&connector, &transport, &input, &Default::default()).collect::<Vec<_>>(),
        );
        for item in &items {
            run.observe(item);
        }
        run.finish(false, Vec::new())
    }

    fn body(value: serde_json::Value) -> Result<HttpResponse, TransportError> {
        ScriptedTransport::json(&value)
    }

    fn check<'a>(report: &'a TestReport, name: &str) -> &'a Check {
        report.streams[0]
            .checks
            .iter()
            .find(|c| c.name == name)
            .expect("the check exists")
    }

    #[test]
    fn a_working_definition_passes_with_samples_and_an_inferred_schema() {
        let report = report(
            vec![
                body(json!({"items": [{"sku": "A", "loc": 1, "qty": 2}], "next": "n"})),
                body(json!({"items": [{"sku": "B", "loc": 1, "qty": 3}]})),
            ],
            None,
        );
        assert!(report.passed, "{:#?}", report.streams[0].checks);
        let stream = &report.streams[0];
        assert_eq!(
            (stream.page_count, stream.records_seen, stream.valid),
            (2, 2, 2)
        );
        assert!(stream.reached_end);
        assert_eq!(stream.sample_events.len(), 2);
        assert_eq!(
            stream.inferred_schema["properties"]["qty"]["type"],
            "integer"
        );
        assert_eq!(report.definition.sha256.len(), 64);
    }

    #[test]
    fn rejected_records_fail_the_mapping_check_and_are_listed() {
        let report = report(
            vec![body(
                json!({"items": [{"sku": "A", "loc": 1, "qty": null}]}),
            )],
            None,
        );
        assert!(!report.passed);
        assert!(!check(&report, "mapping").passed);
        assert!(report.streams[0].rejected_records[0].errors[0].contains("/quantity"));
    }

    #[test]
    fn refused_credentials_fail_the_request_check_with_a_hint() {
        let refused = Ok(HttpResponse {
            status: 401,
            headers: vec![],
            body: b"{\"error\":\"unauthorized\"}".to_vec(),
        });
        let report = report(vec![refused], None);
        let request = check(&report, "request");
        assert!(
            !request.passed && request.message.contains("credentials"),
            "{request:?}"
        );
        assert!(!check(&report, "records").passed);
    }

    #[test]
    fn loops_fail_pagination_and_limits_do_not() {
        let looping = report(
            vec![
                body(json!({"items": [{"sku": "A", "loc": 1, "qty": 1}], "next": "x"})),
                body(json!({"items": [{"sku": "B", "loc": 1, "qty": 1}], "next": "x"})),
            ],
            None,
        );
        assert!(!check(&looping, "pagination").passed);

        let limited = report(
            vec![body(
                json!({"items": [{"sku": "A", "loc": 1, "qty": 1}], "next": "x"}),
            )],
            Some(1),
        );
        let pagination = check(&limited, "pagination");
        assert!(
            pagination.passed && pagination.message.contains("test limit"),
            "{pagination:?}"
        );
        assert!(limited.passed);
        assert!(!limited.streams[0].reached_end);
    }

    #[test]
    fn empty_answers_and_duplicate_keys_are_reported() {
        let empty = report(vec![body(json!({"items": []}))], None);
        assert!(!check(&empty, "records").passed);

        let duplicated = report(
            vec![body(
                json!({"items": [{"sku": "A", "loc": 1, "qty": 1}, {"sku": "A", "loc": 1, "qty": 2}]}),
            )],
            None,
        );
        assert_eq!(duplicated.streams[0].duplicate_keys, 1);
        assert!(duplicated.streams[0].warnings[0].contains("repeat a key"));
    }

    #[test]
    fn a_few_records_with_missing_data_are_a_warning_a_conversion_failure_is_not() {
        let mut items: Vec<serde_json::Value> = (0..20)
            .map(|n| json!({"sku": format!("S{n}"), "loc": 1, "qty": n}))
            .collect();
        items.push(json!({"sku": "GAP", "loc": 1, "qty": null}));
        let passing = report(vec![body(json!({ "items": items.clone() }))], None);
        assert!(passing.passed, "{:#?}", passing.streams[0].checks);
        assert_eq!(passing.streams[0].rejected, 1);
        assert_eq!(
            passing.streams[0].rejected_records[0].cause,
            RejectionCause::MissingData
        );
        assert!(passing.streams[0].warnings[0].contains("lack a required value"));

        items.push(json!({"sku": "BAD", "loc": 1, "qty": "n/a"}));
        let failing = report(vec![body(json!({ "items": items }))], None);
        assert!(!check(&failing, "mapping").passed);
    }
}
