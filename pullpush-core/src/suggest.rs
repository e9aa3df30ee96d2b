//! "Did you mean" suggestions for misspelt names.

/// The candidate closest to `name` by case-insensitive edit distance, when it is close enough to
/// be a typo rather than a different word.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lowered = name.to_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            let distance = strsim::osa_distance(&lowered, &candidate.to_lowercase());
            (distance, candidate)
        })
        .filter(|(distance, candidate)| *distance <= (candidate.len().max(name.len()) / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_typos_but_not_unrelated_words() {
        let names = ["quantity", "sku", "locationId"];
        assert_eq!(closest("quantitiy", names), Some("quantity"));
        assert_eq!(closest("locationid", names), Some("locationId"));
        assert_eq!(closest("colour", names), None);
    }
}
