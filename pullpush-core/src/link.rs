//! RFC 8288 `Link` response headers: the `rel="next"` target, and whether any links are there at
//! all (a last page often still has `first` and `prev`).

/// The links of every `Link` header, as `(target, relations)`, in order. Several headers and
/// several comma-separated links per header are both allowed.
pub fn parse_link_headers(headers: &[(String, String)]) -> Vec<(String, Vec<String>)> {
    headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("link"))
        .flat_map(|(_, value)| split(value))
        .collect()
}

/// The target of the first link whose relations include `next`.
pub fn next_link(links: &[(String, Vec<String>)]) -> Option<&str> {
    links
        .iter()
        .find(|(_, relations)| relations.iter().any(|rel| rel.eq_ignore_ascii_case("next")))
        .map(|(target, _)| target.as_str())
}

/// Splits one header value into links, respecting `<…>` and quoted parameter values, which may
/// both contain commas.
fn split(header: &str) -> Vec<(String, Vec<String>)> {
    let mut links = Vec::new();
    let mut rest = header;
    while let Some(start) = rest.find('<') {
        let Some(length) = rest[start..].find('>') else {
            break;
        };
        let target = rest[start + 1..start + length].trim().to_owned();
        rest = &rest[start + length + 1..];
        let mut in_quotes = false;
        let mut cut = rest.len();
        for (index, c) in rest.char_indices() {
            match c {
                '"' => in_quotes = !in_quotes,
                ',' if !in_quotes => {
                    cut = index;
                    break;
                }
                _ => {}
            }
        }
        let relations = rest[..cut]
            .split(';')
            .filter_map(|param| param.split_once('='))
            .filter(|(key, _)| key.trim().eq_ignore_ascii_case("rel"))
            .flat_map(|(_, value)| {
                value
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect();
        links.push((target, relations));
        rest = &rest[cut..];
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> Vec<(String, String)> {
        values
            .iter()
            .map(|value| ("Link".to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn finds_next_among_several_links_and_headers() {
        let found = parse_link_headers(&headers(&[
            r#"<https://x.io/a?page=1>; rel="first", <https://x.io/a?page=9,x>; title="a, b"; rel="last""#,
            r#"<https://x.io/a?page=3>; rel="next prefetch""#,
        ]));
        assert_eq!(found.len(), 3);
        assert_eq!(found[1].0, "https://x.io/a?page=9,x");
        assert_eq!(next_link(&found), Some("https://x.io/a?page=3"));
        assert_eq!(
            next_link(&parse_link_headers(&headers(&["<x>; rel=prev"]))),
            None
        );
        assert!(parse_link_headers(&headers(&["garbage"])).is_empty());
    }
}
