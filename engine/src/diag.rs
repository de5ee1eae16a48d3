//! Diagnostics: what went wrong, where in which file, and a hint.
//!
//! Plain data; `render::diagnostics` turns them into miette reports. Every user error in
//! the engine is one of these, so the CLI never panics on bad input.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

pub type FileId = u32;

/// A byte range in one source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub file: FileId,
    pub range: Range<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    pub summary: String,
    pub detail: Option<String>,
    pub span: Option<Span>,
    /// Text under the underlined span.
    pub label: Option<String>,
    pub hint: Option<String>,
    /// Other places the problem involves (every member of a cycle), shown with their locations.
    pub related: Vec<(String, Span)>,
    /// The module instances (`module.m["a"]`) where the walk met this diagnostic.
    pub instances: Vec<String>,
}

impl Diagnostic {
    pub fn error(summary: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: None,
            span: None,
            label: None,
            hint: None,
            related: Vec::new(),
            instances: Vec::new(),
        }
    }
    pub fn warning(summary: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(summary) }
    }
    pub fn at(mut self, span: Option<Span>) -> Self {
        if self.span.is_none() {
            self.span = span;
        }
        self
    }
    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }
    pub fn label(mut self, l: impl Into<String>) -> Self {
        self.label = Some(l.into());
        self
    }
    pub fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = Some(h.into());
        self
    }
    pub fn maybe_detail(self, d: Option<String>) -> Self {
        match d {
            Some(d) => self.detail(d),
            None => self,
        }
    }
    pub fn maybe_hint(self, h: Option<String>) -> Self {
        match h {
            Some(h) => self.hint(h),
            None => self,
        }
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.summary)?;
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

/// A list of diagnostics; an operation fails when it holds an error.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Merges repeats of a diagnostic (same severity, summary, detail and place): the same
    /// error met in every instance of a module is one error, naming the instances.
    pub fn dedup(&mut self) {
        let mut out: Vec<Diagnostic> = Vec::new();
        for d in std::mem::take(&mut self.0) {
            let same = |x: &Diagnostic| {
                x.severity == d.severity && x.summary == d.summary && x.detail == d.detail && x.span == d.span
            };
            match out.iter_mut().find(|x| same(x)) {
                Some(x) => x.instances.extend(d.instances),
                None => out.push(d),
            }
        }
        for d in &mut out {
            if !d.instances.is_empty() {
                d.instances.sort();
                d.instances.dedup();
                let list = d.instances.join(", ");
                d.detail = Some(match d.detail.take() {
                    Some(x) => format!("{x}\n\nin {list}"),
                    None => format!("in {list}"),
                });
            }
        }
        self.0 = out;
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

pub struct SourceFile {
    pub path: PathBuf,
    /// The path as shown to the user (relative to the working directory when possible).
    pub display: String,
    pub text: Arc<str>,
    /// Set for text meshplan generated from another file (HCL written from a `.tf.json`
    /// file): where each generated range came from, so diagnostics point at the real file.
    pub origin: Option<Origin>,
}

/// The source map of a generated file: `(generated range, original span, exact)`; exact
/// entries map byte for byte (a JSON string copied verbatim, a file joined with others),
/// the others map to the whole original span.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub map: Vec<(Range<usize>, Span, bool)>,
}

/// Every source file read in a run, by [`FileId`]; shared so diagnostics can be rendered late.
#[derive(Clone, Default)]
pub struct Sources(Arc<RwLock<Vec<Arc<SourceFile>>>>);

impl Sources {
    pub fn add(&self, path: PathBuf, display: String, text: String) -> FileId {
        let mut files = self.0.write().unwrap_or_else(|e| e.into_inner());
        files.push(Arc::new(SourceFile { path, display, text: text.into(), origin: None }));
        (files.len() - 1) as FileId
    }
    /// Adds text generated from other files.
    pub fn add_generated(&self, path: PathBuf, display: String, text: String, origin: Origin) -> FileId {
        let mut files = self.0.write().unwrap_or_else(|e| e.into_inner());
        files.push(Arc::new(SourceFile { path, display, text: text.into(), origin: Some(origin) }));
        (files.len() - 1) as FileId
    }
    /// The span in the file the user wrote: the smallest source-map entry that holds the
    /// whole span decides; spans of ordinary files come back unchanged.
    pub fn resolve(&self, span: &Span) -> Span {
        let Some(origin) = self.get(span.file).and_then(|f| f.origin.clone()) else { return span.clone() };
        let best = origin
            .map
            .iter()
            .filter(|(g, _, _)| g.start <= span.range.start && span.range.end <= g.end.max(g.start + 1))
            .min_by_key(|(g, _, _)| g.len());
        match best {
            Some((g, o, true)) => {
                let start = o.range.start + (span.range.start - g.start);
                let end = (o.range.start + (span.range.end - g.start)).min(o.range.end).max(start);
                self.resolve(&Span { file: o.file, range: start..end })
            }
            Some((_, o, false)) => self.resolve(o),
            None => span.clone(),
        }
    }
    pub fn get(&self, id: FileId) -> Option<Arc<SourceFile>> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).get(id as usize).cloned()
    }
    /// `file:line:col` of a span, for plain-text messages.
    pub fn location(&self, span: &Span) -> String {
        let span = &self.resolve(span);
        match self.get(span.file) {
            Some(f) => {
                let (line, col) = line_col(&f.text, span.range.start);
                format!("{}:{line}:{col}", f.display)
            }
            None => "<unknown>".into(),
        }
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

/// The closest candidate to `name` (for "did you mean" hints), if any is close enough.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let best = candidates
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, c)| *d <= (name.len().max(c.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)?;
    Some(format!("did you mean `{}`?", best.1))
}

/// Edit distance where swapping two adjacent characters counts as one edit (optimal string
/// alignment): `nmae` is one typo away from `name`, not two, so short names get a hint too.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // d[i][j]: distance between a[..i] and b[..j].
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_and_positions() {
        assert_eq!(did_you_mean("cidr_blok", ["cidr_block", "tags"]).as_deref(), Some("did you mean `cidr_block`?"));
        assert_eq!(did_you_mean("zzz", ["cidr_block"]), None);
        assert_eq!(did_you_mean("nmae", ["name", "tags"]).as_deref(), Some("did you mean `name`?"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }
}
