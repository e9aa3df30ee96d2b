//! Credentials rendered from the definition's auth templates and the user's config: what the
//! auth layer of `pullpush-http` needs, with no template left to evaluate.

use std::fmt;

use indexmap::IndexMap;

use crate::config::ResolvedConfig;
use crate::connector::Connector;
use crate::definition::{ApiKeyLocation, AuthConfig, OAuth2ClientAuth};
use crate::template::RenderError;

/// How to authenticate, with every value filled in.
///
/// `Debug` never shows a credential.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// No authentication.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer {
        /// The token.
        token: String,
    },
    /// A key in a header or query parameter.
    ApiKey {
        /// Header or query.
        location: ApiKeyLocation,
        /// Header or parameter name.
        name: String,
        /// The key, prefix included.
        value: String,
    },
    /// HTTP basic.
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: String,
    },
    /// OAuth 2.0: a token endpoint and the grant to use there.
    OAuth2(OAuth2Credentials),
}

/// An OAuth 2.0 client and its grant.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuth2Credentials {
    /// The token endpoint.
    pub token_url: String,
    /// The client id.
    pub client_id: String,
    /// The client secret, if the client has one.
    pub client_secret: Option<String>,
    /// How the client authenticates at the token endpoint.
    pub client_auth: OAuth2ClientAuth,
    /// Scopes to request.
    pub scopes: Vec<String>,
    /// Extra form parameters.
    pub extra_params: IndexMap<String, String>,
    /// Fetch a new token this many seconds before the current one expires.
    pub refresh_before_expiry_seconds: u32,
    /// The grant.
    pub grant: OAuth2Grant,
}

/// Which OAuth 2.0 grant obtains access tokens.
#[derive(Clone, PartialEq, Eq)]
pub enum OAuth2Grant {
    /// Client credentials (RFC 6749 §4.4).
    ClientCredentials,
    /// Refresh token (RFC 6749 §6); the server may rotate it.
    RefreshToken {
        /// The current refresh token.
        refresh_token: String,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            Credentials::None => "none",
            Credentials::Bearer { .. } => "bearer",
            Credentials::ApiKey { .. } => "api_key",
            Credentials::Basic { .. } => "basic",
            Credentials::OAuth2(oauth) => match oauth.grant {
                OAuth2Grant::ClientCredentials => "oauth2_client_credentials",
                OAuth2Grant::RefreshToken { .. } => "oauth2_refresh_token",
            },
        };
        write!(f, "Credentials({kind}, [REDACTED])")
    }
}

impl fmt::Debug for OAuth2Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OAuth2Grant::ClientCredentials => f.write_str("ClientCredentials"),
            OAuth2Grant::RefreshToken { .. } => f.write_str("RefreshToken([REDACTED])"),
        }
    }
}

impl fmt::Debug for OAuth2Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2Credentials")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl Connector {
    /// Renders the definition's auth templates with `config`.
    pub fn credentials(
        &self,
        config: &ResolvedConfig,
        now: jiff::Timestamp,
    ) -> Result<Credentials, RenderError> {
        let context = serde_json::json!({ "config": config.values() });
        let render = |field: &str| {
            self.templates()
                .render(&crate::pointer::push("/auth", field), &context, now)
        };
        let scopes = |scopes: &[String]| scopes.to_vec();
        Ok(match &self.definition().auth {
            AuthConfig::None => Credentials::None,
            AuthConfig::Bearer { .. } => Credentials::Bearer {
                token: render("token")?,
            },
            AuthConfig::ApiKey { location, name, .. } => Credentials::ApiKey {
                location: *location,
                name: name.clone(),
                value: render("value")?,
            },
            AuthConfig::Basic { .. } => Credentials::Basic {
                username: render("username")?,
                password: render("password")?,
            },
            AuthConfig::Oauth2ClientCredentials {
                scopes: requested,
                client_auth,
                extra_params,
                refresh_before_expiry_seconds,
                ..
            } => {
                let extra_params = extra_params
                    .keys()
                    .map(|name| {
                        let at = crate::pointer::push("/auth/extra_params", name);
                        let value = self.templates().render(&at, &context, now)?;
                        Ok((name.clone(), value))
                    })
                    .collect::<Result<_, RenderError>>()?;
                Credentials::OAuth2(OAuth2Credentials {
                    token_url: render("token_url")?,
                    client_id: render("client_id")?,
                    client_secret: Some(render("client_secret")?),
                    client_auth: *client_auth,
                    scopes: scopes(requested),
                    extra_params,
                    refresh_before_expiry_seconds: *refresh_before_expiry_seconds,
                    grant: OAuth2Grant::ClientCredentials,
                })
            }
            AuthConfig::Oauth2RefreshToken {
                client_secret,
                scopes: requested,
                client_auth,
                refresh_before_expiry_seconds,
                ..
            } => Credentials::OAuth2(OAuth2Credentials {
                token_url: render("token_url")?,
                client_id: render("client_id")?,
                client_secret: match client_secret {
                    Some(_) => Some(render("client_secret")?),
                    None => None,
                },
                client_auth: *client_auth,
                scopes: scopes(requested),
                extra_params: IndexMap::new(),
                refresh_before_expiry_seconds: *refresh_before_expiry_seconds,
                grant: OAuth2Grant::RefreshToken {
                    refresh_token: render("refresh_token")?,
                },
            }),
        })
    }

    /// Renders the base URL with `config`.
    pub fn base_url(
        &self,
        config: &ResolvedConfig,
        now: jiff::Timestamp,
    ) -> Result<String, RenderError> {
        let context = serde_json::json!({ "config": config.values() });
        self.templates().render("/base_url", &context, now)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::{CanonicalRegistry, Definition};

    fn connector(auth: serde_json::Value) -> Connector {
        let definition: Definition = serde_json::from_value(json!({
            "id": "acme", "name": "Acme", "version": "1.0.0",
            "config_spec": {"properties": {
                "client_id": {"type": "string"},
                "client_secret": {"type": "string", "secret": true},
                "refresh_token": {"type": "string", "secret": true},
                "host": {"type": "string", "default": "api.acme.example"}
            }},
            "base_url": "https://{{ config.host }}/v1",
            "auth": auth,
            "streams": [{
                "name": "contacts", "canonical_type": "contact",
                "read": {"path": "/contacts"},
                "mapping": {"fields": {"email": "$.email"}}
            }]
        }))
        .expect("a definition");
        Connector::build(definition, &CanonicalRegistry::builtin()).expect("valid")
    }

    fn config(connector: &Connector) -> ResolvedConfig {
        let values =
            json!({"client_id": "app", "client_secret": "s3cret", "refresh_token": "r3fresh"});
        connector
            .definition()
            .config_spec
            .resolve(values.as_object().expect("object"))
            .expect("valid config")
    }

    #[test]
    fn renders_oauth_refresh_credentials_and_the_base_url() {
        let connector = connector(json!({
            "type": "oauth2_refresh_token",
            "token_url": "https://{{ config.host }}/oauth/token",
            "client_id": "{{ config.client_id }}",
            "client_secret": "{{ config.client_secret }}",
            "refresh_token": "{{ config.refresh_token }}",
            "scopes": ["read"]
        }));
        let config = config(&connector);
        let now = jiff::Timestamp::UNIX_EPOCH;
        let credentials = connector.credentials(&config, now).expect("renders");
        let Credentials::OAuth2(oauth) = &credentials else {
            panic!("expected OAuth2, got {credentials:?}");
        };
        assert_eq!(oauth.token_url, "https://api.acme.example/oauth/token");
        assert_eq!(oauth.client_secret.as_deref(), Some("s3cret"));
        assert_eq!(
            oauth.grant,
            OAuth2Grant::RefreshToken {
                refresh_token: "r3fresh".into()
            }
        );
        let shown = format!("{credentials:?} {oauth:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("r3fresh"),
            "{shown}"
        );
        assert_eq!(
            connector.base_url(&config, now).expect("renders"),
            "https://api.acme.example/v1"
        );
    }
}
