//! Terraform-style lines for attribute values and their diffs.
//!
//! A line is `indent + marker (right-aligned, width 3) + ' ' + text`; nesting adds 4 to the
//! indent. Sensitive values print as `(sensitive value)`, unknown ones as
//! `(known after apply)`; multi-line strings and JSON documents diff line by line.

use meshplan_provider::{format_number, Path, Value};
use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub indent: usize,
    /// "+", "-", "~", "" (unchanged) — colored by the caller.
    pub marker: &'static str,
    pub text: String,
}

impl Line {
    pub fn new(indent: usize, marker: &'static str, text: impl Into<String>) -> Self {
        Line { indent, marker, text: text.into() }
    }
}

pub fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format_number(*n),
        Value::String(s) => quote(s),
        Value::Unknown => "(known after apply)".into(),
        Value::Sensitive(_) => "(sensitive value)".into(),
        Value::List(l) if l.is_empty() => "[]".into(),
        Value::Object(m) if m.is_empty() => "{}".into(),
        Value::List(_) => "[...]".into(),
        Value::Object(_) => "{...}".into(),
    }
}

pub fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

fn is_complex(v: &Value) -> bool {
    matches!(v, Value::List(l) if !l.is_empty()) || matches!(v, Value::Object(m) if !m.is_empty())
}

fn is_multiline(v: &Value) -> bool {
    matches!(v, Value::String(s) if s.trim_end_matches('\n').contains('\n'))
}

/// A JSON document in a string (policies), pretty-printed for line diffs.
fn json_doc(v: &Value) -> Option<String> {
    let s = v.as_str()?.trim();
    if !(s.starts_with('{') || s.starts_with('[')) || s.len() < 2 {
        return None;
    }
    let j: serde_json::Value = serde_json::from_str(s).ok()?;
    serde_json::to_string_pretty(&sort_keys(j)).ok()
}

/// Object keys in sorted order, as Terraform shows JSON documents: the workspace enables
/// serde_json's `preserve_order`, so without this a reordered (but equal) document would
/// show as a diff, and key order would depend on how the string was written.
fn sort_keys(j: serde_json::Value) -> serde_json::Value {
    match j {
        serde_json::Value::Object(m) => {
            let mut entries: Vec<(String, serde_json::Value)> = m.into_iter().map(|(k, v)| (k, sort_keys(v))).collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().collect())
        }
        serde_json::Value::Array(a) => serde_json::Value::Array(a.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

/// The attributes of an object (create, delete or update), aligned like Terraform.
/// Returns the lines and how many unchanged attributes were hidden.
pub fn object_diff(
    before: Option<&Value>,
    after: Option<&Value>,
    indent: usize,
    at: &Path,
    replace: &[Path],
    out: &mut Vec<Line>,
) -> usize {
    let empty = std::collections::BTreeMap::new();
    let b = before.and_then(|v| v.as_object().filter(|_| !v.is_sensitive())).unwrap_or(&empty);
    let a = after.and_then(|v| v.as_object().filter(|_| !v.is_sensitive())).unwrap_or(&empty);
    let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    let mut hidden = 0;
    let mut shown: Vec<(&String, Option<&Value>, Option<&Value>)> = Vec::new();
    for k in keys {
        let (bv, av) =
            (before.map(|_| b.get(k).unwrap_or(&Value::Null)), after.map(|_| a.get(k).unwrap_or(&Value::Null)));
        let unchanged = matches!((bv, av), (Some(x), Some(y)) if x == y);
        let skip_null = match (bv, av) {
            (None, Some(v)) | (Some(v), None) => v.is_null() || matches!(v, Value::List(l) if l.is_empty()),
            (Some(x), Some(y)) => x.is_null() && y.is_null(),
            _ => true,
        };
        if skip_null {
            continue;
        }
        if unchanged && k != "id" && k != "name" {
            hidden += 1;
            continue;
        }
        shown.push((k, bv, av));
    }
    let width = shown.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
    for (k, bv, av) in shown {
        let path = at.key(k);
        let name = format!("{k:width$}");
        attr_diff(&name, bv, av, indent, &path, replace, out);
    }
    hidden
}

fn forces(path: &Path, replace: &[Path]) -> &'static str {
    if replace.contains(path) {
        " # forces replacement"
    } else {
        ""
    }
}

/// One `name = value` entry (or `"key" = value` inside maps).
pub fn attr_diff(
    name: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    indent: usize,
    path: &Path,
    replace: &[Path],
    out: &mut Vec<Line>,
) {
    let fr = forces(path, replace);
    match (before, after) {
        (None, Some(a)) => whole(name, "+", a, indent, fr, out),
        (Some(Value::Null), Some(a)) if !a.is_null() => whole(name, "+", a, indent, fr, out),
        (Some(b), None) | (Some(b), Some(Value::Null)) => {
            if is_complex(b) {
                whole(name, "-", b, indent, fr, out);
            } else {
                out.push(Line::new(indent, "-", format!("{name} = {} -> null{fr}", scalar(b))));
            }
        }
        (Some(b), Some(a)) if b == a => out.push(Line::new(indent, "", format!("{name} = {}", render_inline(b)))),
        (Some(b), Some(a)) => {
            if b.is_sensitive() || a.is_sensitive() {
                out.push(Line::new(indent, "~", format!("{name} = (sensitive value){fr}")));
            } else if let (Some(jb), Some(ja)) = (json_doc(b), json_doc(a)) {
                text_diff(name, "jsonencode(", &jb, &ja, indent, fr, out);
            } else if is_multiline(b) || is_multiline(a) {
                text_diff(name, "<<-EOT", b.as_str().unwrap_or(""), a.as_str().unwrap_or(""), indent, fr, out);
            } else {
                match (b, a) {
                    (Value::Object(_), Value::Object(_)) => {
                        out.push(Line::new(indent, "~", format!("{name} = {{{fr}")));
                        let hidden = object_entries_diff(b, a, indent + 4, path, replace, out);
                        if hidden > 0 {
                            out.push(Line::new(indent + 4, "", format!("# ({hidden} unchanged elements hidden)")));
                        }
                        out.push(Line::new(indent, "", "}"));
                    }
                    (Value::List(bl), Value::List(al)) if bl.len() == al.len() => {
                        out.push(Line::new(indent, "~", format!("{name} = [{fr}")));
                        for (i, (x, y)) in bl.iter().zip(al).enumerate() {
                            if x == y {
                                out.push(Line::new(indent + 4, "", format!("{},", render_inline(x))));
                            } else {
                                element_diff(x, y, indent + 4, &path.index(i), replace, out);
                            }
                        }
                        out.push(Line::new(indent, "", "]"));
                    }
                    (Value::List(bl), Value::List(al)) => {
                        out.push(Line::new(indent, "~", format!("{name} = [{fr}")));
                        for x in bl.iter().filter(|x| !al.contains(x)) {
                            out.push(Line::new(indent + 4, "-", format!("{},", render_inline(x))));
                        }
                        for y in al {
                            let m = if bl.contains(y) { "" } else { "+" };
                            out.push(Line::new(indent + 4, m, format!("{},", render_inline(y))));
                        }
                        out.push(Line::new(indent, "", "]"));
                    }
                    _ => out.push(Line::new(
                        indent,
                        "~",
                        format!("{name} = {} -> {}{fr}", render_inline(b), render_inline(a)),
                    )),
                }
            }
        }
        (None, None) => {}
    }
}

fn element_diff(b: &Value, a: &Value, indent: usize, path: &Path, replace: &[Path], out: &mut Vec<Line>) {
    match (b, a) {
        (Value::Object(_), Value::Object(_)) if !b.is_sensitive() && !a.is_sensitive() => {
            out.push(Line::new(indent, "~", "{"));
            let hidden = object_diff(Some(b), Some(a), indent + 4, path, replace, out);
            if hidden > 0 {
                out.push(Line::new(indent + 4, "", format!("# ({hidden} unchanged attributes hidden)")));
            }
            out.push(Line::new(indent, "", "},"));
        }
        _ => out.push(Line::new(indent, "~", format!("{} -> {},", render_inline(b), render_inline(a)))),
    }
}

/// Map entries (quoted keys), for updates of maps and objects.
fn object_entries_diff(
    b: &Value,
    a: &Value,
    indent: usize,
    path: &Path,
    replace: &[Path],
    out: &mut Vec<Line>,
) -> usize {
    let (Some(bm), Some(am)) = (b.as_object(), a.as_object()) else { return 0 };
    let keys: BTreeSet<&String> = bm.keys().chain(am.keys()).collect();
    let width = keys.iter().map(|k| quote(k).len()).max().unwrap_or(0);
    let mut hidden = 0;
    for k in keys {
        let (x, y) = (bm.get(k), am.get(k));
        if x == y {
            hidden += 1;
            continue;
        }
        let name = format!("{:width$}", quote(k));
        attr_diff(&name, x, y, indent, &path.key(k), replace, out);
    }
    hidden
}

/// A value shown whole, every line with `marker` (create or destroy).
fn whole(name: &str, marker: &'static str, v: &Value, indent: usize, fr: &str, out: &mut Vec<Line>) {
    let suffix = if marker == "-" && !is_complex(v) { " -> null" } else { "" };
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push(Line::new(indent, marker, format!("{name} = {{{fr}")));
            let width = m.keys().map(|k| quote(k).len()).max().unwrap_or(0);
            for (k, x) in m {
                whole(&format!("{:width$}", quote(k)), marker, x, indent + 4, "", out);
            }
            out.push(Line::new(indent, "", "}"));
        }
        Value::List(l) if !l.is_empty() => {
            out.push(Line::new(indent, marker, format!("{name} = [{fr}")));
            for x in l {
                match x {
                    Value::Object(m) if !m.is_empty() => {
                        out.push(Line::new(indent + 4, marker, "{"));
                        let width = m.keys().map(|k| k.len()).max().unwrap_or(0);
                        for (k, y) in m {
                            if !y.is_null() {
                                whole(&format!("{k:width$}"), marker, y, indent + 8, "", out);
                            }
                        }
                        out.push(Line::new(indent + 4, "", "},"));
                    }
                    other => out.push(Line::new(indent + 4, marker, format!("{},", render_inline(other)))),
                }
            }
            out.push(Line::new(indent, "", "]"));
        }
        other if is_multiline(other) && marker == "+" => {
            out.push(Line::new(indent, marker, format!("{name} = <<-EOT{fr}")));
            for l in other.as_str().unwrap_or("").trim_end_matches('\n').lines() {
                out.push(Line::new(indent + 4, "", l.to_string()));
            }
            out.push(Line::new(indent + 4, "", "EOT"));
        }
        other => out.push(Line::new(indent, marker, format!("{name} = {}{suffix}{fr}", scalar(other)))),
    }
}

/// A one-line rendering (for unchanged values and scalar changes).
fn render_inline(v: &Value) -> String {
    match v {
        Value::List(l) if !l.is_empty() => format!("[{}]", l.iter().map(render_inline).collect::<Vec<_>>().join(", ")),
        Value::Object(m) if !m.is_empty() => {
            format!(
                "{{ {} }}",
                m.iter().map(|(k, x)| format!("{} = {}", quote(k), render_inline(x))).collect::<Vec<_>>().join(", ")
            )
        }
        other => scalar(other),
    }
}

/// A line diff of two texts (multi-line strings, JSON documents).
fn text_diff(name: &str, opener: &str, before: &str, after: &str, indent: usize, fr: &str, out: &mut Vec<Line>) {
    out.push(Line::new(indent, "~", format!("{name} = {opener}{fr}")));
    let diff = similar::TextDiff::from_lines(before, after);
    for change in diff.iter_all_changes() {
        let marker = match change.tag() {
            similar::ChangeTag::Delete => "-",
            similar::ChangeTag::Insert => "+",
            similar::ChangeTag::Equal => "",
        };
        out.push(Line::new(indent + 4, marker, change.value().trim_end_matches('\n').to_string()));
    }
    out.push(Line::new(indent + 4, "", if opener == "jsonencode(" { ")" } else { "EOT" }));
}

/// An output value as `output` prints it (HCL syntax); sensitive ones hidden.
pub fn output_text(v: &Value) -> String {
    if v.contains_sensitive() {
        return "<sensitive>".into();
    }
    hcl_text(v, 0)
}

fn hcl_text(v: &Value, indent: usize) -> String {
    let pad = " ".repeat(indent + 2);
    match v {
        Value::String(s) if s.contains('\n') => format!("<<EOT\n{s}{}EOT", if s.ends_with('\n') { "" } else { "\n" }),
        Value::List(l) if !l.is_empty() => {
            let items: Vec<String> = l.iter().map(|x| format!("{pad}{},", hcl_text(x, indent + 2))).collect();
            format!("[\n{}\n{}]", items.join("\n"), " ".repeat(indent))
        }
        Value::Object(m) if !m.is_empty() => {
            let width = m.keys().map(|k| quote(k).len()).max().unwrap_or(0);
            let items: Vec<String> =
                m.iter().map(|(k, x)| format!("{pad}{:width$} = {}", quote(k), hcl_text(x, indent + 2))).collect();
            format!("{{\n{}\n{}}}", items.join("\n"), " ".repeat(indent))
        }
        Value::Unknown => "(known after apply)".into(),
        other => scalar(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> String {
        lines.iter().map(|l| format!("{}{:>3} {}\n", " ".repeat(l.indent), l.marker, l.text)).collect()
    }

    #[test]
    fn update_shows_changes_and_forces_replacement() {
        let b = Value::object([
            ("cidr", Value::from("10.0.0.0/16")),
            ("id", Value::from("vpc-1")),
            ("x", Value::from(1i64)),
        ]);
        let a = Value::object([("cidr", Value::from("10.1.0.0/16")), ("id", Value::Unknown), ("x", Value::from(1i64))]);
        let mut out = Vec::new();
        let hidden = object_diff(Some(&b), Some(&a), 4, &Path::root(), &[Path::from("cidr")], &mut out);
        assert_eq!(hidden, 1);
        let t = text(&out);
        assert!(t.contains("~ cidr = \"10.0.0.0/16\" -> \"10.1.0.0/16\" # forces replacement"), "{t}");
        assert!(t.contains("~ id   = \"vpc-1\" -> (known after apply)"), "{t}");
    }

    #[test]
    fn secrets_never_render() {
        let a = Value::object([("key", Value::from("-----BEGIN PRIVATE KEY-----").mark_sensitive())]);
        let mut out = Vec::new();
        object_diff(None, Some(&a), 4, &Path::root(), &[], &mut out);
        let t = text(&out);
        assert!(t.contains("(sensitive value)") && !t.contains("PRIVATE"), "{t}");
    }

    #[test]
    fn json_documents_diff_by_line() {
        let b = Value::object([("policy", Value::from(r#"{"Version":"2012-10-17","Action":"s3:Get"}"#))]);
        let a = Value::object([("policy", Value::from(r#"{"Version":"2012-10-17","Action":"s3:Put"}"#))]);
        let mut out = Vec::new();
        object_diff(Some(&b), Some(&a), 4, &Path::root(), &[], &mut out);
        let t = text(&out);
        assert!(t.contains("-   \"Action\": \"s3:Get\""), "{t}");
        assert!(t.contains("+   \"Action\": \"s3:Put\""), "{t}");
    }
}
