//! Module paths, instance keys and instance addresses.

use crate::config::ResourceKey;
use std::fmt;

/// Static path of module calls from the root: `["net", "subnets"]`.
pub type ModulePath = Vec<String>;

/// The key of one instance made by `count` (`[0]`) or `for_each` (`["a"]`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum InstanceKey {
    Int(usize),
    Str(String),
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::Int(i) => write!(f, "[{i}]"),
            InstanceKey::Str(s) => write!(f, "[{s:?}]"),
        }
    }
}

/// A module instance: `module.a["x"].module.b` is `[("a", Some("x")), ("b", None)]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModuleInstance(pub Vec<(String, Option<InstanceKey>)>);

impl ModuleInstance {
    pub fn root() -> Self {
        ModuleInstance(Vec::new())
    }
    pub fn path(&self) -> ModulePath {
        self.0.iter().map(|(n, _)| n.clone()).collect()
    }
    pub fn child(&self, name: &str, key: Option<InstanceKey>) -> Self {
        let mut v = self.0.clone();
        v.push((name.to_string(), key));
        ModuleInstance(v)
    }
    pub fn parent(&self) -> Option<ModuleInstance> {
        let mut v = self.0.clone();
        v.pop()?;
        Some(ModuleInstance(v))
    }
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
    /// `module.a["x"].module.b` (empty for the root).
    pub fn address(&self) -> String {
        let mut s = String::new();
        for (i, (n, k)) in self.0.iter().enumerate() {
            if i > 0 {
                s.push('.');
            }
            s.push_str("module.");
            s.push_str(n);
            if let Some(k) = k {
                s.push_str(&k.to_string());
            }
        }
        s
    }
    /// The full address of a resource instance in this module instance.
    pub fn resource_address(&self, key: &ResourceKey, index: Option<&InstanceKey>) -> String {
        let m = self.address();
        let idx = index.map(|k| k.to_string()).unwrap_or_default();
        if m.is_empty() {
            format!("{key}{idx}")
        } else {
            format!("{m}.{key}{idx}")
        }
    }
}

impl fmt::Display for ModuleInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address())
    }
}

/// Strips instance keys: `module.a["x"].aws_vpc.b[0]` → `module.a.aws_vpc.b` (the config address).
pub fn config_address(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0;
    let mut in_str = false;
    let mut prev = '\0';
    for c in address.chars() {
        match c {
            '"' if depth > 0 && prev != '\\' => in_str = !in_str,
            '[' if !in_str => depth += 1,
            ']' if !in_str => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
        prev = c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Mode;

    #[test]
    fn addresses() {
        let mi = ModuleInstance::root().child("a", Some(InstanceKey::Str("x".into()))).child("b", None);
        let key = ResourceKey { mode: Mode::Managed, type_name: "aws_vpc".into(), name: "v".into() };
        let addr = mi.resource_address(&key, Some(&InstanceKey::Int(0)));
        assert_eq!(addr, "module.a[\"x\"].module.b.aws_vpc.v[0]");
        assert_eq!(config_address(&addr), "module.a.module.b.aws_vpc.v");
        assert_eq!(config_address("x.y[\"a]b\"]"), "x.y");
    }
}
