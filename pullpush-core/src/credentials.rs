//! Which names carry credentials: the one heuristic behind both the validation rule "credentials
//! come from secret config values" and the redaction of exchanges in `pullpush-http`.

/// Header names whose values are credentials, compared case-insensitively.
const CREDENTIAL_HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie"];

/// Fragments that mark a header, query parameter or config name as a credential wherever they
/// appear in it (`X-Auth-Token`, `client_secret`, `db_password`).
const CREDENTIAL_FRAGMENTS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "apikey",
    "api_key",
    "credential",
    "signature",
];

/// Names that are credentials as a whole, but whose words are ordinary inside other names
/// (`key` is a credential, `sort_key` is not).
const CREDENTIAL_NAMES: &[&str] = &["key", "sig", "auth", "session", "session_id", "sessionid"];

/// Suffixes of key names that are credentials (`private_key`, `access_key`), unlike
/// `sort_key` or `project_key`.
const CREDENTIAL_KEY_SUFFIXES: &[&str] =
    &["private_key", "secret_key", "access_key", "signing_key"];

/// Whether a header, query parameter or config property of this name carries a credential, e.g.
/// `Authorization`, `X-API-Key`, `client_secret`, `access_token`, `key`; not `sort_key`.
pub fn is_credential_name(name: &str) -> bool {
    let normalized = name.to_ascii_lowercase().replace('-', "_");
    // An address is not a secret, even when it names one (`token_url`, `auth_endpoint`).
    if ["url", "uri", "endpoint"]
        .iter()
        .any(|suffix| normalized.ends_with(suffix))
    {
        return false;
    }
    CREDENTIAL_HEADERS.contains(&name.to_ascii_lowercase().as_str())
        || CREDENTIAL_FRAGMENTS
            .iter()
            .any(|fragment| normalized.contains(fragment))
        || CREDENTIAL_NAMES.contains(&normalized.as_str())
        || CREDENTIAL_KEY_SUFFIXES
            .iter()
            .any(|suffix| normalized.ends_with(suffix))
}

#[cfg(test)]
mod tests {
    use super::is_credential_name;

    #[test]
    fn credentials_by_name() {
        for name in [
            "Authorization",
            "X-API-Key",
            "client_secret",
            "access_token",
            "key",
            "private_key",
            "Cookie",
        ] {
            assert!(is_credential_name(name), "{name}");
        }
        for name in [
            "sort_key",
            "project_key",
            "Accept",
            "page",
            "keyboard_layout",
        ] {
            assert!(!is_credential_name(name), "{name}");
        }
    }
}
