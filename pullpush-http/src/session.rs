//! A connector opened against its live API: the core read engine over the HTTP stack.
//!
//! This is where the two halves meet: [`Session::open`] renders the base URL and credentials
//! from the config, builds the [`HttpStack`] (one per session, so every stream shares the token
//! cache, the connection pool, the definition-wide rate limit and the exchange log) and gives
//! each stream its transport (with the stream's own rate limit, if it has one). The CLI and the
//! MCP server read and test through it.

use std::collections::HashMap;
use std::time::Duration;

use futures::StreamExt;
use futures::stream::{self, BoxStream};
use pullpush_core::{
    Clock, Connector, ExchangeSummary, ReadError, ReadEvent, ReadInput, ReadOptions, RenderError,
    RequestKind, ResolvedConfig, TestReport, TestRun, Transport,
};
use serde_json::Value;

use crate::recorder::Exchange;
use crate::stack::{HttpStack, SharedTransport};

/// The system clock, for reads against live APIs (core takes its clock as a parameter).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> jiff::Timestamp {
        jiff::Timestamp::now()
    }
}

/// How a session may talk to its API.
#[derive(Debug, Clone, Default)]
pub struct SessionOptions {
    /// Allow loopback, private and link-local addresses: for tests and the local demo only.
    pub allow_internal: bool,
    /// Refuse writes (test runs).
    pub read_only: bool,
    /// Send every request to this origin instead of the definition's hosts (local fixtures, mock
    /// servers); paths and queries are kept.
    pub route_to: Option<url::Url>,
}

/// Limits of a test run.
#[derive(Debug, Clone, Copy)]
pub struct TestLimits {
    /// Pages per stream walk.
    pub max_pages: u64,
    /// Records per stream.
    pub max_records: u64,
    /// Time for the whole run.
    pub time_limit: Duration,
}

impl Default for TestLimits {
    fn default() -> Self {
        TestLimits {
            max_pages: 3,
            max_records: 500,
            time_limit: Duration::from_secs(60),
        }
    }
}

/// Why a session could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The base URL or a credential template could not be rendered with the config.
    #[error("cannot render the connector's {what}: {source}")]
    Render {
        /// `base URL` or `credentials`.
        what: &'static str,
        /// Why.
        #[source]
        source: RenderError,
    },
    /// The HTTP stack could not be built.
    #[error(transparent)]
    Stack(#[from] crate::Error),
}

/// A connector with its config and HTTP stack, ready to read.
pub struct Session<'c> {
    connector: &'c Connector,
    config: ResolvedConfig,
    stack: HttpStack,
    transports: HashMap<String, SharedTransport>,
}

impl std::fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("connector", &self.connector.definition().id)
            .field("stack", &self.stack)
            .finish_non_exhaustive()
    }
}

impl<'c> Session<'c> {
    /// Opens `connector` with `config` over the network (reqwest).
    pub fn open(
        connector: &'c Connector,
        config: ResolvedConfig,
        options: SessionOptions,
    ) -> Result<Self, OpenError> {
        Self::open_with(connector, config, options, None::<SharedTransport>)
    }

    /// Opens `connector` over `network` instead of the network (a scripted transport in tests;
    /// every layer still applies).
    pub fn open_over(
        connector: &'c Connector,
        config: ResolvedConfig,
        options: SessionOptions,
        network: impl Transport + 'static,
    ) -> Result<Self, OpenError> {
        Self::open_with(connector, config, options, Some(network))
    }

    fn open_with(
        connector: &'c Connector,
        config: ResolvedConfig,
        options: SessionOptions,
        network: Option<impl Transport + 'static>,
    ) -> Result<Self, OpenError> {
        let now = SystemClock.now();
        let base_url = connector
            .base_url(&config, now)
            .map_err(|source| OpenError::Render {
                what: "base URL",
                source,
            })?;
        let credentials =
            connector
                .credentials(&config, now)
                .map_err(|source| OpenError::Render {
                    what: "credentials",
                    source,
                })?;
        let definition = connector.definition();
        let builder = HttpStack::builder(base_url, credentials)
            .config(&config)
            .allow_internal(options.allow_internal)
            .read_only(options.read_only)
            .route_to(options.route_to.clone())
            .rate_limit(definition.rate_limit.clone())
            .retry(definition.retry.clone())
            .timeouts(definition.timeouts.clone());
        let stack = match network {
            Some(network) => builder.build_over(network)?,
            None => builder.build()?,
        };
        let transports = definition
            .streams
            .iter()
            .map(|stream| {
                let transport = stack.endpoint_transport(stream.rate_limit.as_ref());
                (stream.name.clone(), transport)
            })
            .collect();
        Ok(Session {
            connector,
            config,
            stack,
            transports,
        })
    }

    /// The config, checked against the spec.
    pub fn config(&self) -> &ResolvedConfig {
        &self.config
    }

    /// The HTTP stack: exchanges, rotated refresh token, secrets.
    pub fn stack(&self) -> &HttpStack {
        &self.stack
    }

    /// Reads `streams` (all when empty), concurrently, from their stored `states`.
    pub fn read<'a>(
        &'a self,
        input: &'a ReadInput<'a>,
        streams: &[String],
        states: &HashMap<String, Value>,
    ) -> BoxStream<'a, Result<ReadEvent, ReadError>> {
        let selected = self
            .connector
            .definition()
            .streams
            .iter()
            .filter(|stream| streams.is_empty() || streams.contains(&stream.name))
            .map(|stream| {
                let transport = &self.transports[&stream.name];
                pullpush_core::read_stream(
                    self.connector,
                    &stream.name,
                    transport,
                    input,
                    states.get(&stream.name).cloned(),
                )
            });
        stream::select_all(selected).boxed()
    }

    /// Runs a bounded, read-only test of every stream and reports on it. `digest` is the sha256
    /// of the definition text. The run stops at `limits.time_limit` and reports what it saw.
    pub async fn test(&self, limits: TestLimits, digest: String) -> TestReport {
        let clock = SystemClock;
        let input = ReadInput {
            config: &self.config,
            clock: &clock,
            options: ReadOptions {
                max_pages: Some(limits.max_pages),
                max_records: Some(limits.max_records),
                connection: None,
                raw_records: true,
            },
        };
        let mut run = TestRun::new(self.connector, digest);
        let mut items = self.read(&input, &[], &HashMap::new());
        let timed_out = tokio::time::timeout(limits.time_limit, async {
            while let Some(item) = items.next().await {
                run.observe(&item);
            }
        })
        .await
        .is_err();
        drop(items);
        let exchanges = self
            .stack
            .exchanges()
            .exchanges()
            .into_iter()
            .map(summary)
            .collect();
        let report = run.finish(timed_out, exchanges);
        self.scrub_report(report)
    }

    /// A last pass over a report with every secret known (tokens learned during the run too):
    /// nothing secret leaves a session, whatever an API echoed back.
    fn scrub_report(&self, report: TestReport) -> TestReport {
        let Ok(text) = serde_json::to_string(&report) else {
            return report;
        };
        let scrubbed = self.stack.secrets().scrub(&text);
        if scrubbed == text {
            return report;
        }
        // The report round-trips through JSON; scrubbing only replaces text inside strings. If
        // it ever did not parse back, the verdict alone is safer than the details.
        serde_json::from_str(&scrubbed).unwrap_or_else(|_| TestReport {
            passed: false,
            streams: Vec::new(),
            exchanges: Vec::new(),
            ..report
        })
    }
}

fn summary(exchange: Exchange) -> ExchangeSummary {
    ExchangeSummary {
        kind: match exchange.kind {
            RequestKind::Read => "read",
            RequestKind::Write => "write",
            RequestKind::Token => "token",
        }
        .to_owned(),
        method: exchange.method.to_string(),
        url: exchange.url,
        status: exchange.status,
        duration_ms: u64::try_from(exchange.duration.as_millis()).unwrap_or(u64::MAX),
        response_bytes: exchange.response_bytes,
        error: exchange.error,
    }
}
