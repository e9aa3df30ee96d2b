//! Rules that keep secrets out of definitions: credentials come from config values marked
//! secret, never from literals in the document.

use indexmap::IndexMap;

use super::BuildContext;
use crate::credentials::is_credential_name;
use crate::diagnostic::Diagnostic;
use crate::pointer;

pub(super) fn check(cx: &mut BuildContext) {
    let definition = cx.definition;
    for (field, _) in definition.auth.credential_templates() {
        require_secret_config(cx, &pointer::push("/auth", field), field);
    }
    check_map(cx, "/headers", &definition.headers, true);
    for (index, stream) in definition.streams.iter().enumerate() {
        let read_at = format!("/streams/{index}/read");
        check_map(
            cx,
            &format!("{read_at}/headers"),
            &stream.read.headers,
            true,
        );
        check_map(cx, &format!("{read_at}/query"), &stream.read.query, false);
        if let Some(write) = &stream.write {
            check_map(
                cx,
                &format!("/streams/{index}/write/headers"),
                &write.headers,
                true,
            );
        }
    }
    for (name, property) in &definition.config_spec.properties {
        if !property.secret && is_credential_name(name) {
            cx.push(
                Diagnostic::warning(
                    "secret-not-marked",
                    pointer::push("/config_spec/properties", name),
                    format!(
                        "config property `{name}` looks like a credential but is not marked secret"
                    ),
                )
                .with_hint("add `\"secret\": true` so its value is redacted everywhere"),
            );
        }
    }
}

/// Credential-like headers and query parameters must not be literals, and the config values they
/// read must be secret. Reading pagination or state variables is fine (`page_token`).
fn check_map(cx: &mut BuildContext, at: &str, map: &IndexMap<String, String>, headers: bool) {
    for name in map.keys() {
        let sensitive = is_credential_name(name);
        let template = pointer::push(at, name);
        // A literal (even one wrapped in `{{ '...' }}`) or a config read must be a secret read;
        // pagination and state reads are fine (`page_token`).
        let literal = !cx.templates.reads_any(&template);
        if sensitive && (literal || !cx.templates.config_references(&template).is_empty()) {
            let what = if headers { "header" } else { "query parameter" };
            require_secret_config(cx, &pointer::push(at, name), &format!("{what} `{name}`"));
        }
    }
}

/// The template at `at` carries a credential: it must read at least one config property, and
/// every property it reads must be secret.
fn require_secret_config(cx: &mut BuildContext, at: &str, what: &str) {
    if !cx.templates.contains(at) {
        return; // A syntax error was already reported.
    }
    let references = cx.templates.config_references(at);
    if references.is_empty() {
        cx.push(
            Diagnostic::error(
                "inline-secret",
                at,
                format!("{what} is written inline; a definition never holds secrets"),
            )
            .with_hint(
                "declare a secret config property and reference it, e.g. `{{ config.api_token }}`",
            ),
        );
        return;
    }
    let spec = &cx.definition.config_spec;
    for name in references {
        if spec
            .properties
            .get(&name)
            .is_some_and(|property| !property.secret)
        {
            cx.push(
                Diagnostic::error(
                    "secret-not-marked",
                    at,
                    format!("{what} reads `config.{name}`, which is not marked secret"),
                )
                .with_hint(format!(
                    "add `\"secret\": true` to `config_spec.properties.{name}` so its value is redacted everywhere"
                )),
            );
        }
    }
}
