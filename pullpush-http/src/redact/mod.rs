//! What may be shown of a request: credentials replaced, everything else kept so reports stay
//! useful.
//!
//! Redaction is by name (headers and query parameters that carry credentials) because the engine
//! does not always know the secret values themselves (a token fetched at run time); the engine's
//! reports additionally replace every known secret value wherever it appears.

#[cfg(test)]
mod tests;

/// The text that replaces a redacted value.
pub const REDACTED: &str = "[REDACTED]";

/// Whether a header or query parameter of this name may carry a credential. Redaction errs on
/// the side of hiding: beyond the validation heuristic, any name mentioning a key, auth or a
/// session is hidden too (`X-Shop-Key`, `X-Auth-User`).
pub(crate) fn is_secret_name(name: &str) -> bool {
    let lowered = name.to_ascii_lowercase();
    pullpush_core::is_credential_name(name)
        || ["key", "auth", "session"]
            .iter()
            .any(|word| lowered.contains(word))
}

/// Headers with credential values replaced by [`REDACTED`].
pub fn redact_headers(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let value = if is_secret_name(name) {
                REDACTED.to_owned()
            } else {
                value.clone()
            };
            (name.clone(), value)
        })
        .collect()
}

/// The URL with credential query parameters and any user info replaced by [`REDACTED`]. Text that
/// is not a URL is reduced to what precedes its query, so nothing after a `?` leaks.
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return url.split(['?', '#']).next().unwrap_or_default().to_owned();
    };
    if !parsed.username().is_empty() {
        let _ = parsed.set_username(REDACTED);
    }
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some(REDACTED));
    }
    if parsed.query().is_some() {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(name, value)| {
                let value = if is_secret_name(&name) {
                    REDACTED.to_owned()
                } else {
                    value.into_owned()
                };
                (name.into_owned(), value)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}
