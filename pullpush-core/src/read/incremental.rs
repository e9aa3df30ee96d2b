//! Incremental state: which lower bound to ask the API for, and the largest cursor value seen.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Map, Value, json};

use crate::definition::{IncrementalConfig, IncrementalCursorType};
use crate::map::RecordPath;

/// The cursor of one stream during a read.
#[derive(Debug)]
pub(crate) struct Cursor {
    cursor_type: IncrementalCursorType,
    source: CursorSource,
    lower_bound: Option<Value>,
    previous: Option<Value>,
    max: Option<(Comparable, Value)>,
}

#[derive(Debug)]
enum CursorSource {
    /// A path into the native record.
    Native(RecordPath),
    /// A field of the mapped canonical record.
    Canonical(String),
}

/// A cursor value in a form that orders correctly for its type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Comparable {
    Instant(Timestamp),
    Integer(i64),
    Text(String),
}

impl Cursor {
    /// Starts from the stored state (`{"cursor": ...}`) or, on the first run, the rendered
    /// `start`. The lower bound is the stored cursor minus the lookback.
    pub(crate) fn new(
        config: &IncrementalConfig,
        stored: Option<&Value>,
        start: Option<String>,
    ) -> Result<Cursor, String> {
        let source = if config.cursor_field.starts_with('$') {
            CursorSource::Native(RecordPath::parse(&config.cursor_field)?)
        } else {
            CursorSource::Canonical(config.cursor_field.clone())
        };
        let previous = stored
            .and_then(|state| state.get("cursor"))
            .filter(|value| !value.is_null())
            .cloned();
        let lower_bound = match &previous {
            Some(value) => Some(lower_bound(config, value)?),
            None => start.filter(|start| !start.is_empty()).map(Value::from),
        };
        Ok(Cursor {
            cursor_type: config.cursor_type,
            source,
            lower_bound,
            previous,
            max: None,
        })
    }

    /// The value to ask the API for (`state.cursor` in templates, the `param` value).
    pub(crate) fn lower_bound(&self) -> Option<&Value> {
        self.lower_bound.as_ref()
    }

    /// Takes note of one delivered record's cursor value. Values that cannot be read as the
    /// cursor type are ignored rather than failing the read; they cannot move the cursor.
    pub(crate) fn observe(&mut self, native: &Value, canonical: &Map<String, Value>) {
        let value = match &self.source {
            CursorSource::Native(path) => path.get(native),
            CursorSource::Canonical(field) => canonical.get(field),
        };
        let Some(value) = value else { return };
        let Some(comparable) = comparable(self.cursor_type, value) else {
            return;
        };
        if self.max.as_ref().is_none_or(|(max, _)| comparable > *max) {
            self.max = Some((comparable, value.clone()));
        }
    }

    /// The state to commit once the records read are delivered: the largest cursor seen, never
    /// moving backwards from the stored one.
    pub(crate) fn state(&self) -> Value {
        let previous = self
            .previous
            .as_ref()
            .and_then(|value| comparable(self.cursor_type, value).map(|c| (c, value)));
        let cursor = match (&self.max, previous) {
            (Some((max, value)), Some((before, _))) if *max > before => value.clone(),
            (Some((_, value)), None) => value.clone(),
            (_, Some((_, value))) => value.clone(),
            (None, None) => Value::Null,
        };
        if cursor.is_null() {
            json!({})
        } else {
            json!({ "cursor": cursor })
        }
    }
}

fn comparable(cursor_type: IncrementalCursorType, value: &Value) -> Option<Comparable> {
    match cursor_type {
        IncrementalCursorType::Datetime => value
            .as_str()
            .and_then(|text| text.parse::<Timestamp>().ok())
            .map(Comparable::Instant),
        IncrementalCursorType::Integer => match value {
            Value::Number(number) => number.as_i64(),
            Value::String(text) => text.trim().parse().ok(),
            _ => None,
        }
        .map(Comparable::Integer),
        IncrementalCursorType::String => match value {
            Value::String(text) => Some(Comparable::Text(text.clone())),
            Value::Number(number) => Some(Comparable::Text(number.to_string())),
            _ => None,
        },
    }
}

fn lower_bound(config: &IncrementalConfig, stored: &Value) -> Result<Value, String> {
    if config.cursor_type != IncrementalCursorType::Datetime || config.lookback_seconds == 0 {
        return Ok(stored.clone());
    }
    let instant: Timestamp = stored
        .as_str()
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| format!("the stored cursor {stored} is not an RFC 3339 date-time"))?;
    let lookback =
        SignedDuration::from_secs(i64::try_from(config.lookback_seconds).unwrap_or(i64::MAX));
    let earlier = instant
        .checked_sub(lookback)
        .map_err(|err| format!("the lookback cannot be applied to {stored}: {err}"))?;
    Ok(Value::from(earlier.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(value: Value) -> IncrementalConfig {
        serde_json::from_value(value).expect("an incremental config")
    }

    #[test]
    fn starts_from_the_start_then_from_the_stored_cursor_minus_lookback() {
        let config = config(
            json!({"cursor_field": "$.updated_at", "param": "since", "lookback_seconds": 60}),
        );
        let first =
            Cursor::new(&config, None, Some("2024-01-01T00:00:00Z".into())).expect("cursor");
        assert_eq!(first.lower_bound(), Some(&json!("2024-01-01T00:00:00Z")));
        let stored = json!({"cursor": "2024-05-01T12:00:00Z"});
        let later = Cursor::new(&config, Some(&stored), None).expect("cursor");
        assert_eq!(later.lower_bound(), Some(&json!("2024-05-01T11:59:00Z")));
    }

    #[test]
    fn keeps_the_largest_value_by_type_and_never_moves_back() {
        let config = config(json!({"cursor_field": "updatedAt"}));
        let stored = json!({"cursor": "2024-05-01T12:00:00Z"});
        let mut cursor = Cursor::new(&config, Some(&stored), None).expect("cursor");
        let canonical = |at: &str| {
            json!({"updatedAt": at})
                .as_object()
                .cloned()
                .expect("object")
        };
        cursor.observe(&json!({}), &canonical("2024-04-01T00:00:00Z"));
        assert_eq!(
            cursor.state(),
            stored,
            "an older record does not move the cursor back"
        );
        cursor.observe(&json!({}), &canonical("2024-05-02T09:00:00+02:00"));
        cursor.observe(&json!({}), &canonical("2024-05-02T06:00:00Z"));
        assert_eq!(
            cursor.state(),
            json!({"cursor": "2024-05-02T09:00:00+02:00"})
        );

        let numbers = config_integer();
        let mut cursor = Cursor::new(&numbers, None, None).expect("cursor");
        for id in [json!(9), json!("10"), json!(2)] {
            cursor.observe(&json!({ "id": id }), &Map::new());
        }
        assert_eq!(cursor.state(), json!({"cursor": "10"}));
    }

    fn config_integer() -> IncrementalConfig {
        config(json!({"cursor_field": "$.id", "cursor_type": "integer", "param": "after"}))
    }

    #[test]
    fn an_empty_read_keeps_the_state() {
        let mut cursor = Cursor::new(&config_integer(), None, None).expect("cursor");
        assert_eq!(cursor.state(), json!({}));
        cursor.observe(&json!({"id": "not a number"}), &Map::new());
        assert_eq!(cursor.state(), json!({}));
    }
}
