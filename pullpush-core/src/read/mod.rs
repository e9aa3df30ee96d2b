//! The read engine: a connector's streams as an async stream of canonical events.
//!
//! For each page the engine renders the request from the definition's templates (config, state,
//! page position, parent record), sends it through a [`Transport`], decodes the body, selects the
//! records, maps and validates each one, and moves the pagination on. Memory stays bounded by a
//! page whatever the record count: pages are fetched as the events are consumed. While a page's
//! records are being mapped, the request for the next page is already on its way.
//!
//! Records that cannot be mapped or fail canonical validation are never delivered: they come out
//! as [`ReadEvent::Rejected`] with every problem, so a bad record is visible and a null quantity
//! never becomes a zero. A stream ends with [`ReadEvent::End`], which carries the incremental
//! state to commit once its records are safely delivered.

mod decode;
mod incremental;
mod paginate;

#[cfg(test)]
mod tests;

pub use paginate::StopReason;

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::Poll;

use futures::stream::{self, BoxStream, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::canonical::{CanonicalEvent, EventSource, Operation};
use crate::config::ResolvedConfig;
use crate::connector::{CompiledStream, Connector};
use crate::definition::StreamConfig;
use crate::store::Clock;
use crate::template::RenderError;
use crate::transport::{HttpRequest, HttpResponse, RequestKind, Transport, TransportError};
use decode::{DecodedPage, decode, excerpt};
use incremental::Cursor;
use paginate::{LoopDetected, Paginator, Position};

/// Limits and labels of a read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Stop each walk after this many pages (a bounded test run). The stream then ends with
    /// [`StopReason::PageLimit`].
    pub max_pages: Option<u64>,
    /// Stop each stream after this many records (valid or rejected).
    pub max_records: Option<u64>,
    /// The connection name recorded in every event's source.
    pub connection: Option<String>,
    /// Emit every native record as [`ReadEvent::Raw`] before it is mapped (test runs infer the
    /// API's record schema from them).
    pub raw_records: bool,
}

/// What a read needs besides the connector and the transport.
pub struct ReadInput<'a> {
    /// The user's config, checked against the spec.
    pub config: &'a ResolvedConfig,
    /// The clock for `now()` and `observedAt`.
    pub clock: &'a dyn Clock,
    /// Limits and labels.
    pub options: ReadOptions,
}

/// One thing that happened during a read.
#[derive(Debug, Clone, PartialEq)]
pub enum ReadEvent {
    /// A page was fetched and decoded.
    Page(PageInfo),
    /// A native record as the API returned it (only with [`ReadOptions::raw_records`]).
    Raw(RawRecord),
    /// A valid canonical event, ready to deliver.
    Record(Box<CanonicalEvent>),
    /// A record that could not be mapped or is not a valid canonical record; never delivered.
    Rejected(RejectedRecord),
    /// A stream finished.
    End(StreamEnd),
}

/// A fetched page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageInfo {
    /// The stream.
    pub stream: String,
    /// The page's number within its walk, from 1.
    pub number: u64,
    /// The request's method.
    pub method: String,
    /// The request's URL, secrets scrubbed.
    pub url: String,
    /// The response status.
    pub status: u16,
    /// How many records the page held.
    pub records: usize,
}

/// A native record, before mapping.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawRecord {
    /// The stream.
    pub stream: String,
    /// The page it came from, from 1.
    pub page: u64,
    /// Its position on the page, from 0.
    pub index: usize,
    /// The record.
    pub record: Value,
}

/// A record that was not delivered, with every reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedRecord {
    /// The stream.
    pub stream: String,
    /// The page it came from, from 1.
    pub page: u64,
    /// Its position on the page, from 0.
    pub index: usize,
    /// The source's id of the record, when the mapping names it and it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// Every problem, as `path: message` (paths point into the canonical record).
    pub errors: Vec<String>,
    /// What kind of problem it is.
    pub cause: RejectionCause,
}

/// Why a record was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectionCause {
    /// A mapping expression failed (a conversion, a lookup without default): usually the
    /// definition's fault.
    Mapping,
    /// Only required values were absent or null: a gap in the source's data. The record is
    /// skipped rather than delivered with a made-up default.
    MissingData,
    /// The canonical record has wrong values (a format, an enum): the mapping needs work.
    Invalid,
}

/// The end of a stream.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamEnd {
    /// The stream.
    pub stream: String,
    /// Why the (last) walk ended.
    pub reason: StopReason,
    /// Pages fetched.
    pub pages: u64,
    /// Valid records emitted.
    pub records: u64,
    /// Records rejected.
    pub rejected: u64,
    /// The incremental state to commit after delivery (`{}` for full-refresh streams).
    pub state: Value,
}

/// Why a stream could not be read to its end.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stream `{stream}`{}: {kind}", page.map(|page| format!(", page {page}")).unwrap_or_default())]
pub struct ReadError {
    /// The stream.
    pub stream: String,
    /// The page being fetched, from 1, when the error concerns one.
    pub page: Option<u64>,
    /// What went wrong.
    pub kind: ReadErrorKind,
}

/// What went wrong in a read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadErrorKind {
    /// No stream of that name.
    #[error("no such stream; streams are: {0}")]
    UnknownStream(String),
    /// A template could not be rendered (an undefined value, usually).
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The transport refused or failed the request.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The API answered with an error status.
    #[error(
        "{request} answered {status}{}: {body}",
        attempts.map(|n| format!(" after {n} attempts")).unwrap_or_default()
    )]
    Status {
        /// Method and URL, secrets scrubbed, e.g. `GET https://api.acme.example/v1/stock`.
        request: String,
        /// The status.
        status: u16,
        /// How many attempts the transport made, when it retried.
        attempts: Option<u32>,
        /// The start of the body, secrets scrubbed.
        body: String,
    },
    /// The body could not be decoded.
    #[error("{0}")]
    Decode(String),
    /// The walk would never end.
    #[error("{0}")]
    Loop(String),
    /// The stored state could not be used.
    #[error("invalid state: {0}")]
    State(String),
}

type ResponseFuture<'a> =
    Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'a>>;

/// A request on its way: sent (its response arriving) or already answered.
enum InFlight<'a> {
    Sending(ResponseFuture<'a>),
    Answered(Result<HttpResponse, TransportError>),
}

/// Reads one stream: its events, in order, ending with [`ReadEvent::End`] or an error.
///
/// `state` is the stream's stored incremental state (`{"cursor": ...}`) or `None` on the first
/// run. A child stream walks its parent's records and reads once per parent record.
pub fn read_stream<'a, T: Transport + ?Sized>(
    connector: &'a Connector,
    stream: &str,
    transport: &'a T,
    input: &'a ReadInput<'a>,
    state: Option<Value>,
) -> BoxStream<'a, Result<ReadEvent, ReadError>> {
    let context = match StreamContext::new(connector, stream, transport, input, state.as_ref()) {
        Ok(context) => context,
        Err(error) => return stream::once(async move { Err(error) }).boxed(),
    };
    let context = Arc::new(context);
    let parents: BoxStream<'a, Result<Option<Value>, ReadError>> = match &context.definition.parent
    {
        None => stream::once(async { Ok(None) }).boxed(),
        Some(parent) => parent_records(connector, &parent.stream, transport, input)
            .map(|record| record.map(Some))
            .boxed(),
    };
    let summary = Arc::new(Mutex::new(Summary::default()));
    let walks = {
        let context = context.clone();
        let summary = summary.clone();
        parents.flat_map(move |parent| match parent {
            Ok(parent) => walk_events(context.clone(), parent, summary.clone()),
            Err(error) => stream::once(async move { Err(error) }).boxed(),
        })
    };
    let end = stream::once(async move {
        let summary = lock(&summary);
        Ok(ReadEvent::End(StreamEnd {
            stream: context.definition.name.clone(),
            reason: summary.reason.unwrap_or(StopReason::NoNextPage),
            pages: summary.pages,
            records: summary.records,
            rejected: summary.rejected,
            state: lock(&context.cursor)
                .as_ref()
                .map_or_else(|| json!({}), Cursor::state),
        }))
    });
    // An error ends the stream: nothing after it, and no End (its state must not be committed).
    let mut failed = false;
    walks
        .chain(end)
        .take_while(move |item| {
            let go = !failed;
            failed |= item.is_err();
            futures::future::ready(go)
        })
        .boxed()
}

/// Reads every stream of the connector (child streams included), concurrently, with their stored
/// states by stream name.
pub fn read_all<'a, T: Transport + ?Sized>(
    connector: &'a Connector,
    transport: &'a T,
    input: &'a ReadInput<'a>,
    states: &std::collections::HashMap<String, Value>,
) -> BoxStream<'a, Result<ReadEvent, ReadError>> {
    let streams = connector.definition().streams.iter().map(|stream| {
        read_stream(
            connector,
            &stream.name,
            transport,
            input,
            states.get(&stream.name).cloned(),
        )
    });
    stream::select_all(streams).boxed()
}

/// Counters across the walks of one stream.
#[derive(Debug, Default)]
struct Summary {
    pages: u64,
    records: u64,
    rejected: u64,
    reason: Option<StopReason>,
}

/// Everything a walk of one stream needs, prepared once.
struct StreamContext<'a, T: ?Sized> {
    connector: &'a Connector,
    compiled: &'a CompiledStream,
    definition: &'a StreamConfig,
    transport: &'a T,
    input: &'a ReadInput<'a>,
    base_url: String,
    cursor: Mutex<Option<Cursor>>,
    source: EventSource,
}

impl<'a, T: Transport + ?Sized> StreamContext<'a, T> {
    fn new(
        connector: &'a Connector,
        name: &str,
        transport: &'a T,
        input: &'a ReadInput<'a>,
        state: Option<&Value>,
    ) -> Result<Self, ReadError> {
        let error = |kind: ReadErrorKind| ReadError {
            stream: name.to_owned(),
            page: None,
            kind,
        };
        let definition = connector.definition();
        let (compiled, stream) = connector
            .streams()
            .iter()
            .map(|compiled| (compiled, &definition.streams[compiled.index]))
            .find(|(_, stream)| stream.name == name)
            .ok_or_else(|| {
                let names: Vec<&str> = definition.streams.iter().map(|s| s.name.as_str()).collect();
                error(ReadErrorKind::UnknownStream(names.join(", ")))
            })?;
        let now = input.clock.now();
        let base_url = connector
            .base_url(input.config, now)
            .map_err(|err| error(err.into()))?;
        let cursor = match &stream.incremental {
            None => None,
            Some(incremental) => {
                let start = match &incremental.start {
                    Some(_) => {
                        let at = format!("/streams/{}/incremental/start", compiled.index);
                        let context = json!({ "config": input.config.values() });
                        Some(
                            connector
                                .templates()
                                .render(&at, &context, now)
                                .map_err(|err| error(err.into()))?,
                        )
                    }
                    None => None,
                };
                Some(
                    Cursor::new(incremental, state, start)
                        .map_err(|err| error(ReadErrorKind::State(err)))?,
                )
            }
        };
        Ok(StreamContext {
            connector,
            compiled,
            definition: stream,
            transport,
            input,
            base_url,
            cursor: Mutex::new(cursor),
            source: EventSource {
                connector: format!("{}@{}", definition.id, definition.version),
                stream: stream.name.clone(),
                connection: input.options.connection.clone(),
            },
        })
    }

    fn error(&self, page: Option<u64>, kind: ReadErrorKind) -> ReadError {
        ReadError {
            stream: self.definition.name.clone(),
            page,
            kind,
        }
    }

    /// Renders the request for the paginator's current position.
    fn request(
        &self,
        paginator: &Paginator,
        parent: Option<&Value>,
    ) -> Result<HttpRequest, ReadError> {
        let templates = self.connector.templates();
        let now = self.input.clock.now();
        let page = paginator.pages() + 1;
        let fail = |err: RenderError| self.error(Some(page), err.into());
        let state = match lock(&self.cursor).as_ref().and_then(Cursor::lower_bound) {
            Some(bound) => json!({ "cursor": bound }),
            None => json!({}),
        };
        let mut context = json!({
            "config": self.input.config.values(),
            "state": state,
            "page": paginator.page_variable(),
        });
        if let Some(parent) = parent {
            context["parent"] = parent.clone();
        }
        let at = format!("/streams/{}/read", self.compiled.index);
        let read = &self.definition.read;
        let url = match paginator.position() {
            Position::Url(next) => next.clone(),
            _ => {
                let path = templates
                    .render(&format!("{at}/path"), &context, now)
                    .map_err(fail)?;
                let mut url = join_url(&self.base_url, &path);
                let mut params: Vec<(String, String)> = Vec::new();
                for name in read.query.keys() {
                    let pointer = crate::pointer::push(&format!("{at}/query"), name);
                    let value = templates.render(&pointer, &context, now).map_err(fail)?;
                    // A parameter that renders empty (an `{% if %}` that did not hold) is left out.
                    if !value.is_empty() {
                        params.push((name.clone(), value));
                    }
                }
                params.extend(paginator.query_params());
                if let (Some(incremental), Some(bound)) = (
                    &self.definition.incremental,
                    lock(&self.cursor).as_ref().and_then(Cursor::lower_bound),
                ) && let Some(param) = &incremental.param
                {
                    let bound = match bound {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    };
                    params.push((param.clone(), bound));
                }
                if !params.is_empty() {
                    url = append_query(&url, &params);
                }
                url
            }
        };
        let mut headers = Vec::new();
        let definition = self.connector.definition();
        for name in definition.headers.keys() {
            let value = templates
                .render(&crate::pointer::push("/headers", name), &context, now)
                .map_err(fail)?;
            if !value.is_empty() {
                headers.push((name.clone(), value));
            }
        }
        for name in read.headers.keys() {
            let value = templates
                .render(
                    &crate::pointer::push(&format!("{at}/headers"), name),
                    &context,
                    now,
                )
                .map_err(fail)?;
            if !value.is_empty() {
                headers.retain(|(existing, _): &(String, String)| {
                    !existing.eq_ignore_ascii_case(name)
                });
                headers.push((name.clone(), value));
            }
        }
        let body = match &read.body {
            None => None,
            Some(body) => {
                let rendered = render_body(templates, &format!("{at}/body"), body, &context, now)
                    .map_err(fail)?;
                if !headers
                    .iter()
                    .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
                {
                    headers.push(("Content-Type".into(), "application/json".into()));
                }
                Some(rendered.to_string().into_bytes())
            }
        };
        Ok(HttpRequest {
            kind: RequestKind::Read,
            method: read.method,
            url,
            headers,
            body,
        })
    }
}

/// Renders a JSON body: every string is a template; single-expression strings keep their type,
/// and object members that render to null are left out (an API reads a missing cursor as "first
/// page", but may refuse `"cursor": null`).
fn render_body(
    templates: &crate::template::TemplateSet,
    at: &str,
    body: &Value,
    context: &Value,
    now: jiff::Timestamp,
) -> Result<Value, RenderError> {
    Ok(match body {
        Value::String(_) => templates.render_value(at, context, now)?,
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    render_body(
                        templates,
                        &crate::pointer::push(at, &index.to_string()),
                        item,
                        context,
                        now,
                    )
                })
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(object) => {
            let mut out = Map::with_capacity(object.len());
            for (name, item) in object {
                let value = render_body(
                    templates,
                    &crate::pointer::push(at, name),
                    item,
                    context,
                    now,
                )?;
                if !value.is_null() {
                    out.insert(name.clone(), value);
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

/// One walk through the pages of a stream (for one parent record, if any), as events.
fn walk_events<'a, T: Transport + ?Sized>(
    context: Arc<StreamContext<'a, T>>,
    parent: Option<Value>,
    summary: Arc<Mutex<Summary>>,
) -> BoxStream<'a, Result<ReadEvent, ReadError>> {
    let walk = Walk::new(context, parent);
    stream::unfold((walk, summary), |(mut walk, summary)| async move {
        if walk.done {
            return None;
        }
        let events = match walk.fetch(&summary).await {
            Ok(page) => page_events(&walk.context, page, &summary),
            Err(error) => vec![Err(error)],
        };
        Some((stream::iter(events), (walk, summary)))
    })
    .flatten()
    .boxed()
}

/// The native records of a parent stream, for its children: every page walked, nothing mapped.
/// The parent's own parent, if any, is walked the same way first.
fn parent_records<'a, T: Transport + ?Sized>(
    connector: &'a Connector,
    parent: &str,
    transport: &'a T,
    input: &'a ReadInput<'a>,
) -> BoxStream<'a, Result<Value, ReadError>> {
    let context = match StreamContext::new(connector, parent, transport, input, None) {
        Ok(context) => Arc::new(context),
        Err(error) => return stream::once(async move { Err(error) }).boxed(),
    };
    let grandparents: BoxStream<'a, Result<Option<Value>, ReadError>> =
        match &context.definition.parent {
            None => stream::once(async { Ok(None) }).boxed(),
            Some(grandparent) => parent_records(connector, &grandparent.stream, transport, input)
                .map(|record| record.map(Some))
                .boxed(),
        };
    grandparents
        .flat_map(move |grandparent| match grandparent {
            Err(error) => stream::once(async move { Err(error) }).boxed(),
            Ok(grandparent) => {
                let walk = Walk::new(context.clone(), grandparent);
                let summary = Arc::new(Mutex::new(Summary::default()));
                stream::unfold((walk, summary), |(mut walk, summary)| async move {
                    if walk.done {
                        return None;
                    }
                    let records: Vec<Result<Value, ReadError>> = match walk.fetch(&summary).await {
                        Ok(page) => page
                            .decoded
                            .records(
                                &walk.context.compiled.records,
                                &walk.context.definition.read.records,
                            )
                            .into_iter()
                            .take(page.room)
                            .cloned()
                            .map(Ok)
                            .collect(),
                        Err(error) => vec![Err(error)],
                    };
                    Some((stream::iter(records), (walk, summary)))
                })
                .flatten()
                .boxed()
            }
        })
        .boxed()
}

/// The walk through one stream's pages.
struct Walk<'a, T: ?Sized> {
    context: Arc<StreamContext<'a, T>>,
    paginator: Paginator,
    parent: Option<Value>,
    in_flight: Option<(InFlight<'a>, SentRequest)>,
    done: bool,
}

/// What the walk remembers of a sent request, for pages and errors.
struct SentRequest {
    method: String,
    url: String,
}

/// A fetched, decoded page and what the walk decided about it.
struct FetchedPage {
    info: PageInfo,
    decoded: DecodedPage,
    /// How many of its records fit under the record limit.
    room: usize,
    stop: Option<StopReason>,
}

impl<'a, T: Transport + ?Sized> Walk<'a, T> {
    fn new(context: Arc<StreamContext<'a, T>>, parent: Option<Value>) -> Self {
        let paginator = Paginator::new(&context.definition.pagination);
        Walk {
            context,
            paginator,
            parent,
            in_flight: None,
            done: false,
        }
    }

    /// Fetches the current page (already in flight, or sent now), decides the next position and
    /// sends that request before returning, so it travels while this page is processed.
    async fn fetch(&mut self, summary: &Mutex<Summary>) -> Result<FetchedPage, ReadError> {
        let result = self.fetch_inner(summary).await;
        match &result {
            Ok(page) => self.done = page.stop.is_some(),
            Err(_) => self.done = true,
        }
        result
    }

    async fn fetch_inner(&mut self, summary: &Mutex<Summary>) -> Result<FetchedPage, ReadError> {
        let context = self.context.clone();
        let page_number = self.paginator.pages() + 1;
        let (in_flight, sent) = match self.in_flight.take() {
            Some(in_flight) => in_flight,
            None => {
                let request = context.request(&self.paginator, self.parent.as_ref())?;
                start(context.transport, request).await
            }
        };
        let response = match in_flight {
            InFlight::Answered(result) => result,
            InFlight::Sending(future) => future.await,
        };
        let scrub = |text: &str| context.input.config.scrub(text);
        let response = response.map_err(|error| context.error(Some(page_number), error.into()))?;
        if !(200..300).contains(&response.status) {
            return Err(context.error(
                Some(page_number),
                ReadErrorKind::Status {
                    request: format!("{} {}", sent.method, scrub(&sent.url)),
                    status: response.status,
                    attempts: response
                        .header(crate::transport::ATTEMPTS_HEADER)
                        .and_then(|n| n.parse().ok()),
                    body: scrub(&excerpt(&response.body)),
                },
            ));
        }
        let decoded =
            decode(&response.body, context.definition.read.format).map_err(|message| {
                context.error(Some(page_number), ReadErrorKind::Decode(scrub(&message)))
            })?;
        let count = decoded
            .records(&context.compiled.records, &context.definition.read.records)
            .len();
        let mut stop = self
            .paginator
            .advance(&response, decoded.document(), count, &sent.url)
            .map_err(|LoopDetected(message)| {
                context.error(Some(page_number), ReadErrorKind::Loop(message))
            })?;
        let limits = &context.input.options;
        if stop.is_none()
            && limits
                .max_pages
                .is_some_and(|max| self.paginator.pages() >= max)
        {
            stop = Some(StopReason::PageLimit);
        }
        let room = match limits.max_records {
            None => usize::MAX,
            Some(max) => {
                let summary = lock(summary);
                let left = max.saturating_sub(summary.records + summary.rejected);
                usize::try_from(left).unwrap_or(usize::MAX)
            }
        };
        if limits.max_records.is_some() && count >= room {
            stop = Some(StopReason::RecordLimit);
        }
        if stop.is_none() {
            let request = context.request(&self.paginator, self.parent.as_ref())?;
            self.in_flight = Some(start(context.transport, request).await);
        }
        {
            let mut summary = lock(summary);
            summary.pages += 1;
            if stop.is_some() {
                summary.reason = stop;
            }
        }
        Ok(FetchedPage {
            info: PageInfo {
                stream: context.definition.name.clone(),
                number: page_number,
                method: sent.method,
                url: scrub(&sent.url),
                status: response.status,
                records: count,
            },
            decoded,
            room,
            stop,
        })
    }
}

/// Sends a request and polls it once, so it is on its way while the caller keeps working.
async fn start<'a, T: Transport + ?Sized>(
    transport: &'a T,
    request: HttpRequest,
) -> (InFlight<'a>, SentRequest) {
    let sent = SentRequest {
        method: request.method.to_string(),
        url: request.url.clone(),
    };
    let mut future = transport.send(request);
    let in_flight = match futures::poll!(future.as_mut()) {
        Poll::Ready(result) => InFlight::Answered(result),
        Poll::Pending => InFlight::Sending(future),
    };
    (in_flight, sent)
}

/// The events of one page: the page itself, then each record mapped or rejected.
fn page_events<T: ?Sized>(
    context: &StreamContext<'_, T>,
    page: FetchedPage,
    summary: &Mutex<Summary>,
) -> Vec<Result<ReadEvent, ReadError>> {
    let records = page
        .decoded
        .records(&context.compiled.records, &context.definition.read.records);
    let mut events = Vec::with_capacity(records.len().min(page.room) + 1);
    let number = page.info.number;
    events.push(Ok(ReadEvent::Page(page.info)));
    let observed_at = context.input.clock.now().to_string();
    let (mut valid, mut rejected) = (0, 0);
    for (index, record) in records.into_iter().take(page.room).enumerate() {
        if context.input.options.raw_records {
            events.push(Ok(ReadEvent::Raw(RawRecord {
                stream: context.definition.name.clone(),
                page: number,
                index,
                record: record.clone(),
            })));
        }
        match map_record(context, record, &observed_at) {
            Ok(event) => {
                valid += 1;
                events.push(Ok(ReadEvent::Record(Box::new(event))));
            }
            Err((source_id, errors, cause)) => {
                rejected += 1;
                events.push(Ok(ReadEvent::Rejected(RejectedRecord {
                    stream: context.definition.name.clone(),
                    page: number,
                    index,
                    source_id,
                    errors,
                    cause,
                })));
            }
        }
    }
    let mut summary = lock(summary);
    summary.records += valid;
    summary.rejected += rejected;
    events
}

/// Maps, validates and wraps one record, feeding the incremental cursor; on failure, the
/// record's source id (when readable), every problem and its cause.
fn map_record<T: ?Sized>(
    context: &StreamContext<'_, T>,
    record: &Value,
    observed_at: &str,
) -> Result<CanonicalEvent, (Option<String>, Vec<String>, RejectionCause)> {
    let compiled = context.compiled;
    let mapped = compiled.mapper.apply(record).map_err(|errors| {
        let messages = errors.iter().map(ToString::to_string).collect();
        let cause = if errors.iter().all(|error| error.missing) {
            RejectionCause::MissingData
        } else {
            RejectionCause::Mapping
        };
        (None, messages, cause)
    })?;
    let data = Value::Object(mapped.data);
    let problems = compiled.canonical.validate(&data);
    let Value::Object(data) = data else {
        unreachable!("the mapper always builds an object")
    };
    if !problems.is_empty() {
        let cause = if problems.iter().all(|problem| problem.missing) {
            RejectionCause::MissingData
        } else {
            RejectionCause::Invalid
        };
        return Err((
            mapped.source_id,
            problems.iter().map(ToString::to_string).collect(),
            cause,
        ));
    }
    if let Some(cursor) = lock(&context.cursor).as_mut() {
        cursor.observe(record, &data);
    }
    let operation = if mapped.delete {
        Operation::Delete
    } else {
        Operation::Upsert
    };
    let mut event = CanonicalEvent::new(
        &compiled.canonical,
        compiled.mapper.key(),
        operation,
        data,
        context.source.clone(),
        observed_at,
    );
    event.source_id = mapped.source_id;
    event.source_updated_at = mapped.source_updated_at;
    Ok(event)
}

/// Joins a base URL and a path without losing the base's own path (`/v1` + `/stock`).
fn join_url(base: &str, path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") {
        return path.to_owned();
    }
    match (base.ends_with('/'), path.starts_with('/')) {
        (true, true) => format!("{base}{}", &path[1..]),
        (false, false) if !path.is_empty() => format!("{base}/{path}"),
        _ => format!("{base}{path}"),
    }
}

/// Appends query parameters, percent-encoded, keeping any the URL already has.
fn append_query(url: &str, params: &[(String, String)]) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            parsed
                .query_pairs_mut()
                .extend_pairs(params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            parsed.into()
        }
        Err(_) => url.to_owned(),
    }
}

/// Locks a mutex, recovering the data if a panic poisoned it: counters and cursors stay
/// meaningful either way.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
