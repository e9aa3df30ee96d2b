//! Names as words: what discovery compares when it matches parameters, fields and paths by name.

/// Lower case letters and digits only: `updated_at`, `updatedAt` and `Updated-At` all become
/// `updatedat`.
pub(crate) fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The words of a name, lower case: `UpdatedDateUTC` → updated, date, utc; `total_on_hand` →
/// total, on, hand.
pub(crate) fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (index, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let previous = index.checked_sub(1).map(|i| chars[i]);
        let next = chars.get(index + 1);
        let boundary = c.is_uppercase()
            && previous.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
            });
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_normal_forms() {
        assert_eq!(words("ListCustomers"), ["list", "customers"]);
        assert_eq!(words("Calls.json"), ["calls", "json"]);
        assert_eq!(words("stock_items"), ["stock", "items"]);
        assert_eq!(words("getAPIKeys"), ["get", "api", "keys"]);
        assert_eq!(words("UpdatedDateUTC"), ["updated", "date", "utc"]);
        assert_eq!(normalize("page[size]"), "pagesize");
        assert_eq!(normalize("Updated-At"), "updatedat");
    }
}
