//! Typed addresses, as Terraform's `addrs` package has them: module instances, resources,
//! resource instances and provider configurations, each with one `Display` (the text users,
//! state keys and the JSON plan use) and one parser. `-target`, `-replace`, `moved`,
//! `import` and the `state` commands all match through [`Target::contains`].
//!
//! This module depends on nothing else in the engine.

mod parse;

pub use meshplan_state::Mode;
pub use parse::AddrError;
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
            InstanceKey::Str(s) => write!(f, "[{}]", serde_json::Value::String(s.clone())),
        }
    }
}

/// `aws_vpc.main` or `data.http.x` within one module.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceKey {
    pub mode: Mode,
    pub type_name: String,
    pub name: String,
}

impl fmt::Display for ResourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mode {
            Mode::Managed => write!(f, "{}.{}", self.type_name, self.name),
            Mode::Data => write!(f, "data.{}.{}", self.type_name, self.name),
        }
    }
}

/// A module instance: `module.a["x"].module.b` is `[("a", Some("x")), ("b", None)]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModuleInstanceAddr(pub Vec<(String, Option<InstanceKey>)>);

impl ModuleInstanceAddr {
    pub fn root() -> Self {
        ModuleInstanceAddr(Vec::new())
    }
    pub fn path(&self) -> ModulePath {
        self.0.iter().map(|(n, _)| n.clone()).collect()
    }
    pub fn child(&self, name: &str, key: Option<InstanceKey>) -> Self {
        let mut v = self.0.clone();
        v.push((name.to_string(), key));
        ModuleInstanceAddr(v)
    }
    pub fn parent(&self) -> Option<ModuleInstanceAddr> {
        let mut v = self.0.clone();
        v.pop()?;
        Some(ModuleInstanceAddr(v))
    }
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
    /// `module.a["x"].module.b` (empty for the root).
    pub fn address(&self) -> String {
        self.to_string()
    }
    /// A resource instance in this module instance.
    pub fn instance(&self, key: &ResourceKey, index: Option<&InstanceKey>) -> ResourceInstanceAddr {
        ResourceInstanceAddr { resource: ResourceAddr { module: self.clone(), key: key.clone() }, key: index.cloned() }
    }
    /// The full address of a resource instance in this module instance.
    pub fn resource_address(&self, key: &ResourceKey, index: Option<&InstanceKey>) -> String {
        self.instance(key, index).to_string()
    }
    /// Whether `self` (as written in a target) covers `other`: `other` is `self` or inside
    /// it. A call written without a key covers all its instances, as Terraform's targets do.
    fn covers(&self, other: &ModuleInstanceAddr) -> bool {
        self.0.len() <= other.0.len()
            && self.0.iter().zip(&other.0).all(|((n, k), (on, ok))| n == on && (k.is_none() || k == ok))
    }
    /// The module calls only, without instance keys.
    fn covers_path(&self, path: &[String]) -> bool {
        self.0.len() <= path.len() && self.0.iter().zip(path).all(|((n, _), p)| n == p)
    }
}

impl fmt::Display for ModuleInstanceAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (n, k)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "module.{n}")?;
            if let Some(k) = k {
                write!(f, "{k}")?;
            }
        }
        Ok(())
    }
}

/// A resource in a module instance: all its instances.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceAddr {
    pub module: ModuleInstanceAddr,
    pub key: ResourceKey,
}

impl fmt::Display for ResourceAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.module.is_root() {
            write!(f, "{}.", self.module)?;
        }
        write!(f, "{}", self.key)
    }
}

/// One resource instance: `module.a["x"].aws_vpc.b[0]`, the key of its state record.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceInstanceAddr {
    pub resource: ResourceAddr,
    pub key: Option<InstanceKey>,
}

impl ResourceInstanceAddr {
    /// Parses a resource instance address (a state record's key, an `import` target).
    pub fn parse(text: &str) -> Result<Self, AddrError> {
        match parse::parse_target(text)? {
            Target::Instance(i) => Ok(i),
            Target::Resource(resource) => Ok(ResourceInstanceAddr { resource, key: None }),
            Target::Module(_) => Err(AddrError {
                text: text.to_string(),
                reason: "a module, not a resource instance".into(),
                at: text.len(),
            }),
        }
    }
    /// The configuration address: instance keys dropped (`module.a.aws_vpc.b`).
    pub fn config_address(&self) -> String {
        let mut s: String = self.resource.module.0.iter().map(|(n, _)| format!("module.{n}.")).collect();
        s.push_str(&self.resource.key.to_string());
        s
    }
}

impl fmt::Display for ResourceInstanceAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.resource)?;
        if let Some(k) = &self.key {
            write!(f, "{k}")?;
        }
        Ok(())
    }
}

/// `aws.foo` in `provider = aws.foo` or `providers = { aws = aws.foo }`: a provider's local
/// name and alias within one module.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProviderRef {
    pub name: String,
    pub alias: Option<String>,
}

impl fmt::Display for ProviderRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.alias {
            Some(a) => write!(f, "{}.{a}", self.name),
            None => write!(f, "{}", self.name),
        }
    }
}

/// A provider configuration: where it is declared and which. Displayed as Terraform writes
/// it in state and plans: `module.a.provider["aws"].west`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProviderConfigAddr {
    pub module: ModulePath,
    pub provider: ProviderRef,
}

impl ProviderConfigAddr {
    pub fn new(module: ModulePath, provider: ProviderRef) -> Self {
        ProviderConfigAddr { module, provider }
    }
    /// `provider["aws"].west`, without the module prefix.
    pub fn local_address(provider: &ProviderRef) -> String {
        match &provider.alias {
            Some(a) => format!("provider[\"{}\"].{a}", provider.name),
            None => format!("provider[\"{}\"]", provider.name),
        }
    }
    pub fn parse(text: &str) -> Result<Self, AddrError> {
        let err = |reason: &str, at: usize| AddrError { text: text.to_string(), reason: reason.into(), at };
        let i = text.find("provider[\"").ok_or_else(|| err("expected `provider[\"NAME\"]`", 0))?;
        let mut module = Vec::new();
        let prefix = &text[..i];
        if !prefix.is_empty() {
            let calls = prefix.strip_suffix('.').ok_or_else(|| err("expected `.` before `provider`", i))?;
            let mut parts = calls.split('.');
            while let Some(word) = parts.next() {
                match (word, parts.next()) {
                    ("module", Some(name)) if !name.is_empty() => module.push(name.to_string()),
                    _ => return Err(err("expected `module.NAME` segments before `provider`", 0)),
                }
            }
        }
        let rest = &text[i + "provider[\"".len()..];
        let end = rest.find("\"]").ok_or_else(|| err("unterminated provider name", text.len()))?;
        let alias = match &rest[end + 2..] {
            "" => None,
            a => Some(a.strip_prefix('.').ok_or_else(|| err("expected `.ALIAS`", text.len() - a.len()))?.to_string()),
        };
        Ok(ProviderConfigAddr { module, provider: ProviderRef { name: rest[..end].to_string(), alias } })
    }
}

impl fmt::Display for ProviderConfigAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for m in &self.module {
            write!(f, "module.{m}.")?;
        }
        f.write_str(&Self::local_address(&self.provider))
    }
}

/// What `-target`, `-replace`, `moved`, `removed` and the `state` commands name: a module
/// instance, a resource (all its instances) or one resource instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Module(ModuleInstanceAddr),
    Resource(ResourceAddr),
    Instance(ResourceInstanceAddr),
}

impl Target {
    pub fn parse(text: &str) -> Result<Self, AddrError> {
        parse::parse_target(text)
    }
    /// Whether the target covers this resource instance.
    pub fn contains(&self, inst: &ResourceInstanceAddr) -> bool {
        match self {
            Target::Module(m) => m.covers(&inst.resource.module),
            Target::Resource(r) => {
                r.key == inst.resource.key
                    && r.module.0.len() == inst.resource.module.0.len()
                    && r.module.covers(&inst.resource.module)
            }
            Target::Instance(i) => i == inst,
        }
    }
    /// Whether the target covers any instance of the configured resource `key` in the
    /// module calls `path` (graph-level targeting, before instances exist).
    pub fn contains_config(&self, path: &[String], key: &ResourceKey) -> bool {
        match self {
            Target::Module(m) => m.covers_path(path),
            Target::Resource(ResourceAddr { module, key: k })
            | Target::Instance(ResourceInstanceAddr { resource: ResourceAddr { module, key: k }, .. }) => {
                k == key && module.0.len() == path.len() && module.covers_path(path)
            }
        }
    }
    /// Whether the target names only some instances of the configured resources it covers:
    /// an instance key, or a keyed module call (`module.m["b"]`).
    pub fn is_partial(&self) -> bool {
        let keyed = |m: &ModuleInstanceAddr| m.0.iter().any(|(_, k)| k.is_some());
        match self {
            Target::Module(m) => keyed(m),
            Target::Resource(r) => keyed(&r.module),
            Target::Instance(_) => true,
        }
    }
    /// Where `moved { from = self, to }` sends the instance `inst`, if `self` covers it
    /// exactly (instance keys as written): a resource keeps its instance keys, a module its
    /// inner path; an instance moves to an instance, or to the unkeyed resource.
    pub fn moved_to(&self, to: &Target, inst: &ResourceInstanceAddr) -> Option<ResourceInstanceAddr> {
        match (self, to) {
            (Target::Module(from), Target::Module(to)) => {
                let n = from.0.len();
                (inst.resource.module.0.len() >= n && inst.resource.module.0[..n] == from.0[..]).then(|| {
                    let mut moved = inst.clone();
                    moved.resource.module.0.splice(..n, to.0.iter().cloned());
                    moved
                })
            }
            (Target::Resource(from), Target::Resource(to)) => {
                (&inst.resource == from).then(|| ResourceInstanceAddr { resource: to.clone(), key: inst.key.clone() })
            }
            (Target::Resource(from), Target::Instance(to)) => {
                (&inst.resource == from && inst.key.is_none()).then(|| to.clone())
            }
            (Target::Instance(from), Target::Instance(to)) => (inst == from).then(|| to.clone()),
            (Target::Instance(from), Target::Resource(to)) => {
                (inst == from).then(|| ResourceInstanceAddr { resource: to.clone(), key: None })
            }
            _ => None,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Module(m) => write!(f, "{m}"),
            Target::Resource(r) => write!(f, "{r}"),
            Target::Instance(i) => write!(f, "{i}"),
        }
    }
}

/// Strips instance keys: `module.a["x"].aws_vpc.b[0]` → `module.a.aws_vpc.b` (the config
/// address); text that is not an address is returned unchanged.
pub fn config_address(address: &str) -> String {
    match Target::parse(address) {
        Ok(Target::Instance(i)) => i.config_address(),
        Ok(Target::Resource(r)) => ResourceInstanceAddr { resource: r, key: None }.config_address(),
        Ok(Target::Module(m)) => m.path().iter().map(|n| format!("module.{n}")).collect::<Vec<_>>().join("."),
        Err(_) => address.to_string(),
    }
}

#[cfg(test)]
mod tests;
