use futures::executor::block_on;
use pullpush_core::{HttpMethod, ScriptedTransport};
use serde_json::json;

use super::*;

#[test]
fn refuses_writes_and_passes_reads_and_token_requests() {
    let inner = ScriptedTransport::new([
        ScriptedTransport::json(&json!([])),
        ScriptedTransport::json(&json!({"access_token": "t"})),
    ]);
    let transport = ReadOnly::new(inner);

    let mut write = HttpRequest::get("https://api.acme.example/items?api_key=s3cret");
    write.kind = RequestKind::Write;
    write.method = HttpMethod::Put;
    let error = block_on(transport.send(write)).expect_err("refused");
    let TransportError::Refused { url, reason } = &error else {
        panic!("expected a refusal, got {error:?}");
    };
    assert!(!url.contains("s3cret"), "{url}");
    assert!(
        reason.contains("PUT request refused: read-only mode"),
        "{reason}"
    );

    let mut search = HttpRequest::get("https://api.acme.example/search");
    search.method = HttpMethod::Post;
    block_on(transport.send(search)).expect("a read declared safe passes");
    let mut token = HttpRequest::get("https://auth.acme.example/token");
    token.kind = RequestKind::Token;
    block_on(transport.send(token)).expect("a token request passes");
    assert_eq!(transport.inner.requests().len(), 2);
}
