use futures::executor::block_on;
use pullpush_core::{ApiKeyLocation, ScriptedTransport};

use super::*;

#[test]
fn scrubs_longest_first_and_learns_at_run_time() {
    let secrets = Secrets::new();
    secrets.add("abc");
    secrets.add("abcdef");
    secrets.add("");
    assert_eq!(secrets.len(), 2);
    assert_eq!(secrets.scrub("x=abcdef y=abc"), "x=[REDACTED] y=[REDACTED]");
    let shared = secrets.clone();
    shared.add("t0ken");
    assert_eq!(secrets.scrub("Bearer t0ken"), "Bearer [REDACTED]");
    assert!(!format!("{secrets:?}").contains("abc"));
}

#[test]
fn learns_every_credential_value() {
    let secrets = Secrets::new();
    secrets.add_credentials(&Credentials::ApiKey {
        location: ApiKeyLocation::Query,
        name: "k".into(),
        value: "k3y".into(),
    });
    secrets.add_credentials(&Credentials::Basic {
        username: "user".into(),
        password: "pa55".into(),
    });
    assert_eq!(secrets.scrub("user k3y pa55"), "user [REDACTED] [REDACTED]");
}

#[test]
fn the_layer_scrubs_errors() {
    let secrets = Secrets::new();
    secrets.add("k3y");
    let inner = ScriptedTransport::new([Err(TransportError::Failed {
        url: "https://api.example/?k=k3y".into(),
        reason: "server said k3y is wrong".into(),
    })]);
    let error = block_on(Scrub::new(secrets, inner).send(HttpRequest::get("https://api.example/")))
        .expect_err("scripted failure");
    assert!(!error.to_string().contains("k3y"), "{error}");
}
