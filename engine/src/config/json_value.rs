//! A small JSON reader that keeps the byte span of every value and key, so configuration in
//! JSON syntax gets diagnostics that point into the file the user wrote (serde_json keeps no
//! spans). Errors carry the byte offset of the first bad character.

use std::ops::Range;

#[derive(Debug, Clone)]
pub enum Json {
    Null,
    Bool(bool),
    /// The number as written.
    Number(String),
    /// `raw` is the text between the quotes as written; `value` the decoded string.
    String {
        raw: String,
        value: String,
    },
    Array(Vec<Node>),
    Object(Vec<(Key, Node)>),
}

#[derive(Debug, Clone)]
pub struct Node {
    pub value: Json,
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Key {
    pub name: String,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub offset: usize,
    pub message: String,
}

pub fn parse(text: &str) -> Result<Node, JsonError> {
    let mut p = Parser { s: text.as_bytes(), text, i: 0, depth: 0 };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.i < p.s.len() {
        return Err(p.err("unexpected text after the end of the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    depth: usize,
}

/// Deeper nesting than any configuration needs; stops a stack overflow on hostile input.
const MAX_DEPTH: usize = 256;

impl Parser<'_> {
    fn err(&self, message: impl Into<String>) -> JsonError {
        JsonError { offset: self.i.min(self.s.len()), message: message.into() }
    }
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }
    fn eat(&mut self, c: u8) -> Result<(), JsonError> {
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err(format!("expected `{}`", c as char)))
        }
    }
    fn value(&mut self) -> Result<Node, JsonError> {
        let start = self.i;
        let value = match self.s.get(self.i) {
            None => return Err(self.err("unexpected end of file: a value is missing")),
            Some(b'{') => self.nested(Self::object)?,
            Some(b'[') => self.nested(Self::array)?,
            Some(b'"') => {
                let (raw, value) = self.string()?;
                Json::String { raw, value }
            }
            Some(b't') => self.word("true", Json::Bool(true))?,
            Some(b'f') => self.word("false", Json::Bool(false))?,
            Some(b'n') => self.word("null", Json::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => {
                return Err(self.err("expected a JSON value (object, array, string, number, true, false or null)"))
            }
        };
        Ok(Node { value, span: start..self.i })
    }
    fn nested(&mut self, f: fn(&mut Self) -> Result<Json, JsonError>) -> Result<Json, JsonError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("JSON nested too deeply"));
        }
        let r = f(self);
        self.depth -= 1;
        r
    }
    fn word(&mut self, w: &str, v: Json) -> Result<Json, JsonError> {
        if self.s[self.i..].starts_with(w.as_bytes()) {
            self.i += w.len();
            Ok(v)
        } else {
            Err(self.err("expected a JSON value (strings need double quotes)"))
        }
    }
    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.i;
        while self.i < self.s.len() && matches!(self.s[self.i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
            self.i += 1;
        }
        let text = &self.text[start..self.i];
        if text.parse::<f64>().is_err() || text.starts_with('+') {
            self.i = start;
            return Err(self.err(format!("invalid number `{text}`")));
        }
        Ok(Json::Number(text.to_string()))
    }
    fn string(&mut self) -> Result<(String, String), JsonError> {
        self.eat(b'"')?;
        let start = self.i;
        let mut value = String::new();
        loop {
            let Some(&c) = self.s.get(self.i) else {
                self.i = start - 1;
                return Err(self.err("unterminated string"));
            };
            match c {
                b'"' => break,
                b'\\' => {
                    self.i += 1;
                    let e = self.s.get(self.i).copied();
                    self.i += 1;
                    match e {
                        Some(b'"') => value.push('"'),
                        Some(b'\\') => value.push('\\'),
                        Some(b'/') => value.push('/'),
                        Some(b'b') => value.push('\u{8}'),
                        Some(b'f') => value.push('\u{c}'),
                        Some(b'n') => value.push('\n'),
                        Some(b'r') => value.push('\r'),
                        Some(b't') => value.push('\t'),
                        Some(b'u') => value.push(self.unicode_escape()?),
                        _ => {
                            self.i -= 2;
                            return Err(self.err("invalid escape in string"));
                        }
                    }
                }
                c if c < 0x20 => return Err(self.err("control character in string (write newlines as \\n)")),
                _ => {
                    let ch = self.text[self.i..].chars().next().unwrap_or('\u{fffd}');
                    value.push(ch);
                    self.i += ch.len_utf8();
                }
            }
        }
        let raw = self.text[start..self.i].to_string();
        self.i += 1;
        Ok((raw, value))
    }
    fn hex4(&mut self) -> Result<u32, JsonError> {
        let h = self.text.get(self.i..self.i + 4).and_then(|h| u32::from_str_radix(h, 16).ok());
        let Some(h) = h else { return Err(self.err("expected four hex digits after \\u")) };
        self.i += 4;
        Ok(h)
    }
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let hi = self.hex4()?;
        if (0xD800..0xDC00).contains(&hi) && self.s[self.i..].starts_with(b"\\u") {
            self.i += 2;
            let lo = self.hex4()?;
            let c = 0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF);
            return char::from_u32(c).ok_or_else(|| self.err("invalid surrogate pair"));
        }
        char::from_u32(hi).ok_or_else(|| self.err("invalid \\u escape"))
    }
    fn array(&mut self) -> Result<Json, JsonError> {
        self.eat(b'[')?;
        let mut items = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(Json::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value()?);
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.err("expected `,` or `]` in array")),
            }
        }
    }
    fn object(&mut self) -> Result<Json, JsonError> {
        self.eat(b'{')?;
        let mut items = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(Json::Object(items));
        }
        loop {
            self.ws();
            if self.s.get(self.i) != Some(&b'"') {
                return Err(self.err("expected a property name in double quotes"));
            }
            let start = self.i;
            let (_, name) = self.string()?;
            let key = Key { name, span: start..self.i };
            self.ws();
            self.eat(b':')?;
            self.ws();
            items.push((key, self.value()?));
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Json::Object(items));
                }
                _ => return Err(self.err("expected `,` or `}` in object")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_and_decodes_strings() {
        let text = r#"{"a": [1, "x\"y", true], "b": null}"#;
        let Json::Object(items) = parse(text).unwrap().value else { panic!("object") };
        assert_eq!(&text[items[0].0.span.clone()], "\"a\"");
        let Json::Array(a) = &items[0].1.value else { panic!("array") };
        assert_eq!(&text[a[1].span.clone()], r#""x\"y""#);
        assert!(matches!(&a[1].value, Json::String { value, raw } if value == "x\"y" && raw == r#"x\"y"#));
    }

    #[test]
    fn errors_point_at_the_bad_character() {
        assert_eq!(parse("{\"a\": 1,}").unwrap_err().offset, 8);
        assert_eq!(parse("{\"a\" 1}").unwrap_err().offset, 5);
        assert_eq!(parse("[1, 2").unwrap_err().offset, 5);
        assert_eq!(parse("{\"a\": tru}").unwrap_err().offset, 6);
        assert_eq!(parse("\"abc").unwrap_err().offset, 0);
        assert!(parse(&"[".repeat(10_000)).is_err());
    }
}
