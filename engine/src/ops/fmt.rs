//! `fmt`: canonical layout of *.mp.hcl files — two-space indentation by nesting, `=` aligned
//! within runs of single-line arguments, no trailing spaces. Heredoc bodies are untouched.

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
        let line = raw.trim();
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
            let tag: String = line[i + 2..].trim_start_matches('-').chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
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
        (!key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '"')).then_some((indent, key.len()))
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
                }
                _ => break,
            }
        }
        for l in &mut lines[i..j] {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indents_and_aligns() {
        let src = "resource \"a\" \"b\" {\nx = 1\n    longer_name   =   \"v\"\ntags = {\nName = \"n\"\n}\n}\n";
        let want = "resource \"a\" \"b\" {\n  x           = 1\n  longer_name = \"v\"\n  tags        = {\n    Name = \"n\"\n  }\n}\n";
        assert_eq!(format_source(src), want);
        assert_eq!(format_source(want), want, "formatting is idempotent");
        let heredoc = "x = <<-EOT\n  a = 1\n  bbb = 2\nEOT\n";
        assert_eq!(format_source(heredoc), heredoc, "heredoc content is a string, left as written");
    }
}
