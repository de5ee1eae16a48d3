//! The one double-quoted string writer behind jsonencode, yamlencode, format's `%q` and the
//! engine's JSON-to-native conversion: the escapes all of them share (`\"`, `\\`, `\n`, `\r`,
//! `\t`), then each language's own rule for the rest.

/// Writes `s` in double quotes. `other(c, out)` writes `c` escaped and returns true when the
/// caller's language needs it escaped; otherwise the character is written as it is.
pub fn write_quoted(s: &str, out: &mut String, other: impl Fn(char, &mut String) -> bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if other(c, out) => {}
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    #[test]
    fn shared_escapes_then_the_callers_own() {
        let mut out = String::new();
        super::write_quoted("a\"b\\c\nd\te\u{1}", &mut out, |c, out| {
            let control = (c as u32) < 0x20;
            if control {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            control
        });
        assert_eq!(out, "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
    }
}
