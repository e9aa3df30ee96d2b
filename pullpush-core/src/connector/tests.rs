//! Tests of [`Connector::build`]: one test per rule, each a small inline definition and the
//! `(code, pointer)` of every diagnostic it produces.
//!
//! Tests are data. [`base`] is a minimal valid definition; [`with`] replaces values in it at JSON
//! pointers, so each test states only what it breaks. [`check`] and [`diagnostics`] are the only
//! helpers that call the API.

use serde_json::{Value, json};

use super::*;
use crate::diagnostic::Severity;

/// A valid definition with one stocklevel stream and a bearer token from a secret config value.
fn base() -> Value {
    json!({
        "id": "acme-inventory",
        "name": "Acme Inventory",
        "version": "1.0.0",
        "config_spec": {
            "properties": {
                "api_token": {"type": "string", "secret": true},
                "account_id": {"type": "string"}
            },
            "required": ["api_token"]
        },
        "base_url": "https://api.acme.example/v1",
        "auth": {"type": "bearer", "token": "{{ config.api_token }}"},
        "streams": [stream("stock_levels")]
    })
}

/// A valid stocklevel stream.
fn stream(name: &str) -> Value {
    json!({
        "name": name,
        "canonical_type": "stocklevel",
        "read": {"path": "/stock", "records": "$.items[*]"},
        "mapping": {"fields": {
            "sku": "$.sku",
            "locationId": {"string": "$.warehouse_id"},
            "quantity": {"integer": "$.on_hand"}
        }}
    })
}

/// `definition` with each `(pointer, value)` set; the last token of a pointer may name a new
/// object member.
fn with(mut definition: Value, changes: &[(&str, Value)]) -> Value {
    for (pointer, value) in changes {
        let tokens = crate::pointer::tokens(pointer).expect("a JSON pointer");
        let (last, parents) = tokens.split_last().expect("a pointer below the root");
        let mut target = &mut definition;
        for token in parents {
            target = match target {
                Value::Array(items) => &mut items[token.parse::<usize>().expect("an index")],
                Value::Object(object) => object
                    .get_mut(token.as_str())
                    .unwrap_or_else(|| panic!("{pointer}: no `{token}`")),
                other => panic!("{pointer}: cannot descend into {other}"),
            };
        }
        match target {
            Value::Array(items) => items[last.parse::<usize>().expect("an index")] = value.clone(),
            Value::Object(object) => {
                object.insert(last.clone(), value.clone());
            }
            other => panic!("{pointer}: cannot set a member of {other}"),
        }
    }
    definition
}

/// Every diagnostic of building `definition`: the errors and warnings of a failed build, or the
/// warnings of a successful one.
fn diagnostics(definition: Value) -> Vec<Diagnostic> {
    let parsed: Definition = serde_json::from_value(definition.clone())
        .unwrap_or_else(|err| panic!("the test definition must parse: {err}\n{definition:#}"));
    match Connector::build(parsed, &CanonicalRegistry::builtin()) {
        Ok(connector) => connector.warnings().to_vec(),
        Err(diagnostics) => diagnostics,
    }
}

/// The `(code, pointer)` of every diagnostic of building `definition`.
fn check(definition: Value) -> Vec<(String, String)> {
    diagnostics(definition)
        .into_iter()
        .map(|diagnostic| (diagnostic.code, diagnostic.pointer))
        .collect()
}

/// The one diagnostic of building `definition`.
fn single(definition: Value) -> Diagnostic {
    let mut found = diagnostics(definition.clone());
    assert_eq!(found.len(), 1, "{found:#?}\n{definition:#}");
    found.remove(0)
}

/// Asserts that `definition` yields exactly one diagnostic with this code, pointer and severity.
fn assert_single(definition: Value, code: &str, pointer: &str, severity: Severity) -> Diagnostic {
    let diagnostic = single(definition);
    assert_eq!(
        (
            diagnostic.code.as_str(),
            diagnostic.pointer.as_str(),
            diagnostic.severity
        ),
        (code, pointer, severity),
        "{diagnostic}"
    );
    assert!(!diagnostic.message.is_empty());
    diagnostic
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(code, pointer)| ((*code).to_owned(), (*pointer).to_owned()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// A clean build
// ---------------------------------------------------------------------------------------------

#[test]
fn the_base_definition_builds_cleanly() {
    let definition: Definition = serde_json::from_value(base()).unwrap();
    let connector = Connector::build(definition.clone(), &CanonicalRegistry::builtin())
        .expect("the base definition is valid");
    assert_eq!(connector.warnings(), []);
    assert_eq!(connector.definition(), &definition);
    let [stream] = connector.streams() else {
        panic!("one compiled stream");
    };
    assert_eq!(stream.index, 0);
    assert_eq!(stream.canonical.name(), "stocklevel");
    assert_eq!(stream.mapper.key(), ["sku", "locationId"]);
    assert!(stream.write_body.is_empty());
    let templates = connector.templates();
    for name in ["/base_url", "/auth/token", "/streams/0/read/path"] {
        assert!(templates.contains(name), "{name} is compiled");
    }
    assert_eq!(
        templates
            .render(
                "/auth/token",
                &json!({"config": {"api_token": "t"}}),
                jiff::Timestamp::UNIX_EPOCH
            )
            .as_deref(),
        Ok("t")
    );
}

#[test]
fn a_build_with_only_warnings_succeeds_and_keeps_them() {
    let definition = with(
        base(),
        &[(
            "/streams/0/incremental",
            json!({"cursor_field": "$.updated_at"}),
        )],
    );
    let parsed: Definition = serde_json::from_value(definition).unwrap();
    let connector = Connector::build(parsed, &CanonicalRegistry::builtin())
        .expect("warnings do not stop a build");
    let warnings: Vec<(&str, Severity)> = connector
        .warnings()
        .iter()
        .map(|w| (w.code.as_str(), w.severity))
        .collect();
    assert_eq!(warnings, [("incremental-cursor-unused", Severity::Warning)]);
}

// ---------------------------------------------------------------------------------------------
// identity.rs
// ---------------------------------------------------------------------------------------------

#[test]
fn unsupported_format_version() {
    let d = assert_single(
        with(base(), &[("/pullpush", json!(2))]),
        "unsupported-format-version",
        "/pullpush",
        Severity::Error,
    );
    assert!(d.message.contains("format version 2"), "{d}");
    assert!(check(with(base(), &[("/pullpush", json!(1))])).is_empty());
}

#[test]
fn invalid_version() {
    for version in ["1.0", "v1.0.0", "1.0.0.0", ""] {
        assert_single(
            with(base(), &[("/version", json!(version))]),
            "invalid-version",
            "/version",
            Severity::Error,
        );
    }
    assert!(check(with(base(), &[("/version", json!("2.1.0-beta.1+build.5"))])).is_empty());
}

#[test]
fn unknown_required_property() {
    let d = assert_single(
        with(
            base(),
            &[("/config_spec/required", json!(["api_token", "acount_id"]))],
        ),
        "unknown-required-property",
        "/config_spec/required/1",
        Severity::Error,
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `account_id`?"));
    let d = single(with(
        base(),
        &[("/config_spec/required", json!(["region"]))],
    ));
    assert_eq!(
        d.hint.as_deref(),
        Some("declare `region` under `properties`")
    );
}

#[test]
fn secret_with_default() {
    assert_single(
        with(
            base(),
            &[(
                "/config_spec/properties/api_token/default",
                json!("sk_live_abc123"),
            )],
        ),
        "secret-with-default",
        "/config_spec/properties/api_token/default",
        Severity::Error,
    );
}

#[test]
fn config_default_type() {
    let d = assert_single(
        with(
            base(),
            &[(
                "/config_spec/properties/page_size",
                json!({"type": "integer", "default": "100"}),
            )],
        ),
        "config-default-type",
        "/config_spec/properties/page_size/default",
        Severity::Error,
    );
    assert!(d.message.contains("\"100\""), "{d}");
    // Names and values are quoted as written, not lowercased with the rest of the message.
    let d = single(with(
        base(),
        &[(
            "/config_spec/properties/pageSize",
            json!({"type": "integer", "default": "ALL"}),
        )],
    ));
    assert_eq!(
        d.message,
        "the default of `pageSize` is \"ALL\", which is not of type integer"
    );
    let fine = with(
        base(),
        &[(
            "/config_spec/properties/page_size",
            json!({"type": "integer", "default": 100}),
        )],
    );
    assert!(check(fine).is_empty());
}

#[test]
fn config_enum_type() {
    assert_single(
        with(
            base(),
            &[(
                "/config_spec/properties/region",
                json!({"type": "string", "enum": ["eu", 1, "us"]}),
            )],
        ),
        "config-enum-type",
        "/config_spec/properties/region/enum/1",
        Severity::Error,
    );
}

// ---------------------------------------------------------------------------------------------
// templates.rs
// ---------------------------------------------------------------------------------------------

#[test]
fn template_syntax() {
    let cases = [
        ("/streams/0/read/path", json!("/stock/{{ page.number")),
        ("/streams/0/read/query", json!({"since": "{% if %}"})),
        ("/streams/0/read/headers", json!({"X-Page": "{{ }}"})),
        ("/headers", json!({"Accept": "{{ config.account_id"})),
    ];
    for (at, value) in cases {
        let found = check(with(base(), &[(at, value.clone())]));
        let pointer = match &value {
            Value::Object(object) => {
                crate::pointer::push(at, object.keys().next().expect("one member"))
            }
            _ => at.to_owned(),
        };
        assert_eq!(found, pairs(&[("template-syntax", &pointer)]), "{value}");
    }
    let d = single(with(
        base(),
        &[("/streams/0/read/path", json!("/stock/{{ page.number"))],
    ));
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(
        d.hint.as_deref(),
        Some("templates use Jinja syntax: `{{ config.name }}`")
    );
}

#[test]
fn template_syntax_in_a_body_points_into_the_body() {
    let definition = with(
        base(),
        &[
            ("/streams/0/read/method", json!("POST")),
            ("/streams/0/read/safe", json!(true)),
            (
                "/streams/0/read/body",
                json!({"filter": {"terms": ["ok", "{{ page.token "]}}),
            ),
        ],
    );
    assert_eq!(
        check(definition),
        pairs(&[("template-syntax", "/streams/0/read/body/filter/terms/1")])
    );
}

#[test]
fn unknown_template_variable() {
    let cases = [
        // Connection-wide templates see only `config`.
        (
            "/base_url",
            json!("https://api.acme.example/{{ state.cursor }}"),
        ),
        ("/headers", json!({"X-Page": "{{ page.number }}"})),
        // A stream without a parent has no `parent`.
        ("/streams/0/read/path", json!("/stock/{{ parent.id }}")),
        // Reads cannot see the record being written.
        ("/streams/0/read/query", json!({"sku": "{{ record.sku }}"})),
        (
            "/streams/0/incremental",
            json!({"cursor_field": "$.updated", "param": "since", "start": "{{ state.cursor }}"}),
        ),
    ];
    let expected_at = [
        "/base_url",
        "/headers/X-Page",
        "/streams/0/read/path",
        "/streams/0/read/query/sku",
        "/streams/0/incremental/start",
    ];
    for ((at, value), expected) in cases.into_iter().zip(expected_at) {
        let d = assert_single(
            with(base(), &[(at, value)]),
            "unknown-template-variable",
            expected,
            Severity::Error,
        );
        assert!(
            d.hint
                .as_deref()
                .unwrap()
                .starts_with("variables available here: "),
            "{d}"
        );
    }
    let d = single(with(
        base(),
        &[("/streams/0/read/path", json!("/stock/{{ parent.id }}"))],
    ));
    assert_eq!(
        d.hint.as_deref(),
        Some("variables available here: config, state, page")
    );
}

#[test]
fn child_streams_and_writes_see_their_own_variables() {
    let mut child = stream("stock_details");
    child["parent"] = json!({"stream": "stock_levels"});
    child["read"]["path"] = json!("/stock/{{ parent.sku }}");
    let mut writer = stream("stock_writer");
    writer["write"] = json!({
        "method": "PUT",
        "path": "/stock/{{ record.sku }}",
        "headers": {"Idempotency-Key": "{{ event.id }}"},
        "body": {"available": "$.quantity"}
    });
    let definition = with(
        base(),
        &[("/streams", json!([stream("stock_levels"), child, writer]))],
    );
    assert_eq!(check(definition), vec![]);
}

#[test]
fn unknown_config_property() {
    let d = assert_single(
        with(
            base(),
            &[("/headers", json!({"X-Account": "{{ config.acount_id }}"}))],
        ),
        "unknown-config-property",
        "/headers/X-Account",
        Severity::Error,
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `config.account_id`?"));
    let d = single(with(
        base(),
        &[(
            "/streams/0/read/query",
            json!({"region": "{{ config.region }}"}),
        )],
    ));
    assert_eq!(
        d.hint.as_deref(),
        Some("declare `region` in `config_spec.properties`")
    );
}

#[test]
fn base_url_not_absolute() {
    for base_url in [
        "/v1",
        "api.acme.example/v1",
        "ftp://files.acme.example",
        "file:///etc/passwd",
        "{{ config.account_id }}",
    ] {
        assert_single(
            with(base(), &[("/base_url", json!(base_url))]),
            "base-url-not-absolute",
            "/base_url",
            Severity::Error,
        );
    }
    // A templated base URL passes when the property it reads is a URI or has an absolute default.
    let uri = with(
        base(),
        &[
            ("/base_url", json!("{{ config.base_url }}/v1")),
            (
                "/config_spec/properties/base_url",
                json!({"type": "string", "format": "uri"}),
            ),
        ],
    );
    assert_eq!(check(uri), vec![]);
    let defaulted = with(
        base(),
        &[
            ("/base_url", json!("{{ config.base_url }}")),
            (
                "/config_spec/properties/base_url",
                json!({"type": "string", "default": "https://eu.acme.example"}),
            ),
        ],
    );
    assert_eq!(check(defaulted), vec![]);
    let host = with(
        base(),
        &[(
            "/base_url",
            json!("https://{{ config.account_id }}.acme.example"),
        )],
    );
    assert_eq!(check(host), vec![]);
}

// ---------------------------------------------------------------------------------------------
// secrets.rs
// ---------------------------------------------------------------------------------------------

#[test]
fn inline_secret() {
    let cases = [
        (
            json!({"type": "bearer", "token": "sk_live_abc123"}),
            "/auth/token",
        ),
        (
            json!({"type": "api_key", "in": "header", "name": "X-API-Key", "value": "Token sk_live_abc123"}),
            "/auth/value",
        ),
        (
            json!({"type": "basic", "username": "{{ config.account_id }}", "password": "sk_live_abc123"}),
            "/auth/password",
        ),
        (
            json!({"type": "oauth2_client_credentials", "token_url": "https://auth.acme.example/token",
                   "client_id": "acme", "client_secret": "sk_live_abc123"}),
            "/auth/client_secret",
        ),
        (
            json!({"type": "oauth2_refresh_token", "token_url": "https://auth.acme.example/token",
                   "client_id": "acme", "refresh_token": "sk_live_abc123"}),
            "/auth/refresh_token",
        ),
    ];
    for (auth, at) in cases {
        assert_single(
            with(base(), &[("/auth", auth)]),
            "inline-secret",
            at,
            Severity::Error,
        );
    }
    let places = [
        ("/headers", "Authorization", "/headers/Authorization"),
        ("/headers", "cookie", "/headers/cookie"),
        (
            "/streams/0/read/headers",
            "X-Api-Key",
            "/streams/0/read/headers/X-Api-Key",
        ),
        (
            "/streams/0/read/query",
            "access_token",
            "/streams/0/read/query/access_token",
        ),
    ];
    for (map, name, at) in places {
        assert_single(
            with(base(), &[(map, json!({ name: "Bearer sk_live_abc123" }))]),
            "inline-secret",
            at,
            Severity::Error,
        );
    }
    let mut writer = stream("stock_levels");
    writer["write"] = json!({
        "method": "POST",
        "path": "/stock",
        "headers": {"Authorization": "sk_live_abc123"},
        "body": {"available": "$.quantity"}
    });
    assert_eq!(
        check(with(base(), &[("/streams", json!([writer]))])),
        pairs(&[("inline-secret", "/streams/0/write/headers/Authorization")])
    );
}

#[test]
fn credential_like_names_that_read_no_config_are_fine() {
    // A pagination token is not a credential: it reads `page`, not `config`.
    let definition = with(
        base(),
        &[
            (
                "/streams/0/read/query",
                json!({"page_token": "{{ page.token }}", "session_start": "{{ state.cursor }}"}),
            ),
            (
                "/auth",
                json!({"type": "basic", "username": "{{ config.api_token }}"}),
            ),
        ],
    );
    assert_eq!(check(definition), vec![]);
}

#[test]
fn secret_not_marked() {
    // A credential template that reads a config value not marked secret is an error where it
    // is read; a property whose name looks like a credential also gets a warning.
    let definition = with(
        base(),
        &[(
            "/config_spec/properties/api_token",
            json!({"type": "string"}),
        )],
    );
    let found = diagnostics(definition);
    let summary: Vec<(&str, &str, Severity)> = found
        .iter()
        .map(|d| (d.code.as_str(), d.pointer.as_str(), d.severity))
        .collect();
    assert_eq!(
        summary,
        [
            ("secret-not-marked", "/auth/token", Severity::Error),
            (
                "secret-not-marked",
                "/config_spec/properties/api_token",
                Severity::Warning
            ),
        ]
    );

    let header = with(
        base(),
        &[(
            "/headers",
            json!({"Authorization": "Token {{ config.account_id }}"}),
        )],
    );
    assert_single(
        header,
        "secret-not-marked",
        "/headers/Authorization",
        Severity::Error,
    );

    for name in [
        "client_secret",
        "password",
        "private_key",
        "x-api-key",
        "key",
        "secret_key",
        "X-Auth-Token",
    ] {
        let unused = with(
            base(),
            &[(
                &crate::pointer::push("/config_spec/properties", name),
                json!({"type": "string"}),
            )],
        );
        assert_single(
            unused,
            "secret-not-marked",
            &crate::pointer::push("/config_spec/properties", name),
            Severity::Warning,
        );
    }
    for name in [
        "keyboard_layout",
        "monkey",
        "region",
        "sort_key",
        "project_key",
    ] {
        let harmless = with(
            base(),
            &[(
                &crate::pointer::push("/config_spec/properties", name),
                json!({"type": "string"}),
            )],
        );
        assert_eq!(check(harmless), vec![], "{name}");
    }
}

#[test]
fn plain_secrets_never_appear_in_diagnostics() {
    const SECRET: &str = "sk_live_abc123";
    let mut writer = stream("stock_levels");
    writer["write"] = json!({
        "method": "POST",
        "path": "/stock",
        "headers": {"Authorization": format!("Bearer {SECRET}")},
        "body": {"available": "$.quantity"}
    });
    let definitions = [
        with(base(), &[("/auth/token", json!(SECRET))]),
        with(
            base(),
            &[(
                "/auth/token",
                json!(format!("{SECRET} {{{{ config.api_token")),
            )],
        ),
        with(
            base(),
            &[(
                "/auth/token",
                json!(format!("{SECRET} {{{{ config.api_tokn }}}}")),
            )],
        ),
        with(
            base(),
            &[(
                "/headers",
                json!({"Authorization": format!("Bearer {SECRET}")}),
            )],
        ),
        with(
            base(),
            &[(
                "/headers",
                json!({"Authorization": format!("Bearer {SECRET} {{{{")}),
            )],
        ),
        with(
            base(),
            &[("/streams/0/read/query", json!({"api_key": SECRET}))],
        ),
        with(
            base(),
            &[(
                "/streams/0/read/query",
                json!({"api_key": format!("{SECRET}{{% if %}}")}),
            )],
        ),
        with(
            base(),
            &[(
                "/auth",
                json!({"type": "basic", "username": "acme", "password": SECRET}),
            )],
        ),
        with(
            base(),
            &[("/config_spec/properties/api_token/default", json!(SECRET))],
        ),
        with(base(), &[("/streams", json!([writer]))]),
    ];
    for definition in definitions {
        let found = diagnostics(definition.clone());
        assert!(!found.is_empty(), "each case has a problem: {definition:#}");
        for diagnostic in found {
            let text = format!(
                "{} {}",
                diagnostic.message,
                diagnostic.hint.unwrap_or_default()
            );
            assert!(
                !text.contains(SECRET),
                "`{}` at {} echoes the secret: {text}",
                diagnostic.code,
                diagnostic.pointer
            );
        }
    }
}

#[test]
fn credentials_hidden_in_urls_literals_or_subscripts_are_caught() {
    // Userinfo in the base URL, a Jinja string literal in a credential header (it reads
    // nothing), and a subscript read of config that no check could follow.
    let cases = [
        with(
            base(),
            &[(
                "/base_url",
                json!("https://acme:sk_live_abc123@api.acme.example/v1"),
            )],
        ),
        with(
            base(),
            &[(
                "/headers",
                json!({"Authorization": "{{ 'sk_live_abc123' }}"}),
            )],
        ),
        with(
            base(),
            &[(
                "/headers",
                json!({"Authorization": "Bearer {{ config['account_id'] }}"}),
            )],
        ),
    ];
    let expected = [
        ("inline-secret", "/base_url"),
        ("inline-secret", "/headers/Authorization"),
        ("dynamic-config-read", "/headers/Authorization"),
    ];
    for (definition, (code, pointer)) in cases.into_iter().zip(expected) {
        let found = check(definition.clone());
        assert!(
            found.contains(&(code.to_owned(), pointer.to_owned())),
            "{code} at {pointer} missing from {found:?}"
        );
        let messages: Vec<String> = diagnostics(definition)
            .into_iter()
            .map(|d| d.message)
            .collect();
        assert!(!messages.concat().contains("sk_live"), "{messages:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// streams.rs
// ---------------------------------------------------------------------------------------------

#[test]
fn duplicate_stream() {
    let definition = with(
        base(),
        &[(
            "/streams",
            json!([
                stream("stock_levels"),
                stream("other"),
                stream("stock_levels")
            ]),
        )],
    );
    let d = assert_single(
        definition,
        "duplicate-stream",
        "/streams/2/name",
        Severity::Error,
    );
    assert!(d.message.contains("/streams/0"), "{d}");
}

#[test]
fn unknown_parent_stream() {
    let mut child = stream("stock_details");
    child["parent"] = json!({"stream": "stock_level"});
    let definition = with(
        base(),
        &[("/streams", json!([stream("stock_levels"), child]))],
    );
    let d = assert_single(
        definition,
        "unknown-parent-stream",
        "/streams/1/parent/stream",
        Severity::Error,
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `stock_levels`?"));
}

#[test]
fn parent_cycle() {
    let mut a = stream("a");
    a["parent"] = json!({"stream": "b"});
    let mut b = stream("b");
    b["parent"] = json!({"stream": "a"});
    let mut own = stream("own");
    own["parent"] = json!({"stream": "own"});
    let mut leaf = stream("leaf");
    leaf["parent"] = json!({"stream": "a"});
    let definition = with(base(), &[("/streams", json!([a, b, own, leaf]))]);
    // `leaf` hangs below the cycle; only the streams on it are their own ancestors.
    let found = diagnostics(definition);
    let summary: Vec<(&str, &str, &str)> = found
        .iter()
        .map(|d| (d.code.as_str(), d.pointer.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "parent-cycle",
                "/streams/0/parent/stream",
                "stream `a` is its own ancestor through `b`"
            ),
            (
                "parent-cycle",
                "/streams/1/parent/stream",
                "stream `b` is its own ancestor through `a`"
            ),
            (
                "parent-cycle",
                "/streams/2/parent/stream",
                "stream `own` is its own ancestor through `own`"
            ),
        ]
    );
}

#[test]
fn unknown_canonical_type() {
    let d = assert_single(
        with(
            base(),
            &[("/streams/0/canonical_type", json!("stocklevels"))],
        ),
        "unknown-canonical-type",
        "/streams/0/canonical_type",
        Severity::Error,
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `stocklevel`?"));
    let d = single(with(
        base(),
        &[("/streams/0/canonical_type", json!("weather"))],
    ));
    assert!(
        d.hint
            .as_deref()
            .unwrap()
            .starts_with("known types: stocklevel, order"),
        "{d}"
    );
}

#[test]
fn unsafe_read_method() {
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        assert_single(
            with(base(), &[("/streams/0/read/method", json!(method))]),
            "unsafe-read-method",
            "/streams/0/read/method",
            Severity::Error,
        );
    }
    let declared = with(
        base(),
        &[
            ("/streams/0/read/method", json!("POST")),
            ("/streams/0/read/safe", json!(true)),
        ],
    );
    assert_eq!(check(declared), vec![]);
}

#[test]
fn body_on_safe_method() {
    for method in ["GET", "HEAD"] {
        assert_single(
            with(
                base(),
                &[
                    ("/streams/0/read/method", json!(method)),
                    ("/streams/0/read/body", json!({"q": "x"})),
                ],
            ),
            "body-on-safe-method",
            "/streams/0/read/body",
            Severity::Error,
        );
    }
}

#[test]
fn selector_with_line_format() {
    for format in ["jsonl", "csv"] {
        assert_single(
            with(base(), &[("/streams/0/read/format", json!(format))]),
            "selector-with-line-format",
            "/streams/0/read/records",
            Severity::Error,
        );
        let whole = with(
            base(),
            &[
                ("/streams/0/read/format", json!(format)),
                ("/streams/0/read/records", json!("$")),
            ],
        );
        assert_eq!(check(whole), vec![], "{format}");
    }
}

#[test]
fn invalid_jsonpath() {
    let cursor = |cursor_from: Value, stop: Value| json!({"type": "cursor", "cursor_from": cursor_from, "param": "cursor", "stop": stop});
    let cases = [
        (
            "/streams/0/read/records",
            json!("$.items["),
            "/streams/0/read/records",
        ),
        (
            "/streams/0/pagination",
            cursor(json!({"body": "meta.next"}), json!({})),
            "/streams/0/pagination/cursor_from/body",
        ),
        (
            "/streams/0/pagination",
            json!({"type": "next_url", "next_from": {"body": "$..["}}),
            "/streams/0/pagination/next_from/body",
        ),
        (
            "/streams/0/pagination",
            cursor(json!({"header": "X-Next"}), json!({"has_more": "has_more"})),
            "/streams/0/pagination/stop/has_more",
        ),
        (
            "/streams/0/pagination",
            json!({"type": "offset", "limit": 50, "stop": {"total_records": "$.meta.[total"}}),
            "/streams/0/pagination/stop/total_records",
        ),
        (
            "/streams/0/pagination",
            json!({"type": "page_number", "stop": {"total_pages": "$$"}}),
            "/streams/0/pagination/stop/total_pages",
        ),
    ];
    for (at, value, expected) in cases {
        let d = assert_single(
            with(base(), &[(at, value)]),
            "invalid-jsonpath",
            expected,
            Severity::Error,
        );
        assert!(d.message.contains("is not a valid JSONPath"), "{d}");
    }
}

#[test]
fn link_header_cursor() {
    let pagination = json!({"type": "cursor", "cursor_from": "link_header", "param": "cursor"});
    assert_single(
        with(base(), &[("/streams/0/pagination", pagination)]),
        "link-header-cursor",
        "/streams/0/pagination/cursor_from",
        Severity::Error,
    );
    let next_url = json!({"type": "next_url", "next_from": "link_header"});
    assert_eq!(
        check(with(base(), &[("/streams/0/pagination", next_url)])),
        vec![]
    );
}

#[test]
fn short_page_without_size() {
    let cases = [
        json!({"type": "page_number", "stop": {"short_page": true}}),
        json!({"type": "cursor", "cursor_from": {"body": "$.next"}, "param": "c", "stop": {"short_page": true}}),
        json!({"type": "next_url", "next_from": {"header": "X-Next"}, "stop": {"short_page": true}}),
    ];
    for pagination in cases {
        assert_single(
            with(base(), &[("/streams/0/pagination", pagination)]),
            "short-page-without-size",
            "/streams/0/pagination/stop/short_page",
            Severity::Error,
        );
    }
    let sized = json!({"type": "page_number", "page_size": {"param": "per_page", "value": 50}, "stop": {"short_page": true}});
    assert_eq!(
        check(with(base(), &[("/streams/0/pagination", sized)])),
        vec![]
    );
    let offset = json!({"type": "offset", "limit": 50, "stop": {"short_page": true}});
    assert_eq!(
        check(with(base(), &[("/streams/0/pagination", offset)])),
        vec![]
    );
}

#[test]
fn pagination_param_conflict() {
    let definition = with(
        base(),
        &[
            (
                "/streams/0/pagination",
                json!({"type": "offset", "limit": 50}),
            ),
            (
                "/streams/0/read/query",
                json!({"limit": "10", "status": "active", "offset": "0"}),
            ),
        ],
    );
    assert_eq!(
        check(definition),
        // In the order the pagination owns its parameters, not the order of the query.
        pairs(&[
            ("pagination-param-conflict", "/streams/0/read/query/offset"),
            ("pagination-param-conflict", "/streams/0/read/query/limit"),
        ])
    );
    let cursor = with(
        base(),
        &[
            (
                "/streams/0/pagination",
                json!({"type": "cursor", "cursor_from": {"body": "$.next"}, "param": "starting_after",
                       "page_size": {"param": "per_page", "value": 100}}),
            ),
            ("/streams/0/read/query", json!({"per_page": "20"})),
        ],
    );
    let d = assert_single(
        cursor,
        "pagination-param-conflict",
        "/streams/0/read/query/per_page",
        Severity::Error,
    );
    assert!(d.message.contains("cursor pagination"), "{d}");
}

#[test]
fn invalid_path() {
    let incremental = json!({"cursor_field": "$.items[*].updated_at", "param": "since"});
    let d = assert_single(
        with(base(), &[("/streams/0/incremental", incremental)]),
        "invalid-path",
        "/streams/0/incremental/cursor_field",
        Severity::Error,
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("name the record field, e.g. `$.updated_at`")
    );
    // Mapping paths are checked by the mapping rules and reported under the same code.
    assert_single(
        with(
            base(),
            &[("/streams/0/mapping/fields/sku", json!("$.items[*].sku"))],
        ),
        "invalid-path",
        "/streams/0/mapping/fields/sku",
        Severity::Error,
    );
}

#[test]
fn lookback_ignored() {
    for cursor_type in ["integer", "string"] {
        let incremental = json!({
            "cursor_field": "$.seq",
            "cursor_type": cursor_type,
            "param": "since",
            "lookback_seconds": 60
        });
        assert_single(
            with(base(), &[("/streams/0/incremental", incremental)]),
            "lookback-ignored",
            "/streams/0/incremental/lookback_seconds",
            Severity::Warning,
        );
    }
    let datetime = json!({"cursor_field": "$.updated", "param": "since", "lookback_seconds": 60});
    assert_eq!(
        check(with(base(), &[("/streams/0/incremental", datetime)])),
        vec![]
    );
}

#[test]
fn incremental_param_conflict() {
    let cases = [
        // Set by the read itself.
        (json!({"since": "2020-01-01"}), json!({"type": "none"})),
        // Set by the pagination.
        (
            json!({}),
            json!({"type": "page_number", "page_param": "since"}),
        ),
    ];
    for (query, pagination) in cases {
        let definition = with(
            base(),
            &[
                ("/streams/0/read/query", query),
                ("/streams/0/pagination", pagination),
                (
                    "/streams/0/incremental",
                    json!({"cursor_field": "$.updated", "param": "since"}),
                ),
            ],
        );
        let found = check(definition);
        assert!(
            found.contains(&(
                "incremental-param-conflict".to_owned(),
                "/streams/0/incremental/param".to_owned()
            )),
            "{found:?}"
        );
    }
}

#[test]
fn incremental_cursor_unused() {
    assert_single(
        with(
            base(),
            &[(
                "/streams/0/incremental",
                json!({"cursor_field": "$.updated"}),
            )],
        ),
        "incremental-cursor-unused",
        "/streams/0/incremental",
        Severity::Warning,
    );
    // Reading `state` anywhere in the request counts as sending the cursor.
    let places = [
        (
            "/streams/0/read/path",
            json!("/stock/since/{{ state.cursor }}"),
        ),
        (
            "/streams/0/read/query",
            json!({"updated_since": "{{ state.cursor }}"}),
        ),
        (
            "/streams/0/read/headers",
            json!({"If-Modified-Since": "{{ state.cursor }}"}),
        ),
    ];
    for (at, value) in places {
        let definition = with(
            base(),
            &[
                (at, value.clone()),
                (
                    "/streams/0/incremental",
                    json!({"cursor_field": "$.updated"}),
                ),
            ],
        );
        assert_eq!(check(definition), vec![], "{value}");
    }
    let body = with(
        base(),
        &[
            ("/streams/0/read/method", json!("POST")),
            ("/streams/0/read/safe", json!(true)),
            (
                "/streams/0/read/body",
                json!({"filter": [{"since": "{{ state.cursor }}"}]}),
            ),
            (
                "/streams/0/incremental",
                json!({"cursor_field": "$.updated"}),
            ),
        ],
    );
    assert_eq!(check(body), vec![]);
}

// ---------------------------------------------------------------------------------------------
// mapping.rs
// ---------------------------------------------------------------------------------------------

/// The base definition whose stream also writes, with `write` merged over a valid write.
fn writer(write: &[(&str, Value)]) -> Value {
    let mut definition = with(
        base(),
        &[(
            "/streams/0/write",
            json!({"method": "PUT", "path": "/stock/{{ record.sku }}", "body": {"available": "$.quantity"}}),
        )],
    );
    for (name, value) in write {
        definition = with(
            definition,
            &[(
                &crate::pointer::push("/streams/0/write", name),
                value.clone(),
            )],
        );
    }
    definition
}

#[test]
fn write_with_safe_method() {
    assert_eq!(check(writer(&[])), vec![]);
    for method in ["GET", "HEAD"] {
        assert_single(
            writer(&[("method", json!(method))]),
            "write-with-safe-method",
            "/streams/0/write/method",
            Severity::Error,
        );
    }
}

#[test]
fn unknown_canonical_field() {
    let d = assert_single(
        writer(&[(
            "body",
            json!({"sku": "$.sku", "available": {"integer": "$.quantiy"}}),
        )]),
        "unknown-canonical-field",
        "/streams/0/write/body/available",
        Severity::Error,
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `$.quantity`?"));
    // The same code covers mapping targets that are not canonical fields.
    let d = assert_single(
        with(
            base(),
            &[("/streams/0/mapping/fields/locationID", json!("$.loc"))],
        ),
        "unknown-canonical-field",
        "/streams/0/mapping/fields/locationID",
        Severity::Error,
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `locationId`?"));
}

#[test]
fn write_body_expressions_are_compiled() {
    assert_single(
        writer(&[("body", json!({"available": {"integer": "quantity"}}))]),
        "invalid-path",
        "/streams/0/write/body/available/integer",
        Severity::Error,
    );
    let definition: Definition = serde_json::from_value(writer(&[(
        "body",
        json!({"available": {"string": "$.quantity"}, "where": "$.locationId"}),
    )]))
    .unwrap();
    let connector = Connector::build(definition, &CanonicalRegistry::builtin()).unwrap();
    let body = &connector.streams()[0].write_body;
    let names: Vec<&str> = body.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["available", "where"]);
    assert_eq!(body[0].1.eval(&json!({"quantity": 7})), Ok(json!("7")));
}

#[test]
fn mapping_issues_become_error_diagnostics_with_hints() {
    let definition = with(
        base(),
        &[(
            "/streams/0/mapping/fields",
            json!({"sku": "$.sku", "locationId": "$.loc", "quantity": {"const": "many"}}),
        )],
    );
    let d = assert_single(
        definition,
        "mapping-type-mismatch",
        "/streams/0/mapping/fields/quantity",
        Severity::Error,
    );
    assert!(d.message.contains("\"many\""), "{d}");
    let d = assert_single(
        with(
            base(),
            &[(
                "/streams/0/mapping/fields",
                json!({"sku": "$.sku", "locationId": "$.loc"}),
            )],
        ),
        "missing-required-mapping",
        "/streams/0/mapping/fields",
        Severity::Error,
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("add \"quantity\": \"$.<path to the native field>\" to the mapping")
    );
}

// ---------------------------------------------------------------------------------------------
// All at once
// ---------------------------------------------------------------------------------------------

#[test]
fn every_problem_is_reported_at_once() {
    let mut orders = json!({
        "name": "orders",
        "canonical_type": "ordr",
        "read": {"method": "POST", "path": "/orders/{{ parent.id }}", "records": "$.data["},
        "mapping": {"fields": {"orderId": "$.id"}}
    });
    orders["parent"] = json!({"stream": "missing"});
    let mut stock = stream("stock_levels");
    stock["mapping"]["fields"]["quantity"] = json!({"const": "many"});
    stock["pagination"] = json!({"type": "offset", "limit": 10, "stop": {"has_more": "$["}});
    stock["read"]["query"] = json!({"limit": "5", "api_key": "inline"});
    stock["incremental"] =
        json!({"cursor_field": "updated", "cursor_type": "integer", "lookback_seconds": 5});
    let definition = json!({
        "pullpush": 9,
        "id": "broken",
        "name": "Broken",
        "version": "one",
        "config_spec": {
            "properties": {
                "password": {"type": "string", "default": 5},
                "region": {"type": "string", "enum": [1]}
            },
            "required": ["regoin"]
        },
        "base_url": "/v1",
        "headers": {"X-Region": "{{ config.regio }}"},
        "auth": {"type": "bearer", "token": "{{ config.password }}"},
        "streams": [stock, orders, stream("stock_levels")]
    });
    let found = diagnostics(definition);
    let expected = pairs(&[
        ("unsupported-format-version", "/pullpush"),
        ("invalid-version", "/version"),
        ("unknown-required-property", "/config_spec/required/0"),
        (
            "config-default-type",
            "/config_spec/properties/password/default",
        ),
        ("config-enum-type", "/config_spec/properties/region/enum/0"),
        ("unknown-config-property", "/headers/X-Region"),
        ("base-url-not-absolute", "/base_url"),
        ("secret-not-marked", "/auth/token"),
        ("inline-secret", "/streams/0/read/query/api_key"),
        ("secret-not-marked", "/config_spec/properties/password"),
        ("duplicate-stream", "/streams/2/name"),
        ("unknown-parent-stream", "/streams/1/parent/stream"),
        ("invalid-jsonpath", "/streams/0/pagination/stop/has_more"),
        ("pagination-param-conflict", "/streams/0/read/query/limit"),
        (
            "unknown-canonical-field",
            "/streams/0/incremental/cursor_field",
        ),
        (
            "lookback-ignored",
            "/streams/0/incremental/lookback_seconds",
        ),
        ("incremental-cursor-unused", "/streams/0/incremental"),
        ("unknown-canonical-type", "/streams/1/canonical_type"),
        ("unsafe-read-method", "/streams/1/read/method"),
        ("invalid-jsonpath", "/streams/1/read/records"),
        (
            "mapping-type-mismatch",
            "/streams/0/mapping/fields/quantity",
        ),
    ]);
    let got: Vec<(String, String)> = found
        .iter()
        .map(|d| (d.code.clone(), d.pointer.clone()))
        .collect();
    assert_eq!(got, expected);
    insta::assert_json_snapshot!(found);
}

#[test]
fn a_cursor_without_param_must_be_sent_by_a_template() {
    let cursor = json!({"type": "cursor", "cursor_from": {"body": "$.next"}});
    assert_single(
        with(base(), &[("/streams/0/pagination", cursor.clone())]),
        "pagination-token-unused",
        "/streams/0/pagination/cursor_from",
        Severity::Error,
    );
    // A POST search that carries the cursor in its body is how param-less cursors are used.
    let search = with(
        base(),
        &[
            ("/streams/0/pagination", cursor),
            (
                "/streams/0/read",
                json!({
                    "method": "POST", "safe": true, "path": "/stock/search",
                    "body": {"pagination": {"starting_after": "{{ page.token }}"}},
                    "records": "$.items[*]"
                }),
            ),
        ],
    );
    assert_eq!(check(search), vec![]);
}

#[test]
fn incremental_cursor_may_name_a_canonical_field() {
    let canonical = json!({"cursor_field": "updatedAt", "param": "updated_since"});
    let mut definition = with(base(), &[("/streams/0/incremental", canonical)]);
    definition["streams"][0]["mapping"]["fields"]["updatedAt"] =
        json!({"datetime": {"value": "$.changed", "format": "rfc2822"}});
    assert_eq!(check(definition.clone()), vec![]);

    let integer = json!({"cursor_field": "updatedAt", "cursor_type": "integer", "param": "since"});
    assert_single(
        with(definition, &[("/streams/0/incremental", integer)]),
        "incremental-cursor-type",
        "/streams/0/incremental/cursor_field",
        Severity::Error,
    );
}

#[test]
fn a_canonical_cursor_field_must_be_mapped_and_orderable() {
    let unmapped = json!({"cursor_field": "updatedAt", "param": "since"});
    assert_single(
        with(base(), &[("/streams/0/incremental", unmapped)]),
        "unmapped-cursor-field",
        "/streams/0/incremental/cursor_field",
        Severity::Error,
    );
    let mut definition = base();
    definition["streams"][0]["mapping"]["fields"]["updatedAt"] =
        json!({"datetime": {"value": "$.changed"}});
    let as_string = json!({"cursor_field": "updatedAt", "cursor_type": "string", "param": "since"});
    let d = assert_single(
        with(definition, &[("/streams/0/incremental", as_string)]),
        "incremental-cursor-type",
        "/streams/0/incremental/cursor_field",
        Severity::Error,
    );
    assert!(d.message.contains("a `string` cursor cannot order"), "{d}");
}
