//! String functions. Lengths and offsets count grapheme clusters, as Terraform does, so
//! `substr` and `strrev` never split a user-perceived character.

use crate::args::{integer, string, string_list, string_value};
use crate::{regex_fns, Env, FunctionError, Value};
use unicode_segmentation::UnicodeSegmentation;

type Result = std::result::Result<Value, FunctionError>;

pub(crate) fn join(args: &[Value], _: &Env) -> Result {
    let separator = string(args, 0)?;
    if args.len() < 2 {
        return Err(FunctionError::arg(1, "at least one list is required"));
    }
    let mut parts = Vec::new();
    for i in 1..args.len() {
        parts.extend(string_list(args, i)?);
    }
    Ok(string_value(parts.join(separator.as_ref())))
}

/// Go's `strings.Split`: an empty string gives one empty element, an empty separator splits
/// between characters.
pub(crate) fn split(args: &[Value], _: &Env) -> Result {
    let separator = string(args, 0)?;
    let text = string(args, 1)?;
    let parts: Vec<Value> = if separator.is_empty() {
        text.chars().map(|c| string_value(c.to_string())).collect()
    } else {
        text.split(separator.as_ref()).map(string_value).collect()
    };
    Ok(Value::List(parts))
}

pub(crate) fn lower(args: &[Value], _: &Env) -> Result {
    Ok(string_value(string(args, 0)?.chars().map(simple_lower).collect::<String>()))
}

pub(crate) fn upper(args: &[Value], _: &Env) -> Result {
    Ok(string_value(string(args, 0)?.chars().map(simple_upper).collect::<String>()))
}

/// Go maps case rune by rune (Unicode's simple mappings), so `upper("straße")` keeps the
/// `ß` where Rust's full mapping would give `"STRASSE"`. A char whose full mapping is not a
/// single char has no simple mapping to another char, so it stays as it is.
fn simple_upper(c: char) -> char {
    single(c.to_uppercase()).unwrap_or(c)
}

fn simple_lower(c: char) -> char {
    // The one char whose full lowercase is longer but whose simple lowercase is not itself.
    if c == '\u{130}' {
        return 'i';
    }
    single(c.to_lowercase()).unwrap_or(c)
}

fn single(mut chars: impl Iterator<Item = char>) -> Option<char> {
    let first = chars.next()?;
    chars.next().is_none().then_some(first)
}

/// A substring written `/like this/` is a regular expression; anything else is literal.
pub(crate) fn replace(args: &[Value], _: &Env) -> Result {
    let text = string(args, 0)?;
    let substring = string(args, 1)?;
    let replacement = string(args, 2)?;
    if substring.len() > 1 && substring.starts_with('/') && substring.ends_with('/') {
        let pattern = regex_fns::compile(&substring[1..substring.len() - 1], 1)?;
        return Ok(string_value(pattern.replace_all(&text, replacement.as_ref()).into_owned()));
    }
    if substring.is_empty() {
        // Go inserts the replacement around every character; so do we.
        let mut out = replacement.to_string();
        for c in text.chars() {
            out.push(c);
            out.push_str(&replacement);
        }
        return Ok(string_value(out));
    }
    Ok(string_value(text.replace(substring.as_ref(), &replacement)))
}

pub(crate) fn trimspace(args: &[Value], _: &Env) -> Result {
    Ok(string_value(string(args, 0)?.trim()))
}

/// Removes every leading and trailing character that appears in `cutset`.
pub(crate) fn trim(args: &[Value], _: &Env) -> Result {
    let text = string(args, 0)?;
    let cutset = string(args, 1)?;
    Ok(string_value(text.trim_matches(|c| cutset.contains(c))))
}

pub(crate) fn trimprefix(args: &[Value], _: &Env) -> Result {
    let text = string(args, 0)?;
    let prefix = string(args, 1)?;
    Ok(string_value(text.strip_prefix(prefix.as_ref()).unwrap_or(&text)))
}

pub(crate) fn trimsuffix(args: &[Value], _: &Env) -> Result {
    let text = string(args, 0)?;
    let suffix = string(args, 1)?;
    Ok(string_value(text.strip_suffix(suffix.as_ref()).unwrap_or(&text)))
}

/// A negative offset counts from the end; a length of -1 takes the rest. Ranges beyond the
/// string are clipped rather than errors, as in Terraform.
pub(crate) fn substr(args: &[Value], _: &Env) -> Result {
    let text = string(args, 0)?;
    let offset = integer(args, 1)?;
    let length = integer(args, 2)?;
    if length < -1 {
        return Err(FunctionError::arg(2, "length must be non-negative, or -1 for the rest of the string"));
    }
    let graphemes: Vec<&str> = text.graphemes(true).collect();
    let count = graphemes.len() as i64;
    let start = if offset < 0 { (count + offset).max(0) } else { offset.min(count) };
    let end = if length == -1 { count } else { start.saturating_add(length).min(count) };
    Ok(string_value(graphemes[start as usize..end as usize].concat()))
}

pub(crate) fn startswith(args: &[Value], _: &Env) -> Result {
    Ok(Value::Bool(string(args, 0)?.starts_with(string(args, 1)?.as_ref())))
}

pub(crate) fn endswith(args: &[Value], _: &Env) -> Result {
    Ok(Value::Bool(string(args, 0)?.ends_with(string(args, 1)?.as_ref())))
}

pub(crate) fn strcontains(args: &[Value], _: &Env) -> Result {
    Ok(Value::Bool(string(args, 0)?.contains(string(args, 1)?.as_ref())))
}

/// Indents every line but the first, for heredocs that already sit at the first indent.
pub(crate) fn indent(args: &[Value], _: &Env) -> Result {
    let spaces = integer(args, 0)?;
    if !(0..=1024).contains(&spaces) {
        return Err(FunctionError::arg(0, "the number of spaces must be between 0 and 1024"));
    }
    let text = string(args, 1)?;
    let pad = format!("\n{}", " ".repeat(spaces as usize));
    Ok(string_value(text.replace('\n', &pad)))
}

/// Go's `strings.Title`: upper-cases the first letter of each word; ASCII punctuation and
/// any whitespace separate words, underscores do not.
pub(crate) fn title(args: &[Value], _: &Env) -> Result {
    let text = string(args, 0)?;
    let mut out = String::with_capacity(text.len());
    let mut at_word_start = true;
    for c in text.chars() {
        if at_word_start {
            out.push(simple_upper(c));
        } else {
            out.push(c);
        }
        at_word_start = match c {
            c if c.is_ascii() => !(c.is_ascii_alphanumeric() || c == '_'),
            c if c.is_alphanumeric() => false,
            // Go treats only spaces among other non-ASCII characters as separators.
            c => c.is_whitespace(),
        };
    }
    Ok(string_value(out))
}

/// Removes all trailing newlines (`\n`, `\r\n` or `\r`).
pub(crate) fn chomp(args: &[Value], _: &Env) -> Result {
    Ok(string_value(string(args, 0)?.trim_end_matches(['\n', '\r'])))
}

pub(crate) fn strrev(args: &[Value], _: &Env) -> Result {
    Ok(string_value(string(args, 0)?.graphemes(true).rev().collect::<String>()))
}
