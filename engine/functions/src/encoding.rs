//! JSON, base64, URL, text-encoding and CSV functions (YAML lives in `yaml.rs`).

use crate::args::{string, string_value};
use crate::{Env, FunctionError, Value};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::fmt::Write;

type Result = std::result::Result<Value, FunctionError>;

pub(crate) fn jsonencode(args: &[Value], _: &Env) -> Result {
    let value = args.first().unwrap_or(&Value::Null);
    json_string(value).map(string_value).map_err(|e| FunctionError::arg(0, e.message))
}

/// Terraform's JSON: no whitespace, keys sorted, numbers in their shortest decimal form, and
/// `<`, `>`, `&`, U+2028, U+2029 escaped as Go does, so output is safe inside HTML.
pub(crate) fn json_string(value: &Value) -> std::result::Result<String, FunctionError> {
    let mut out = String::new();
    write_json(value, &mut out)?;
    Ok(out)
}

fn write_json(value: &Value, out: &mut String) -> std::result::Result<(), FunctionError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if !n.is_finite() => {
            return Err(FunctionError::new("cannot encode a non-finite number as JSON"))
        }
        Value::Number(n) => out.push_str(&meshplan_provider::format_number(*n)),
        Value::String(s) => write_json_string(s, out),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out)?;
            }
            out.push(']');
        }
        Value::Object(attrs) => {
            out.push('{');
            for (i, (key, item)) in attrs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(key, out);
                out.push(':');
                write_json(item, out)?;
            }
            out.push('}');
        }
        Value::Unknown => return Err(FunctionError::new("cannot encode an unknown value")),
        Value::Sensitive(inner) => write_json(inner, out)?,
    }
    Ok(())
}

/// Terraform's jsonencode also escapes `<`, `>`, `&` and the line separators.
fn write_json_string(s: &str, out: &mut String) {
    crate::write_quoted(s, out, |c, out| {
        let escape = (c as u32) < 0x20 || matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}');
        if escape {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        escape
    });
}

pub(crate) fn jsondecode(args: &[Value], _: &Env) -> Result {
    let text = string(args, 0)?;
    let parsed: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| FunctionError::arg(0, format!("invalid JSON: {e}")))?;
    Ok(Value::from_json(&parsed))
}

pub(crate) fn base64encode(args: &[Value], _: &Env) -> Result {
    Ok(string_value(STANDARD.encode(string(args, 0)?.as_bytes())))
}

/// Gzips the UTF-8 bytes of a string, then base64-encodes them (for APIs that take
/// compressed payloads, such as cloud-init user data).
pub(crate) fn base64gzip(args: &[Value], _: &Env) -> Result {
    use std::io::Write as _;
    let text = string(args, 0)?;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let compressed = encoder
        .write_all(text.as_bytes())
        .and_then(|()| encoder.finish())
        .map_err(|e| FunctionError::new(format!("failed to compress the string: {e}")))?;
    Ok(string_value(STANDARD.encode(compressed)))
}

pub(crate) fn base64decode(args: &[Value], _: &Env) -> Result {
    let bytes = decode_base64(args, 0)?;
    String::from_utf8(bytes)
        .map(string_value)
        .map_err(|_| FunctionError::arg(0, "the result of decoding the provided string is not valid UTF-8"))
}

fn decode_base64(args: &[Value], i: usize) -> std::result::Result<Vec<u8>, FunctionError> {
    let text = string(args, i)?;
    STANDARD.decode(text.as_bytes()).map_err(|e| FunctionError::arg(i, format!("failed to decode base64 data: {e}")))
}

/// Go's `url.QueryEscape`: unreserved characters stay, spaces become `+`, the rest `%XX`.
pub(crate) fn urlencode(args: &[Value], _: &Env) -> Result {
    let text = string(args, 0)?;
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
    Ok(string_value(out))
}

/// Encodes a string in another character encoding, then base64 (for APIs that want
/// UTF-16, such as Windows user data). Supports UTF-8, UTF-16LE/BE, ISO-8859-1, US-ASCII.
pub(crate) fn textencodebase64(args: &[Value], _: &Env) -> Result {
    let text = string(args, 0)?;
    let encoding = TextEncoding::parse(args, 1)?;
    let bytes: Vec<u8> = match encoding {
        TextEncoding::Utf8 => text.as_bytes().to_vec(),
        TextEncoding::Utf16Le => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        TextEncoding::Utf16Be => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        TextEncoding::Latin1 | TextEncoding::Ascii => {
            let limit = if matches!(encoding, TextEncoding::Ascii) { 0x7f } else { 0xff };
            text.chars()
                .map(|c| u8::try_from(c as u32).ok().filter(|b| u32::from(*b) <= limit))
                .collect::<Option<Vec<u8>>>()
                .ok_or_else(|| {
                    FunctionError::arg(
                        0,
                        "the given string contains characters that cannot be represented in the requested encoding",
                    )
                })?
        }
    };
    Ok(string_value(STANDARD.encode(bytes)))
}

pub(crate) fn textdecodebase64(args: &[Value], _: &Env) -> Result {
    let bytes = decode_base64(args, 0)?;
    let encoding = TextEncoding::parse(args, 1)?;
    let invalid = || FunctionError::arg(0, "the decoded bytes are not valid in the given encoding");
    let text = match encoding {
        TextEncoding::Utf8 => String::from_utf8(bytes).map_err(|_| invalid())?,
        TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
            if bytes.len() % 2 != 0 {
                return Err(invalid());
            }
            let units = bytes.chunks(2).map(|p| {
                let pair = [p[0], p[1]];
                if matches!(encoding, TextEncoding::Utf16Le) {
                    u16::from_le_bytes(pair)
                } else {
                    u16::from_be_bytes(pair)
                }
            });
            char::decode_utf16(units).collect::<std::result::Result<String, _>>().map_err(|_| invalid())?
        }
        TextEncoding::Ascii if bytes.iter().any(|b| *b > 0x7f) => return Err(invalid()),
        TextEncoding::Latin1 | TextEncoding::Ascii => bytes.iter().map(|b| char::from(*b)).collect(),
    };
    Ok(string_value(text))
}

enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Latin1,
    Ascii,
}

impl TextEncoding {
    fn parse(args: &[Value], i: usize) -> std::result::Result<TextEncoding, FunctionError> {
        let name = string(args, i)?;
        match name.to_ascii_uppercase().replace('_', "-").as_str() {
            "UTF-8" | "UTF8" => Ok(TextEncoding::Utf8),
            "UTF-16LE" => Ok(TextEncoding::Utf16Le),
            "UTF-16BE" => Ok(TextEncoding::Utf16Be),
            "ISO-8859-1" | "LATIN1" => Ok(TextEncoding::Latin1),
            "US-ASCII" | "ASCII" => Ok(TextEncoding::Ascii),
            _ => Err(FunctionError::arg(
                i,
                format!("{name:?} is not a supported encoding (use UTF-8, UTF-16LE, UTF-16BE, ISO-8859-1 or US-ASCII)"),
            )),
        }
    }
}

/// RFC 4180 CSV whose first row names the columns: a list of objects of strings.
pub(crate) fn csvdecode(args: &[Value], _: &Env) -> Result {
    let text = string(args, 0)?;
    let mut rows = parse_csv(&text).map_err(|m| FunctionError::arg(0, m))?.into_iter();
    let Some(header) = rows.next() else { return Ok(Value::List(vec![])) };
    let mut out = Vec::new();
    for (line, row) in rows.enumerate() {
        if row.len() != header.len() {
            return Err(FunctionError::arg(
                0,
                format!("data row {} has {} columns, but the header has {}", line + 1, row.len(), header.len()),
            ));
        }
        out.push(Value::Object(header.iter().cloned().zip(row.into_iter().map(Value::String)).collect()));
    }
    Ok(Value::List(out))
}

fn parse_csv(text: &str) -> std::result::Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut in_quotes = false;
    let mut field_started = false;
    while let Some(c) = chars.next() {
        if in_quotes {
            match (c, chars.peek()) {
                ('"', Some('"')) => {
                    field.push('"');
                    chars.next();
                }
                ('"', _) => in_quotes = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => in_quotes = true,
            '"' => return Err(format!("bare \" in non-quoted field in row {}", rows.len() + 1)),
            ',' => row.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => continue,
            '\n' | '\r' => {
                // Empty lines are skipped, as Go's encoding/csv does.
                if field_started || !row.is_empty() || !field.is_empty() {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                field_started = false;
                continue;
            }
            _ => field.push(c),
        }
        field_started = true;
    }
    if in_quotes {
        return Err("extraneous or missing \" in quoted field".to_string());
    }
    if field_started || !row.is_empty() || !field.is_empty() {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
}
