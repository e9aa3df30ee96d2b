//! Singular record paths: the `$.a.b[0]` subset of JSONPath that names exactly one value.
//!
//! Mapping expressions read one value per field, so their paths are restricted to name and index
//! steps (RFC 9535 calls these singular queries). Parsing them ourselves makes lookups a walk over
//! a few pre-split steps, with no query engine on the per-record path.

use serde_json::Value;

/// A parsed singular path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordPath {
    steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Name(String),
    Index(usize),
}

impl RecordPath {
    /// Parses `$`, `$.name`, `$['odd name']`, `$["x"]` and `$.list[2]` forms.
    pub fn parse(source: &str) -> Result<RecordPath, String> {
        let Some(mut rest) = source.strip_prefix('$') else {
            return Err(format!(
                "`{source}` is not a path: paths start with `$`, e.g. `$.{source}`; for a constant write {{\"const\": \"{source}\"}}"
            ));
        };
        let mut steps = Vec::new();
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('.') {
                if after.starts_with('.') {
                    return Err(format!(
                        "`{source}`: descendant steps (`..`) can match several values; mapping paths name exactly one"
                    ));
                }
                let end = after.find(['.', '[']).unwrap_or(after.len());
                let name = &after[..end];
                if name.is_empty() {
                    return Err(format!(
                        "`{source}`: a `.` must be followed by a field name"
                    ));
                }
                if name == "*" {
                    return Err(format!(
                        "`{source}`: wildcards can match several values; use `each` to map every element of an array"
                    ));
                }
                steps.push(Step::Name(name.to_owned()));
                rest = &after[end..];
            } else if let Some(after) = rest.strip_prefix('[') {
                let end = after
                    .find(']')
                    .ok_or_else(|| format!("`{source}`: unclosed `[`"))?;
                let inner = after[..end].trim();
                let quoted = inner
                    .strip_prefix('\'')
                    .and_then(|s| s.strip_suffix('\''))
                    .or_else(|| inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')));
                if let Some(name) = quoted {
                    steps.push(Step::Name(name.to_owned()));
                } else if let Ok(index) = inner.parse::<usize>() {
                    steps.push(Step::Index(index));
                } else {
                    return Err(format!(
                        "`{source}`: `[{inner}]` is not a quoted name or a non-negative index; wildcards, slices and filters can match several values"
                    ));
                }
                rest = &after[end + 1..];
            } else {
                return Err(format!(
                    "`{source}`: expected `.name` or `[...]` after `{}`",
                    &source[..source.len() - rest.len()]
                ));
            }
        }
        Ok(RecordPath { steps })
    }

    /// The value at this path, or `None` when any step is missing.
    pub fn get<'a>(&self, value: &'a Value) -> Option<&'a Value> {
        self.steps
            .iter()
            .try_fold(value, |current, step| match step {
                Step::Name(name) => current.get(name.as_str()),
                Step::Index(index) => current.get(*index),
            })
    }

    /// The first field name of the path, e.g. `quantity` for `$.quantity.value`.
    pub fn first_name(&self) -> Option<&str> {
        match self.steps.first() {
            Some(Step::Name(name)) => Some(name),
            _ => None,
        }
    }

    /// Whether the path is `$` itself.
    pub fn is_root(&self) -> bool {
        self.steps.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::RecordPath;
    use serde_json::json;

    #[test]
    fn reads_names_quoted_names_and_indexes() {
        let record = json!({"a": {"b c": [10, {"d": true}]}});
        let get = |path: &str| RecordPath::parse(path).unwrap().get(&record).cloned();
        assert_eq!(get("$.a['b c'][0]"), Some(json!(10)));
        assert_eq!(get("$.a[\"b c\"][1].d"), Some(json!(true)));
        assert_eq!(get("$"), Some(record.clone()));
        assert_eq!(get("$.missing.deeper"), None);
        assert_eq!(get("$.a['b c'][7]"), None);
    }

    #[test]
    fn refuses_paths_that_could_match_several_values() {
        for path in [
            "$..a",
            "$.a[*]",
            "$.*",
            "$.a[0:2]",
            "$.a[?@.b]",
            "sku",
            "$.",
            "$.a[1",
        ] {
            assert!(RecordPath::parse(path).is_err(), "{path} should be refused");
        }
        let message = RecordPath::parse("sku").unwrap_err();
        assert!(message.contains("const"), "{message}");
    }
}
