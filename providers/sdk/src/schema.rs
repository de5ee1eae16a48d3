//! Schemas: which attributes and nested blocks a resource, data source or provider
//! configuration has, and how each behaves in a plan.

use crate::path::Path;
use crate::Value;
use std::collections::BTreeMap;

/// Attribute types, as in Terraform's type constraints.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, Type>),
    /// Any value (Terraform's `any` / dynamic pseudo-type).
    Any,
}

impl Type {
    pub fn list(t: Type) -> Type {
        Type::List(Box::new(t))
    }
    pub fn set(t: Type) -> Type {
        Type::Set(Box::new(t))
    }
    pub fn map(t: Type) -> Type {
        Type::Map(Box::new(t))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttributeMode {
    Required,
    Optional,
    /// Set by the provider only.
    Computed,
    /// Set by the user or, when absent, by the provider.
    OptionalComputed,
}

#[derive(Clone, Debug)]
pub struct Attribute {
    pub ty: Type,
    pub mode: AttributeMode,
    pub sensitive: bool,
    /// A change to this attribute replaces the object.
    pub force_new: bool,
    /// Used when the configuration leaves an optional attribute unset.
    pub default: Option<Value>,
    pub description: &'static str,
}

impl Attribute {
    fn new(ty: Type, mode: AttributeMode) -> Self {
        Attribute { ty, mode, sensitive: false, force_new: false, default: None, description: "" }
    }
    pub fn required(ty: Type) -> Self {
        Self::new(ty, AttributeMode::Required)
    }
    pub fn optional(ty: Type) -> Self {
        Self::new(ty, AttributeMode::Optional)
    }
    pub fn computed(ty: Type) -> Self {
        Self::new(ty, AttributeMode::Computed)
    }
    pub fn optional_computed(ty: Type) -> Self {
        Self::new(ty, AttributeMode::OptionalComputed)
    }
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
    pub fn force_new(mut self) -> Self {
        self.force_new = true;
        self
    }
    pub fn default(mut self, v: impl Into<Value>) -> Self {
        self.default = Some(v.into());
        self
    }
    pub fn describe(mut self, d: &'static str) -> Self {
        self.description = d;
        self
    }
    pub fn is_settable(&self) -> bool {
        self.mode != AttributeMode::Computed
    }
    pub fn is_computed(&self) -> bool {
        matches!(self.mode, AttributeMode::Computed | AttributeMode::OptionalComputed)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    /// `name { ... }` at most once; the value is one object (or null).
    Single,
    /// `name { ... }` repeated; the value is a list of objects (`x.name[0].attr`).
    List,
    /// Terraform's set nesting: repeated like `List` and held as a list of objects, but their
    /// order means nothing; the provider compares them as a set.
    Set,
}

#[derive(Clone, Debug)]
pub struct Block {
    pub nesting: Nesting,
    pub schema: Schema,
    pub min_items: usize,
    pub max_items: Option<usize>,
    pub force_new: bool,
    /// Also accepts `name = [{ ... }]` (or `name = { ... }`): Terraform's "attributes as
    /// blocks" mode, which providers use while moving a block to an attribute (helm 3).
    pub attribute_syntax: bool,
}

impl Block {
    pub fn list(schema: Schema) -> Self {
        Block {
            nesting: Nesting::List,
            schema,
            min_items: 0,
            max_items: None,
            force_new: false,
            attribute_syntax: false,
        }
    }
    pub fn set(schema: Schema) -> Self {
        Block { nesting: Nesting::Set, ..Block::list(schema) }
    }
    pub fn single(schema: Schema) -> Self {
        Block {
            nesting: Nesting::Single,
            schema,
            min_items: 0,
            max_items: Some(1),
            force_new: false,
            attribute_syntax: false,
        }
    }
    pub fn max_items(mut self, n: usize) -> Self {
        self.max_items = Some(n);
        self
    }
    pub fn min_items(mut self, n: usize) -> Self {
        self.min_items = n;
        self
    }
    pub fn force_new(mut self) -> Self {
        self.force_new = true;
        self
    }
    pub fn attribute_syntax(mut self) -> Self {
        self.attribute_syntax = true;
        self
    }
}

#[derive(Clone, Debug, Default)]
pub struct Schema {
    pub attributes: BTreeMap<String, Attribute>,
    pub blocks: BTreeMap<String, Block>,
    /// Bumped when the stored shape changes, so old state can be recognised.
    pub version: u32,
}

impl Schema {
    pub fn new() -> Self {
        Schema::default()
    }
    pub fn attr(mut self, name: &str, a: Attribute) -> Self {
        self.attributes.insert(name.to_string(), a);
        self
    }
    pub fn block(mut self, name: &str, b: Block) -> Self {
        self.blocks.insert(name.to_string(), b);
        self
    }
    pub fn version(mut self, v: u32) -> Self {
        self.version = v;
        self
    }

    /// Paths of the attributes declared sensitive, as they occur in `value`.
    pub fn sensitive_paths(&self, value: &Value) -> Vec<Path> {
        let mut out = Vec::new();
        self.collect_sensitive(value, Path::root(), &mut out);
        out
    }
    fn collect_sensitive(&self, value: &Value, at: Path, out: &mut Vec<Path>) {
        for (name, a) in &self.attributes {
            if a.sensitive && !value.get(name).is_null() {
                out.push(at.key(name));
            }
        }
        for (name, b) in &self.blocks {
            match (b.nesting, value.get(name).peel()) {
                (Nesting::Single, v @ Value::Object(_)) => b.schema.collect_sensitive(v, at.key(name), out),
                (Nesting::List | Nesting::Set, Value::List(items)) => {
                    for (i, v) in items.iter().enumerate() {
                        b.schema.collect_sensitive(v, at.key(name).index(i), out)
                    }
                }
                _ => {}
            }
        }
    }
}
