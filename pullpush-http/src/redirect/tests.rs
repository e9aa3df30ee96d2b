use futures::executor::block_on;
use pullpush_core::{HttpMethod, HttpRequest, HttpResponse, ScriptedTransport, TransportError};
use serde_json::json;

use super::*;
use crate::egress::{Egress, EgressPolicy};

fn redirect(status: u16, location: &str) -> Result<HttpResponse, TransportError> {
    Ok(HttpResponse {
        status,
        headers: vec![("Location".into(), location.into())],
        body: Vec::new(),
    })
}

fn authorized(url: &str) -> HttpRequest {
    let mut request = HttpRequest::get(url);
    request
        .headers
        .push(("Authorization".into(), "Bearer t0ken".into()));
    request.headers.push(("X-Api-Key".into(), "k3y".into()));
    request
        .headers
        .push(("Accept".into(), "application/json".into()));
    request
}

#[test]
fn follows_relative_and_absolute_locations_keeping_credentials_on_the_same_origin() {
    let inner = ScriptedTransport::new([
        redirect(301, "/v2/items?page=1"),
        redirect(308, "https://api.acme.example/v3/items"),
        ScriptedTransport::json(&json!([1])),
    ]);
    let transport = FollowRedirects::new(RedirectPolicy::default(), inner);
    let response = block_on(transport.send(authorized("https://api.acme.example/v1/items")))
        .expect("followed");
    assert_eq!(response.status, 200);
    let sent = transport.inner.requests();
    assert_eq!(sent[1].url, "https://api.acme.example/v2/items?page=1");
    assert_eq!(sent[2].url, "https://api.acme.example/v3/items");
    assert_eq!(sent[2].header("authorization"), Some("Bearer t0ken"));
}

#[test]
fn strips_credentials_when_the_origin_changes() {
    let inner = ScriptedTransport::new([
        redirect(302, "https://cdn.acme.example/export.json"),
        ScriptedTransport::json(&json!([])),
    ]);
    let transport = FollowRedirects::new(RedirectPolicy::default(), inner);
    block_on(transport.send(authorized("https://api.acme.example/export"))).expect("followed");
    let hop = &transport.inner.requests()[1];
    assert_eq!(hop.header("authorization"), None);
    assert_eq!(hop.header("x-api-key"), None);
    assert_eq!(hop.header("accept"), Some("application/json"));
}

#[test]
fn see_other_turns_into_a_get_without_body_and_temporary_keeps_the_method() {
    let policy = RedirectPolicy::default();
    let mut post = HttpRequest::get("https://api.acme.example/search");
    post.method = HttpMethod::Post;
    post.body = Some(b"{}".to_vec());
    post.headers
        .push(("Content-Type".into(), "application/json".into()));
    let Next::Follow(next) = policy.next(&post, &redirect(303, "/results/1").unwrap()) else {
        panic!("a 303 is followed");
    };
    assert_eq!(next.method, HttpMethod::Get);
    assert_eq!(next.body, None);
    assert_eq!(next.header("content-type"), None);
    let Next::Follow(next) = policy.next(&post, &redirect(307, "/search2").unwrap()) else {
        panic!("a 307 is followed");
    };
    assert_eq!(next.method, HttpMethod::Post);
    assert_eq!(next.body.as_deref(), Some(&b"{}"[..]));
}

#[test]
fn responses_that_are_not_redirects_or_lack_a_location_are_returned() {
    let policy = RedirectPolicy::default();
    let request = HttpRequest::get("https://api.acme.example/");
    let not_modified = HttpResponse {
        status: 304,
        headers: vec![],
        body: vec![],
    };
    assert_eq!(policy.next(&request, &not_modified), Next::Done);
    let no_location = HttpResponse {
        status: 302,
        headers: vec![],
        body: vec![],
    };
    assert_eq!(policy.next(&request, &no_location), Next::Done);
    assert_eq!(
        policy.next(&request, &redirect(302, "http://[::1").unwrap()),
        Next::Invalid
    );
}

#[test]
fn a_redirect_loop_ends_with_a_permanent_error() {
    let inner = ScriptedTransport::new((0..10).map(|_| redirect(302, "/again?api_key=k3y")));
    let transport = FollowRedirects::new(RedirectPolicy::new(3), inner);
    let error = block_on(transport.send(HttpRequest::get("https://api.acme.example/again")))
        .expect_err("a loop");
    assert!(crate::is_permanent(&error), "{error}");
    assert!(
        error.to_string().contains("more than 3 redirects"),
        "{error}"
    );
    assert_eq!(transport.inner.requests().len(), 4);
}

#[test]
fn every_hop_passes_the_egress_check_inside() {
    let inner = ScriptedTransport::new([
        redirect(302, "http://169.254.169.254/latest/meta-data"),
        ScriptedTransport::json(&json!({"secret": "instance credentials"})),
    ]);
    let egress = Egress::new(EgressPolicy::for_hosts(["api.acme.example"]), inner);
    let transport = FollowRedirects::new(RedirectPolicy::default(), egress);
    let error = block_on(transport.send(HttpRequest::get("https://api.acme.example/items")))
        .expect_err("refused");
    let TransportError::Refused { url, reason } = &error else {
        panic!("expected a refusal, got {error:?}");
    };
    assert_eq!(url, "https://api.acme.example/items");
    assert!(reason.contains("169.254.169.254"), "{reason}");
}
