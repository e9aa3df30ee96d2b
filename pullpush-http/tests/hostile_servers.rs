//! The whole stack over real HTTP on 127.0.0.1 against hostile and flaky servers: wiremock for
//! scripted answers, a raw TCP socket for what a well-behaved server library will not send
//! (a body shorter than its `Content-Length`). Egress allows internal addresses here because the
//! servers are local; the refusals tested are of other hosts and of the metadata address.
//!
//! Every test runs under [`bounded`], so a hang is a failure, not a stuck suite. Time is asserted
//! only as generous upper bounds that prove "no hang".

use std::future::Future;
use std::time::Duration;

use pullpush_core::{
    ApiKeyLocation, BackoffConfig, Credentials, HttpMethod, HttpRequest, OAuth2ClientAuth,
    OAuth2Credentials, OAuth2Grant, RequestKind, RetryConfig, TimeoutsConfig, Transport,
    TransportError,
};
use pullpush_http::{
    ATTEMPTS_HEADER, EgressPolicy, HttpStack, HttpStackBuilder, ReqwestOptions, ReqwestTransport,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const NO_HANG: Duration = Duration::from_secs(30);

/// Runs a test body, failing it if it does not finish within [`NO_HANG`].
async fn bounded<F: Future<Output = ()>>(test: F) {
    tokio::time::timeout(NO_HANG, test)
        .await
        .expect("the test finished instead of hanging");
}

/// A stack for a local server: internal addresses allowed, small timeouts and backoffs.
fn stack(base_url: &str, credentials: Credentials) -> HttpStackBuilder {
    HttpStack::builder(base_url, credentials)
        .allow_internal(true)
        .retry(retry(4))
        .timeouts(TimeoutsConfig {
            connect_ms: 2_000,
            request_ms: 2_000,
        })
        .max_wait(Duration::from_secs(2))
}

fn retry(max_attempts: u32) -> RetryConfig {
    RetryConfig {
        max_attempts,
        backoff: BackoffConfig {
            initial_ms: 1,
            max_ms: 20,
            multiplier: 2.0,
            jitter: true,
        },
        ..RetryConfig::default()
    }
}

fn get(url: String) -> HttpRequest {
    HttpRequest::get(url)
}

async fn requests_to(server: &MockServer, at: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|request| request.url.path() == at)
        .count()
}

/// A server that answers every connection with `response`, bytes as given, then closes it.
async fn raw_server(response: Vec<u8>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let response = response.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 1024];
                while !request.windows(4).any(|window| window == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => request.extend_from_slice(&buffer[..read]),
                    }
                }
                let _ = socket.write_all(&response).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{address}")
}

fn failed_reason(outcome: Result<pullpush_core::HttpResponse, TransportError>) -> String {
    match outcome {
        Err(TransportError::Failed { reason, .. }) => reason,
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[tokio::test]
async fn a_429_storm_with_retry_after_ends_in_success() {
    bounded(async {
        let server = MockServer::start().await;
        Mock::given(path("/items"))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
            .up_to_n_times(3)
            .mount(&server)
            .await;
        Mock::given(path("/items"))
            .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
            .mount(&server)
            .await;
        let stack = stack(&server.uri(), Credentials::None).build().unwrap();
        let response = stack
            .send(get(format!("{}/items", server.uri())))
            .await
            .unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(requests_to(&server, "/items").await, 4);
        assert_eq!(stack.exchanges().total(), 4, "every attempt is recorded");
    })
    .await;
}

#[tokio::test]
async fn an_endless_429_storm_ends_with_the_last_answer_and_the_attempt_count() {
    bounded(async {
        let server = MockServer::start().await;
        Mock::given(path("/forever"))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
            .mount(&server)
            .await;
        Mock::given(path("/come-back-tomorrow"))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "86400"))
            .mount(&server)
            .await;
        let stack = stack(&server.uri(), Credentials::None).build().unwrap();
        let start = std::time::Instant::now();

        let response = stack
            .send(get(format!("{}/forever", server.uri())))
            .await
            .unwrap();
        assert_eq!(response.status, 429);
        assert_eq!(response.header(ATTEMPTS_HEADER), Some("4"));
        assert_eq!(requests_to(&server, "/forever").await, 4);

        // Longer than the stack's 2 s maximum wait: answered at once, not waited for.
        let response = stack
            .send(get(format!("{}/come-back-tomorrow", server.uri())))
            .await
            .unwrap();
        assert_eq!(response.status, 429);
        assert_eq!(response.header(ATTEMPTS_HEADER), Some("1"));
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
    })
    .await;
}

#[tokio::test]
async fn flapping_5xx_then_success() {
    bounded(async {
        let server = MockServer::start().await;
        for status in [500, 502, 503] {
            Mock::given(path("/flaky"))
                .respond_with(ResponseTemplate::new(status))
                .up_to_n_times(1)
                .mount(&server)
                .await;
        }
        Mock::given(path("/flaky"))
            .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"items":[1]}"#))
            .mount(&server)
            .await;
        let stack = stack(&server.uri(), Credentials::None).build().unwrap();
        let response = stack
            .send(get(format!("{}/flaky", server.uri())))
            .await
            .unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(response.body, br#"{"items":[1]}"#);
        let statuses: Vec<Option<u16>> = stack
            .exchanges()
            .exchanges()
            .iter()
            .map(|exchange| exchange.status)
            .collect();
        assert_eq!(statuses, vec![Some(500), Some(502), Some(503), Some(200)]);
    })
    .await;
}

#[tokio::test]
async fn a_garbage_body_is_delivered_as_bytes_and_bad_gzip_is_a_clear_error() {
    bounded(async {
        let server = MockServer::start().await;
        let garbage: Vec<u8> = (0..=255u8).rev().cycle().take(4096).collect();
        Mock::given(path("/garbage"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("Content-Type", "application/json")
                    .set_body_bytes(garbage.clone()),
            )
            .mount(&server)
            .await;
        Mock::given(path("/bad-gzip"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("Content-Encoding", "gzip")
                    .set_body_bytes(b"this is not gzip at all".to_vec()),
            )
            .mount(&server)
            .await;
        let stack = stack(&server.uri(), Credentials::None).build().unwrap();
        let response = stack
            .send(get(format!("{}/garbage", server.uri())))
            .await
            .unwrap();
        assert_eq!(
            response.body, garbage,
            "parsing is the engine's job, not the transport's"
        );

        let reason = failed_reason(stack.send(get(format!("{}/bad-gzip", server.uri()))).await);
        assert!(
            reason.starts_with("decoding the response body failed: "),
            "{reason}"
        );
        assert_eq!(requests_to(&server, "/bad-gzip").await, 1, "not retried");
    })
    .await;
}

#[tokio::test]
async fn a_truncated_body_is_reported_as_truncated_and_retried() {
    bounded(async {
        let base = raw_server(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"partial\":"
                .to_vec(),
        )
        .await;
        let stack = stack(&base, Credentials::None).retry(retry(2)).build().unwrap();
        let reason = failed_reason(stack.send(get(format!("{base}/items"))).await);
        assert!(reason.contains("gave up after 2 attempts"), "{reason}");
        assert!(
            reason.contains("response body truncated: received 11 of 100 bytes"),
            "{reason}"
        );
    })
    .await;
}

#[tokio::test]
async fn an_oversized_body_stops_at_the_limit_and_is_not_retried() {
    bounded(async {
        let server = MockServer::start().await;
        Mock::given(path("/huge"))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 64 * 1024]))
            .mount(&server)
            .await;
        let stack = stack(&server.uri(), Credentials::None)
            .max_body_bytes(16 * 1024)
            .build()
            .unwrap();
        let reason = failed_reason(stack.send(get(format!("{}/huge", server.uri()))).await);
        assert!(
            reason.contains("response body exceeds the limit of 16384 bytes; not retried"),
            "{reason}"
        );
        assert_eq!(requests_to(&server, "/huge").await, 1);

        // Without a Content-Length the limit is enforced while streaming.
        let mut chunked =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
        for _ in 0..16 {
            chunked.extend_from_slice(b"1000\r\n");
            chunked.extend_from_slice(&[b'y'; 4096]);
            chunked.extend_from_slice(b"\r\n");
        }
        chunked.extend_from_slice(b"0\r\n\r\n");
        let base = raw_server(chunked).await;
        let stack = stack_for_raw(&base)
            .max_body_bytes(16 * 1024)
            .build()
            .unwrap();
        let reason = failed_reason(stack.send(get(format!("{base}/stream"))).await);
        assert!(
            reason.contains("exceeds the limit of 16384 bytes"),
            "{reason}"
        );
    })
    .await;
}

fn stack_for_raw(base: &str) -> HttpStackBuilder {
    stack(base, Credentials::None)
}

#[tokio::test]
async fn a_slow_response_hits_the_timeout() {
    bounded(async {
        let server = MockServer::start().await;
        Mock::given(path("/slow"))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(20)))
            .mount(&server)
            .await;
        let stack = stack(&server.uri(), Credentials::None)
            .retry(retry(2))
            .timeouts(TimeoutsConfig {
                connect_ms: 1_000,
                request_ms: 200,
            })
            .build()
            .unwrap();
        let start = std::time::Instant::now();
        let reason = failed_reason(stack.send(get(format!("{}/slow", server.uri()))).await);
        assert!(
            reason.contains(
                "gave up after 2 attempts: timed out after 200 ms while waiting for the response"
            ),
            "{reason}"
        );
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
    })
    .await;
}

#[tokio::test]
async fn a_refused_connection_says_so() {
    bounded(async {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        let stack = stack(&base, Credentials::None)
            .retry(retry(1))
            .build()
            .unwrap();
        let reason = failed_reason(stack.send(get(format!("{base}/items"))).await);
        assert!(
            reason.starts_with("connection failed: tcp connect error"),
            "{reason}"
        );
        assert!(reason.to_lowercase().contains("refused"), "{reason}");
    })
    .await;
}

#[tokio::test]
async fn a_redirect_to_the_metadata_address_is_refused() {
    bounded(async {
        let server = MockServer::start().await;
        Mock::given(path("/items"))
            .respond_with(
                ResponseTemplate::new(302)
                    .insert_header("Location", "http://169.254.169.254/latest/meta-data/"),
            )
            .mount(&server)
            .await;
        let stack = stack(&server.uri(), Credentials::None).build().unwrap();
        let error = stack
            .send(get(format!("{}/items", server.uri())))
            .await
            .unwrap_err();
        let TransportError::Refused { url, reason } = &error else {
            panic!("expected a refusal, got {error:?}");
        };
        assert_eq!(url, &format!("{}/items", server.uri()));
        assert!(reason.contains("169.254.169.254"), "{reason}");
        assert_eq!(
            requests_to(&server, "/items").await,
            1,
            "refusals are not retried"
        );
    })
    .await;
}

#[tokio::test]
async fn redirects_are_followed_on_the_same_host_and_refused_to_another() {
    bounded(async {
        let server = MockServer::start().await;
        Mock::given(path("/old"))
            .respond_with(ResponseTemplate::new(301).insert_header("Location", "/new"))
            .mount(&server)
            .await;
        Mock::given(path("/new"))
            .respond_with(ResponseTemplate::new(200).set_body_string("moved"))
            .mount(&server)
            .await;
        Mock::given(path("/away"))
            .respond_with(
                ResponseTemplate::new(307)
                    .insert_header("Location", "https://collector.evil.example/"),
            )
            .mount(&server)
            .await;
        let stack = stack(
            &server.uri(),
            Credentials::Bearer {
                token: "t0ken".into(),
            },
        )
        .build()
        .unwrap();
        let response = stack
            .send(get(format!("{}/old", server.uri())))
            .await
            .unwrap();
        assert_eq!(response.body, b"moved");

        let error = stack
            .send(get(format!("{}/away", server.uri())))
            .await
            .unwrap_err();
        let TransportError::Refused { reason, .. } = &error else {
            panic!("expected a refusal, got {error:?}");
        };
        assert!(reason.contains("collector.evil.example"), "{reason}");
        assert!(
            reason.contains("not among the connector's hosts"),
            "{reason}"
        );
    })
    .await;
}

fn refresh_credentials(token_url: String) -> Credentials {
    Credentials::OAuth2(OAuth2Credentials {
        token_url,
        client_id: "pullpush-app".into(),
        client_secret: Some("cl1ent-s3cret-value".into()),
        client_auth: OAuth2ClientAuth::Basic,
        scopes: vec!["inventory.read".into()],
        extra_params: Default::default(),
        refresh_before_expiry_seconds: 60,
        grant: OAuth2Grant::RefreshToken {
            refresh_token: "refresh-one-secret".into(),
        },
    })
}

fn token_response(access: &str, refresh: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": 3600,
        "refresh_token": refresh,
    }))
}

#[tokio::test]
async fn a_401_mid_run_succeeds_after_an_oauth_refresh_and_surfaces_the_rotated_token() {
    bounded(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/oauth/token"))
            .and(body_string_contains("refresh_token=refresh-one-secret"))
            .respond_with(token_response("access-one-secret", "refresh-two-secret"))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/oauth/token"))
            .and(body_string_contains("refresh_token=refresh-two-secret"))
            .respond_with(token_response("access-two-secret", "refresh-three-secret"))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(path("/items"))
            .and(header("authorization", "Bearer access-one-secret"))
            .respond_with(ResponseTemplate::new(200).set_body_string("[1]"))
            .up_to_n_times(2)
            .mount(&server)
            .await;
        Mock::given(path("/items"))
            .and(header("authorization", "Bearer access-one-secret"))
            .respond_with(ResponseTemplate::new(401))
            .mount(&server)
            .await;
        Mock::given(path("/items"))
            .and(header("authorization", "Bearer access-two-secret"))
            .respond_with(ResponseTemplate::new(200).set_body_string("[2]"))
            .mount(&server)
            .await;

        let stack = stack(
            &server.uri(),
            refresh_credentials(format!("{}/oauth/token", server.uri())),
        )
        .build()
        .unwrap();
        let mut bodies = Vec::new();
        for _ in 0..4 {
            let response = stack
                .send(get(format!("{}/items", server.uri())))
                .await
                .unwrap();
            assert_eq!(response.status, 200);
            bodies.push(String::from_utf8(response.body).unwrap());
        }
        assert_eq!(bodies, ["[1]", "[1]", "[2]", "[2]"]);
        assert_eq!(
            stack.rotated_refresh_token().as_deref(),
            Some("refresh-three-secret")
        );
        assert_eq!(stack.auth().token_requests(), 2);
        let shown = format!("{:?}", stack.exchanges().exchanges());
        for secret in [
            "cl1ent-s3cret-value",
            "refresh-one-secret",
            "refresh-two-secret",
            "refresh-three-secret",
            "access-one-secret",
            "access-two-secret",
        ] {
            assert!(!shown.contains(secret), "{secret} in the log: {shown}");
        }
    })
    .await;
}

#[tokio::test]
async fn client_credentials_fetch_one_token_for_many_requests() {
    bounded(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/token"))
            .and(body_string_contains("grant_type=client_credentials"))
            .and(header("content-type", "application/x-www-form-urlencoded"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "access_token": "cc-access-secret", "token_type": "bearer", "expires_in": 3600
            })))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(path("/items"))
            .and(header("authorization", "Bearer cc-access-secret"))
            .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
            .expect(20)
            .mount(&server)
            .await;
        let credentials = Credentials::OAuth2(OAuth2Credentials {
            token_url: format!("{}/token", server.uri()),
            client_id: "app".into(),
            client_secret: Some("cc-client-secret".into()),
            client_auth: OAuth2ClientAuth::Body,
            scopes: vec![],
            extra_params: Default::default(),
            refresh_before_expiry_seconds: 60,
            grant: OAuth2Grant::ClientCredentials,
        });
        let stack = stack(&server.uri(), credentials).build().unwrap();
        // Ten at once on a cold cache (one fetch shared), then ten one by one (the cache).
        let url = format!("{}/items", server.uri());
        let concurrent =
            futures::future::join_all((0..10).map(|_| stack.send(get(url.clone())))).await;
        assert!(
            concurrent
                .iter()
                .all(|result| result.as_ref().is_ok_and(|r| r.status == 200))
        );
        for _ in 0..10 {
            assert_eq!(stack.send(get(url.clone())).await.unwrap().status, 200);
        }
        assert_eq!(stack.auth().token_requests(), 1);
    })
    .await;
}

#[tokio::test]
async fn secret_values_never_appear_in_the_log_or_any_error() {
    bounded(async {
        let server = MockServer::start().await;
        // A token endpoint that echoes the client secret back in its error description.
        Mock::given(path("/oauth/token"))
            .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
                "error": "invalid_client",
                "error_description": "client secret cl1ent-s3cret-value is not valid"
            })))
            .mount(&server)
            .await;
        Mock::given(path("/slow"))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(20)))
            .mount(&server)
            .await;
        Mock::given(path("/loop"))
            .respond_with(ResponseTemplate::new(302).insert_header("Location", "/loop?again=1"))
            .mount(&server)
            .await;
        let secrets = [
            "cl1ent-s3cret-value",
            "refresh-one-secret",
            "k3y-in-the-query-value",
            "pa55word-value",
            "bearer-token-value",
        ];
        let mut outputs = Vec::new();

        let oauth = stack(
            &server.uri(),
            refresh_credentials(format!("{}/oauth/token", server.uri())),
        )
        .build()
        .unwrap();
        let error = oauth
            .send(get(format!("{}/items", server.uri())))
            .await
            .unwrap_err();
        assert!(error.to_string().contains("invalid_client"), "{error}");
        assert!(pullpush_http::is_permanent(&error), "{error}");
        outputs.push(format!(
            "{error} {error:?} {:?} {oauth:?}",
            oauth.exchanges().exchanges()
        ));

        // An API key in a query parameter whose name redaction by name cannot know.
        let key = Credentials::ApiKey {
            location: ApiKeyLocation::Query,
            name: "k".into(),
            value: "k3y-in-the-query-value".into(),
        };
        let keyed = stack(&server.uri(), key)
            .retry(retry(1))
            .timeouts(TimeoutsConfig {
                connect_ms: 1_000,
                request_ms: 100,
            })
            .build()
            .unwrap();
        for at in ["/slow", "/loop"] {
            let error = keyed
                .send(get(format!("{}{at}", server.uri())))
                .await
                .unwrap_err();
            outputs.push(format!("{error} {error:?}"));
        }
        outputs.push(format!("{:?} {keyed:?}", keyed.exchanges().exchanges()));

        for credentials in [
            Credentials::Basic {
                username: "user".into(),
                password: "pa55word-value".into(),
            },
            Credentials::Bearer {
                token: "bearer-token-value".into(),
            },
        ] {
            let plain = stack(&server.uri(), credentials)
                .retry(retry(1))
                .timeouts(TimeoutsConfig {
                    connect_ms: 1_000,
                    request_ms: 100,
                })
                .build()
                .unwrap();
            let error = plain
                .send(get(format!("{}/slow", server.uri())))
                .await
                .unwrap_err();
            outputs.push(format!(
                "{error} {error:?} {:?}",
                plain.exchanges().exchanges()
            ));
        }

        let everything = outputs.join("\n");
        assert!(everything.contains("[REDACTED]"), "{everything}");
        for secret in secrets {
            assert!(
                !everything.contains(secret),
                "{secret} leaked:\n{everything}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn read_only_mode_never_sends_a_write() {
    bounded(async {
        let server = MockServer::start().await;
        let stack = stack(&server.uri(), Credentials::None)
            .read_only(true)
            .build()
            .unwrap();
        let mut write = get(format!("{}/items", server.uri()));
        write.kind = RequestKind::Write;
        write.method = HttpMethod::Post;
        write.body = Some(b"{}".to_vec());
        assert!(matches!(
            stack.send(write).await,
            Err(TransportError::Refused { .. })
        ));
        assert_eq!(
            server.received_requests().await.unwrap_or_default().len(),
            0
        );
    })
    .await;
}

#[tokio::test]
async fn names_resolving_to_internal_addresses_are_refused_by_the_resolver() {
    bounded(async {
        let server = MockServer::start().await;
        let port = server.address().port();
        // The egress layer alone would let `localhost` through if it were named and allowed;
        // the transport's resolver is what checks the address a name resolves to.
        let transport =
            ReqwestTransport::new(ReqwestOptions::new(EgressPolicy::for_hosts(["localhost"])))
                .unwrap();
        let error = transport
            .send(get(format!("http://localhost:{port}/items?token=s3cret")))
            .await
            .unwrap_err();
        let TransportError::Refused { url, reason } = &error else {
            panic!("expected a refusal, got {error:?}");
        };
        assert!(
            reason.contains("resolves only to refused addresses"),
            "{reason}"
        );
        assert!(!url.contains("s3cret"), "{url}");
        assert_eq!(
            server.received_requests().await.unwrap_or_default().len(),
            0
        );

        let allowed = ReqwestTransport::new(ReqwestOptions::new(
            EgressPolicy::for_hosts(["localhost"]).allow_internal(true),
        ))
        .unwrap();
        let response = allowed
            .send(get(format!("http://localhost:{port}/items")))
            .await
            .unwrap();
        assert_eq!(
            response.status, 404,
            "wiremock answers unmatched requests with 404"
        );
    })
    .await;
}
