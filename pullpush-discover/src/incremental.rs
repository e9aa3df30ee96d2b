//! Recognising how a list operation can be read incrementally: a parameter that takes a lower
//! bound on the change time, and the record field that holds it.

use serde_json::Value;

use crate::openapi::RawParam;
use crate::report::{IncrementalCandidate, score};
use crate::schema::{is, json_path, property_paths};
use crate::words::normalize;

/// Parameters that take "changed since" (names normalised).
const SINCE_PARAMS: &[&str] = &[
    "updatedsince",
    "updatedafter",
    "modifiedsince",
    "modifiedafter",
    "changedsince",
    "updatedatmin",
    "updatedatbegintime",
    "updatedatstart",
    "updatedatgte",
    "updatedatgt",
    "updatedatfrom",
    "filterupdatedatgt",
    "filterupdatedatgte",
    "qupdatedatgt",
    "since",
    "ifmodifiedsince",
    "lastmodifiedsince",
    "datemodifiedafter",
    "lastupdatedafter",
];

/// Record fields that grow with every change (names normalised).
const UPDATED_FIELDS: &[&str] = &[
    "updatedat",
    "updated",
    "modifiedat",
    "modified",
    "lastmodified",
    "lastmodifiedat",
    "dateupdated",
    "datemodified",
    "updateddateutc",
    "updatedtime",
    "lastupdated",
    "lastupdatedat",
    "updatedon",
];

/// Ways to read incrementally, best first.
pub(crate) fn candidates(params: &[RawParam<'_>], record: &Value) -> Vec<IncrementalCandidate> {
    let field = property_paths(record, 2)
        .into_iter()
        .filter(|(path, member)| {
            UPDATED_FIELDS.contains(&normalize(path.last().copied().unwrap_or_default()).as_str())
                && (is(member, "string") || is(member, "integer") || member.get("type").is_none())
        })
        .min_by_key(|(path, _)| path.len())
        .map(|(path, _)| json_path(&path));
    let mut out: Vec<IncrementalCandidate> = params
        .iter()
        .filter(|param| matches!(param.location, "query" | "header"))
        .filter(|param| SINCE_PARAMS.contains(&normalize(param.name).as_str()))
        .map(|param| {
            let mut evidence = vec![format!("{} parameter `{}`", param.location, param.name)];
            let mut confidence = 0.55;
            if let Some(field) = &field {
                evidence.push(format!("record field `{field}`"));
                confidence += 0.3;
            }
            if param.location == "header" {
                confidence -= 0.1;
            }
            IncrementalCandidate {
                param: Some(param.name.to_owned()),
                location: Some(param.location.to_owned()),
                cursor_field: field.clone(),
                confidence: score(confidence),
                evidence,
            }
        })
        .collect();
    if out.is_empty()
        && let Some(field) = field
    {
        out.push(IncrementalCandidate {
            param: None,
            location: None,
            evidence: vec![
                format!("record field `{field}`"),
                "no parameter filters by it: the cursor is tracked, but every run reads everything"
                    .into(),
            ],
            cursor_field: Some(field),
            confidence: score(0.3),
        });
    }
    out.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    out
}
