//! Authentication settings of a definition.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How requests are authenticated, selected by `type`.
///
/// Every credential is a template that reads a secret config value, e.g.
/// `"token": "{{ config.api_token }}"`; a literal credential in a definition is an error.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum AuthConfig {
    /// No authentication.
    #[default]
    None,
    /// `Authorization: Bearer <token>`.
    Bearer {
        /// The token, a template such as `{{ config.api_token }}`.
        token: String,
    },
    /// An API key sent in a header or a query parameter.
    ApiKey {
        /// Where the key goes.
        #[serde(rename = "in")]
        location: ApiKeyLocation,
        /// Header or query parameter name, e.g. `X-API-Key` or `api_key`.
        name: String,
        /// The key, a template such as `{{ config.api_key }}`. A prefix may be part of it, e.g.
        /// `Token {{ config.api_key }}`.
        value: String,
    },
    /// HTTP basic authentication.
    Basic {
        /// User name, a template.
        username: String,
        /// Password, a template reading a secret, e.g. `{{ config.auth_token }}`. May be empty for
        /// APIs that put the key in the user name.
        #[serde(default)]
        password: String,
    },
    /// OAuth 2.0 client-credentials grant (RFC 6749 §4.4). The token is cached and fetched again
    /// shortly before it expires and once on a 401.
    Oauth2ClientCredentials {
        /// Token endpoint, an absolute URL template.
        token_url: String,
        /// Client id, a template.
        client_id: String,
        /// Client secret, a template reading a secret.
        client_secret: String,
        /// Scopes to request.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        scopes: Vec<String>,
        /// How the client authenticates at the token endpoint.
        #[serde(default)]
        client_auth: OAuth2ClientAuth,
        /// Extra form parameters for the token request (templates), e.g. `audience`.
        #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
        extra_params: IndexMap<String, String>,
        /// Fetch a new token this many seconds before the current one expires.
        #[serde(default = "default_refresh_margin")]
        refresh_before_expiry_seconds: u32,
    },
    /// OAuth 2.0 refresh-token grant (RFC 6749 §6). When the server rotates the refresh token the
    /// engine surfaces the new one so it can be persisted back to the config.
    Oauth2RefreshToken {
        /// Token endpoint, an absolute URL template.
        token_url: String,
        /// Client id, a template.
        client_id: String,
        /// Client secret, a template reading a secret. Public clients may leave it out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_secret: Option<String>,
        /// The refresh token, a template reading a secret, e.g. `{{ config.refresh_token }}`.
        refresh_token: String,
        /// Scopes to request.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        scopes: Vec<String>,
        /// How the client authenticates at the token endpoint.
        #[serde(default)]
        client_auth: OAuth2ClientAuth,
        /// Fetch a new token this many seconds before the current one expires.
        #[serde(default = "default_refresh_margin")]
        refresh_before_expiry_seconds: u32,
    },
}

fn default_refresh_margin() -> u32 {
    60
}

/// Where an API key is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApiKeyLocation {
    /// In a request header.
    Header,
    /// In a query parameter.
    Query,
}

/// How an OAuth 2.0 client proves its identity at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OAuth2ClientAuth {
    /// HTTP basic with client id and secret (`client_secret_basic`, the RFC's default).
    #[default]
    Basic,
    /// `client_id` and `client_secret` as form fields (`client_secret_post`).
    Body,
}

impl AuthConfig {
    /// The `type` name of this auth kind, as written in definitions.
    pub fn kind(&self) -> &'static str {
        match self {
            AuthConfig::None => "none",
            AuthConfig::Bearer { .. } => "bearer",
            AuthConfig::ApiKey { .. } => "api_key",
            AuthConfig::Basic { .. } => "basic",
            AuthConfig::Oauth2ClientCredentials { .. } => "oauth2_client_credentials",
            AuthConfig::Oauth2RefreshToken { .. } => "oauth2_refresh_token",
        }
    }

    /// The templates that carry credentials, with their field name, so checks can make sure they
    /// come from secret config values rather than being written inline.
    pub fn credential_templates(&self) -> Vec<(&'static str, &str)> {
        match self {
            AuthConfig::None => vec![],
            AuthConfig::Bearer { token } => vec![("token", token)],
            AuthConfig::ApiKey { value, .. } => vec![("value", value)],
            AuthConfig::Basic { password, .. } if password.is_empty() => vec![],
            AuthConfig::Basic { password, .. } => vec![("password", password)],
            AuthConfig::Oauth2ClientCredentials { client_secret, .. } => {
                vec![("client_secret", client_secret)]
            }
            AuthConfig::Oauth2RefreshToken {
                client_secret,
                refresh_token,
                ..
            } => {
                let mut out = vec![("refresh_token", refresh_token.as_str())];
                if let Some(secret) = client_secret {
                    out.push(("client_secret", secret));
                }
                out
            }
        }
    }
}
