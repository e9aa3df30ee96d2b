//! A generic fixture server: canned HTTP answers read from JSON, served on 127.0.0.1.
//!
//! Where the demo API ([`crate::DemoApi`]) is one realistic API written out in code, a
//! [`Fixture`] is any API written down as data: a list of [`Route`]s, each a request to match and
//! the answer to give. The example definitions are tested against one fixture each
//! (`examples/fixtures/<name>/fixture.json`, modelled on the vendor's documented responses), and
//! hostile scenarios (a cursor that never changes, garbage bodies, 500s, 401s, slow answers,
//! redirects to the metadata address) are a few lines of JSON each.
//!
//! # The format
//!
//! ```json
//! {
//!   "description": "optional, for people",
//!   "routes": [
//!     {
//!       "method": "GET",
//!       "path": "/v1/items",
//!       "query": {"cursor": null, "limit": "100"},
//!       "expect_headers": {"Authorization": "Bearer test-token"},
//!       "status": 200,
//!       "headers": {"Link": "<{{base_url}}/v1/items?cursor=2>; rel=\"next\""},
//!       "body": {"items": [{"id": 1}]}
//!     }
//!   ]
//! }
//! ```
//!
//! | route field | default | meaning |
//! |---|---|---|
//! | `method` | `GET` | The request method (case-insensitive). |
//! | `path` | **required** | The exact request path, as sent (percent-encoded) or decoded. |
//! | `query` | `{}` | Query parameters the request must carry: name → exact (decoded) value, or `null` for "must be absent". Parameters not listed are ignored. |
//! | `body_match` | `{}` | Fields of the request body: JSON pointer → exact JSON value, or `null` for "must be absent". A JSON body is read as JSON, a form-encoded body (OAuth token requests) as an object of strings. For APIs that take their cursor in a POST body. |
//! | `expect_headers` | `{}` | Headers the request must carry with exactly these values (names case-insensitive). Checked after the route matched: a mismatch answers 401 with a JSON error naming the header (never its value), to prove authentication is applied. |
//! | `status` | `200` | The answer's status. |
//! | `headers` | `{}` | The answer's headers. |
//! | `body` | none | A JSON body (`Content-Type: application/json` unless `headers` say otherwise). |
//! | `body_text` | none | A raw text body instead (`text/plain` unless `headers` say otherwise): HTML error pages, garbage. |
//! | `delay_ms` | none | Wait this long before answering (timeouts). |
//! | `truncate_after` | none | Declare the whole body's `Content-Length` but send only this many bytes, then drop the connection (a truncated body). |
//! | `description` | none | For people. |
//!
//! The first route that matches method, path, query and `body_match` answers. A request no route
//! matches gets 404 with a JSON body naming its method, path and query, and the routes that
//! nearly matched with what differed, so a broken fixture is easy to debug. In `headers`,
//! `body` and `body_text`, the placeholder `{{base_url}}` is replaced with the server's own
//! origin (`http://127.0.0.1:PORT`), for `Link` headers and next-page URLs.
//!
//! # Example
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use pullpush_demo::{Fixture, FixtureServer};
//!
//! let fixture = Fixture::from_json(r#"{"routes": [
//!     {"path": "/pets", "query": {"tags": "dog"}, "body": [{"id": 1, "name": "Rex"}]}
//! ]}"#)?;
//! let server = FixtureServer::start(fixture).await?;
//! # let _ = rustls::crypto::ring::default_provider().install_default();
//! let pets = reqwest::get(format!("{}/pets?tags=dog", server.base_url())).await?.text().await?;
//! assert_eq!(pets, r#"[{"id":1,"name":"Rex"}]"#);
//! let missing = reqwest::get(format!("{}/pets?tags=cat", server.base_url())).await?;
//! assert_eq!(missing.status(), 404);
//! server.shutdown().await?;
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::DEFAULT_ADDR;
use crate::serve::Serving;

/// The placeholder replaced with the server's origin in answers.
pub const BASE_URL_PLACEHOLDER: &str = "{{base_url}}";

/// The largest request body the server reads (token requests and search bodies are small).
const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// Canned answers: the routes a [`FixtureServer`] serves, in match order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// What the fixture imitates, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The routes; the first that matches a request answers it.
    pub routes: Vec<Route>,
}

/// One request to match and its answer. See the [module documentation](self) for the fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// For people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The request method, `GET` by default.
    #[serde(default = "default_method")]
    pub method: String,
    /// The exact path.
    pub path: String,
    /// Query parameters: exact value, or `None` for "absent". Others are ignored.
    #[serde(default)]
    pub query: BTreeMap<String, Option<String>>,
    /// Request body fields by JSON pointer: exact value, or `null` for "absent".
    #[serde(default)]
    pub body_match: BTreeMap<String, Value>,
    /// Headers that must have exactly these values, else 401.
    #[serde(default)]
    pub expect_headers: BTreeMap<String, String>,
    /// The answer's status, 200 by default.
    #[serde(default = "default_status")]
    pub status: u16,
    /// The answer's headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// A raw text body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_text: Option<String>,
    /// Milliseconds to wait before answering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// Send only this many bytes of the body (declaring all of them), then drop the connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncate_after: Option<usize>,
}

fn default_method() -> String {
    "GET".to_owned()
}

fn default_status() -> u16 {
    200
}

/// Why a fixture could not be read.
#[derive(Debug)]
pub struct FixtureError {
    message: String,
}

impl fmt::Display for FixtureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FixtureError {}

impl Fixture {
    /// Reads and checks a fixture from JSON text.
    ///
    /// # Errors
    ///
    /// When the text is not a fixture (unknown fields included), or a route is unusable: a path
    /// not starting with `/`, an invalid method, status or header, both `body` and `body_text`.
    pub fn from_json(text: &str) -> Result<Fixture, FixtureError> {
        let fixture: Fixture = serde_json::from_str(text).map_err(|err| FixtureError {
            message: format!("not a fixture: {err}"),
        })?;
        fixture.check()?;
        Ok(fixture)
    }

    /// Reads and checks a fixture file.
    ///
    /// # Errors
    ///
    /// When the file cannot be read or is not a valid fixture (see [`Fixture::from_json`]).
    pub fn load(path: impl AsRef<Path>) -> Result<Fixture, FixtureError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|err| FixtureError {
            message: format!("cannot read {}: {err}", path.display()),
        })?;
        Fixture::from_json(&text).map_err(|err| FixtureError {
            message: format!("{}: {err}", path.display()),
        })
    }

    /// Checks every route (done by [`Fixture::from_json`]; call it on fixtures built in code).
    ///
    /// # Errors
    ///
    /// The first unusable route, by index.
    pub fn check(&self) -> Result<(), FixtureError> {
        for (index, route) in self.routes.iter().enumerate() {
            route.check().map_err(|problem| FixtureError {
                message: format!("route {index} ({} {}): {problem}", route.method, route.path),
            })?;
        }
        Ok(())
    }
}

impl Route {
    fn check(&self) -> Result<(), String> {
        Method::from_bytes(self.method.to_ascii_uppercase().as_bytes())
            .map_err(|_| format!("`{}` is not an HTTP method", self.method))?;
        if !self.path.starts_with('/') {
            return Err("the path must start with `/`".into());
        }
        StatusCode::from_u16(self.status)
            .map_err(|_| format!("{} is not an HTTP status", self.status))?;
        if self.body.is_some() && self.body_text.is_some() {
            return Err("give `body` or `body_text`, not both".into());
        }
        for (name, value) in self.headers.iter().chain(&self.expect_headers) {
            HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("`{name}` is not a header name"))?;
            HeaderValue::from_str(value)
                .map_err(|_| format!("the value of header `{name}` is not a valid header value"))?;
        }
        for pointer in self.body_match.keys() {
            if !pointer.is_empty() && !pointer.starts_with('/') {
                return Err(format!(
                    "`body_match` key `{pointer}` is not a JSON pointer (write `/{pointer}`)"
                ));
            }
        }
        Ok(())
    }
}

/// Starts fixture servers.
#[derive(Debug, Clone, Copy)]
pub struct FixtureServer;

impl FixtureServer {
    /// Serves `fixture` on 127.0.0.1 on a free port, in the background on the current tokio
    /// runtime.
    ///
    /// # Errors
    ///
    /// When the address cannot be bound, or the fixture has an unusable route.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime.
    pub async fn start(fixture: Fixture) -> io::Result<RunningFixture> {
        Self::start_on(fixture, DEFAULT_ADDR).await
    }

    /// Serves `fixture` on `addr`.
    ///
    /// # Errors
    ///
    /// When the address cannot be bound, or the fixture has an unusable route.
    pub async fn start_on(fixture: Fixture, addr: SocketAddr) -> io::Result<RunningFixture> {
        fixture
            .check()
            .map_err(|err| io::Error::new(io::ErrorKind::InvalidInput, err))?;
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            routes: fixture.routes,
            base_url: format!("http://{addr}"),
            log: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .fallback(answer)
            .with_state(Arc::clone(&shared));
        let serving = Serving::spawn(listener, app);
        Ok(RunningFixture {
            addr,
            shared,
            serving,
        })
    }
}

/// A fixture serving in the background. Dropping it stops the server (without waiting);
/// [`RunningFixture::shutdown`] stops it gracefully and waits.
#[derive(Debug)]
pub struct RunningFixture {
    addr: SocketAddr,
    shared: Arc<Shared>,
    serving: Serving,
}

/// A request the server received, as its log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceivedRequest {
    /// The method.
    pub method: String,
    /// The path, as sent.
    pub path: String,
    /// The query parameters, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The index of the route that answered, or `None` for a 404.
    pub route: Option<usize>,
    /// The status answered.
    pub status: u16,
    /// For a 404, the routes that matched method and path, with what differed (`route 2: query
    /// `page` should be "2", is "3"`).
    pub near_misses: Vec<String>,
}

impl RunningFixture {
    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://` and the address, without a trailing slash, e.g. `http://127.0.0.1:43127`: the
    /// origin for `pullpush test --route-to`.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        lock(&self.shared.log).clone()
    }

    /// Stops accepting connections, lets requests in flight finish, and waits for the server
    /// task to end.
    ///
    /// # Errors
    ///
    /// When the server failed while serving, or its task panicked.
    pub async fn shutdown(self) -> io::Result<()> {
        self.serving.shutdown().await
    }
}

#[derive(Debug)]
struct Shared {
    routes: Vec<Route>,
    base_url: String,
    log: Mutex<Vec<ReceivedRequest>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The one handler: find the route, check its headers, answer.
async fn answer(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let body = axum::body::to_bytes(body, MAX_REQUEST_BODY)
        .await
        .unwrap_or_default();
    let query: Vec<(String, String)> = Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .map(|Query(pairs)| pairs)
        .unwrap_or_default();
    let request = Incoming {
        method: &method,
        raw_path: uri.path(),
        path: percent_decode(uri.path()),
        query: &query,
        body: RequestBody::parse(&headers, &body),
    };
    let mut misses = Vec::new();
    let found =
        shared
            .routes
            .iter()
            .enumerate()
            .find(|(index, route)| match request.mismatch(route) {
                Ok(()) => true,
                Err(Miss::Route) => false,
                Err(Miss::Near(why)) => {
                    misses.push((*index, why));
                    false
                }
            });
    let (index, response) = match found {
        None => (None, not_found(&request, &misses)),
        Some((index, route)) => {
            let response = match route
                .expect_headers
                .iter()
                .find(|(name, value)| !header_is(&headers, name, value))
            {
                Some((name, _)) => unauthorized(index, name),
                None => {
                    if let Some(delay) = route.delay_ms {
                        tokio::time::sleep(Duration::from_millis(delay)).await;
                    }
                    canned(route, &shared.base_url)
                }
            };
            (Some(index), response)
        }
    };
    lock(&shared.log).push(ReceivedRequest {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query,
        route: index,
        status: response.status().as_u16(),
        near_misses: misses
            .into_iter()
            .map(|(index, why)| format!("route {index}: {why}"))
            .collect(),
    });
    response
}

/// What of a request routes are matched against.
struct Incoming<'a> {
    method: &'a Method,
    raw_path: &'a str,
    path: String,
    query: &'a [(String, String)],
    body: RequestBody,
}

enum Miss {
    /// Another method or path: not this route at all.
    Route,
    /// The method and path match but something else differs (shown in the 404).
    Near(String),
}

impl Incoming<'_> {
    fn mismatch(&self, route: &Route) -> Result<(), Miss> {
        if !route.method.eq_ignore_ascii_case(self.method.as_str())
            || (route.path != self.raw_path && route.path != self.path)
        {
            return Err(Miss::Route);
        }
        for (name, expected) in &route.query {
            let actual = self
                .query
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value);
            match (expected, actual) {
                (None, None) => {}
                (Some(expected), Some(actual)) if expected == actual => {}
                (None, Some(actual)) => {
                    return Err(Miss::Near(format!(
                        "query `{name}` should be absent, is {actual:?}"
                    )));
                }
                (Some(expected), actual) => {
                    return Err(Miss::Near(format!(
                        "query `{name}` should be {expected:?}, is {}",
                        actual.map_or_else(|| "absent".to_owned(), |a| format!("{a:?}"))
                    )));
                }
            }
        }
        for (pointer, expected) in &route.body_match {
            let actual = self.body.pointer(pointer);
            let matches = match (expected, actual) {
                (Value::Null, None | Some(Value::Null)) => true,
                (expected, Some(actual)) => expected == actual,
                (_, None) => false,
            };
            if !matches {
                // Values are not shown: a token request's body holds credentials.
                return Err(Miss::Near(format!(
                    "body field `{pointer}` does not have the expected value"
                )));
            }
        }
        Ok(())
    }
}

/// A request body as routes can match it: JSON, a form as an object of strings, or nothing.
enum RequestBody {
    Json(Value),
    Other,
}

impl RequestBody {
    fn parse(headers: &HeaderMap, body: &Bytes) -> RequestBody {
        if body.is_empty() {
            return RequestBody::Other;
        }
        let form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
        if form {
            let text = String::from_utf8_lossy(body);
            let mut fields = Map::new();
            for pair in text.split('&').filter(|pair| !pair.is_empty()) {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                fields
                    .entry(form_decode(name))
                    .or_insert_with(|| Value::String(form_decode(value)));
            }
            return RequestBody::Json(Value::Object(fields));
        }
        serde_json::from_slice(body).map_or(RequestBody::Other, RequestBody::Json)
    }

    fn pointer(&self, pointer: &str) -> Option<&Value> {
        match self {
            RequestBody::Json(value) => value.pointer(pointer),
            RequestBody::Other => None,
        }
    }
}

fn header_is(headers: &HeaderMap, name: &str, expected: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .any(|value| value.as_bytes() == expected.as_bytes())
}

/// The route's answer, with `{{base_url}}` filled in.
fn canned(route: &Route, base_url: &str) -> Response {
    let fill = |text: &str| text.replace(BASE_URL_PLACEHOLDER, base_url);
    let (bytes, content_type) = match (&route.body, &route.body_text) {
        (Some(body), _) => (fill(&body.to_string()), Some("application/json")),
        (None, Some(text)) => (fill(text), Some("text/plain; charset=utf-8")),
        (None, None) => (String::new(), None),
    };
    let status = StatusCode::from_u16(route.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = match route.truncate_after {
        Some(keep) if keep < bytes.len() => truncated(bytes.into_bytes(), keep),
        _ => Response::new(Body::from(bytes)),
    };
    *response.status_mut() = status;
    let out = response.headers_mut();
    if let Some(content_type) = content_type
        && !route
            .headers
            .keys()
            .any(|name| name.eq_ignore_ascii_case("content-type"))
    {
        out.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    for (name, value) in &route.headers {
        // Checked when the fixture was read; the filled-in origin is a valid header value too.
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&fill(value)),
        ) {
            out.append(name, value);
        }
    }
    response
}

/// A body that declares `bytes.len()` bytes and stops after `keep`, failing the connection. The
/// failure comes a moment after the first bytes, so the head and those bytes are on the wire
/// first (hyper would otherwise drop the connection before writing anything).
fn truncated(bytes: Vec<u8>, keep: usize) -> Response {
    let declared = bytes.len();
    let sent = Bytes::from(bytes).slice(..keep);
    let chunks = futures::stream::unfold(Some(sent), |sent| async move {
        match sent {
            Some(sent) => Some((Ok(sent), None)),
            None => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                let abort = io::Error::new(
                    io::ErrorKind::ConnectionAborted,
                    "the fixture truncates this body on purpose",
                );
                Some((Err(abort), None))
            }
        }
    });
    let mut response = Response::new(Body::from_stream(chunks));
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(declared));
    response
}

fn unauthorized(route: usize, name: &str) -> Response {
    let body = json!({
        "error": "unauthorized",
        "message": format!(
            "fixture route {route} expects the header `{name}` with another value (or it is missing)"
        ),
    });
    json_response(StatusCode::UNAUTHORIZED, &body)
}

fn not_found(request: &Incoming<'_>, near_misses: &[(usize, String)]) -> Response {
    let near_misses: Vec<Value> = near_misses
        .iter()
        .map(|(index, why)| json!({"route": index, "differs": why}))
        .collect();
    let query: Map<String, Value> = request
        .query
        .iter()
        .map(|(name, value)| (name.clone(), Value::String(value.clone())))
        .collect();
    let body = json!({
        "error": "no fixture route matches this request",
        "method": request.method.as_str(),
        "path": request.raw_path,
        "query": query,
        "near_misses": near_misses,
    });
    json_response(StatusCode::NOT_FOUND, &body)
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Percent-decodes a path (invalid escapes and non-UTF-8 results are kept as they are).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| bytes.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                index += 3;
            }
            None => {
                out.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// Decodes one `application/x-www-form-urlencoded` name or value.
fn form_decode(text: &str) -> String {
    percent_decode(&text.replace('+', " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_paths_and_forms() {
        assert_eq!(percent_decode("/projects/a%2Fb%20c"), "/projects/a/b c");
        assert_eq!(percent_decode("/x%zz%4"), "/x%zz%4");
        assert_eq!(form_decode("a+b%3Dc"), "a b=c");
    }

    #[test]
    fn unusable_routes_are_refused_with_their_index() {
        let error = Fixture::from_json(r#"{"routes": [{"path": "/a"}, {"path": "b"}]}"#)
            .expect_err("a relative path");
        assert!(error.to_string().starts_with("route 1 (GET b)"), "{error}");
        let error =
            Fixture::from_json(r#"{"routes": [{"path": "/a", "body": {}, "body_text": "x"}]}"#)
                .expect_err("two bodies");
        assert!(error.to_string().contains("not both"), "{error}");
        let error = Fixture::from_json(r#"{"routes": [{"path": "/a", "staus": 200}]}"#)
            .expect_err("a typo");
        assert!(
            error.to_string().contains("unknown field `staus`"),
            "{error}"
        );
        let error = Fixture::from_json(r#"{"routes": [{"path": "/a", "body_match": {"x": 1}}]}"#)
            .expect_err("not a pointer");
        assert!(error.to_string().contains("write `/x`"), "{error}");
    }
}
