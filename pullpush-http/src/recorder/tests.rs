use pullpush_core::{
    HttpMethod, HttpRequest, RequestKind, ScriptedTransport, Transport, TransportError,
};
use serde_json::json;

use super::*;

#[tokio::test]
async fn records_redacted_exchanges_and_scrubbed_errors() {
    let secrets = Secrets::new();
    secrets.add("t0ken");
    secrets.add("k3y");
    let inner = ScriptedTransport::new([
        ScriptedTransport::json(&json!([1, 2, 3])),
        Err(TransportError::Failed {
            url: "https://api.acme.example/items".into(),
            reason: "server echoed t0ken".into(),
        }),
    ]);
    let log = ExchangeLog::new(10);
    let recorder = Recorder::new(log.clone(), secrets, inner);
    let mut request = HttpRequest::get("https://api.acme.example/items?k=k3y&page=1");
    request
        .headers
        .push(("Authorization".into(), "Bearer t0ken".into()));
    request.headers.push(("X-Trace".into(), "t0ken".into()));
    recorder.send(request.clone()).await.unwrap();
    recorder.send(request).await.unwrap_err();

    let exchanges = log.exchanges();
    assert_eq!(exchanges.len(), 2);
    let first = &exchanges[0];
    assert_eq!(first.kind, RequestKind::Read);
    assert_eq!(first.method, HttpMethod::Get);
    assert_eq!(first.status, Some(200));
    assert_eq!(first.response_bytes, 7);
    assert_eq!(
        first.url,
        "https://api.acme.example/items?k=[REDACTED]&page=1"
    );
    assert_eq!(exchanges[1].status, None);
    let shown = format!("{exchanges:?}");
    assert!(
        !shown.contains("t0ken") && !shown.contains("k3y"),
        "{shown}"
    );
    assert_eq!(
        exchanges[1].error.as_deref(),
        Some("server echoed [REDACTED]")
    );
    assert!(!exchanges[1].refused);
}

#[tokio::test]
async fn the_log_is_bounded_and_counts_what_it_dropped() {
    let log = ExchangeLog::new(2);
    let recorder = Recorder::new(
        log.clone(),
        Secrets::new(),
        ScriptedTransport::new((0..5).map(|_| ScriptedTransport::json(&json!([])))),
    );
    for page in 0..5 {
        recorder
            .send(HttpRequest::get(format!(
                "https://api.acme.example/items?page={page}"
            )))
            .await
            .unwrap();
    }
    assert_eq!(log.total(), 5);
    assert_eq!(log.dropped(), 3);
    let kept: Vec<String> = log
        .exchanges()
        .into_iter()
        .map(|exchange| exchange.url)
        .collect();
    assert_eq!(
        kept,
        vec![
            "https://api.acme.example/items?page=3",
            "https://api.acme.example/items?page=4"
        ]
    );
    assert_eq!(log.take().len(), 2);
    assert_eq!(log.total(), 0);
}
