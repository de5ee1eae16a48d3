//! `fileset(path, pattern)`: the regular files under `path` whose path relative to it
//! matches a glob, as a sorted set of `/`-separated relative paths.
//!
//! The glob language is Terraform's: `*` and `?` match within one path segment, `**`
//! matches across segments (`**/` also matches no directory at all), `[a-z]` / `[^a-z]`
//! match one character of a class, `{a,b}` matches any alternative, and `\` escapes.

use crate::args::{string, string_value};
use crate::file::resolve;
use crate::{Env, FunctionError, Value};
use std::path::Path;

type Result<T = Value> = std::result::Result<T, FunctionError>;

/// A pattern with more alternatives than this after brace expansion is refused, rather
/// than expanded (`{a,b}{a,b}...` grows exponentially).
const ALTERNATIVES_LIMIT: usize = 1024;
/// Walking stops with an error past this many entries, so a mistaken `/` cannot hang a plan.
const ENTRIES_LIMIT: usize = 200_000;

pub(crate) fn fileset(args: &[Value], env: &Env) -> Result {
    let path = string(args, 0)?;
    let pattern = string(args, 1)?;
    let patterns = expand_braces(&pattern).map_err(|m| FunctionError::arg(1, m))?;
    for p in &patterns {
        check_classes(p).map_err(|m| FunctionError::arg(1, m))?;
    }
    let root = resolve(&path, env);
    let mut files = Vec::new();
    let mut seen = 0;
    // A missing directory has no files, as in Terraform: the result is an empty set.
    if root.is_dir() {
        walk(&root, "", &patterns, &mut files, &mut seen)
            .map_err(|m| FunctionError::arg(0, format!("cannot list {path:?}: {m}")))?;
    }
    let mut matched: Vec<String> =
        files.into_iter().filter(|f| patterns.iter().any(|p| matches(p.as_bytes(), f.as_bytes(), false))).collect();
    matched.sort();
    Ok(Value::List(matched.into_iter().map(string_value).collect()))
}

/// Collects the relative paths of regular files (symlinks to files count; symlinked
/// directories are not entered, so a link cycle cannot loop). Only directories that some
/// pattern could still match below are entered, so `fileset("/", "*.txt")` reads one
/// directory, not the whole disk.
fn walk(
    dir: &Path,
    prefix: &str,
    patterns: &[String],
    files: &mut Vec<String>,
    seen: &mut usize,
) -> std::result::Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| e.to_string())?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        *seen += 1;
        if *seen > ENTRIES_LIMIT {
            return Err(format!("more than {ENTRIES_LIMIT} entries"));
        }
        // Names that are not UTF-8 cannot be returned as strings; Terraform skips them too.
        let Some(name) = entry.file_name().to_str().map(str::to_string) else { continue };
        let relative = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            let below = format!("{relative}/");
            if patterns.iter().any(|p| matches(p.as_bytes(), below.as_bytes(), true)) {
                walk(&entry.path(), &relative, patterns, files, seen)?;
            }
        } else if std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file()) {
            files.push(relative);
        }
    }
    Ok(())
}

/// `a{b,c{d,e}}` → `ab`, `acd`, `ace`. Escaped braces and commas stay literal.
fn expand_braces(pattern: &str) -> std::result::Result<Vec<String>, String> {
    let bytes = pattern.as_bytes();
    let mut depth = 0usize;
    let mut open = None;
    let mut commas = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'{' => {
                if depth == 0 {
                    open = Some(i);
                }
                depth += 1;
            }
            b',' if depth == 1 => commas.push(i),
            b'}' if depth == 0 => return Err("unmatched } in the pattern".to_string()),
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    let start = open.unwrap_or(0);
                    let (head, tail) = (&pattern[..start], &pattern[i + 1..]);
                    let mut bounds = vec![start];
                    bounds.extend(&commas);
                    bounds.push(i);
                    let mut out = Vec::new();
                    for pair in bounds.windows(2) {
                        for rest in expand_braces(&format!("{head}{}{tail}", &pattern[pair[0] + 1..pair[1]]))? {
                            out.push(rest);
                            if out.len() > ALTERNATIVES_LIMIT {
                                return Err(format!(
                                    "the pattern expands to more than {ALTERNATIVES_LIMIT} alternatives"
                                ));
                            }
                        }
                    }
                    return Ok(out);
                }
            }
            _ => {}
        }
        i += 1;
    }
    if depth > 0 {
        return Err("unmatched { in the pattern".to_string());
    }
    Ok(vec![pattern.to_string()])
}

/// Rejects an unclosed `[` or a trailing `\` up front, so a bad pattern is an error rather
/// than silently matching nothing.
fn check_classes(pattern: &str) -> std::result::Result<(), String> {
    let bytes = pattern.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if i + 1 == bytes.len() => return Err("the pattern ends with a lone \\".to_string()),
            b'\\' => i += 1,
            b'[' => match class_end(bytes, i) {
                Some(end) => i = end,
                None => return Err("unclosed [ in the pattern".to_string()),
            },
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// The index of the `]` closing the class that opens at `start`.
fn class_end(p: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    if matches!(p.get(i), Some(b'^' | b'!')) {
        i += 1;
    }
    // A `]` right after the opening (or negation) is a member, not the end.
    if p.get(i) == Some(&b']') {
        i += 1;
    }
    while i < p.len() {
        match p[i] {
            b'\\' => i += 1,
            b']' => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Matches one brace-free pattern against a whole relative path, by bytes: multi-byte
/// characters compare as their UTF-8 sequences, and `?` and classes take one whole char.
/// With `partial`, true when `s` could be the start of a matching path.
fn matches(p: &[u8], s: &[u8], partial: bool) -> bool {
    if partial && s.is_empty() {
        return true;
    }
    let matches = |p: &[u8], s: &[u8]| matches(p, s, partial);
    match p.first() {
        None => s.is_empty(),
        Some(b'*') if p.get(1) == Some(&b'*') => {
            let after = &p[2..];
            if let Some(rest) = after.strip_prefix(b"/") {
                // `**/` matches zero or more whole directories.
                matches(rest, s) || (0..s.len()).any(|i| s[i] == b'/' && matches(rest, &s[i + 1..]))
            } else {
                (0..=s.len()).any(|i| matches(after, &s[i..]))
            }
        }
        Some(b'*') => {
            let segment = s.iter().position(|&c| c == b'/').unwrap_or(s.len());
            (0..=segment).any(|i| matches(&p[1..], &s[i..]))
        }
        Some(b'?') => match first_char(s) {
            Some((c, len)) if c != '/' => matches(&p[1..], &s[len..]),
            _ => false,
        },
        Some(b'[') => {
            let Some(end) = class_end(p, 0) else { return false };
            match first_char(s) {
                Some((c, len)) if c != '/' && in_class(&p[1..end], c) => matches(&p[end + 1..], &s[len..]),
                _ => false,
            }
        }
        Some(b'\\') if p.len() > 1 => s.first() == Some(&p[1]) && matches(&p[2..], &s[1..]),
        Some(&c) => s.first() == Some(&c) && matches(&p[1..], &s[1..]),
    }
}

fn first_char(s: &[u8]) -> Option<(char, usize)> {
    let len = match s.first()? {
        b if *b < 0x80 => 1,
        b if *b >= 0xf0 => 4,
        b if *b >= 0xe0 => 3,
        _ => 2,
    };
    let c = std::str::from_utf8(s.get(..len)?).ok()?.chars().next()?;
    Some((c, len))
}

/// Whether `c` is in the class body (between the brackets): members, `a-z` ranges, escapes.
fn in_class(body: &[u8], c: char) -> bool {
    let (negated, body) = match body.first() {
        Some(b'^' | b'!') => (true, &body[1..]),
        _ => (false, body),
    };
    let Ok(text) = std::str::from_utf8(body) else { return false };
    let mut members = Vec::new();
    let mut chars = text.chars();
    while let Some(m) = chars.next() {
        members.push(if m == '\\' { chars.next().unwrap_or('\\') } else { m });
    }
    let mut found = false;
    let mut i = 0;
    while i < members.len() {
        if i + 2 < members.len() && members[i + 1] == '-' {
            found |= (members[i]..=members[i + 2]).contains(&c);
            i += 3;
        } else {
            found |= members[i] == c;
            i += 1;
        }
    }
    found != negated
}
