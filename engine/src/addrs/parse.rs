//! The one address parser: `module.a["x"].data.aws_vpc.b[0]` and its shorter forms.

use super::{InstanceKey, Mode, ModuleInstanceAddr, ResourceAddr, ResourceInstanceAddr, ResourceKey, Target};

/// Why an address did not parse, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid address {text:?}: {reason} (at character {at})")]
pub struct AddrError {
    pub text: String,
    pub reason: String,
    pub at: usize,
}

struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn error(&self, reason: impl Into<String>) -> AddrError {
        AddrError { text: self.text.to_string(), reason: reason.into(), at: self.pos }
    }
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }
    fn done(&self) -> bool {
        self.pos == self.text.len()
    }
    fn eat(&mut self, c: char) -> bool {
        if self.rest().starts_with(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }
    fn expect(&mut self, c: char, what: &str) -> Result<(), AddrError> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.error(format!("expected {what}")))
        }
    }
    /// An HCL identifier: letters, digits, `_` and `-`, not starting with a digit.
    fn ident(&mut self, what: &str) -> Result<&'a str, AddrError> {
        let rest = self.rest();
        let len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')).unwrap_or(rest.len());
        if len == 0 || rest.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(self.error(format!("expected {what}")));
        }
        self.pos += len;
        Ok(&rest[..len])
    }
    /// `[0]` or `["key"]` (JSON string escapes), if present.
    fn key(&mut self) -> Result<Option<InstanceKey>, AddrError> {
        if !self.eat('[') {
            return Ok(None);
        }
        let rest = self.rest();
        let key = if rest.starts_with('"') {
            let mut de = serde_json::Deserializer::from_str(rest).into_iter::<String>();
            let s = match de.next() {
                Some(Ok(s)) => s,
                _ => return Err(self.error("unterminated string key")),
            };
            self.pos += de.byte_offset();
            InstanceKey::Str(s)
        } else {
            let len = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            let n = rest[..len].parse::<usize>().map_err(|_| self.error("expected a number or a quoted string key"))?;
            self.pos += len;
            InstanceKey::Int(n)
        };
        self.expect(']', "`]`")?;
        Ok(Some(key))
    }
}

/// Parses any address a command or block can name: a module instance, a resource or a
/// resource instance.
pub(super) fn parse_target(text: &str) -> Result<Target, AddrError> {
    let mut c = Cursor { text, pos: 0 };
    let mut module = ModuleInstanceAddr::root();
    loop {
        let start = c.pos;
        let word = c.ident("a resource type, `data` or `module`")?;
        match word {
            "module" => {
                c.expect('.', "`.` after `module`")?;
                let name = c.ident("a module name")?;
                let key = c.key()?;
                module = module.child(name, key);
                if c.done() {
                    return Ok(Target::Module(module));
                }
                c.expect('.', "`.`")?;
            }
            _ => {
                let mode = if word == "data" { Mode::Data } else { Mode::Managed };
                let type_name = if mode == Mode::Data {
                    c.expect('.', "`.` after `data`")?;
                    c.ident("a data source type")?
                } else {
                    &text[start..c.pos]
                };
                c.expect('.', "`.` and a resource name")?;
                let name = c.ident("a resource name")?;
                let key = c.key()?;
                if !c.done() {
                    return Err(c.error("unexpected text after the resource address"));
                }
                let resource = ResourceAddr {
                    module,
                    key: ResourceKey { mode, type_name: type_name.to_string(), name: name.to_string() },
                };
                return Ok(match key {
                    Some(key) => Target::Instance(ResourceInstanceAddr { resource, key: Some(key) }),
                    None => Target::Resource(resource),
                });
            }
        }
    }
}
