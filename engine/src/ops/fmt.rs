//! `fmt`: canonical layout of *.mp.hcl files — two-space indentation by nesting, `=` aligned
//! within runs of single-line arguments, no trailing spaces, Terraform's spacing inside a line
//! (`[ 1,2 ]` → `[1, 2]`). Heredoc bodies and strings are untouched.

pub fn format_source(src: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut depth: usize = 0;
    let mut heredoc: Option<String> = None;
    // Heredoc bodies are string content: never re-indented or aligned.
    let mut verbatim: Vec<bool> = Vec::new();
    for raw in src.lines() {
        if let Some(tag) = &heredoc {
            out.push(raw.to_string());
            verbatim.push(true);
            if raw.trim() == tag {
                heredoc = None;
            }
            continue;
        }
        verbatim.push(false);
        let line = &normalize_spacing(raw.trim());
        if line.is_empty() {
            out.push(String::new());
            continue;
        }
        let opens = count_outside_strings(line, &['{', '[', '(']);
        let closes = count_outside_strings(line, &['}', ']', ')']);
        let leading_closes = line.chars().take_while(|c| matches!(c, '}' | ']' | ')')).count();
        let this_depth = depth.saturating_sub(leading_closes);
        out.push(format!("{}{line}", "  ".repeat(this_depth)));
        depth = (depth + opens).saturating_sub(closes);
        if let Some(i) = line.find("<<") {
            let tag: String = line[i + 2..]
                .trim_start_matches('-')
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !tag.is_empty() {
                heredoc = Some(tag);
            }
        }
    }
    align_equals(&mut out, &verbatim);
    let mut s = out.join("\n");
    while s.ends_with("\n\n") {
        s.pop();
    }
    s.push('\n');
    s
}

/// Spacing within one line, as `terraform fmt`: single spaces between tokens, none just
/// inside brackets and parentheses or before a comma, one after a comma. Only top-level code
/// is touched: strings (with their `${...}` interpolations) and comments are copied as written.
pub fn normalize_spacing(line: &str) -> String {
    if line.contains("/*") {
        return line.to_string();
    }
    // Stack of open contexts: `true` = inside a string, `false` = an interpolation's code
    // (with its own `{` depth in `braces`).
    let mut stack: Vec<bool> = Vec::new();
    let mut braces: Vec<usize> = Vec::new();
    let mut out = String::with_capacity(line.len());
    let mut pending_space = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match stack.last() {
            Some(true) => {
                out.push(c);
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            out.push(n);
                        }
                    }
                    '"' => {
                        stack.pop();
                    }
                    '$' | '%' if chars.peek() == Some(&'{') => {
                        out.push(chars.next().unwrap_or('{'));
                        stack.push(false);
                        braces.push(0);
                    }
                    _ => {}
                }
            }
            // Code: top level, or an interpolation's (`${ ... }`), which Terraform formats too.
            _ => {
                let in_interp = stack.last() == Some(&false);
                if in_interp && c == '}' && braces.last() == Some(&0) {
                    if pending_space {
                        out.push(' ');
                    }
                    pending_space = false;
                    out.push(c);
                    stack.pop();
                    braces.pop();
                    continue;
                }
                if c == ' ' || c == '\t' {
                    pending_space = true;
                    continue;
                }
                let comment = c == '#' || (c == '/' && chars.peek() == Some(&'/'));
                let after_open = out.ends_with('[') || out.ends_with('(');
                if pending_space && !out.is_empty() && (comment || !(after_open || matches!(c, ']' | ')' | ','))) {
                    out.push(' ');
                }
                pending_space = false;
                if comment {
                    out.push(c);
                    out.extend(chars.by_ref());
                    break;
                }
                out.push(c);
                match c {
                    ',' => pending_space = true,
                    '"' => stack.push(true),
                    '{' if in_interp => *braces.last_mut().unwrap_or(&mut 0) += 1,
                    '}' if in_interp => *braces.last_mut().unwrap_or(&mut 0) -= 1,
                    _ => {}
                }
            }
        }
    }
    out
}

/// A unified diff of a file's formatting, headed `old/NAME` / `new/NAME` as `terraform fmt -diff`.
pub fn fmt_diff(name: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .header(&format!("old/{name}"), &format!("new/{name}"))
        .to_string()
}

fn count_outside_strings(line: &str, chars: &[char]) -> usize {
    let mut n = 0;
    let mut in_str = false;
    let mut prev = ' ';
    for c in line.chars() {
        if c == '#' && !in_str {
            break;
        }
        if c == '"' && prev != '\\' {
            in_str = !in_str;
        } else if !in_str && chars.contains(&c) {
            n += 1;
        }
        prev = c;
    }
    n
}

/// Aligns `=` of consecutive `name = value` lines at the same indentation.
fn align_equals(lines: &mut [String], verbatim: &[bool]) {
    let key_of = |i: usize, l: &str| -> Option<(usize, usize)> {
        if verbatim.get(i).copied().unwrap_or(false) {
            return None;
        }
        let indent = l.len() - l.trim_start().len();
        let t = l.trim_start();
        let eq = t.find(" = ").or_else(|| t.find('='))?;
        let key = t[..eq].trim_end();
        // A value that goes on over more lines ends the run and is not aligned (Terraform); a
        // heredoc is one token there, so its opening line aligns and the run goes on after it.
        if count_outside_strings(t, &['{', '[', '(']) > count_outside_strings(t, &['}', ']', ')']) {
            return None;
        }
        let quoted = key.len() >= 2 && key.starts_with('"') && key.ends_with('"');
        (!key.is_empty() && (quoted || key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')))
            .then_some((indent, key.chars().count()))
    };
    let mut i = 0;
    while i < lines.len() {
        let Some((indent, _)) = key_of(i, &lines[i]) else {
            i += 1;
            continue;
        };
        let mut j = i;
        let mut width = 0;
        while j < lines.len() {
            match key_of(j, &lines[j]) {
                Some((ind, w)) if ind == indent => {
                    width = width.max(w);
                    j += 1;
                    // The heredoc's body and closing tag (verbatim lines) belong to this line.
                    while j < lines.len() && verbatim.get(j).copied().unwrap_or(false) {
                        j += 1;
                    }
                }
                _ => break,
            }
        }
        for (k, l) in lines[i..j].iter_mut().enumerate() {
            if verbatim.get(i + k).copied().unwrap_or(false) {
                continue;
            }
            let indent_s = &l[..indent].to_string();
            let t = l.trim_start().to_string();
            let eq = t.find('=').unwrap_or(0);
            let key = t[..eq].trim_end();
            let value = t[eq + 1..].trim_start();
            *l = format!("{indent_s}{key:width$} = {value}");
        }
        i = j.max(i + 1);
    }
}

/// What `fmt` found in one file.
pub struct FmtFile {
    pub path: std::path::PathBuf,
    /// The path as given (relative to the working directory).
    pub name: String,
    pub outcome: FmtOutcome,
}

pub enum FmtOutcome {
    Unchanged,
    /// Not in canonical layout: the formatted text (written back when asked).
    Changed {
        before: String,
        after: String,
    },
    /// Not valid HCL: reported, never rewritten (Terraform's fmt refuses too; the line-based
    /// formatter would re-indent it by guesswork).
    Invalid {
        message: String,
    },
    WriteFailed {
        message: String,
    },
}

/// Formats the configuration and variable files in `targets` (files or directories,
/// relative to `dir`; none means `dir`), writing each changed file back when `write`.
pub fn format_files(
    dir: &std::path::Path,
    targets: &[std::path::PathBuf],
    recursive: bool,
    write: bool,
) -> Result<Vec<FmtFile>, crate::diag::Diagnostics> {
    let mut files = Vec::new();
    if targets.is_empty() {
        collect_files(dir, recursive, &mut files);
    }
    for t in targets {
        let p = dir.join(t);
        if p.is_dir() {
            collect_files(&p, recursive, &mut files);
        } else if p.is_file() {
            files.push(p);
        } else {
            return Err(crate::diag::Diagnostic::error(format!("No file or directory at {}", t.display())).into());
        }
    }
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let Ok(src) = std::fs::read_to_string(&path) else { continue };
        let name = path.strip_prefix(dir).unwrap_or(&path).display().to_string();
        let outcome = match format_text(&src, &path.display().to_string()) {
            Err(message) => FmtOutcome::Invalid { message },
            Ok(after) if after == src => FmtOutcome::Unchanged,
            Ok(after) => match write.then(|| std::fs::write(&path, &after)) {
                Some(Err(e)) => FmtOutcome::WriteFailed { message: format!("cannot write {}: {e}", path.display()) },
                _ => FmtOutcome::Changed { before: src, after },
            },
        };
        out.push(FmtFile { path, name, outcome });
    }
    Ok(out)
}

/// The canonical layout of `src`, or why it is not valid HCL (`NAME:LINE:COL: ...`).
pub fn format_text(src: &str, name: &str) -> Result<String, String> {
    if let Err(e) = hcl_edit::parser::parse_body(src) {
        let (line, col) = crate::diag::line_col(src, e.location().offset());
        return Err(format!("{name}:{line}:{col}: invalid HCL syntax, not formatted: {}", e.message()));
    }
    Ok(format_source(src))
}

fn collect_files(dir: &std::path::Path, recursive: bool, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() && recursive && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
            collect_files(&p, recursive, out);
        } else if [".mp.hcl", ".mpvars", ".tf", ".tfvars"].iter().any(|ext| p.to_string_lossy().ends_with(ext)) {
            out.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indents_and_aligns() {
        let src =
            "resource \"a\" \"b\" {\nx = 1\n    longer_name   =   \"v\"\ntags = {\nName = \"n\"\n\"a.b/c\"=1\n}\n}\n";
        let want = "resource \"a\" \"b\" {\n  x           = 1\n  longer_name = \"v\"\n  tags = {\n    Name    = \"n\"\n    \"a.b/c\" = 1\n  }\n}\n";
        assert_eq!(format_source(src), want);
        assert_eq!(format_source(want), want, "formatting is idempotent");
        let heredoc = "x = <<-EOT\n  a = 1\n  bbb = 2\nEOT\n";
        assert_eq!(format_source(heredoc), heredoc, "heredoc content is a string, left as written");
        // As terraform fmt: a heredoc's opening line aligns with its neighbours, across the body.
        let mixed =
            "resource \"x\" \"y\" {\n  filename = \"a\"\n  content = <<-EOT\n    b = 1\n  EOT\n  mode = \"0600\"\n}\n";
        assert_eq!(format_source(mixed), "resource \"x\" \"y\" {\n  filename = \"a\"\n  content  = <<-EOT\n    b = 1\n  EOT\n  mode     = \"0600\"\n}\n");
    }

    #[test]
    fn spacing_inside_lines() {
        assert_eq!(normalize_spacing("a = [ 1,2 ]"), "a = [1, 2]");
        assert_eq!(normalize_spacing("c = max(1 ,2 )  # keep  [ this ]"), "c = max(1, 2) # keep  [ this ]");
        // Strings and interpolations (with strings inside) are content.
        assert_eq!(normalize_spacing(r#"f = ["a,b" ,"${join(",", [ x ])}"]"#), r#"f = ["a,b", "${join(",", [x])}"]"#);
        assert_eq!(normalize_spacing(r#"s = "x\" [ 1 ]""#), r#"s = "x\" [ 1 ]""#);
        assert_eq!(normalize_spacing("e = [ ]"), "e = []");
    }
}
