//! Diagnostics as miette reports: `file:line:col`, the span underlined, a hint.

use meshplan_engine::diag::{Diagnostic, Diagnostics, Severity, Sources};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

#[derive(Debug)]
struct Report {
    d: Diagnostic,
    /// `label at file:line:col` for each related place.
    related: Vec<String>,
    src: Option<NamedSource<String>>,
    location: Option<String>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.d.summary)?;
        if let Some(l) = &self.location {
            write!(f, " ({l})")?;
        }
        Ok(())
    }
}
impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        let mut parts = Vec::new();
        if let Some(d) = &self.d.detail {
            if self.d.label.as_deref() != Some(d.as_str()) {
                parts.push(d.clone());
            }
        }
        if !self.d.related.is_empty() {
            parts.push(self.related.join("\n"));
        }
        if let Some(h) = &self.d.hint {
            parts.push(h.clone());
        }
        (!parts.is_empty()).then(|| Box::new(parts.join("\n")) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.src.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.d.span.as_ref()?;
        self.src.as_ref()?;
        let len = (span.range.end.saturating_sub(span.range.start)).max(1);
        Some(Box::new(std::iter::once(LabeledSpan::new(self.d.label.clone(), span.range.start, len))))
    }
}

/// All diagnostics as text, ready for stderr.
pub fn render_diagnostics(diags: &Diagnostics, sources: &Sources, color: bool) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    for d in &diags.0 {
        // Spans in generated text (HCL written from JSON) are shown in the file the user wrote.
        let mut d = d.clone();
        d.span = d.span.map(|s| sources.resolve(&s));
        let (src, location) = match d.span.as_ref().and_then(|s| sources.get(s.file).map(|f| (s, f))) {
            Some((span, f)) => {
                let text = f.text.to_string();
                let in_range = span.range.end <= text.len();
                (in_range.then(|| NamedSource::new(f.display.clone(), text)), Some(sources.location(span)))
            }
            None => (None, None),
        };
        let related = d.related.iter().map(|(l, s)| format!("{l} at {}", sources.location(s))).collect();
        let r = Report { d, related, src, location };
        let _ = handler.render_report(&mut out, &r);
        out.push('\n');
    }
    out
}

/// `-compact-warnings`: one line per distinct warning summary (with where it first
/// occurred and how many more there are), as Terraform prints them after a run.
pub fn render_compact_warnings(diags: &Diagnostics, sources: &Sources) -> String {
    let mut seen: Vec<(&str, Option<String>, usize)> = Vec::new();
    for d in diags.0.iter().filter(|d| !d.is_error()) {
        match seen.iter_mut().find(|(s, _, _)| *s == d.summary) {
            Some(entry) => entry.2 += 1,
            None => seen.push((&d.summary, d.span.as_ref().map(|s| sources.location(s)), 0)),
        }
    }
    if seen.is_empty() {
        return String::new();
    }
    let mut s = String::from("\nWarnings:\n\n");
    for (summary, at, more) in seen {
        s.push_str(&format!("- {summary}"));
        if let Some(at) = at {
            s.push_str(&format!(" (at {at})"));
        }
        if more > 0 {
            s.push_str(&format!(" (and {more} more similar warning{})", if more == 1 { "" } else { "s" }));
        }
        s.push('\n');
    }
    s.push_str("\nTo see the full warning notes, run meshplan without -compact-warnings.\n");
    s
}
