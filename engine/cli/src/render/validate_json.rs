//! `validate -json`: Terraform's machine-readable validation result (format 1.0), with
//! spans resolved to the file the user wrote (JSON configurations, joined override files).

use meshplan_engine::diag::{Diagnostic, Diagnostics, Severity, Sources};
use serde_json::{json, Value as J};

pub fn validate_json(diags: &Diagnostics, sources: &Sources) -> String {
    let errors = diags.0.iter().filter(|d| d.is_error()).count();
    let doc = json!({
        "format_version": "1.0",
        "valid": errors == 0,
        "error_count": errors,
        "warning_count": diags.0.len() - errors,
        "diagnostics": diags.0.iter().map(|d| diagnostic(d, sources)).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

pub(super) fn diagnostic(d: &Diagnostic, sources: &Sources) -> J {
    // Terraform has no hint field: the hint goes at the end of the detail.
    let detail = match (&d.detail, &d.hint) {
        (Some(x), Some(h)) => format!("{x}\n\n{h}"),
        (Some(x), None) => x.clone(),
        (None, Some(h)) => h.clone(),
        (None, None) => String::new(),
    };
    let mut o = json!({
        "severity": if d.severity == Severity::Error { "error" } else { "warning" },
        "summary": d.summary,
        "detail": detail,
    });
    let resolved = d.span.as_ref().map(|s| sources.resolve(s));
    if let Some((span, file)) = resolved.and_then(|s| sources.get(s.file).map(|f| (s, f))) {
        let text: &str = &file.text;
        let start = floor(text, span.range.start);
        let end = floor(text, span.range.end.max(start));
        o["range"] = json!({"filename": file.display, "start": pos(text, start), "end": pos(text, end)});
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        o["snippet"] = json!({
            "context": context(&text[..line_start]),
            "code": &text[line_start..line_end],
            "start_line": meshplan_engine::diag::line_col(text, start).0,
            "highlight_start_offset": start - line_start,
            "highlight_end_offset": end.min(line_end).max(start) - line_start,
            "values": [],
        });
    }
    o
}

fn floor(text: &str, i: usize) -> usize {
    text.floor_char_boundary(i.min(text.len()))
}

fn pos(text: &str, byte: usize) -> J {
    let (line, column) = meshplan_engine::diag::line_col(text, byte);
    json!({"line": line, "column": column, "byte": byte})
}

/// The header of the top-level block the snippet is in (`resource "a" "b"`), as Terraform's
/// `context`; null outside any block.
fn context(before: &str) -> J {
    before
        .lines()
        .rev()
        .find(|l| !l.starts_with(char::is_whitespace) && !l.is_empty() && !l.starts_with('}') && !l.starts_with('#'))
        .map(|l| l.trim_end())
        .filter(|l| l.len() > 1 && l.ends_with('{'))
        .map_or(J::Null, |l| J::String(l.trim_end_matches('{').trim_end().to_string()))
}
