//! YAML: `yamldecode`, the multi-document `yamldecode_all` (exported as
//! `manifest_decode_multi` too, for Kubernetes manifests) and `yamlencode`.
//!
//! Decoding uses `serde_norway` (the maintained fork of serde_yaml, which bounds recursion
//! and alias expansion). Encoding is our own small emitter because Terraform's output style
//! is specific: every string and key double-quoted, sequences under a key not indented,
//! multi-line strings as literal blocks.

use crate::args::{string, string_value};
use crate::{Env, FunctionError, Value};
use std::fmt::Write;

#[path = "yaml11.rs"]
mod yaml11;

type Result<T = Value> = std::result::Result<T, FunctionError>;

/// One document; an empty string decodes to null.
pub(crate) fn yamldecode(args: &[Value], _: &Env) -> Result {
    let mut documents = decode_documents(&string(args, 0)?)?;
    match documents.len() {
        0 => Ok(Value::Null),
        1 => Ok(documents.remove(0)),
        n => Err(FunctionError::arg(
            0,
            format!(
            "the string holds {n} YAML documents, but yamldecode takes exactly one (use yamldecode_all for a stream)"
        ),
        )),
    }
}

/// Every document of a `---`-separated stream, skipping empty ones.
pub(crate) fn yamldecode_all(args: &[Value], _: &Env) -> Result {
    let documents = decode_documents(&string(args, 0)?)?;
    Ok(Value::List(documents.into_iter().filter(|d| !d.is_null()).collect()))
}

fn decode_documents(text: &str) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    for (i, document) in serde_norway::Deserializer::from_str(text).enumerate() {
        let mut raw = serde::de::DeserializeSeed::deserialize(yaml11::Resolve { input: text }, document)
            .map_err(|e| FunctionError::arg(0, format!("invalid YAML in document {}: {e}", i + 1)))?;
        raw.apply_merge().map_err(|e| FunctionError::arg(0, format!("invalid YAML merge key: {e}")))?;
        out.push(from_yaml(raw)?);
    }
    Ok(out)
}

fn from_yaml(raw: serde_norway::Value) -> Result {
    use serde_norway::Value as Y;
    Ok(match raw {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => match n.as_f64().filter(|f| f.is_finite()) {
            Some(f) => Value::Number(f),
            None => return Err(FunctionError::arg(0, format!("the YAML number {n} cannot be represented"))),
        },
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::List(items.into_iter().map(from_yaml).collect::<Result<_>>()?),
        Y::Mapping(map) => {
            Value::Object(map.into_iter().map(|(k, v)| Ok((yaml_key(k)?, from_yaml(v)?))).collect::<Result<_>>()?)
        }
        // Tags (`!Ref`, `!!binary`, ...) carry no meaning in the language; keep the value.
        Y::Tagged(tagged) => from_yaml(tagged.value)?,
    })
}

/// Object keys are strings in the language; scalar keys convert, others are errors.
fn yaml_key(key: serde_norway::Value) -> Result<String> {
    match from_yaml(key)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(meshplan_provider::format_number(n)),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok("null".to_string()),
        other => {
            Err(FunctionError::arg(0, format!("a YAML mapping key must be a scalar, got a {}", other.type_name())))
        }
    }
}

pub(crate) fn yamlencode(args: &[Value], _: &Env) -> Result {
    let value = args.first().unwrap_or(&Value::Null);
    let mut out = String::new();
    match value {
        Value::List(items) if !items.is_empty() => write_list(items, 0, false, &mut out)?,
        Value::Object(attrs) if !attrs.is_empty() => write_map(attrs, 0, false, &mut out)?,
        scalar => write_inline(scalar, 0, &mut out)?,
    }
    Ok(string_value(out))
}

fn pad(indent: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// Entries of a mapping at `indent`; the first goes on the current line after `- ` when
/// `inline_first`.
fn write_map(
    attrs: &std::collections::BTreeMap<String, Value>,
    indent: usize,
    inline_first: bool,
    out: &mut String,
) -> Result<()> {
    for (i, (key, value)) in attrs.iter().enumerate() {
        if i > 0 || !inline_first {
            pad(indent, out);
        }
        write_double_quoted(key, out);
        out.push(':');
        match value {
            Value::List(items) if !items.is_empty() => {
                out.push('\n');
                write_list(items, indent, false, out)?;
            }
            Value::Object(inner) if !inner.is_empty() => {
                out.push('\n');
                write_map(inner, indent + 2, false, out)?;
            }
            scalar => {
                out.push(' ');
                write_inline(scalar, indent + 2, out)?;
            }
        }
    }
    Ok(())
}

fn write_list(items: &[Value], indent: usize, inline_first: bool, out: &mut String) -> Result<()> {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !inline_first {
            pad(indent, out);
        }
        out.push_str("- ");
        match item {
            Value::List(inner) if !inner.is_empty() => write_list(inner, indent + 2, true, out)?,
            Value::Object(attrs) if !attrs.is_empty() => write_map(attrs, indent + 2, true, out)?,
            scalar => write_inline(scalar, indent + 2, out)?,
        }
    }
    Ok(())
}

/// A scalar or empty collection and its newline; a literal block's lines go at `block_indent`.
fn write_inline(value: &Value, block_indent: usize, out: &mut String) -> Result<()> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if n.is_finite() => out.push_str(&meshplan_provider::format_number(*n)),
        Value::Number(_) => return Err(FunctionError::arg(0, "cannot encode a non-finite number as YAML")),
        Value::String(s) if suits_literal_block(s) => return write_literal(s, block_indent, out),
        Value::String(s) => write_double_quoted(s, out),
        Value::List(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
        Value::Unknown => return Err(FunctionError::arg(0, "cannot encode an unknown value")),
        Value::Sensitive(inner) => return write_inline(inner, block_indent, out),
    }
    out.push('\n');
    Ok(())
}

/// Multi-line strings read best as `|` blocks, but only some survive one unchanged: no
/// control characters, no leading indentation, no trailing spaces that a reader might trim.
fn suits_literal_block(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\t', '\n'])
        && !s
            .chars()
            .any(|c| (c.is_control() && c != '\n') || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}' | '\u{85}'))
        && !s.split('\n').any(|line| line.ends_with([' ', '\t']))
}

fn write_literal(s: &str, indent: usize, out: &mut String) -> Result<()> {
    let body = s.trim_end_matches('\n');
    let chomping = match s.len() - body.len() {
        0 => "|-",
        1 => "|",
        _ => "|+",
    };
    out.push_str(chomping);
    out.push('\n');
    for line in body.split('\n') {
        if !line.is_empty() {
            pad(indent, out);
            out.push_str(line);
        }
        out.push('\n');
    }
    // Keep (`|+`) needs the extra trailing newlines written out as empty lines.
    for _ in 1..(s.len() - body.len()) {
        out.push('\n');
    }
    Ok(())
}

fn write_double_quoted(s: &str, out: &mut String) {
    crate::write_quoted(s, out, |c, out| {
        let code = c as u32;
        if c == '\0' {
            out.push_str("\\0");
        } else if c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}') {
            let _ = if code <= 0xff { write!(out, "\\x{code:02X}") } else { write!(out, "\\u{code:04X}") };
        } else {
            return false;
        }
        true
    });
}
