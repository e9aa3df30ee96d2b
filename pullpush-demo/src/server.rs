//! The HTTP server: builder, running handle, routes and the guard in front of them.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;
use serde::Deserialize;

use crate::data::{DataConfig, DemoData};
use crate::serve::Serving;

/// The bearer token the demo accepts unless [`DemoApiBuilder::token`] sets another.
pub const DEFAULT_TOKEN: &str = "pullpush-demo-token";
/// Requests per second the demo admits unless [`DemoApiBuilder::rate_limit`] sets another.
pub const DEFAULT_RATE_LIMIT: u32 = 200;
/// Where the demo listens unless [`DemoApiBuilder::addr`] sets another: 127.0.0.1, any free port.
pub const DEFAULT_ADDR: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0);
/// Page size when a request names none (`limit`, `per_page`).
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// Largest page size served; larger requested sizes are capped to it.
pub const MAX_PAGE_SIZE: usize = 1_000;

/// A configured, not yet started demo API: the generated data, serialised once, and the server
/// settings. Start it (as often as you like) with [`DemoApi::start`].
#[derive(Debug, Clone)]
pub struct DemoApi {
    catalog: Arc<Catalog>,
    settings: Settings,
}

/// Configures a [`DemoApi`]. Every setting has a default: [`DataConfig::default`] data,
/// [`DEFAULT_TOKEN`], [`DEFAULT_RATE_LIMIT`] requests per second, no faults, no latency,
/// [`DEFAULT_ADDR`].
#[derive(Debug, Clone)]
#[must_use]
pub struct DemoApiBuilder {
    data: DataConfig,
    settings: Settings,
}

#[derive(Debug, Clone)]
struct Settings {
    addr: SocketAddr,
    token: String,
    rate_limit: Option<u32>,
    fail_every: u64,
    latency: Duration,
}

/// A demo API serving in the background. Dropping it stops the server (without waiting);
/// [`RunningDemo::shutdown`] stops it gracefully and waits.
#[derive(Debug)]
pub struct RunningDemo {
    addr: SocketAddr,
    shared: Arc<Shared>,
    serving: Serving,
}

impl DemoApi {
    /// A builder with every default.
    pub fn builder() -> DemoApiBuilder {
        DemoApiBuilder {
            data: DataConfig::default(),
            settings: Settings {
                addr: DEFAULT_ADDR,
                token: DEFAULT_TOKEN.to_owned(),
                rate_limit: Some(DEFAULT_RATE_LIMIT),
                fail_every: 0,
                latency: Duration::ZERO,
            },
        }
    }

    /// The data this API serves.
    pub fn data(&self) -> &DemoData {
        &self.catalog.data
    }

    /// The bearer token this API accepts.
    pub fn token(&self) -> &str {
        &self.settings.token
    }

    /// Binds the configured address and serves in the background on the current tokio runtime.
    ///
    /// # Errors
    ///
    /// When the address cannot be bound (in use, not local, no permission).
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime.
    pub async fn start(&self) -> io::Result<RunningDemo> {
        let listener = tokio::net::TcpListener::bind(self.settings.addr).await?;
        let addr = listener.local_addr()?;
        let mut openapi: serde_json::Value =
            serde_json::from_str(crate::OPENAPI).expect("the bundled OpenAPI document is JSON");
        openapi["servers"] = serde_json::json!([{"url": format!("http://{addr}")}]);
        let shared = Arc::new(Shared {
            catalog: Arc::clone(&self.catalog),
            token: self.settings.token.clone(),
            limiter: self.settings.rate_limit.map(FixedWindow::new),
            fail_every: self.settings.fail_every,
            latency: self.settings.latency,
            admitted: AtomicU64::new(0),
            addr,
            openapi: Bytes::from(openapi.to_string()),
        });
        let app = router(Arc::clone(&shared));
        let serving = Serving::spawn(listener, app);
        Ok(RunningDemo {
            addr,
            shared,
            serving,
        })
    }
}

impl DemoApiBuilder {
    /// Seed of the generated data ([`crate::DEFAULT_SEED`]).
    pub fn seed(mut self, seed: u64) -> Self {
        self.data.seed = seed;
        self
    }

    /// Number of products ([`crate::DEFAULT_PRODUCTS`]).
    pub fn products(mut self, count: usize) -> Self {
        self.data.products = count;
        self
    }

    /// Number of locations ([`crate::DEFAULT_LOCATIONS`]); each has a stock level per product.
    pub fn locations(mut self, count: usize) -> Self {
        self.data.locations = count;
        self
    }

    /// Number of orders ([`crate::DEFAULT_ORDERS`]).
    pub fn orders(mut self, count: usize) -> Self {
        self.data.orders = count;
        self
    }

    /// The instant the data is "as of" ([`crate::DEFAULT_BASE_TIME_SECONDS`]).
    pub fn base_time(mut self, base_time: Timestamp) -> Self {
        self.data.base_time = base_time;
        self
    }

    /// Replaces the whole data configuration.
    pub fn data(mut self, config: DataConfig) -> Self {
        self.data = config;
        self
    }

    /// The address to bind ([`DEFAULT_ADDR`], 127.0.0.1 on a free port).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.settings.addr = addr;
        self
    }

    /// The bearer token to accept ([`DEFAULT_TOKEN`]).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.settings.token = token.into();
        self
    }

    /// Requests admitted per one-second window ([`DEFAULT_RATE_LIMIT`]); the request over the
    /// limit gets 429 with `Retry-After: 1`. `0` refuses every request (a 429 storm).
    pub fn rate_limit(mut self, requests_per_second: u32) -> Self {
        self.settings.rate_limit = Some(requests_per_second);
        self
    }

    /// No rate limit at all (for benchmarks).
    pub fn unlimited(mut self) -> Self {
        self.settings.rate_limit = None;
        self
    }

    /// Fault injection: every `n`-th admitted API request answers 503 (`Retry-After: 1`).
    /// `1` fails every request; `0` (the default) none.
    pub fn fail_every(mut self, n: u64) -> Self {
        self.settings.fail_every = n;
        self
    }

    /// Delays every API response by `latency` (none by default), to imitate a remote API. Needs a
    /// tokio runtime with the time driver enabled (`#[tokio::main]` and `#[tokio::test]` have it).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.settings.latency = latency;
        self
    }

    /// Generates and serialises the data. For large sizes this takes a moment (about a second
    /// per few hundred thousand records).
    pub fn build(self) -> DemoApi {
        let data = DemoData::generate(&self.data);
        DemoApi {
            catalog: Arc::new(Catalog::new(data)),
            settings: self.settings,
        }
    }

    /// Builds and starts in one step: see [`DemoApi::start`].
    ///
    /// # Errors
    ///
    /// When the address cannot be bound.
    pub async fn start(self) -> io::Result<RunningDemo> {
        self.build().start().await
    }
}

impl RunningDemo {
    /// The address the server listens on (with the port the system picked).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://` and the address, without a trailing slash: the `base_url` for the bundled
    /// definition, e.g. `http://127.0.0.1:43127`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bearer token the server accepts.
    pub fn token(&self) -> &str {
        &self.shared.token
    }

    /// The data the server serves.
    pub fn data(&self) -> &DemoData {
        &self.shared.catalog.data
    }

    /// The config for the bundled [`crate::DEFINITION`]: `base_url` and `api_token` (the other
    /// properties have defaults).
    pub fn definition_config(&self) -> serde_json::Value {
        serde_json::json!({"base_url": self.base_url(), "api_token": self.token()})
    }

    /// API requests admitted so far: authenticated and within the rate limit, including those
    /// failed by fault injection. Not counted: 401s, 429s, `/openapi.json`.
    pub fn request_count(&self) -> u64 {
        self.shared.admitted.load(Ordering::Relaxed)
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

// ---------------------------------------------------------------------------------------------
// State

/// The data and its records serialised once, so a page is a concatenation of ready JSON.
#[derive(Debug)]
struct Catalog {
    data: DemoData,
    products: Vec<Box<str>>,
    locations: Bytes,
    stock: HashMap<String, Vec<Box<str>>>,
    orders: Vec<Box<str>>,
}

impl Catalog {
    fn new(data: DemoData) -> Self {
        let products = data.products.iter().map(to_json).collect();
        let locations = Bytes::from(serde_json::json!({"data": &data.locations}).to_string());
        let stock = data
            .locations
            .iter()
            .map(|location| {
                let records = data.stock_at(&location.id).iter().map(to_json).collect();
                (location.id.clone(), records)
            })
            .collect();
        let orders = data.orders.iter().map(to_json).collect();
        Self {
            data,
            products,
            locations,
            stock,
            orders,
        }
    }
}

fn to_json<T: serde::Serialize>(record: &T) -> Box<str> {
    serde_json::to_string(record)
        .expect("demo records serialise")
        .into_boxed_str()
}

#[derive(Debug)]
struct Shared {
    catalog: Arc<Catalog>,
    token: String,
    limiter: Option<FixedWindow>,
    fail_every: u64,
    latency: Duration,
    admitted: AtomicU64,
    addr: SocketAddr,
    openapi: Bytes,
}

/// A fixed one-second window: up to `limit` requests from the window's first request on.
/// Written out rather than taken from a crate because its exact, countable behaviour is what
/// tests of 429 handling need.
#[derive(Debug)]
struct FixedWindow {
    limit: u32,
    window: Mutex<(Instant, u32)>,
}

impl FixedWindow {
    fn new(limit: u32) -> Self {
        Self {
            limit,
            window: Mutex::new((Instant::now(), 0)),
        }
    }

    /// The requests left in the window after this one, or `None` when this one is over.
    fn admit(&self) -> Option<u32> {
        let now = Instant::now();
        let mut window = self.window.lock().unwrap_or_else(|e| e.into_inner());
        if now.duration_since(window.0) >= Duration::from_secs(1) {
            *window = (now, 0);
        }
        if window.1 >= self.limit {
            return None;
        }
        window.1 += 1;
        Some(self.limit - window.1)
    }
}

// ---------------------------------------------------------------------------------------------
// Routes

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v1/products", get(products))
        .route("/v1/locations", get(locations))
        .route("/v1/locations/{location_id}/stock", get(stock))
        .route("/v1/orders", get(orders))
        .route_layer(middleware::from_fn_with_state(Arc::clone(&shared), guard))
        .route("/openapi.json", get(openapi))
        .fallback(not_found)
        .with_state(shared)
}

/// In front of every API route: latency, authentication, rate limit, fault injection, and the
/// rate-limit headers on the way out.
async fn guard(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    if !shared.latency.is_zero() {
        tokio::time::sleep(shared.latency).await;
    }
    if bearer_token(request.headers()) != Some(shared.token.as_str()) {
        let mut response = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send `Authorization: Bearer <token>` with the demo's token",
        )
        .into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"pullpush-demo\""),
        );
        return response;
    }
    let remaining = match &shared.limiter {
        Some(limiter) => match limiter.admit() {
            Some(remaining) => Some((limiter.limit, remaining)),
            None => {
                let mut response = ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    format!(
                        "more than {} requests in one second; retry after 1 second",
                        limiter.limit
                    ),
                )
                .into_response();
                let headers = response.headers_mut();
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                headers.insert("x-ratelimit-limit", HeaderValue::from(limiter.limit));
                headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
                return response;
            }
        },
        None => None,
    };
    let number = shared.admitted.fetch_add(1, Ordering::Relaxed) + 1;
    let mut response = if shared.fail_every > 0 && number % shared.fail_every == 0 {
        let mut response = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "injected fault: the demo fails this request on purpose",
        )
        .into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        response
    } else {
        next.run(request).await
    };
    if let Some((limit, remaining)) = remaining {
        let headers = response.headers_mut();
        headers.insert("x-ratelimit-limit", HeaderValue::from(limit));
        headers.insert("x-ratelimit-remaining", HeaderValue::from(remaining));
    }
    response
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// Query parameters, all optional strings so that every mistake gets the same JSON error.
#[derive(Debug, Deserialize)]
struct Params {
    cursor: Option<String>,
    limit: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
    updated_since: Option<String>,
}

/// An API error: `{"error": {"code", "message"}}` with a status.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"error": {"code": self.code, "message": self.message}});
        (self.status, json(body.to_string())).into_response()
    }
}

type ApiResult<T> = Result<T, ApiError>;

fn params(query: Result<Query<Params>, QueryRejection>) -> ApiResult<Params> {
    query
        .map(|Query(params)| params)
        .map_err(|rejection| ApiError::bad_request("invalid_query", rejection.body_text()))
}

/// `GET /v1/products?cursor=&limit=`: `{"data": [...], "next_cursor": "prod_000100" | null}`.
/// The cursor is the id of the last product of the previous page.
async fn products(
    State(shared): State<Arc<Shared>>,
    query: Result<Query<Params>, QueryRejection>,
) -> ApiResult<Response> {
    let params = params(query)?;
    let limit = page_size("limit", params.limit.as_deref())?;
    let all = &shared.catalog.products;
    let start = match params.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => 0,
        Some(cursor) => {
            let index = product_index(cursor, all.len()).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_cursor",
                    format!("`{cursor}` is not a cursor this API issued"),
                )
            })?;
            index + 1
        }
    };
    let end = start.saturating_add(limit).min(all.len());
    let next_cursor = if end < all.len() {
        serde_json::Value::from(shared.catalog.data.products[end - 1].id.as_str())
    } else {
        serde_json::Value::Null
    };
    let mut body = json_array_body("{\"data\":", &all[start.min(end)..end]);
    body.push_str(",\"next_cursor\":");
    body.push_str(&next_cursor.to_string());
    body.push('}');
    Ok(json(body))
}

/// The index of the product a cursor (`prod_000123`) names.
fn product_index(cursor: &str, count: usize) -> Option<usize> {
    let digits = cursor.strip_prefix("prod_")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number: usize = digits.parse().ok()?;
    (1..=count).contains(&number).then(|| number - 1)
}

/// `GET /v1/locations`: `{"data": [{"id", "name", "country"}]}`, unpaginated.
async fn locations(State(shared): State<Arc<Shared>>) -> Response {
    json(shared.catalog.locations.clone())
}

/// `GET /v1/locations/{location_id}/stock?page=&per_page=`: a bare JSON array, with RFC 8288
/// `Link` (next, prev, first, last) and `X-Total-Count` headers.
async fn stock(
    State(shared): State<Arc<Shared>>,
    Path(location_id): Path<String>,
    headers: HeaderMap,
    query: Result<Query<Params>, QueryRejection>,
) -> ApiResult<Response> {
    let params = params(query)?;
    let per_page = page_size("per_page", params.per_page.as_deref())?;
    let page = page_number(params.page.as_deref())?;
    let records = shared.catalog.stock.get(&location_id).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("there is no location `{location_id}`; GET /v1/locations lists them"),
        )
    })?;
    let total_pages = records.len().div_ceil(per_page);
    let start = (page - 1).saturating_mul(per_page).min(records.len());
    let end = start.saturating_add(per_page).min(records.len());
    let body = json_array_body("", &records[start..end]);

    // Location ids are lowercase letters, digits and dashes: nothing to percent-encode.
    let authority = request_authority(&headers, shared.addr);
    let url = |page: usize| {
        format!(
            "http://{authority}/v1/locations/{location_id}/stock?page={page}&per_page={per_page}"
        )
    };
    let mut links = Vec::new();
    if page < total_pages {
        links.push(format!("<{}>; rel=\"next\"", url(page + 1)));
    }
    if page > 1 && page <= total_pages {
        links.push(format!("<{}>; rel=\"prev\"", url(page - 1)));
    }
    links.push(format!("<{}>; rel=\"first\"", url(1)));
    if total_pages > 0 {
        links.push(format!("<{}>; rel=\"last\"", url(total_pages)));
    }
    let mut response = json(body);
    let headers = response.headers_mut();
    headers.insert(
        header::LINK,
        HeaderValue::from_str(&links.join(", ")).expect("link URLs are visible ASCII"),
    );
    headers.insert("x-total-count", HeaderValue::from(records.len()));
    Ok(response)
}

/// The authority the client addressed (its `Host` header), so next links work however the
/// server was reached; the listening address when the header is missing or malformed.
fn request_authority(headers: &HeaderMap, addr: SocketAddr) -> String {
    headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .filter(|host| host.parse::<axum::http::uri::Authority>().is_ok() && !host.contains('@'))
        .map_or_else(|| addr.to_string(), str::to_owned)
}

/// `GET /v1/orders?page=&per_page=&updated_since=`:
/// `{"orders": [...], "meta": {"page", "per_page", "total_pages", "total_count"}}`.
/// `updated_since` (RFC 3339) keeps orders updated at or after it.
async fn orders(
    State(shared): State<Arc<Shared>>,
    query: Result<Query<Params>, QueryRejection>,
) -> ApiResult<Response> {
    let params = params(query)?;
    let per_page = page_size("per_page", params.per_page.as_deref())?;
    let page = page_number(params.page.as_deref())?;
    let since = match params.updated_since.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => Some(text.parse::<Timestamp>().map_err(|_| {
            ApiError::bad_request(
                "invalid_updated_since",
                format!(
                    "`updated_since` must be an RFC 3339 date-time with an offset, \
                     e.g. 2024-05-01T00:00:00Z, not `{text}`"
                ),
            )
        })?),
    };
    let catalog = &shared.catalog;
    let start = (page - 1).saturating_mul(per_page);
    let (records, total): (Vec<&str>, usize) = match since {
        None => {
            let end = start.saturating_add(per_page).min(catalog.orders.len());
            let records = catalog.orders[start.min(end)..end]
                .iter()
                .map(|o| &**o)
                .collect();
            (records, catalog.orders.len())
        }
        Some(since) => {
            let mut records = Vec::new();
            let mut total = 0;
            for (order, json) in catalog.data.orders.iter().zip(&catalog.orders) {
                if order.updated_at >= since {
                    if total >= start && records.len() < per_page {
                        records.push(&**json);
                    }
                    total += 1;
                }
            }
            (records, total)
        }
    };
    let mut body = json_array_body("{\"orders\":", &records);
    body.push_str(&format!(
        ",\"meta\":{{\"page\":{page},\"per_page\":{per_page},\"total_pages\":{},\"total_count\":{total}}}}}",
        total.div_ceil(per_page)
    ));
    Ok(json(body))
}

/// `GET /openapi.json`: this server's OpenAPI 3.0 document, `servers` set to its address.
async fn openapi(State(shared): State<Arc<Shared>>) -> Response {
    json(shared.openapi.clone())
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint; GET /openapi.json describes the API",
    )
}

/// A page size from `limit`/`per_page`: missing or empty is the default, above the maximum is
/// capped, zero or not a number is a 400.
fn page_size(name: &str, value: Option<&str>) -> ApiResult<usize> {
    match value.filter(|v| !v.is_empty()) {
        None => Ok(DEFAULT_PAGE_SIZE),
        Some(text) => match text.parse::<usize>() {
            Ok(0) | Err(_) => Err(ApiError::bad_request(
                "invalid_page_size",
                format!("`{name}` must be a whole number from 1 to {MAX_PAGE_SIZE}, not `{text}`"),
            )),
            Ok(size) => Ok(size.min(MAX_PAGE_SIZE)),
        },
    }
}

/// A page number from `page`: missing or empty is 1, zero or not a number is a 400.
fn page_number(value: Option<&str>) -> ApiResult<usize> {
    match value.filter(|v| !v.is_empty()) {
        None => Ok(1),
        Some(text) => match text.parse::<usize>() {
            Ok(0) | Err(_) => Err(ApiError::bad_request(
                "invalid_page",
                format!("`page` must be a whole number from 1 up, not `{text}`"),
            )),
            Ok(page) => Ok(page),
        },
    }
}

/// `prefix` + `[` + the records joined by commas + `]`.
fn json_array_body<S: AsRef<str>>(prefix: &str, records: &[S]) -> String {
    let size = prefix.len() + records.iter().map(|r| r.as_ref().len() + 1).sum::<usize>() + 64;
    let mut body = String::with_capacity(size);
    body.push_str(prefix);
    body.push('[');
    for (i, record) in records.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(record.as_ref());
    }
    body.push(']');
    body
}

fn json(body: impl Into<Body>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body.into(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors() {
        assert_eq!(product_index("prod_000001", 10), Some(0));
        assert_eq!(product_index("prod_10", 10), Some(9));
        assert_eq!(product_index("prod_11", 10), None);
        assert_eq!(product_index("prod_0", 10), None);
        assert_eq!(product_index("prod_+1", 10), None);
        assert_eq!(product_index("SKU-000001", 10), None);
    }

    #[test]
    fn sizes() {
        assert_eq!(page_size("limit", None).unwrap(), DEFAULT_PAGE_SIZE);
        assert_eq!(page_size("limit", Some("")).unwrap(), DEFAULT_PAGE_SIZE);
        assert_eq!(page_size("limit", Some("5000")).unwrap(), MAX_PAGE_SIZE);
        assert!(page_size("limit", Some("0")).is_err());
        assert!(page_size("limit", Some("-1")).is_err());
        assert!(page_number(Some("0")).is_err());
        assert_eq!(page_number(Some("3")).unwrap(), 3);
    }

    #[test]
    fn fixed_window() {
        let window = FixedWindow::new(2);
        assert_eq!(window.admit(), Some(1));
        assert_eq!(window.admit(), Some(0));
        assert_eq!(window.admit(), None);
        assert_eq!(FixedWindow::new(0).admit(), None);
    }

    #[test]
    fn bodies() {
        assert_eq!(json_array_body("{\"a\":", &["1", "2"]), "{\"a\":[1,2]");
        assert_eq!(json_array_body::<&str>("", &[]), "[]");
    }
}
