//! Rules about templates: every template string compiles and reads only what exists where it
//! sits; the base URL is absolute.

use serde_json::Value;

use super::BuildContext;
use crate::definition::{AuthConfig, ConfigValueType};
use crate::diagnostic::Diagnostic;
use crate::pointer;
use crate::template::{TemplateIssue, Variable};

/// Variables of templates that build connection-wide values (base URL, headers, credentials).
const CONNECTION: &[Variable] = &[Variable::Config];

pub(super) fn check(cx: &mut BuildContext) {
    let definition = cx.definition;
    add(cx, "/base_url", &definition.base_url, CONNECTION);
    for (name, value) in &definition.headers {
        add(cx, &pointer::push("/headers", name), value, CONNECTION);
    }
    for (field, source) in auth_templates(&definition.auth) {
        add(cx, &pointer::push("/auth", field), source, CONNECTION);
    }
    if let AuthConfig::Oauth2ClientCredentials { extra_params, .. } = &definition.auth {
        for (name, value) in extra_params {
            let at = pointer::push("/auth/extra_params", name);
            add(cx, &at, value, CONNECTION);
        }
    }
    for (index, stream) in definition.streams.iter().enumerate() {
        let at = format!("/streams/{index}");
        let mut request = vec![Variable::Config, Variable::State, Variable::Page];
        if stream.parent.is_some() {
            request.push(Variable::Parent);
        }
        let read_at = pointer::push(&at, "read");
        add(
            cx,
            &pointer::push(&read_at, "path"),
            &stream.read.path,
            &request,
        );
        for (name, value) in &stream.read.query {
            add(
                cx,
                &pointer::push(&pointer::push(&read_at, "query"), name),
                value,
                &request,
            );
        }
        for (name, value) in &stream.read.headers {
            add(
                cx,
                &pointer::push(&pointer::push(&read_at, "headers"), name),
                value,
                &request,
            );
        }
        if let Some(body) = &stream.read.body {
            add_json(cx, &pointer::push(&read_at, "body"), body, &request);
        }
        if let Some(start) = stream
            .incremental
            .as_ref()
            .and_then(|inc| inc.start.as_ref())
        {
            add(cx, &format!("{at}/incremental/start"), start, CONNECTION);
        }
        if let Some(write) = &stream.write {
            let write_at = pointer::push(&at, "write");
            let scope = [Variable::Config, Variable::Record, Variable::Event];
            add(cx, &pointer::push(&write_at, "path"), &write.path, &scope);
            for (name, value) in &write.headers {
                add(
                    cx,
                    &pointer::push(&pointer::push(&write_at, "headers"), name),
                    value,
                    &scope,
                );
            }
        }
    }
    check_base_url(cx);
}

/// The templated fields of an auth config, by field name.
fn auth_templates(auth: &AuthConfig) -> Vec<(&'static str, &str)> {
    match auth {
        AuthConfig::None => vec![],
        AuthConfig::Bearer { token } => vec![("token", token)],
        AuthConfig::ApiKey { value, .. } => vec![("value", value)],
        AuthConfig::Basic { username, password } => {
            vec![("username", username), ("password", password)]
        }
        AuthConfig::Oauth2ClientCredentials {
            token_url,
            client_id,
            client_secret,
            ..
        } => vec![
            ("token_url", token_url),
            ("client_id", client_id),
            ("client_secret", client_secret),
        ],
        AuthConfig::Oauth2RefreshToken {
            token_url,
            client_id,
            client_secret,
            refresh_token,
            ..
        } => {
            let mut out = vec![
                ("token_url", token_url.as_str()),
                ("client_id", client_id.as_str()),
                ("refresh_token", refresh_token.as_str()),
            ];
            if let Some(secret) = client_secret {
                out.push(("client_secret", secret));
            }
            out
        }
    }
}

/// Compiles every string inside a JSON body as a template.
fn add_json(cx: &mut BuildContext, at: &str, value: &Value, scope: &[Variable]) {
    for (name, source) in super::string_pointers(at, value) {
        add(cx, &name, source, scope);
    }
}

/// Compiles one template and turns its issues into diagnostics.
fn add(cx: &mut BuildContext, at: &str, source: &str, scope: &[Variable]) {
    let issues = cx.templates.add(at, source, scope, &cx.config_properties);
    for issue in issues {
        let diagnostic = match issue {
            // The source is not echoed: a broken template may carry an inline credential, and
            // the pointer already says which string it is.
            TemplateIssue::Syntax { message } => Diagnostic::error(
                "template-syntax",
                at,
                format!("template does not parse: {message}"),
            )
            .with_hint("templates use Jinja syntax: `{{ config.name }}`"),
            TemplateIssue::UnknownVariable { name, allowed } => Diagnostic::error(
                "unknown-template-variable",
                at,
                format!("template reads `{name}`, which does not exist here"),
            )
            .with_hint(format!("variables available here: {}", allowed.join(", "))),
            TemplateIssue::DynamicConfigRead => Diagnostic::error(
                "dynamic-config-read",
                at,
                "template reads `config` other than as `config.NAME`",
            )
            .with_hint("name the property, e.g. `{{ config.api_token }}`, so it can be checked and kept secret"),
            TemplateIssue::UnknownConfigProperty { name, suggestion } => {
                let hint = match suggestion {
                    Some(close) => format!("did you mean `config.{close}`?"),
                    None => format!("declare `{name}` in `config_spec.properties`"),
                };
                Diagnostic::error(
                    "unknown-config-property",
                    at,
                    format!(
                        "template reads `config.{name}`, which the config spec does not declare"
                    ),
                )
                .with_hint(hint)
            }
        };
        cx.push(diagnostic);
    }
}

/// The base URL must be an absolute http(s) URL. A templated one is rendered with each config
/// property's default, or a placeholder where there is none, so `{{ config.base_url }}` passes
/// when that property is a URI and `/v1` never does.
fn check_base_url(cx: &mut BuildContext) {
    let definition = cx.definition;
    if !cx.templates.contains("/base_url") {
        return;
    }
    let sample: serde_json::Map<String, Value> = definition
        .config_spec
        .properties
        .iter()
        .map(|(name, property)| {
            let value = property.default.clone().unwrap_or_else(|| {
                match (property.value_type, property.format.as_deref()) {
                    (_, Some("uri" | "url")) => Value::from("https://placeholder.invalid"),
                    (ConfigValueType::String, _) => Value::from("placeholder"),
                    (ConfigValueType::Boolean, _) => Value::from(true),
                    _ => Value::from(1),
                }
            });
            (name.clone(), value)
        })
        .collect();
    let context = serde_json::json!({ "config": sample });
    let Ok(rendered) = cx
        .templates
        .render("/base_url", &context, jiff::Timestamp::UNIX_EPOCH)
    else {
        // Rendering can only fail on a value the template reads; those were reported above.
        return;
    };
    let problem = match url::Url::parse(&rendered) {
        Ok(url) if !matches!(url.scheme(), "http" | "https") => Some(format!(
            "uses the scheme `{}`; only http and https are allowed",
            url.scheme()
        )),
        Ok(url) if url.host_str().is_none_or(str::is_empty) => Some("has no host".to_owned()),
        Ok(url) if !url.username().is_empty() || url.password().is_some() => {
            cx.push(
                Diagnostic::error(
                    "inline-secret",
                    "/base_url",
                    "the base URL carries credentials (user info before `@`); a definition never holds secrets",
                )
                .with_hint("remove them from the URL and use `auth` with secret config values"),
            );
            None
        }
        Ok(_) => None,
        Err(err) => Some(format!("is not an absolute URL ({err})")),
    };
    if let Some(problem) = problem {
        cx.push(
            Diagnostic::error(
                "base-url-not-absolute",
                "/base_url",
                format!("the base URL {problem}"),
            )
            .with_hint(
                "write an absolute URL such as `https://api.example.com/v1`; a config property used for it needs `\"format\": \"uri\"` or an absolute default",
            ),
        );
    }
}
