//! The configuration model: blocks of one module, expressions kept unevaluated with spans.

pub use crate::addrs::{Mode, ProviderRef, ResourceKey};
use crate::diag::{FileId, Span};
use hcl_edit::expr::Expression;
use hcl_edit::Span as _;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// An expression and the file it came from.
#[derive(Clone, Debug)]
pub struct Expr {
    pub file: FileId,
    pub inner: Expression,
}

impl Expr {
    pub fn span(&self) -> Option<Span> {
        self.inner.span().map(|range| Span { file: self.file, range })
    }
}

/// A block body left for schema-driven evaluation (resource and provider bodies).
#[derive(Clone, Debug)]
pub struct Body {
    pub file: FileId,
    pub inner: hcl_edit::structure::Body,
    /// Span of the block header, for "missing attribute" errors.
    pub span: Option<Span>,
    /// Written in JSON syntax, where a provider's nested blocks look like attributes
    /// (`"ingress": [{...}]`); the evaluator reads those by the schema.
    pub from_json: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Lifecycle {
    pub create_before_destroy: bool,
    pub prevent_destroy: bool,
    pub ignore_changes: IgnoreChanges,
    pub replace_triggered_by: Vec<Expr>,
}

#[derive(Clone, Debug, Default)]
pub enum IgnoreChanges {
    #[default]
    None,
    All,
    Attributes(Vec<String>),
}

#[derive(Clone, Debug)]
pub struct Provisioner {
    pub command: Expr,
    pub environment: Option<Expr>,
    pub when_destroy: bool,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub struct Resource {
    pub key: ResourceKey,
    pub body: Body,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    pub depends_on: Vec<Expr>,
    pub provider: Option<ProviderRef>,
    pub lifecycle: Lifecycle,
    pub provisioners: Vec<Provisioner>,
    pub span: Option<Span>,
    /// Set for a data source declared inside `check "<name>"`: its failures are warnings.
    pub check: Option<String>,
}

impl Resource {
    /// The provider this resource uses: the `provider` argument, else the type's prefix.
    pub fn provider_ref(&self) -> ProviderRef {
        self.provider.clone().unwrap_or_else(|| ProviderRef { name: provider_prefix(&self.key.type_name), alias: None })
    }
}

/// `aws_vpc` → `aws`, `meshplan_data` → `meshplan`, `http` → `http`.
pub fn provider_prefix(type_name: &str) -> String {
    type_name.split('_').next().unwrap_or(type_name).to_string()
}

#[derive(Clone, Debug)]
pub struct ProviderConfig {
    pub name: String,
    pub alias: Option<String>,
    pub body: Body,
    pub span: Option<Span>,
}

impl ProviderConfig {
    pub fn reference(&self) -> ProviderRef {
        ProviderRef { name: self.name.clone(), alias: self.alias.clone() }
    }
}

#[derive(Clone, Debug)]
pub struct Validation {
    pub condition: Expr,
    pub error_message: Expr,
}

#[derive(Clone, Debug)]
pub struct Variable {
    pub name: String,
    pub type_expr: Option<Expr>,
    pub default: Option<Expr>,
    pub description: Option<String>,
    pub sensitive: bool,
    pub nullable: bool,
    pub validations: Vec<Validation>,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub struct Local {
    pub name: String,
    pub expr: Expr,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub struct Output {
    pub name: String,
    pub value: Expr,
    pub sensitive: bool,
    pub description: Option<String>,
    pub depends_on: Vec<Expr>,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub struct ModuleCall {
    pub name: String,
    pub source: String,
    pub source_span: Option<Span>,
    /// The `version` constraint (registry sources only).
    pub version: Option<String>,
    pub version_span: Option<Span>,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    pub inputs: BTreeMap<String, Expr>,
    /// `providers = { <name in child> = <provider in this module> }`.
    pub providers: Vec<(ProviderRef, ProviderRef)>,
    pub depends_on: Vec<Expr>,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub struct Import {
    pub to: Expr,
    pub id: Expr,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub struct Moved {
    pub from: Expr,
    pub to: Expr,
    pub span: Option<Span>,
}

/// `removed { from = aws_x.y  lifecycle { destroy = false } }` (Terraform 1.7): the
/// resource is gone from the configuration; `destroy = false` forgets it instead.
#[derive(Clone, Debug)]
pub struct Removed {
    pub from: Expr,
    pub destroy: bool,
    pub span: Option<Span>,
}

/// `check "<name>" { data ... assert { condition, error_message } }` (Terraform 1.5):
/// evaluated at the end of plan and apply; failures are warnings.
#[derive(Clone, Debug)]
pub struct Check {
    pub name: String,
    pub asserts: Vec<Validation>,
    pub span: Option<Span>,
}

#[derive(Clone, Debug, Default)]
pub struct Backend {
    pub kind: String,
    pub path: Option<String>,
    /// Every argument, as a constant (backend blocks take no expressions); nested blocks
    /// (`endpoints { s3 = ... }`) as objects.
    pub settings: std::collections::BTreeMap<String, serde_json::Value>,
    /// The `backend` block's span, and each argument's.
    pub span: Option<Span>,
    pub spans: std::collections::BTreeMap<String, Span>,
}

/// `terraform { encryption { ... } }`, checked at load time (names, references, literal
/// settings); key provider arguments stay expressions, evaluated before anything else
/// (`ops::encryption`) from variables and locals.
#[derive(Clone, Debug, Default)]
pub struct EncryptionConfig {
    pub key_providers: Vec<KeyProviderConfig>,
    pub methods: Vec<MethodConfig>,
    pub state: Option<EncryptionTarget>,
    pub plan: Option<EncryptionTarget>,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub struct KeyProviderConfig {
    /// `pbkdf2` (and later `aws_kms`).
    pub kind: String,
    pub name: String,
    pub args: BTreeMap<String, Expr>,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub struct MethodConfig {
    /// `aes_gcm` or `unencrypted`.
    pub kind: String,
    pub name: String,
    /// `key_provider.<type>.<name>` (aes_gcm only).
    pub keys: Option<(String, String)>,
    pub span: Option<Span>,
}

/// The `state` or `plan` block: `method`, `fallback { method }`, `enforced`. Methods are
/// `(type, name)` pairs that exist in `methods`.
#[derive(Clone, Debug)]
pub struct EncryptionTarget {
    pub method: Option<(String, String)>,
    pub fallback: Option<(String, String)>,
    pub enforced: bool,
    pub span: Option<Span>,
}

/// An entry of `terraform { required_providers { aws = { source = ..., version = ... } } }`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequiredProvider {
    /// As written: `hashicorp/aws` or `registry.terraform.io/hashicorp/aws`.
    pub source: Option<String>,
    /// The version constraint, e.g. `~> 5.0`.
    pub version: Option<String>,
}

/// One module: the root (a directory given on the command line) or a child loaded from a
/// `module` block's `source`.
#[derive(Clone, Debug, Default)]
pub struct Module {
    pub dir: PathBuf,
    pub backend: Option<Backend>,
    pub encryption: Option<EncryptionConfig>,
    pub providers: Vec<ProviderConfig>,
    pub variables: BTreeMap<String, Variable>,
    pub locals: BTreeMap<String, Local>,
    pub outputs: BTreeMap<String, Output>,
    pub resources: BTreeMap<ResourceKey, Resource>,
    pub module_calls: BTreeMap<String, ModuleCall>,
    pub children: BTreeMap<String, Arc<Module>>,
    pub imports: Vec<Import>,
    pub moved: Vec<Moved>,
    pub removed: Vec<Removed>,
    pub checks: Vec<Check>,
    /// By local name; shown by `providers` (the built-in providers are used whatever it says).
    pub required_providers: BTreeMap<String, RequiredProvider>,
}
