//! Security schemes → the auth kinds of a connector definition.

use serde_json::Value;

use crate::report::AuthCandidate;

/// Translates one security scheme; OAuth 2.0 schemes give one candidate per flow.
pub(crate) fn candidates(name: &str, scheme: &Value, global: &[String]) -> Vec<AuthCandidate> {
    let base = AuthCandidate {
        scheme: name.to_owned(),
        kind: "unsupported".into(),
        location: None,
        name: None,
        flow: None,
        token_url: None,
        authorization_url: None,
        scopes: Vec::new(),
        global: global.iter().any(|g| g == name),
        note: None,
    };
    let get = |key: &str| scheme.get(key).and_then(Value::as_str);
    match get("type").unwrap_or_default() {
        // Swagger 2.0 writes basic as its own type; OpenAPI 3 as http + scheme.
        "basic" => vec![AuthCandidate {
            kind: "basic".into(),
            ..base
        }],
        "http" => {
            let kind = match get("scheme").map(str::to_ascii_lowercase).as_deref() {
                Some("bearer") => "bearer",
                Some("basic") => "basic",
                other => {
                    return vec![AuthCandidate {
                        note: Some(format!(
                            "HTTP scheme {:?} is not supported; bearer and basic are",
                            other.unwrap_or_default()
                        )),
                        ..base
                    }];
                }
            };
            vec![AuthCandidate {
                kind: kind.into(),
                ..base
            }]
        }
        "apiKey" => {
            let location = get("in").unwrap_or_default();
            let header = get("name").unwrap_or_default();
            let mut candidate = AuthCandidate {
                location: Some(location.to_owned()),
                name: Some(header.to_owned()),
                ..base
            };
            match location {
                "header" | "query" => {
                    candidate.kind = "api_key".into();
                    if location == "header" && header.eq_ignore_ascii_case("authorization") {
                        candidate.note = Some(
                            "an API key in the Authorization header is usually sent as `Bearer <key>`; check the scheme's description".into(),
                        );
                    }
                }
                _ => {
                    candidate.note = Some(format!(
                        "API keys in {location:?} are not supported; header and query are"
                    ))
                }
            }
            vec![candidate]
        }
        "oauth2" => oauth2(scheme, base),
        "openIdConnect" => vec![AuthCandidate {
            note: Some(
                "OpenID Connect discovery is not supported; if it issues client-credentials tokens, use oauth2_client_credentials with its token endpoint".into(),
            ),
            ..base
        }],
        other => vec![AuthCandidate {
            note: Some(format!("security scheme type {other:?} is not supported")),
            ..base
        }],
    }
}

fn oauth2(scheme: &Value, base: AuthCandidate) -> Vec<AuthCandidate> {
    let scopes_of = |flow: &Value| -> Vec<String> {
        let mut scopes: Vec<String> = flow
            .get("scopes")
            .and_then(Value::as_object)
            .map(|scopes| scopes.keys().cloned().collect())
            .unwrap_or_default();
        scopes.sort();
        scopes
    };
    let url = |flow: &Value, key: &str| flow.get(key).and_then(Value::as_str).map(str::to_owned);
    // Swagger 2.0: one flow per scheme, its name in `flow`, its URLs beside it.
    let flows: Vec<(String, &Value)> = match scheme.get("flows").and_then(Value::as_object) {
        Some(flows) => flows
            .iter()
            .map(|(name, flow)| (name.clone(), flow))
            .collect(),
        None => match scheme.get("flow").and_then(Value::as_str) {
            Some(flow) => vec![(flow.to_owned(), scheme)],
            None => Vec::new(),
        },
    };
    if flows.is_empty() {
        return vec![AuthCandidate {
            note: Some("OAuth 2.0 scheme without flows".into()),
            ..base
        }];
    }
    flows
        .into_iter()
        .map(|(flow, details)| {
            let (kind, flow_name, note) = match flow.as_str() {
                "clientCredentials" | "application" => {
                    ("oauth2_client_credentials", "client_credentials", None)
                }
                "authorizationCode" | "accessCode" => (
                    "oauth2_refresh_token",
                    "authorization_code",
                    Some(
                        "the engine runs on a refresh token obtained once through this authorization-code flow".to_owned(),
                    ),
                ),
                "implicit" => (
                    "unsupported",
                    "implicit",
                    Some("the implicit flow gives no refresh token a server can use".to_owned()),
                ),
                "password" => (
                    "unsupported",
                    "password",
                    Some("the resource-owner password flow is not supported".to_owned()),
                ),
                other => (
                    "unsupported",
                    other,
                    Some(format!("OAuth 2.0 flow {other:?} is not supported")),
                ),
            };
            AuthCandidate {
                kind: kind.into(),
                flow: Some(flow_name.to_owned()),
                token_url: url(details, "tokenUrl").or_else(|| url(details, "refreshUrl")),
                authorization_url: url(details, "authorizationUrl"),
                scopes: scopes_of(details),
                note,
                ..base.clone()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn kinds() {
        let kind = |scheme: Value| {
            candidates("s", &scheme, &[])
                .into_iter()
                .map(|c| c.kind)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            kind(json!({"type": "http", "scheme": "Bearer"})),
            ["bearer"]
        );
        assert_eq!(kind(json!({"type": "basic"})), ["basic"]);
        assert_eq!(
            kind(json!({"type": "apiKey", "in": "query", "name": "key"})),
            ["api_key"]
        );
        assert_eq!(
            kind(json!({"type": "apiKey", "in": "cookie", "name": "sid"})),
            ["unsupported"]
        );
        assert_eq!(
            kind(json!({"type": "oauth2", "flows": {
                "authorizationCode": {"authorizationUrl": "https://a/auth", "tokenUrl": "https://a/token", "scopes": {}},
                "clientCredentials": {"tokenUrl": "https://a/token", "scopes": {"b": "", "a": ""}}
            }})),
            ["oauth2_refresh_token", "oauth2_client_credentials"]
        );
        let swagger = candidates(
            "s",
            &json!({"type": "oauth2", "flow": "application", "tokenUrl": "https://a/t", "scopes": {"x": ""}}),
            &["s".into()],
        );
        assert_eq!(swagger[0].kind, "oauth2_client_credentials");
        assert_eq!(swagger[0].token_url.as_deref(), Some("https://a/t"));
        assert!(swagger[0].global);
    }
}
