use super::*;

#[test]
fn redacts_credential_headers_and_keeps_the_rest() {
    let headers = vec![
        ("Authorization".to_owned(), "Bearer s3cret".to_owned()),
        ("X-API-Key".to_owned(), "k3y".to_owned()),
        ("Accept".to_owned(), "application/json".to_owned()),
    ];
    let redacted = redact_headers(&headers);
    assert_eq!(redacted[0].1, REDACTED);
    assert_eq!(redacted[1].1, REDACTED);
    assert_eq!(redacted[2].1, "application/json");
}

#[test]
fn redacts_credential_query_parameters_and_user_info() {
    let url = "https://user:pa55@api.acme.example/v1/items?page=2&api_key=s3cret&access_token=t0k";
    let redacted = redact_url(url);
    for secret in ["pa55", "s3cret", "t0k", "user:"] {
        assert!(!redacted.contains(secret), "{secret} leaked in {redacted}");
    }
    assert!(redacted.contains("page=2"), "{redacted}");
    assert!(redacted.starts_with("https://"), "{redacted}");
}

#[test]
fn text_that_is_not_a_url_loses_its_query() {
    assert_eq!(redact_url("not a url?token=s3cret"), "not a url");
}
