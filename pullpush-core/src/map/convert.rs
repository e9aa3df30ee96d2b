//! The value conversions of the mapping language. Each takes a non-null JSON value and returns
//! the converted value or a lowercase message; null never reaches them (it passes through).

use jiff::civil::{Date, DateTime};
use jiff::{Timestamp, tz::TimeZone};
use serde_json::{Number, Value};

use crate::canonical::validate::json_type;
use crate::definition::UnixUnit;

pub(crate) fn to_string(value: &Value) -> Result<Value, String> {
    string_of(value).map(Value::String)
}

/// The text of a scalar: strings as they are, numbers and booleans formatted.
pub(crate) fn string_of(value: &Value) -> Result<String, String> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        other => Err(format!("cannot convert {} to a string", json_type(other))),
    }
}

pub(crate) fn to_integer(value: &Value) -> Result<Value, String> {
    let fail = || format!("cannot convert {} to an integer", json_type(value));
    match value {
        Value::Number(number) if number.is_i64() || number.is_u64() => Ok(value.clone()),
        Value::Number(number) => {
            let float = number.as_f64().ok_or_else(fail)?;
            if float.fract() == 0.0 && float.abs() < 9.0e15 {
                Ok(Value::from(float as i64))
            } else if float.fract() == 0.0 {
                // Beyond 2^53 a float no longer holds every whole number, so the digits the
                // source meant are unknown; that is not a fraction, and saying so would mislead.
                Err(format!(
                    "{number} is too large to be read as an exact integer; send it as a string or an integer"
                ))
            } else {
                Err(format!(
                    "{number} has a fraction; an integer field never silently drops it"
                ))
            }
        }
        Value::String(text) => {
            let text = text.trim();
            if let Ok(integer) = text.parse::<i64>() {
                return Ok(Value::from(integer));
            }
            match normalize_decimal(text) {
                Some(decimal) => match decimal.split_once('.') {
                    Some((whole, fraction)) if fraction.bytes().all(|b| b == b'0') => {
                        whole.parse::<i64>().map(Value::from).map_err(|_| fail())
                    }
                    Some(_) => Err(format!(
                        "\"{text}\" has a fraction; an integer field never silently drops it"
                    )),
                    None => Err(fail()),
                },
                None => Err(fail()),
            }
        }
        _ => Err(fail()),
    }
}

pub(crate) fn to_number(value: &Value) -> Result<Value, String> {
    match value {
        Value::Number(_) => Ok(value.clone()),
        Value::String(text) => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| format!("cannot convert {} to a number", json_type(value))),
        other => Err(format!("cannot convert {} to a number", json_type(other))),
    }
}

pub(crate) fn to_decimal(value: &Value) -> Result<Value, String> {
    let decimal = match value {
        Value::Number(number) => number_to_decimal(number),
        Value::String(text) => normalize_decimal(text.trim()),
        _ => None,
    };
    decimal
        .map(Value::String)
        .ok_or_else(|| format!("cannot convert {} to a decimal", json_type(value)))
}

pub(crate) fn minor_units(value: &Value, decimals: u32) -> Result<Value, String> {
    let units = match to_integer(value) {
        Ok(Value::Number(number)) => number.to_string(),
        _ => {
            return Err(format!(
                "minor units must be a whole number, found {}",
                json_type(value)
            ));
        }
    };
    let (sign, digits) = match units.strip_prefix('-') {
        Some(digits) => ("-", digits),
        None => ("", units.as_str()),
    };
    let decimals = decimals as usize;
    if decimals == 0 {
        return Ok(Value::String(units.clone()));
    }
    let padded = format!("{digits:0>width$}", width = decimals + 1);
    let (whole, fraction) = padded.split_at(padded.len() - decimals);
    let sign = if digits.bytes().all(|b| b == b'0') {
        ""
    } else {
        sign
    };
    Ok(Value::String(format!("{sign}{whole}.{fraction}")))
}

pub(crate) fn to_boolean(value: &Value) -> Result<Value, String> {
    let parsed = match value {
        Value::Bool(flag) => Some(*flag),
        Value::Number(number) => match number.as_i64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Value::String(text) => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "y" => Some(true),
            "false" | "0" | "no" | "n" => Some(false),
            _ => None,
        },
        _ => None,
    };
    parsed
        .map(Value::Bool)
        .ok_or_else(|| format!("cannot convert {} to a boolean", json_type(value)))
}

pub(crate) fn to_datetime(
    value: &Value,
    format: Option<&str>,
    unix: Option<UnixUnit>,
) -> Result<Value, String> {
    parse_instant(value, format, unix).map(|instant| Value::String(instant.to_string()))
}

pub(crate) fn to_date(value: &Value, format: Option<&str>) -> Result<Value, String> {
    let Value::String(text) = value else {
        return Err(format!("cannot read a date from {}", json_type(value)));
    };
    let text = text.trim();
    let date = match format {
        Some(RFC2822 | MS_JSON) => {
            let instant = parse_instant(&Value::String(text.to_owned()), format, None)?;
            instant.to_zoned_datetime(TimeZone::UTC).date()
        }
        Some(format) => jiff::fmt::strtime::parse(format, text)
            .and_then(|parsed| parsed.to_date())
            .map_err(|err| format!("\"{text}\" does not match the format `{format}`: {err}"))?,
        None => text
            .parse::<Date>()
            .or_else(|_| {
                text.parse::<Timestamp>()
                    .map(|ts| ts.to_zoned_datetime(TimeZone::UTC).date())
            })
            .or_else(|_| text.parse::<DateTime>().map(|dt| dt.date()))
            .map_err(|_| format!("\"{text}\" is not a date such as 2024-05-01"))?,
    };
    Ok(Value::String(date.to_string()))
}

fn parse_instant(
    value: &Value,
    format: Option<&str>,
    unix: Option<UnixUnit>,
) -> Result<Timestamp, String> {
    match (value, unix) {
        (Value::Number(number), Some(unit)) => unix_instant(number, unit),
        (Value::String(text), Some(unit)) => {
            let number: Number = text
                .trim()
                .parse()
                .map_err(|_| format!("\"{text}\" is not a Unix timestamp"))?;
            unix_instant(&number, unit)
        }
        (Value::Number(number), None) => Err(format!(
            "the number {number} is not a date-time; set `unix` to `seconds` or `milliseconds` if it is a Unix timestamp"
        )),
        (Value::String(text), None) => {
            let text = text.trim();
            match format {
                Some(RFC2822) => jiff::fmt::rfc2822::parse(text)
                    .map(|zoned| zoned.timestamp())
                    .map_err(|err| format!("\"{text}\" is not an RFC 2822 date-time: {err}")),
                Some(MS_JSON) => ms_json_instant(text),
                Some(format) => {
                    let parsed = jiff::fmt::strtime::parse(format, text).map_err(|err| {
                        format!("\"{text}\" does not match the format `{format}`: {err}")
                    })?;
                    parsed
                        .to_timestamp()
                        .or_else(|_| parsed.to_datetime().and_then(|dt| TimeZone::UTC.to_timestamp(dt)))
                        .or_else(|_| parsed.to_date().and_then(|date| TimeZone::UTC.to_timestamp(date.into())))
                        .map_err(|err| format!("\"{text}\" with format `{format}` is not a complete date-time: {err}"))
                }
                None => text
                    .parse::<Timestamp>()
                    .or_else(|_| {
                        text.parse::<DateTime>()
                            .and_then(|dt| TimeZone::UTC.to_timestamp(dt))
                    })
                    .map_err(|_| {
                        format!(
                            "\"{text}\" is not an RFC 3339 date-time; give a `format` such as `%d/%m/%Y %H:%M`"
                        )
                    }),
            }
        }
        (other, _) => Err(format!("cannot read a date-time from {}", json_type(other))),
    }
}

/// The `format` keyword for RFC 2822 dates (`Fri, 04 Sep 2015 22:54:41 +0000`, e-mail style).
pub(crate) const RFC2822: &str = "rfc2822";

/// The `format` keyword for Microsoft JSON dates (`/Date(1573755038314+0000)/`, .NET APIs such as
/// Xero): milliseconds since the epoch, UTC; the offset suffix only says how to display it.
pub(crate) const MS_JSON: &str = "ms_json";

fn ms_json_instant(text: &str) -> Result<Timestamp, String> {
    let fail =
        || format!("\"{text}\" is not a Microsoft JSON date such as /Date(1573755038314+0000)/");
    let inner = text
        .strip_prefix("/Date(")
        .and_then(|rest| rest.strip_suffix(")/"))
        .ok_or_else(fail)?;
    let digits_end = inner
        .char_indices()
        .skip(1)
        .find(|(_, c)| !c.is_ascii_digit())
        .map_or(inner.len(), |(index, _)| index);
    let millis: i64 = inner[..digits_end].parse().map_err(|_| fail())?;
    Timestamp::from_millisecond(millis).map_err(|err| format!("{text} is out of range: {err}"))
}

fn unix_instant(number: &Number, unit: UnixUnit) -> Result<Timestamp, String> {
    let result = match (number.as_i64(), unit) {
        (Some(seconds), UnixUnit::Seconds) => Timestamp::from_second(seconds),
        (Some(millis), UnixUnit::Milliseconds) => Timestamp::from_millisecond(millis),
        (None, unit) => {
            let float = number
                .as_f64()
                .ok_or_else(|| format!("{number} is not a Unix timestamp"))?;
            let millis = match unit {
                UnixUnit::Seconds => float * 1000.0,
                UnixUnit::Milliseconds => float,
            };
            Timestamp::from_millisecond(millis.round() as i64)
        }
    };
    result.map_err(|err| format!("{number} is out of range for a date-time: {err}"))
}

/// The exact decimal a JSON number was written as. Integers are kept whole; floats use their
/// shortest round-trip form, which is the literal the source wrote for up to 15 significant
/// digits, with any exponent expanded.
pub(crate) fn number_to_decimal(number: &Number) -> Option<String> {
    if number.is_i64() || number.is_u64() {
        return Some(number.to_string());
    }
    let text = number.to_string();
    match text.split_once(['e', 'E']) {
        None => normalize_decimal(&text),
        Some((mantissa, exponent)) => {
            let exponent: i64 = exponent.parse().ok()?;
            expand_exponent(mantissa, exponent)
        }
    }
}

fn expand_exponent(mantissa: &str, exponent: i64) -> Option<String> {
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{whole}{fraction}");
    let point = whole.len() as i64 + exponent;
    if exponent.abs() > 400 {
        return None;
    }
    let text = if point <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat((-point) as usize))
    } else if point as usize >= digits.len() {
        format!(
            "{sign}{digits}{}",
            "0".repeat(point as usize - digits.len())
        )
    } else {
        let (left, right) = digits.split_at(point as usize);
        format!("{sign}{left}.{right}")
    };
    normalize_decimal(&text)
}

/// Checks a decimal string and brings it to canonical form: no `+`, no leading zeros, a zero
/// before a leading point, no trailing point, no negative zero. Trailing fraction zeros are kept
/// (they can carry meaning, e.g. "19.90").
pub(crate) fn normalize_decimal(text: &str) -> Option<String> {
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits_only = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits_only(whole) || !digits_only(fraction) {
        return None;
    }
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let is_zero = whole == "0" && fraction.bytes().all(|b| b == b'0');
    let sign = if negative && !is_zero { "-" } else { "" };
    if fraction.is_empty() {
        Some(format!("{sign}{whole}"))
    } else {
        Some(format!("{sign}{whole}.{fraction}"))
    }
}
