use std::sync::Arc;

use helpers::*;
use pullpush_core::{
    ApiKeyLocation, Credentials, HttpRequest, HttpResponse, OAuth2ClientAuth, OAuth2Credentials,
    OAuth2Grant, RequestKind, ScriptedTransport, Transport, TransportError,
};
use serde_json::json;

use super::oauth::{Grant, parse_token_response, token_request};
use super::*;

/// Small constructors, so each test reads as data.
mod helpers {
    use super::*;

    pub(super) fn oauth(grant: OAuth2Grant, client_auth: OAuth2ClientAuth) -> OAuth2Credentials {
        OAuth2Credentials {
            token_url: "https://auth.acme.example/oauth/token".into(),
            client_id: "app id".into(),
            client_secret: Some("cl1ent-s3cret".into()),
            client_auth,
            scopes: vec!["read".into(), "write".into()],
            extra_params: Default::default(),
            refresh_before_expiry_seconds: 60,
            grant,
        }
    }

    pub(super) fn token(
        access: &str,
        expires_in: u64,
        refresh: Option<&str>,
    ) -> Result<HttpResponse, TransportError> {
        let mut body =
            json!({"access_token": access, "token_type": "bearer", "expires_in": expires_in});
        if let Some(refresh) = refresh {
            body["refresh_token"] = json!(refresh);
        }
        ScriptedTransport::json(&body)
    }

    pub(super) fn status(status: u16) -> Result<HttpResponse, TransportError> {
        Ok(HttpResponse {
            status,
            headers: vec![],
            body: b"{}".to_vec(),
        })
    }

    pub(super) fn form(request: &HttpRequest) -> Vec<(String, String)> {
        url::form_urlencoded::parse(request.body.as_deref().unwrap_or_default())
            .into_owned()
            .collect()
    }
}

fn get() -> HttpRequest {
    HttpRequest::get("https://api.acme.example/v1/items?page=2")
}

#[test]
fn static_schemes_rewrite_the_request() {
    let bearer = apply_static(
        &Credentials::Bearer {
            token: "t0k".into(),
        },
        get(),
    )
    .unwrap();
    assert_eq!(bearer.header("authorization"), Some("Bearer t0k"));

    let basic = Credentials::Basic {
        username: "Aladdin".into(),
        password: "open sesame".into(),
    };
    let basic = apply_static(&basic, get()).unwrap();
    assert_eq!(
        basic.header("authorization"),
        Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
    );

    let mut with_default = get();
    with_default
        .headers
        .push(("x-api-key".into(), "from-definition".into()));
    let header = Credentials::ApiKey {
        location: ApiKeyLocation::Header,
        name: "X-API-Key".into(),
        value: "k3y".into(),
    };
    let header = apply_static(&header, with_default).unwrap();
    assert_eq!(
        header.headers,
        vec![("X-API-Key".to_owned(), "k3y".to_owned())]
    );

    let query = Credentials::ApiKey {
        location: ApiKeyLocation::Query,
        name: "api_key".into(),
        value: "k3y&x=1".into(),
    };
    let query = apply_static(&query, get()).unwrap();
    assert_eq!(
        query.url,
        "https://api.acme.example/v1/items?page=2&api_key=k3y%26x%3D1"
    );
}

#[test]
fn token_requests_are_form_encoded_with_the_chosen_client_auth() {
    let basic = token_request(
        &oauth(OAuth2Grant::ClientCredentials, OAuth2ClientAuth::Basic),
        None,
    );
    assert_eq!(basic.kind, RequestKind::Token);
    assert_eq!(basic.method, pullpush_core::HttpMethod::Post);
    assert_eq!(
        basic.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    // RFC 6749 §2.3.1: form-encode, then base64 ("app+id:cl1ent-s3cret").
    assert_eq!(
        basic.header("authorization"),
        Some("Basic YXBwK2lkOmNsMWVudC1zM2NyZXQ=")
    );
    assert_eq!(
        form(&basic),
        vec![
            ("grant_type".to_owned(), "client_credentials".to_owned()),
            ("scope".to_owned(), "read write".to_owned())
        ]
    );

    let mut credentials = oauth(
        OAuth2Grant::RefreshToken {
            refresh_token: "r1".into(),
        },
        OAuth2ClientAuth::Body,
    );
    credentials
        .extra_params
        .insert("audience".into(), "api".into());
    let body = token_request(&credentials, Some("r2"));
    assert_eq!(body.header("authorization"), None);
    let form = form(&body);
    for expected in [
        ("grant_type", "refresh_token"),
        ("refresh_token", "r2"),
        ("audience", "api"),
        ("client_id", "app id"),
        ("client_secret", "cl1ent-s3cret"),
    ] {
        assert!(
            form.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} missing from {form:?}"
        );
    }
}

#[test]
fn token_responses_parse_and_errors_quote_the_endpoint_without_secrets() {
    let secrets = Secrets::new();
    secrets.add("cl1ent-s3cret");
    let url = "https://auth.acme.example/oauth/token";
    let ok = ScriptedTransport::json(
        &json!({"access_token": "a1", "expires_in": "3600", "refresh_token": "r2"}),
    )
    .unwrap();
    assert_eq!(
        parse_token_response(url, &ok, &secrets).unwrap(),
        Grant {
            access_token: "a1".into(),
            expires_in: Some(3600),
            refresh_token: Some("r2".into())
        }
    );

    let rejected = HttpResponse {
        status: 401,
        headers: vec![],
        body:
            json!({"error": "invalid_client", "error_description": "secret cl1ent-s3cret is wrong"})
                .to_string()
                .into_bytes(),
    };
    let error = TransportError::from(parse_token_response(url, &rejected, &secrets).unwrap_err());
    let shown = error.to_string();
    assert!(shown.contains("invalid_client"), "{shown}");
    assert!(!shown.contains("cl1ent-s3cret"), "{shown}");
    assert!(crate::is_permanent(&error), "{shown}");

    let flaky = HttpResponse {
        status: 503,
        headers: vec![],
        body: b"<html>down</html>".to_vec(),
    };
    let error = TransportError::from(parse_token_response(url, &flaky, &secrets).unwrap_err());
    assert!(!crate::is_permanent(&error), "{error}");
    assert!(error.to_string().contains("not an OAuth error"), "{error}");

    let empty = ScriptedTransport::json(&json!({"token_type": "bearer"})).unwrap();
    assert!(parse_token_response(url, &empty, &secrets).is_err());
}

#[tokio::test]
async fn client_credentials_token_is_cached_across_requests() {
    let inner = ScriptedTransport::new([
        token("a1", 3600, None),
        status(200),
        status(200),
        status(200),
    ]);
    let secrets = Secrets::new();
    let auth = Auth::new(
        Credentials::OAuth2(oauth(
            OAuth2Grant::ClientCredentials,
            OAuth2ClientAuth::Basic,
        )),
        secrets.clone(),
        inner,
    );
    for _ in 0..3 {
        assert_eq!(auth.send(get()).await.unwrap().status, 200);
    }
    let sent = auth.inner.requests();
    assert_eq!(sent.len(), 4);
    assert_eq!(sent[0].kind, RequestKind::Token);
    assert!(
        sent[1..]
            .iter()
            .all(|request| request.header("authorization") == Some("Bearer a1"))
    );
    assert_eq!(auth.handle().token_requests(), 1);
    assert_eq!(secrets.scrub("a1 cl1ent-s3cret"), "[REDACTED] [REDACTED]");
}

#[tokio::test(start_paused = true)]
async fn a_token_is_refreshed_before_it_expires() {
    let inner = ScriptedTransport::new([
        token("a1", 120, None),
        status(200),
        token("a2", 120, None),
        status(200),
    ]);
    let auth = Auth::new(
        Credentials::OAuth2(oauth(
            OAuth2Grant::ClientCredentials,
            OAuth2ClientAuth::Basic,
        )),
        Secrets::new(),
        inner,
    );
    auth.send(get()).await.unwrap();
    // The margin is 60 s of a 120 s lifetime: at 61 s the token is due.
    tokio::time::advance(std::time::Duration::from_secs(61)).await;
    auth.send(get()).await.unwrap();
    let sent = auth.inner.requests();
    assert_eq!(sent[3].header("authorization"), Some("Bearer a2"));
    assert_eq!(auth.handle().token_requests(), 2);
}

#[tokio::test]
async fn a_401_refreshes_once_retries_once_and_surfaces_the_rotated_refresh_token() {
    let inner = ScriptedTransport::new([
        token("a1", 3600, None),
        status(200),
        status(401),
        token("a2", 3600, Some("r2")),
        status(200),
    ]);
    let rotated = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = rotated.clone();
    let auth = Auth::new(
        Credentials::OAuth2(oauth(
            OAuth2Grant::RefreshToken {
                refresh_token: "r1".into(),
            },
            OAuth2ClientAuth::Basic,
        )),
        Secrets::new(),
        inner,
    )
    .on_refresh_token_rotated(move |token| seen.lock().unwrap().push(token.to_owned()));
    assert_eq!(auth.send(get()).await.unwrap().status, 200);
    assert_eq!(auth.send(get()).await.unwrap().status, 200);
    let sent = auth.inner.requests();
    assert_eq!(sent.len(), 5);
    assert!(form(&sent[0]).contains(&("refresh_token".into(), "r1".into())));
    assert_eq!(sent[4].header("authorization"), Some("Bearer a2"));
    assert_eq!(auth.handle().rotated_refresh_token().as_deref(), Some("r2"));
    assert_eq!(*rotated.lock().unwrap(), vec!["r2".to_owned()]);
    assert!(!format!("{:?}", auth.handle()).contains("r2"));
}

#[tokio::test]
async fn a_second_401_is_returned_not_retried_forever() {
    let inner = ScriptedTransport::new([
        token("a1", 3600, None),
        status(401),
        token("a2", 3600, None),
        status(401),
    ]);
    let auth = Auth::new(
        Credentials::OAuth2(oauth(
            OAuth2Grant::ClientCredentials,
            OAuth2ClientAuth::Body,
        )),
        Secrets::new(),
        inner,
    );
    assert_eq!(auth.send(get()).await.unwrap().status, 401);
    assert_eq!(auth.inner.requests().len(), 4);
}

#[tokio::test]
async fn concurrent_requests_share_one_token_fetch() {
    let mut script = vec![token("a1", 3600, None)];
    script.extend((0..8).map(|_| status(200)));
    let auth = Auth::new(
        Credentials::OAuth2(oauth(
            OAuth2Grant::ClientCredentials,
            OAuth2ClientAuth::Basic,
        )),
        Secrets::new(),
        ScriptedTransport::new(script),
    );
    let results = futures::future::join_all((0..8).map(|_| auth.send(get()))).await;
    assert!(
        results
            .iter()
            .all(|result| result.as_ref().is_ok_and(|r| r.status == 200))
    );
    assert_eq!(auth.handle().token_requests(), 1);
}

#[tokio::test]
async fn errors_from_inside_are_scrubbed_of_credentials() {
    let inner = ScriptedTransport::new([Err(TransportError::Failed {
        url: "https://api.acme.example/v1/items?k=k3y".into(),
        reason: "connection reset".into(),
    })]);
    let credentials = Credentials::ApiKey {
        location: ApiKeyLocation::Query,
        name: "k".into(),
        value: "k3y".into(),
    };
    let auth = Auth::new(credentials, Secrets::new(), inner);
    let error = auth.send(get()).await.unwrap_err();
    assert!(!error.to_string().contains("k3y"), "{error}");
    assert_eq!(
        auth.inner.requests()[0].url,
        "https://api.acme.example/v1/items?page=2&k=k3y"
    );
}

#[tokio::test]
async fn token_requests_from_outside_pass_untouched() {
    let auth = Auth::new(
        Credentials::Bearer {
            token: "t0k".into(),
        },
        Secrets::new(),
        ScriptedTransport::new([status(200)]),
    );
    let mut request = get();
    request.kind = RequestKind::Token;
    auth.send(request.clone()).await.unwrap();
    assert_eq!(auth.inner.requests(), vec![request]);
}
