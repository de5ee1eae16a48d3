//! Reading one file into a syntax tree: native files as they are, JSON files (configuration
//! and variables) rewritten to native text in a generated source that maps back to them.

use super::files::{is_json_vars, ConfigFile, Syntax};
use super::model::Expr;
use super::{json_syntax, json_value};
use crate::diag::{Diagnostic, Diagnostics, FileId, Origin, Sources, Span};
use hcl_edit::structure::Structure;
use hcl_edit::Span as _;
use std::path::Path;

/// Reads and parses one configuration file; JSON files are rewritten to native syntax first.
/// Returns the file holding the parsed text (the generated one for JSON) and that text.
pub(super) fn read_config_file(
    f: &ConfigFile,
    sources: &Sources,
    diags: &mut Diagnostics,
) -> Option<(FileId, String, hcl_edit::structure::Body)> {
    let text = match std::fs::read_to_string(&f.path) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::error(format!("cannot read {}", f.path.display())).detail(e.to_string()));
            return None;
        }
    };
    let display = display_path(&f.path);
    let real = sources.add(f.path.clone(), display.clone(), text.clone());
    let (file, text) = match f.syntax {
        Syntax::Hcl => (real, text),
        Syntax::Json => {
            let (file, generated) = json_to_native(real, &text, &f.path, display, sources, diags)?;
            (file, generated)
        }
    };
    match hcl_edit::parser::parse_body(&text) {
        Ok(body) => Some((file, text, body)),
        Err(e) => {
            let offset = e.location().offset();
            let hint = match f.syntax {
                Syntax::Hcl => "check for a missing closing brace, quote or comma near here",
                Syntax::Json => "strings in JSON configuration are templates (\"${var.x}\"); arguments like depends_on and type hold an expression",
            };
            diags.push(
                Diagnostic::error("invalid HCL syntax")
                    .detail(e.message().to_string())
                    .at(Some(Span { file, range: offset..(offset + 1).min(text.len()).max(offset) }))
                    .label(e.message().to_string())
                    .hint(hint),
            );
            None
        }
    }
}

/// A JSON configuration file as native text in a generated source that maps back to `real`.
fn json_to_native(
    real: FileId,
    text: &str,
    path: &Path,
    display: String,
    sources: &Sources,
    diags: &mut Diagnostics,
) -> Option<(FileId, String)> {
    if text.trim().is_empty() {
        diags.push(
            Diagnostic::error(format!("empty JSON configuration file {display}"))
                .at(Some(Span { file: real, range: 0..0 }))
                .hint("a JSON configuration file holds one object; write {} for a file with no blocks, or delete it"),
        );
        return None;
    }
    let root = match json_value::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let end = text.ceil_char_boundary(e.offset + 1).min(text.len()).max(e.offset);
            diags.push(
                Diagnostic::error("invalid JSON syntax")
                    .detail(e.message.clone())
                    .at(Some(Span { file: real, range: e.offset..end }))
                    .label(e.message)
                    .hint("check for a missing comma, quote, bracket or brace near here (JSON allows no trailing commas or comments)"),
            );
            return None;
        }
    };
    let (generated, errors) = json_syntax::to_hcl(&root, real);
    let failed = !errors.is_empty();
    for d in errors {
        diags.push(d);
    }
    if failed {
        return None;
    }
    let mut map: Vec<_> =
        generated.map.into_iter().map(|(g, o, exact)| (g, Span { file: real, range: o }, exact)).collect();
    // Anything the map does not cover points at the whole file rather than nowhere.
    map.push((0..generated.text.len(), Span { file: real, range: 0..text.len() }, false));
    let file = sources.add_generated(path.to_path_buf(), display, generated.text.clone(), Origin { map });
    Some((file, generated.text))
}

pub(super) fn display_path(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(|p| p.display().to_string()))
        .unwrap_or_else(|| path.display().to_string())
}

/// Parses a variables file (`-var-file`, `terraform.tfvars`, `*.auto.tfvars`, `*.auto.mpvars`
/// and their `.json` forms): `name = value` assignments only.
pub fn parse_vars_file(path: &Path, sources: &Sources) -> Result<Vec<(String, Expr)>, Diagnostic> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::error(format!("cannot read variables file {}", path.display())).detail(e.to_string())
    })?;
    let real = sources.add(path.to_path_buf(), display_path(path), text.clone());
    let (file, text) = if is_json_vars(path) { json_vars_to_native(real, &text, path, sources)? } else { (real, text) };
    let body = hcl_edit::parser::parse_body(&text).map_err(|e| {
        let offset = e.location().offset();
        Diagnostic::error("invalid HCL syntax in variables file")
            .detail(e.message().to_string())
            .at(Some(Span { file, range: offset..offset }))
            .hint("a variables file holds `name = value` lines")
    })?;
    let mut out = Vec::new();
    for s in body.into_iter() {
        match s {
            Structure::Attribute(a) => out.push((a.key.to_string(), Expr { file, inner: a.value })),
            Structure::Block(b) => {
                return Err(Diagnostic::error("variables files hold only `name = value` assignments")
                    .at(b.ident.span().map(|range| Span { file, range })))
            }
        }
    }
    Ok(out)
}

fn json_vars_to_native(
    real: FileId,
    text: &str,
    path: &Path,
    sources: &Sources,
) -> Result<(FileId, String), Diagnostic> {
    let root = json_value::parse(text).map_err(|e| {
        Diagnostic::error("invalid JSON syntax in variables file")
            .detail(e.message.clone())
            .at(Some(Span { file: real, range: e.offset..text.ceil_char_boundary(e.offset + 1).min(text.len()).max(e.offset) }))
            .label(e.message)
            .hint("check for a missing comma, quote, bracket or brace near here (JSON allows no trailing commas or comments)")
    })?;
    let (generated, errors) = json_syntax::vars_to_hcl(&root, real);
    if let Some(d) = errors.into_iter().next() {
        return Err(d);
    }
    let mut map: Vec<_> =
        generated.map.into_iter().map(|(g, o, exact)| (g, Span { file: real, range: o }, exact)).collect();
    map.push((0..generated.text.len(), Span { file: real, range: 0..text.len() }, false));
    let file = sources.add_generated(path.to_path_buf(), display_path(path), generated.text.clone(), Origin { map });
    Ok((file, generated.text))
}
