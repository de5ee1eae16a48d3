//! Override files (`override.tf`, `*_override.tf`, and the same for every accepted
//! extension) merged into the primary files' blocks, as Terraform does: an override block
//! replaces the matching block's arguments one by one, replaces its nested blocks of each
//! type it writes wholesale (a `lifecycle` block is merged argument by argument), and
//! `locals` entries are replaced per name. Override files apply in lexical order.
//!
//! Merged blocks mix structures from several files, and a decoded block keeps one file id;
//! so the module's files are joined into one generated source whose source map sends every
//! span back to the file it came from.

use crate::diag::{Diagnostic, Diagnostics, FileId, Origin, Sources, Span};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::Span as _;
use std::ops::Range;
use std::path::Path;

pub struct Part {
    pub file: FileId,
    pub text: String,
    pub is_override: bool,
    pub is_json: bool,
}

/// Joins `parts` (each already parsed once on its own) and merges the overrides; returns the
/// joined source, the merged primary body and the ranges of the joined text written in JSON.
pub fn merge(
    dir: &Path,
    parts: &[Part],
    sources: &Sources,
    diags: &mut Diagnostics,
) -> Option<(FileId, Body, Vec<Range<usize>>)> {
    let ordered: Vec<&Part> =
        parts.iter().filter(|p| !p.is_override).chain(parts.iter().filter(|p| p.is_override)).collect();
    let mut text = String::new();
    let mut origin = Origin::default();
    let mut override_from = usize::MAX;
    let mut json = Vec::new();
    for p in ordered {
        if p.is_override && override_from == usize::MAX {
            override_from = text.len();
        }
        let start = text.len();
        text.push_str(&p.text);
        origin.map.push((start..text.len(), Span { file: p.file, range: 0..p.text.len() }, true));
        if p.is_json {
            json.push(start..text.len());
        }
        text.push('\n');
    }
    let display = format!("{} (merged with overrides)", dir.display());
    let file = sources.add_generated(dir.to_path_buf(), display, text.clone(), origin);
    // Every part parsed on its own and each ends with a newline here, so the join parses;
    // should it not, say so rather than load an empty module.
    let body = match hcl_edit::parser::parse_body(&text) {
        Ok(body) => body,
        Err(e) => {
            let offset = e.location().offset();
            diags.push(
                Diagnostic::error("cannot merge the override files with the other files")
                    .detail(e.message().to_string())
                    .at(Some(Span { file, range: offset..offset }))
                    .hint("this file parses on its own but not after the files before it; end it with a newline"),
            );
            return None;
        }
    };
    let (mut primary, overrides): (Vec<Structure>, Vec<Structure>) =
        body.into_iter().partition(|s| s.span().is_none_or(|r| r.start < override_from));
    for s in overrides {
        let Structure::Block(ob) = s else { continue }; // top-level attributes: reported by the decoder
        if ob.ident.as_str() == "locals" {
            merge_locals(&mut primary, ob, file, diags);
            continue;
        }
        let id = identity(&ob);
        match primary.iter_mut().find_map(|s| match s {
            Structure::Block(pb) if identity(pb) == id => Some(pb),
            _ => None,
        }) {
            Some(pb) => merge_block(pb, ob, &["lifecycle"]),
            None => {
                let what = std::iter::once(ob.ident.as_str().to_string())
                    .chain(ob.labels.iter().map(|l| format!("{:?}", l.as_str())))
                    .collect::<Vec<_>>();
                diags.push(
                    Diagnostic::error(format!("override file: no `{}` block to override", what.join(" ")))
                        .at(ob.ident.span().map(|range| Span { file, range }))
                        .label("nothing in the primary files matches this block")
                        .hint("an override file changes blocks declared in the other files; declare the block in a file whose name does not end in `override`"),
                );
            }
        }
    }
    Some((file, primary.into_iter().collect(), json))
}

/// Block type, labels and, for providers, the alias: what a block is matched by.
fn identity(b: &Block) -> (String, Vec<String>, Option<String>) {
    let alias = (b.ident.as_str() == "provider")
        .then(|| b.body.get_attribute("alias").and_then(|a| a.value.as_str().map(str::to_string)))
        .flatten();
    (b.ident.to_string(), b.labels.iter().map(|l| l.as_str().to_string()).collect(), alias)
}

fn merge_block(primary: &mut Block, over: Block, merged_nested: &[&str]) {
    let mut replaced_types: Vec<String> = Vec::new();
    for s in over.body.into_iter() {
        match s {
            Structure::Attribute(a) => {
                primary.body.remove_attribute(a.key.as_str());
                primary.body.push(a);
            }
            Structure::Block(nb) => {
                let kind = nb.ident.to_string();
                if merged_nested.contains(&kind.as_str()) {
                    // Merged argument by argument: take the block out, merge, put it back.
                    let mut existing = primary.body.remove_blocks(&kind);
                    match existing.first_mut() {
                        Some(pn) => merge_block(pn, nb, &[]),
                        None => existing.push(nb),
                    }
                    for b in existing {
                        primary.body.push(b);
                    }
                    continue;
                }
                if !replaced_types.contains(&kind) {
                    primary.body.remove_blocks(&kind);
                    replaced_types.push(kind);
                }
                primary.body.push(nb);
            }
        }
    }
}

fn merge_locals(primary: &mut [Structure], over: Block, file: FileId, diags: &mut Diagnostics) {
    for s in over.body.into_iter() {
        let Structure::Attribute(a) = s else { continue };
        let name = a.key.to_string();
        let base = primary.iter_mut().find_map(|s| match s {
            Structure::Block(b) if b.ident.as_str() == "locals" && b.body.get_attribute(&name).is_some() => Some(b),
            _ => None,
        });
        match base {
            Some(b) => {
                b.body.remove_attribute(&name);
                b.body.push(a);
            }
            None => diags.push(
                Diagnostic::error(format!("override file: no local value `{name}` to override"))
                    .at(a.key.span().map(|range| Span { file, range }))
                    .hint("define the local in a primary file's `locals` block first"),
            ),
        }
    }
}
