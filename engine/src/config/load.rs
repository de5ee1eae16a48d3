//! Reading a directory's configuration files (native and JSON syntax, overrides merged)
//! into a [`Module`].

use super::files::{config_files, Syntax, CONFIG_EXTENSIONS};
use super::installed::{child_key, Installed};
use super::model::*;
use super::overrides::{self, Part};
use super::read::read_config_file;
use crate::diag::{did_you_mean, Diagnostic, Diagnostics, FileId, Sources, Span};
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Block, Structure};
use hcl_edit::Span as _;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

const TOP_LEVEL: &[&str] = &[
    "terraform",
    "provider",
    "variable",
    "locals",
    "resource",
    "data",
    "output",
    "module",
    "import",
    "moved",
    "removed",
    "check",
];
const MAX_MODULE_DEPTH: usize = 16;

/// Loads the module in `dir` and, recursively, the modules it calls: local directories, and
/// what `meshplan init` installed for other sources (`.meshplan/modules/modules.json`).
/// Returns the module even when diagnostics hold errors, so callers can report them all.
pub fn load_module(dir: &Path, sources: &Sources) -> (Module, Diagnostics) {
    let mut diags = Diagnostics::default();
    let installed = Installed::read(dir);
    let module = load_at_depth(dir, sources, &mut diags, Some((&installed, "")), 0);
    (module, diags)
}

/// Loads the one module in `dir`, not the modules it calls (`init` walks the tree itself,
/// installing as it goes).
pub fn load_module_shallow(dir: &Path, sources: &Sources) -> (Module, Diagnostics) {
    let mut diags = Diagnostics::default();
    let module = load_at_depth(dir, sources, &mut diags, None, 0);
    (module, diags)
}

/// `children`: where installed modules are and the key (`vpc.nested`) of the module loaded.
fn load_at_depth(
    dir: &Path,
    sources: &Sources,
    diags: &mut Diagnostics,
    children: Option<(&Installed, &str)>,
    depth: usize,
) -> Module {
    let mut module = Module { dir: dir.to_path_buf(), ..Module::default() };
    let files = match config_files(dir) {
        Ok(files) => files,
        Err(e) => {
            diags.push(
                Diagnostic::error(format!("cannot read the configuration directory {}", dir.display()))
                    .detail(e.to_string()),
            );
            return module;
        }
    };
    if files.is_empty() && depth == 0 {
        let globs = CONFIG_EXTENSIONS.iter().map(|e| format!("*{e}")).collect::<Vec<_>>().join(", ");
        diags.push(
            Diagnostic::error(format!("no configuration files in {}", dir.display()))
                .hint(format!("meshplan reads the {globs} files of the working directory (or of -chdir=DIR)")),
        );
    }
    let mut parts = Vec::new();
    let mut bodies = Vec::new();
    for f in &files {
        if let Some((file, text, body)) = read_config_file(f, sources, diags) {
            parts.push(Part { file, text, is_override: f.is_override, is_json: f.syntax == Syntax::Json });
            bodies.push((file, body, f.syntax == Syntax::Json));
        }
    }
    if parts.iter().any(|p| p.is_override) {
        if let Some((file, body, json)) = overrides::merge(dir, &parts, sources, diags) {
            Decoder { file, json, module: &mut module, diags }.body(body);
        }
    } else {
        for (file, body, is_json) in bodies {
            let json: Vec<_> = if is_json { std::iter::once(0..usize::MAX).collect() } else { Vec::new() };
            Decoder { file, json, module: &mut module, diags }.body(body);
        }
    }
    if let Some((installed, key)) = children {
        load_children(&mut module, sources, diags, installed, key, depth);
    }
    module
}

fn load_children(
    module: &mut Module,
    sources: &Sources,
    diags: &mut Diagnostics,
    installed: &Installed,
    key: &str,
    depth: usize,
) {
    for call in module.module_calls.values() {
        if depth >= MAX_MODULE_DEPTH {
            diags.push(Diagnostic::error("modules nested too deeply (a module calls itself?)").at(call.span.clone()));
            continue;
        }
        let child_key = child_key(key, &call.name);
        let dir = match installed.dir_of(&module.dir, &child_key, call) {
            Ok(dir) => dir,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let child = load_at_depth(&dir, sources, diags, Some((installed, &child_key)), depth + 1);
        module.children.insert(call.name.clone(), Arc::new(child));
    }
}

struct Decoder<'a> {
    file: FileId,
    /// Ranges of `file` written in JSON syntax.
    json: Vec<std::ops::Range<usize>>,
    module: &'a mut Module,
    diags: &'a mut Diagnostics,
}

impl Decoder<'_> {
    fn is_json_at(&self, span: &Option<Span>) -> bool {
        span.as_ref().is_some_and(|s| self.json.iter().any(|r| r.contains(&s.range.start)))
    }
    fn span(&self, s: Option<std::ops::Range<usize>>) -> Option<Span> {
        s.map(|range| Span { file: self.file, range })
    }
    fn expr(&self, e: Expression) -> Expr {
        Expr { file: self.file, inner: e }
    }
    fn err(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn body(&mut self, body: hcl_edit::structure::Body) {
        for s in body.into_iter() {
            match s {
                Structure::Attribute(a) => {
                    let span = self.span(a.key.span());
                    self.err(
                        Diagnostic::error(format!("unexpected attribute `{}` at the top level", a.key.as_str()))
                            .at(span)
                            .hint("top-level arguments belong in a block, e.g. `locals { ... }` or `variable \"x\" { default = ... }`"),
                    );
                }
                Structure::Block(b) => self.block(b),
            }
        }
    }

    fn labels(&mut self, b: &Block, want: &[&str]) -> Option<Vec<String>> {
        if b.labels.len() == want.len() {
            return Some(b.labels.iter().map(|l| l.as_str().to_string()).collect());
        }
        let span = self.span(b.ident.span());
        let names = want.iter().map(|w| format!("\"<{w}>\"")).collect::<Vec<_>>().join(" ");
        self.err(
            Diagnostic::error(format!(
                "`{}` block needs {} label(s), found {}",
                b.ident.as_str(),
                want.len(),
                b.labels.len()
            ))
            .at(span)
            .hint(format!("write it as `{} {names} {{ ... }}`", b.ident.as_str())),
        );
        None
    }

    fn block(&mut self, b: Block) {
        let kind = b.ident.as_str().to_string();
        let span = self.span(b.span());
        match kind.as_str() {
            "terraform" => self.terraform(b),
            "provider" => {
                if let Some(l) = self.labels(&b, &["name"]) {
                    let mut body = b.body;
                    let alias = body.remove_attribute("alias").and_then(|a| self.static_string(&a.value, "alias"));
                    let cfg = ProviderConfig {
                        name: l[0].clone(),
                        alias,
                        body: Body {
                            file: self.file,
                            inner: body,
                            span: span.clone(),
                            from_json: self.is_json_at(&span),
                        },
                        span,
                    };
                    if self.module.providers.iter().any(|p| p.reference() == cfg.reference()) {
                        self.err(
                            Diagnostic::error(format!("duplicate provider configuration `{}`", cfg.reference()))
                                .at(cfg.span.clone())
                                .hint("give additional configurations an `alias`"),
                        );
                    } else {
                        self.module.providers.push(cfg);
                    }
                }
            }
            "variable" => self.variable(b, span),
            "locals" => {
                for s in b.body.into_iter() {
                    match s {
                        Structure::Attribute(a) => {
                            let name = a.key.to_string();
                            let lspan = self.span(a.key.span());
                            if self.module.locals.contains_key(&name) {
                                let first = self.module.locals[&name].span.clone();
                                self.err(first_here(
                                    Diagnostic::error(format!("duplicate local value `{name}`"))
                                        .at(lspan)
                                        .hint("each local is defined once per module"),
                                    first,
                                ));
                                continue;
                            }
                            let expr = self.expr(a.value);
                            self.module.locals.insert(name.clone(), Local { name, expr, span: lspan });
                        }
                        Structure::Block(inner) => {
                            let s = self.span(inner.ident.span());
                            self.err(Diagnostic::error("`locals` holds only `name = value` assignments").at(s));
                        }
                    }
                }
            }
            "resource" | "data" => self.resource(b, if kind == "data" { Mode::Data } else { Mode::Managed }, span),
            "output" => self.output(b, span),
            "module" => self.module_call(b, span),
            "import" => {
                let mut body = b.body;
                let to = body.remove_attribute("to").map(|a| self.expr(a.value));
                let id = body.remove_attribute("id").map(|a| self.expr(a.value));
                match (to, id) {
                    (Some(to), Some(id)) => self.module.imports.push(Import { to, id, span }),
                    _ => self.err(Diagnostic::error("`import` block needs `to` and `id`").at(span)),
                }
            }
            "moved" => {
                let mut body = b.body;
                let from = body.remove_attribute("from").map(|a| self.expr(a.value));
                let to = body.remove_attribute("to").map(|a| self.expr(a.value));
                match (from, to) {
                    (Some(from), Some(to)) => self.module.moved.push(Moved { from, to, span }),
                    _ => self.err(Diagnostic::error("`moved` block needs `from` and `to`").at(span)),
                }
            }
            "removed" => self.removed(b, span),
            "check" => self.check(b, span),
            other => {
                let hint = did_you_mean(other, TOP_LEVEL.iter().copied());
                let s = self.span(b.ident.span());
                self.err(
                    Diagnostic::error(format!("unsupported block type `{other}`"))
                        .at(s)
                        .label("not a top-level block")
                        .maybe_hint(hint),
                );
            }
        }
    }

    fn terraform(&mut self, b: Block) {
        const ATTRS: &[&str] = &["required_version", "experiments", "language"];
        const BLOCKS: &[&str] = &["required_providers", "backend", "cloud", "provider_meta", "encryption"];
        for s in b.body.into_iter() {
            match s {
                Structure::Block(inner) => match inner.ident.as_str() {
                    "backend" => self.backend(inner),
                    "encryption" => self.encryption(inner),
                    "required_providers" => self.required_providers(inner),
                    "cloud" | "provider_meta" => {}
                    other => {
                        let s = self.span(inner.ident.span());
                        let hint = did_you_mean(other, BLOCKS.iter().copied())
                            .or_else(|| Some(format!("blocks allowed in `terraform`: {}", BLOCKS.join(", "))));
                        self.err(
                            Diagnostic::error(format!("unsupported block `{other}` in `terraform`"))
                                .at(s)
                                .maybe_hint(hint),
                        );
                    }
                },
                Structure::Attribute(a) => {
                    let name = a.key.as_str();
                    if !ATTRS.contains(&name) {
                        let s = self.span(a.key.span());
                        let hint = did_you_mean(name, ATTRS.iter().copied())
                            .or_else(|| Some(format!("arguments allowed in `terraform`: {}", ATTRS.join(", "))));
                        self.err(
                            Diagnostic::error(format!("unsupported argument `{name}` in `terraform`"))
                                .at(s)
                                .maybe_hint(hint),
                        );
                    }
                }
            }
        }
    }

    /// `terraform { backend "KIND" { ... } }`: constants only, as in Terraform.
    fn backend(&mut self, b: Block) {
        const KINDS: &[&str] = &["local", "sled", "s3"];
        let kind = b.labels.first().map(|l| l.as_str().to_string()).unwrap_or_default();
        let span = self.span(b.span());
        if !KINDS.contains(&kind.as_str()) {
            let s = self.span(b.ident.span());
            let hint = did_you_mean(&kind, KINDS.iter().copied())
                .unwrap_or_else(|| "supported backends: \"local\" (alias \"sled\", the default) and \"s3\"".into());
            self.err(Diagnostic::error(format!("unsupported backend {kind:?}")).at(s).hint(hint));
        }
        let mut backend = Backend { kind, span, ..Backend::default() };
        for s in b.body.into_iter() {
            match s {
                Structure::Attribute(a) => {
                    let name = a.key.as_str().to_string();
                    if let Some(s) = self.span(a.span()) {
                        backend.spans.insert(name.clone(), s);
                    }
                    if let Some(v) = self.static_json(&a.value) {
                        backend.settings.insert(name, v);
                    }
                }
                Structure::Block(inner) => {
                    let name = inner.ident.as_str().to_string();
                    if let Some(s) = self.span(inner.span()) {
                        backend.spans.insert(name.clone(), s);
                    }
                    let mut fields = serde_json::Map::new();
                    for a in inner.body.attributes() {
                        if let Some(v) = self.static_json(&a.value) {
                            fields.insert(a.key.as_str().to_string(), v);
                        }
                    }
                    backend.settings.insert(name, serde_json::Value::Object(fields));
                }
            }
        }
        backend.path = match backend.settings.get("path") {
            Some(serde_json::Value::String(p)) => Some(p.clone()),
            _ => None,
        };
        self.module.backend = Some(backend);
    }

    /// A constant as JSON ([`constant_json`]); anything else is an error: backend settings
    /// are read before any expression can be evaluated.
    fn static_json(&mut self, e: &Expression) -> Option<serde_json::Value> {
        match constant_json(e) {
            Ok(v) => Some(v),
            Err(range) => {
                let s = self.span(range);
                self.err(Diagnostic::error("variables may not be used here").at(s).label("not a constant").hint(
                    "backend settings are read before anything is evaluated: write the value itself, as in Terraform",
                ));
                None
            }
        }
    }

    /// `terraform { encryption { key_provider, method, state, plan } }`.
    fn encryption(&mut self, b: Block) {
        let span = self.span(b.span());
        if self.module.encryption.is_some() {
            self.err(
                Diagnostic::error("duplicate `encryption` block")
                    .at(span.clone())
                    .hint("configure encryption once, in one `terraform` block"),
            );
            return;
        }
        let mut cfg = EncryptionConfig { span: span.clone(), ..EncryptionConfig::default() };
        let mut targets: Vec<(String, Block)> = Vec::new();
        for s in b.body.into_iter() {
            match s {
                Structure::Block(inner) => {
                    let ispan = self.span(inner.span());
                    match inner.ident.as_str() {
                        "key_provider" => {
                            let Some(l) = self.labels(&inner, &["type", "name"]) else { continue };
                            const PBKDF2: &[&str] =
                                &["passphrase", "key_length", "iterations", "salt_length", "hash_function", "chain"];
                            const AWS_KMS: &[&str] = &[
                                "kms_key_id",
                                "key_spec",
                                "region",
                                "access_key",
                                "secret_key",
                                "profile",
                                "skip_credentials_validation",
                                "skip_requesting_account_id",
                                "skip_region_validation",
                                "skip_metadata_api_check",
                            ];
                            let (known, required): (&[&str], &[&str]) = match l[0].as_str() {
                                "pbkdf2" => (PBKDF2, &["passphrase"]),
                                "aws_kms" => (AWS_KMS, &["kms_key_id", "key_spec"]),
                                _ => {
                                    let s = self.span(inner.labels[0].span());
                                    self.err(
                                        Diagnostic::error(format!("unsupported key provider {:?}", l[0]))
                                            .at(s)
                                            .hint("supported key providers: \"pbkdf2\", \"aws_kms\""),
                                    );
                                    continue;
                                }
                            };
                            let mut args = BTreeMap::new();
                            for st in inner.body.into_iter() {
                                match st {
                                    Structure::Attribute(a) => {
                                        let name = a.key.as_str().to_string();
                                        if !known.contains(&name.as_str()) {
                                            let s = self.span(a.key.span());
                                            self.err(
                                                Diagnostic::error(format!(
                                                    "unsupported argument `{name}` in key_provider \"{}\"",
                                                    l[0]
                                                ))
                                                .at(s)
                                                .maybe_hint(did_you_mean(&name, known.iter().copied())),
                                            );
                                            continue;
                                        }
                                        if name == "chain" {
                                            let s = self.span(a.key.span());
                                            self.err(
                                                Diagnostic::error("`chain` is not supported yet")
                                                    .at(s)
                                                    .hint("give the passphrase directly"),
                                            );
                                            continue;
                                        }
                                        args.insert(name, self.expr(a.value));
                                    }
                                    // `endpoints { kms = URL }` (aws_kms): each endpoint as `endpoints.SERVICE`.
                                    Structure::Block(x) if l[0] == "aws_kms" && x.ident.as_str() == "endpoints" => {
                                        for a in x.body.into_attributes() {
                                            args.insert(format!("endpoints.{}", a.key.as_str()), self.expr(a.value));
                                        }
                                    }
                                    Structure::Block(x) => {
                                        let s = self.span(x.ident.span());
                                        self.err(
                                            Diagnostic::error(format!(
                                                "unsupported block `{}` in key_provider",
                                                x.ident.as_str()
                                            ))
                                            .at(s),
                                        );
                                    }
                                }
                            }
                            for r in required {
                                if !args.contains_key(*r) {
                                    self.err(
                                        Diagnostic::error(format!(
                                            "key_provider \"{}\" \"{}\" needs `{r}`",
                                            l[0], l[1]
                                        ))
                                        .at(ispan.clone()),
                                    );
                                }
                            }
                            if cfg.key_providers.iter().any(|k: &KeyProviderConfig| k.kind == l[0] && k.name == l[1]) {
                                self.err(
                                    Diagnostic::error(format!("duplicate key_provider.{}.{}", l[0], l[1])).at(ispan),
                                );
                                continue;
                            }
                            cfg.key_providers.push(KeyProviderConfig {
                                kind: l[0].clone(),
                                name: l[1].clone(),
                                args,
                                span: ispan,
                            });
                        }
                        "method" => {
                            let Some(l) = self.labels(&inner, &["type", "name"]) else { continue };
                            if l[0] != "aes_gcm" && l[0] != "unencrypted" {
                                let s = self.span(inner.labels[0].span());
                                self.err(
                                    Diagnostic::error(format!("unsupported encryption method {:?}", l[0]))
                                        .at(s)
                                        .hint("supported methods: \"aes_gcm\", \"unencrypted\""),
                                );
                                continue;
                            }
                            let mut keys = None;
                            for st in inner.body.into_iter() {
                                match st {
                                    Structure::Attribute(a) if a.key.as_str() == "keys" && l[0] == "aes_gcm" => {
                                        keys = self.reference(&a.value, "key_provider");
                                    }
                                    Structure::Attribute(a) => {
                                        let s = self.span(a.key.span());
                                        self.err(
                                            Diagnostic::error(format!(
                                                "unsupported argument `{}` in method \"{}\"",
                                                a.key.as_str(),
                                                l[0]
                                            ))
                                            .at(s),
                                        );
                                    }
                                    Structure::Block(x) => {
                                        let s = self.span(x.ident.span());
                                        self.err(
                                            Diagnostic::error(format!(
                                                "unsupported block `{}` in method",
                                                x.ident.as_str()
                                            ))
                                            .at(s),
                                        );
                                    }
                                }
                            }
                            if l[0] == "aes_gcm" && keys.is_none() {
                                self.err(
                                    Diagnostic::error(format!(
                                        "method \"aes_gcm\" \"{}\" needs `keys = key_provider.TYPE.NAME`",
                                        l[1]
                                    ))
                                    .at(ispan.clone()),
                                );
                            }
                            if cfg.methods.iter().any(|m: &MethodConfig| m.kind == l[0] && m.name == l[1]) {
                                self.err(Diagnostic::error(format!("duplicate method.{}.{}", l[0], l[1])).at(ispan));
                                continue;
                            }
                            cfg.methods.push(MethodConfig {
                                kind: l[0].clone(),
                                name: l[1].clone(),
                                keys,
                                span: ispan,
                            });
                        }
                        "state" | "plan" => targets.push((inner.ident.as_str().to_string(), inner)),
                        other => {
                            let s = self.span(inner.ident.span());
                            let hint = did_you_mean(
                                other,
                                ["key_provider", "method", "state", "plan", "remote_state_data_sources"],
                            );
                            self.err(
                                Diagnostic::error(format!("unsupported block `{other}` in `encryption`"))
                                    .at(s)
                                    .maybe_hint(hint),
                            );
                        }
                    }
                }
                Structure::Attribute(a) => {
                    let s = self.span(a.key.span());
                    self.err(
                        Diagnostic::error(format!("unsupported argument `{}` in `encryption`", a.key.as_str()))
                            .at(s)
                            .hint("`encryption` holds key_provider, method, state and plan blocks"),
                    );
                }
            }
        }
        for m in &cfg.methods {
            if let Some((t, n)) = &m.keys {
                if !cfg.key_providers.iter().any(|k| &k.kind == t && &k.name == n) {
                    let d =
                        Diagnostic::error(format!("reference to undeclared key_provider.{t}.{n}")).at(m.span.clone());
                    self.err(d.maybe_hint(did_you_mean(n, cfg.key_providers.iter().map(|k| k.name.as_str()))));
                }
            }
        }
        for (kind, tb) in targets {
            let tspan = self.span(tb.span());
            let mut t = EncryptionTarget { method: None, fallback: None, enforced: false, span: tspan.clone() };
            let mut has_method = false;
            for st in tb.body.into_iter() {
                match st {
                    Structure::Attribute(a) => match a.key.as_str() {
                        "method" => {
                            has_method = true;
                            t.method = self.method_ref(&a.value, &cfg);
                        }
                        "enforced" => t.enforced = self.static_bool(&a.value, "enforced"),
                        other => {
                            let s = self.span(a.key.span());
                            self.err(
                                Diagnostic::error(format!("unsupported argument `{other}` in `{kind}`"))
                                    .at(s)
                                    .maybe_hint(did_you_mean(other, ["method", "enforced"])),
                            );
                        }
                    },
                    Structure::Block(fb) if fb.ident.as_str() == "fallback" => {
                        for fs in fb.body.into_iter() {
                            match fs {
                                Structure::Attribute(a) if a.key.as_str() == "method" => {
                                    t.fallback = self.method_ref(&a.value, &cfg)
                                }
                                other => {
                                    let s = self.span(match &other {
                                        Structure::Attribute(a) => a.key.span(),
                                        Structure::Block(b) => b.ident.span(),
                                    });
                                    self.err(Diagnostic::error("`fallback` holds only `method`").at(s));
                                }
                            }
                        }
                    }
                    Structure::Block(x) => {
                        let s = self.span(x.ident.span());
                        self.err(
                            Diagnostic::error(format!("unsupported block `{}` in `{kind}`", x.ident.as_str()))
                                .at(s)
                                .hint("only `fallback`"),
                        );
                    }
                }
            }
            if !has_method {
                self.err(Diagnostic::error(format!("`{kind}` needs `method = method.TYPE.NAME`")).at(tspan.clone()));
            }
            if t.enforced && t.method.as_ref().is_some_and(|(ty, _)| ty == "unencrypted") {
                self.err(
                    Diagnostic::error(format!("`{kind}` is enforced, but its method is unencrypted"))
                        .at(tspan.clone())
                        .hint("with `enforced = true` the method must encrypt (aes_gcm)"),
                );
            }
            let slot = if kind == "state" { &mut cfg.state } else { &mut cfg.plan };
            if slot.is_some() {
                self.err(Diagnostic::error(format!("duplicate `{kind}` block in `encryption`")).at(tspan));
            } else {
                *slot = Some(t);
            }
        }
        self.module.encryption = Some(cfg);
    }

    /// `<root>.<type>.<name>` as a static reference.
    fn reference(&mut self, e: &Expression, root: &str) -> Option<(String, String)> {
        match traversal_path(e) {
            Some(p) if p.len() == 3 && p[0] == root => Some((p[1].clone(), p[2].clone())),
            _ => {
                let s = self.span(e.span());
                self.err(Diagnostic::error(format!("expected a reference like `{root}.TYPE.NAME`")).at(s));
                None
            }
        }
    }

    fn method_ref(&mut self, e: &Expression, cfg: &EncryptionConfig) -> Option<(String, String)> {
        let (t, n) = self.reference(e, "method")?;
        if !cfg.methods.iter().any(|m| m.kind == t && m.name == n) {
            let s = self.span(e.span());
            let hint = did_you_mean(&n, cfg.methods.iter().map(|m| m.name.as_str()));
            self.err(Diagnostic::error(format!("reference to undeclared method.{t}.{n}")).at(s).maybe_hint(hint));
            return None;
        }
        Some((t, n))
    }

    fn variable(&mut self, b: Block, span: Option<Span>) {
        let Some(l) = self.labels(&b, &["name"]) else { return };
        let mut v = Variable {
            name: l[0].clone(),
            type_expr: None,
            default: None,
            description: None,
            sensitive: false,
            nullable: true,
            validations: vec![],
            span: span.clone(),
        };
        for s in b.body.into_iter() {
            match s {
                Structure::Attribute(a) => match a.key.as_str() {
                    "type" => v.type_expr = Some(self.expr(a.value)),
                    "default" => v.default = Some(self.expr(a.value)),
                    "description" => v.description = self.static_string(&a.value, "description"),
                    "sensitive" => v.sensitive = self.static_bool(&a.value, "sensitive"),
                    "nullable" => v.nullable = self.static_bool(&a.value, "nullable"),
                    other => {
                        let hint = did_you_mean(other, ["type", "default", "description", "sensitive", "nullable"]);
                        let s = self.span(a.key.span());
                        self.err(
                            Diagnostic::error(format!("unsupported argument `{other}` in variable \"{}\"", v.name))
                                .at(s)
                                .maybe_hint(hint),
                        );
                    }
                },
                Structure::Block(vb) if vb.ident.as_str() == "validation" => {
                    let mut body = vb.body;
                    let cond = body.remove_attribute("condition").map(|a| self.expr(a.value));
                    let msg = body.remove_attribute("error_message").map(|a| self.expr(a.value));
                    match (cond, msg) {
                        (Some(condition), Some(error_message)) => {
                            v.validations.push(Validation { condition, error_message })
                        }
                        _ => self.err(
                            Diagnostic::error("`validation` needs `condition` and `error_message`").at(span.clone()),
                        ),
                    }
                }
                Structure::Block(other) => {
                    let s = self.span(other.ident.span());
                    self.err(
                        Diagnostic::error(format!("unsupported block `{}` in variable", other.ident.as_str())).at(s),
                    );
                }
            }
        }
        if self.module.variables.contains_key(&v.name) {
            let first = self.module.variables[&v.name].span.clone();
            self.err(first_here(
                Diagnostic::error(format!("duplicate variable \"{}\"", v.name))
                    .at(span)
                    .hint("each variable is declared once per module"),
                first,
            ));
        } else {
            self.module.variables.insert(v.name.clone(), v);
        }
    }

    fn resource(&mut self, b: Block, mode: Mode, span: Option<Span>) {
        let Some(l) = self.labels(&b, &["type", "name"]) else { return };
        let key = ResourceKey { mode, type_name: l[0].clone(), name: l[1].clone() };
        let mut body = b.body;
        let count = body.remove_attribute("count").map(|a| self.expr(a.value));
        let for_each = body.remove_attribute("for_each").map(|a| self.expr(a.value));
        if count.is_some() && for_each.is_some() {
            self.err(
                Diagnostic::error(format!("{key}: `count` and `for_each` are mutually exclusive"))
                    .at(span.clone())
                    .hint("use one of them"),
            );
        }
        let depends_on = body.remove_attribute("depends_on").map(|a| self.expr_list(a.value)).unwrap_or_default();
        let provider = body.remove_attribute("provider").and_then(|a| self.provider_ref(&a.value));
        let mut lifecycle = Lifecycle::default();
        for lb in body.remove_blocks("lifecycle") {
            self.lifecycle(lb, &mut lifecycle);
        }
        let mut provisioners = Vec::new();
        for pb in body.remove_blocks("provisioner") {
            self.provisioner(pb, &mut provisioners);
        }
        let r = Resource {
            key: key.clone(),
            body: Body { file: self.file, inner: body, span: span.clone(), from_json: self.is_json_at(&span) },
            count,
            for_each,
            depends_on,
            provider,
            lifecycle,
            provisioners,
            span: span.clone(),
            check: None,
        };
        match self.module.resources.entry(key) {
            std::collections::btree_map::Entry::Occupied(e) => {
                let (first, key) = (e.get().span.clone(), e.key().clone());
                self.err(first_here(
                    Diagnostic::error(format!("duplicate resource `{key}`"))
                        .at(span)
                        .hint("resource names are unique per type within a module"),
                    first,
                ));
            }
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(r);
            }
        }
    }

    /// `removed { from = ADDRESS  lifecycle { destroy = BOOL } }`.
    fn removed(&mut self, b: Block, span: Option<Span>) {
        let mut body = b.body;
        let from = body.remove_attribute("from").map(|a| self.expr(a.value));
        let mut destroy = true;
        for lb in body.remove_blocks("lifecycle") {
            for s in lb.body.into_iter() {
                match s {
                    Structure::Attribute(a) if a.key.as_str() == "destroy" => {
                        destroy = self.static_bool(&a.value, "destroy")
                    }
                    other => {
                        let s = self.span(other.span());
                        self.err(
                            Diagnostic::error("a `removed` block's lifecycle holds only `destroy`")
                                .at(s)
                                .hint("lifecycle { destroy = false } forgets the object instead of destroying it"),
                        );
                    }
                }
            }
        }
        for other in body.into_iter() {
            let s = self.span(other.span());
            self.err(
                Diagnostic::error("unsupported content in `removed`")
                    .at(s)
                    .hint("a `removed` block holds `from` and an optional `lifecycle { destroy = ... }`"),
            );
        }
        match from {
            Some(from) => self.module.removed.push(Removed { from, destroy, span }),
            None => self
                .err(Diagnostic::error("`removed` block needs `from`").at(span).hint("e.g. from = aws_instance.old")),
        }
    }

    /// `check "name" { data "t" "n" {...}  assert { condition, error_message } }`; the
    /// scoped data source joins the module's resources, marked with the check's name.
    fn check(&mut self, b: Block, span: Option<Span>) {
        let Some(l) = self.labels(&b, &["name"]) else { return };
        let name = l[0].clone();
        if self.module.checks.iter().any(|c| c.name == name) {
            self.err(
                Diagnostic::error(format!("duplicate check \"{name}\""))
                    .at(span)
                    .hint("check names are unique within a module"),
            );
            return;
        }
        let mut check = Check { name: name.clone(), asserts: vec![], span: span.clone() };
        for s in b.body.into_iter() {
            match s {
                Structure::Block(inner) if inner.ident.as_str() == "assert" => {
                    let aspan = self.span(inner.span());
                    let mut body = inner.body;
                    let condition = body.remove_attribute("condition").map(|a| self.expr(a.value));
                    let error_message = body.remove_attribute("error_message").map(|a| self.expr(a.value));
                    match (condition, error_message) {
                        (Some(condition), Some(error_message)) => {
                            check.asserts.push(Validation { condition, error_message })
                        }
                        _ => self.err(Diagnostic::error("`assert` needs `condition` and `error_message`").at(aspan)),
                    }
                }
                Structure::Block(inner) if inner.ident.as_str() == "data" => {
                    let key = (inner.labels.len() == 2).then(|| ResourceKey {
                        mode: Mode::Data,
                        type_name: inner.labels[0].as_str().to_string(),
                        name: inner.labels[1].as_str().to_string(),
                    });
                    let dspan = self.span(inner.span());
                    let fresh = key.as_ref().is_some_and(|k| !self.module.resources.contains_key(k));
                    self.resource(inner, Mode::Data, dspan);
                    if let (Some(k), true) = (key, fresh) {
                        if let Some(r) = self.module.resources.get_mut(&k) {
                            r.check = Some(name.clone());
                        }
                    }
                }
                other => {
                    let s = self.span(other.span());
                    self.err(
                        Diagnostic::error(format!("unsupported content in check \"{name}\""))
                            .at(s)
                            .hint("a check holds one optional `data` block and `assert` blocks"),
                    );
                }
            }
        }
        if check.asserts.is_empty() {
            self.err(
                Diagnostic::error(format!("check \"{name}\" has no `assert` block"))
                    .at(span)
                    .hint("add assert { condition = ..., error_message = \"...\" }"),
            );
        }
        self.module.checks.push(check);
    }

    fn lifecycle(&mut self, b: Block, lc: &mut Lifecycle) {
        for s in b.body.into_iter() {
            let Structure::Attribute(a) = s else { continue };
            match a.key.as_str() {
                "create_before_destroy" => {
                    lc.create_before_destroy = self.static_bool(&a.value, "create_before_destroy")
                }
                "prevent_destroy" => lc.prevent_destroy = self.static_bool(&a.value, "prevent_destroy"),
                "ignore_changes" => {
                    lc.ignore_changes = match &a.value {
                        Expression::Variable(v) if v.as_str() == "all" => IgnoreChanges::All,
                        other => IgnoreChanges::Attributes(
                            self.expr_list(other.clone())
                                .iter()
                                .filter_map(|e| traversal_path(&e.inner))
                                .map(|p| p.join("."))
                                .collect(),
                        ),
                    }
                }
                "replace_triggered_by" => lc.replace_triggered_by = self.expr_list(a.value),
                other => {
                    let hint = did_you_mean(
                        other,
                        ["create_before_destroy", "prevent_destroy", "ignore_changes", "replace_triggered_by"],
                    );
                    let s = self.span(a.key.span());
                    self.err(
                        Diagnostic::error(format!("unsupported lifecycle argument `{other}`")).at(s).maybe_hint(hint),
                    );
                }
            }
        }
    }

    fn provisioner(&mut self, b: Block, out: &mut Vec<Provisioner>) {
        let span = self.span(b.span());
        let kind = b.labels.first().map(|l| l.as_str().to_string()).unwrap_or_default();
        if kind != "local-exec" {
            self.err(
                Diagnostic::error(format!("unsupported provisioner {kind:?}"))
                    .at(span)
                    .hint("meshplan supports the \"local-exec\" provisioner"),
            );
            return;
        }
        let mut body = b.body;
        let command = body.remove_attribute("command").map(|a| self.expr(a.value));
        let environment = body.remove_attribute("environment").map(|a| self.expr(a.value));
        let when_destroy = body
            .remove_attribute("when")
            .is_some_and(|a| matches!(&a.value, Expression::Variable(v) if v.as_str() == "destroy"));
        match command {
            Some(command) => out.push(Provisioner { command, environment, when_destroy, span }),
            None => self.err(Diagnostic::error("provisioner \"local-exec\" needs `command`").at(span)),
        }
    }

    fn output(&mut self, b: Block, span: Option<Span>) {
        let Some(l) = self.labels(&b, &["name"]) else { return };
        let mut body = b.body;
        let Some(value) = body.remove_attribute("value").map(|a| self.expr(a.value)) else {
            self.err(
                Diagnostic::error(format!("output \"{}\" needs a `value`", l[0]))
                    .at(span)
                    .hint("add `value = <expression>` to the output block"),
            );
            return;
        };
        let sensitive = body.remove_attribute("sensitive").is_some_and(|a| self.static_bool(&a.value, "sensitive"));
        let description =
            body.remove_attribute("description").and_then(|a| self.static_string(&a.value, "description"));
        let depends_on = body.remove_attribute("depends_on").map(|a| self.expr_list(a.value)).unwrap_or_default();
        if self.module.outputs.contains_key(&l[0]) {
            let first = self.module.outputs[&l[0]].span.clone();
            self.err(first_here(Diagnostic::error(format!("duplicate output \"{}\"", l[0])).at(span), first));
            return;
        }
        self.module
            .outputs
            .insert(l[0].clone(), Output { name: l[0].clone(), value, sensitive, description, depends_on, span });
    }

    fn module_call(&mut self, b: Block, span: Option<Span>) {
        let Some(l) = self.labels(&b, &["name"]) else { return };
        let mut call = ModuleCall {
            name: l[0].clone(),
            source: String::new(),
            source_span: None,
            version: None,
            version_span: None,
            count: None,
            for_each: None,
            inputs: BTreeMap::new(),
            providers: vec![],
            depends_on: vec![],
            span: span.clone(),
        };
        for s in b.body.into_iter() {
            let Structure::Attribute(a) = s else {
                self.err(Diagnostic::error("module blocks hold only arguments").at(span.clone()));
                continue;
            };
            match a.key.as_str() {
                "source" => {
                    call.source_span = self.span(a.value.span());
                    call.source = self.static_string(&a.value, "source").unwrap_or_default();
                }
                "version" => {
                    call.version_span = self.span(a.value.span());
                    call.version = self.static_string(&a.value, "version");
                }
                "count" => call.count = Some(self.expr(a.value)),
                "for_each" => call.for_each = Some(self.expr(a.value)),
                "depends_on" => call.depends_on = self.expr_list(a.value),
                "providers" => call.providers = self.providers_map(&a.value),
                name => {
                    let e = self.expr(a.value);
                    call.inputs.insert(name.to_string(), e);
                }
            }
        }
        if call.source.is_empty() {
            self.err(
                Diagnostic::error(format!("module \"{}\" needs a `source`", call.name))
                    .at(span.clone())
                    .hint("e.g. source = \"../../modules/vpc\""),
            );
            return;
        }
        if self.module.module_calls.contains_key(&call.name) {
            let first = self.module.module_calls[&call.name].span.clone();
            self.err(first_here(Diagnostic::error(format!("duplicate module call \"{}\"", call.name)).at(span), first));
            return;
        }
        self.module.module_calls.insert(call.name.clone(), call);
    }

    fn providers_map(&mut self, e: &Expression) -> Vec<(ProviderRef, ProviderRef)> {
        let mut out = Vec::new();
        let Expression::Object(obj) = e else {
            let s = self.span(e.span());
            self.err(Diagnostic::error("`providers` must be a map like { aws = aws.foo }").at(s));
            return out;
        };
        for (k, v) in obj.iter() {
            let child = match k {
                hcl_edit::expr::ObjectKey::Ident(i) => self.parse_provider_ref(i.as_str()),
                // JSON syntax writes every key quoted: `{"aws.west": "aws.west"}`.
                hcl_edit::expr::ObjectKey::Expression(Expression::String(s)) => self.parse_provider_ref(s.as_str()),
                hcl_edit::expr::ObjectKey::Expression(ke) => {
                    traversal_path(ke).and_then(|p| self.parse_provider_ref(&p.join(".")))
                }
            };
            let parent = self.provider_ref(v.expr());
            if let (Some(c), Some(p)) = (child, parent) {
                out.push((c, p));
            }
        }
        out
    }

    fn parse_provider_ref(&self, s: &str) -> Option<ProviderRef> {
        let mut it = s.splitn(2, '.');
        let name = it.next()?.to_string();
        Some(ProviderRef { name, alias: it.next().map(str::to_string) })
    }

    fn provider_ref(&mut self, e: &Expression) -> Option<ProviderRef> {
        match traversal_path(e) {
            Some(p) if (1..=2).contains(&p.len()) => self.parse_provider_ref(&p.join(".")),
            _ => {
                let s = self.span(e.span());
                self.err(
                    Diagnostic::error("a provider reference is written `name` or `name.alias`, without quotes")
                        .at(s)
                        .hint("e.g. provider = aws.west"),
                );
                None
            }
        }
    }

    fn expr_list(&mut self, e: Expression) -> Vec<Expr> {
        match e {
            Expression::Array(a) => a.into_iter().map(|e| self.expr(e)).collect(),
            other => {
                let s = self.span(other.span());
                self.err(Diagnostic::error("expected a list like [a.b, c.d]").at(s));
                vec![]
            }
        }
    }

    fn static_string(&mut self, e: &Expression, what: &str) -> Option<String> {
        match e {
            Expression::String(s) => Some(s.as_str().to_string()),
            Expression::StringTemplate(t) if t.iter().all(|el| el.is_literal()) => {
                Some(t.iter().filter_map(|el| el.as_literal().map(|l| l.as_str().to_string())).collect())
            }
            _ => {
                let s = self.span(e.span());
                self.err(
                    Diagnostic::error(format!("`{what}` must be a literal string"))
                        .at(s)
                        .hint("this argument is read before any expression is evaluated"),
                );
                None
            }
        }
    }

    /// `aws = { source = "hashicorp/aws", version = "~> 5.0" }`, or Terraform 0.12's
    /// `aws = "~> 5.0"`; other keys (`configuration_aliases`) are not needed here.
    fn required_providers(&mut self, b: Block) {
        for s in b.body.into_iter() {
            let Structure::Attribute(a) = s else { continue };
            let mut entry = RequiredProvider::default();
            match &a.value {
                Expression::Object(obj) => {
                    for (k, v) in obj.iter() {
                        let key = match k {
                            hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                            hcl_edit::expr::ObjectKey::Expression(Expression::String(s)) => s.as_str().to_string(),
                            hcl_edit::expr::ObjectKey::Expression(_) => continue,
                        };
                        match key.as_str() {
                            "source" => entry.source = self.static_string(v.expr(), "source"),
                            "version" => entry.version = self.static_string(v.expr(), "version"),
                            _ => {}
                        }
                    }
                }
                other => entry.version = self.static_string(other, "version"),
            }
            self.module.required_providers.insert(a.key.as_str().to_string(), entry);
        }
    }

    fn static_bool(&mut self, e: &Expression, what: &str) -> bool {
        match e {
            Expression::Bool(b) => **b,
            _ => {
                let s = self.span(e.span());
                self.err(Diagnostic::error(format!("`{what}` must be true or false")).at(s));
                false
            }
        }
    }
}

/// Adds where the name was first declared (often in another file, e.g. a `.tf` and a `.mp.hcl`).
fn first_here(mut d: Diagnostic, first: Option<Span>) -> Diagnostic {
    if let Some(first) = first {
        d.related.push(("first declared".to_string(), first));
    }
    d
}

/// `a.b.c` → ["a","b","c"]; `a["k"]` → ["a","k"]; anything else → None.
pub fn traversal_path(e: &Expression) -> Option<Vec<String>> {
    match e {
        Expression::Variable(v) => Some(vec![v.as_str().to_string()]),
        Expression::Traversal(t) => {
            let mut out = traversal_path(&t.expr)?;
            for op in &t.operators {
                match op.value() {
                    TraversalOperator::GetAttr(i) => out.push(i.as_str().to_string()),
                    TraversalOperator::Index(Expression::String(s)) => out.push(s.as_str().to_string()),
                    TraversalOperator::Index(Expression::Number(n)) => out.push(n.to_string()),
                    _ => return None,
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// A constant (`"a"`, `true`, `3`, lists and objects of them) as JSON; `Err` gives the range
/// of the first part that is not constant (a reference, a function call, an interpolation).
pub fn constant_json(e: &Expression) -> Result<serde_json::Value, Option<std::ops::Range<usize>>> {
    use serde_json::Value as J;
    Ok(match e {
        Expression::Null(_) => J::Null,
        Expression::Bool(b) => J::Bool(**b),
        Expression::Number(n) => serde_json::from_str(&n.to_string()).unwrap_or(J::Null),
        Expression::Array(a) => J::Array(a.iter().map(constant_json).collect::<Result<Vec<_>, _>>()?),
        Expression::Object(o) => {
            let mut m = serde_json::Map::new();
            for (k, v) in o.iter() {
                let key = match k {
                    hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                    hcl_edit::expr::ObjectKey::Expression(k) => match constant_json(k)? {
                        J::String(s) => s,
                        other => other.to_string(),
                    },
                };
                m.insert(key, constant_json(v.expr())?);
            }
            J::Object(m)
        }
        Expression::String(s) => J::String(s.as_str().to_string()),
        Expression::StringTemplate(t) if t.iter().all(|el| el.is_literal()) => {
            J::String(t.iter().filter_map(|el| el.as_literal().map(|l| l.as_str().to_string())).collect())
        }
        Expression::Parenthesis(p) => constant_json(p.inner())?,
        other => return Err(other.span()),
    })
}
