//! Building the graph, step by step.

use super::{Graph, ModulePath, Node, ProviderConfigAddr};
use crate::addrs::config_address;
use crate::config::references::{body_references, expr_references, Reference, Target};
use crate::config::{Expr, Module, ProviderRef};
use crate::diag::{did_you_mean, Diagnostic, Diagnostics, FileId, Span};
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::HashMap;

/// When an instance is destroyed relative to its config node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DestroyOrder {
    /// Orphaned or `destroy`: no create follows.
    Alone,
    /// Replace: destroy, then create (the default).
    BeforeCreate,
    /// Replace with `create_before_destroy`.
    AfterCreate,
}

/// One instance to destroy, with what the state says about it.
#[derive(Clone, Debug)]
pub struct DestroyEdgeInput {
    pub address: String,
    /// Config addresses (no instance keys) it depended on when applied.
    pub dependencies: Vec<String>,
    /// Config addresses of surviving instances that depended on it.
    pub dependents: Vec<String>,
    pub provider: ProviderConfigAddr,
    pub order: DestroyOrder,
}

/// Ordering keys of one instance (from the plan), for [`build_graph_with`].
#[derive(Clone, Debug)]
pub struct ImpliedInput {
    pub address: String,
    /// Provider configuration address: keys only relate instances of the same one.
    pub provider: String,
    pub keys: Vec<meshplan_provider::ImpliedKey>,
    /// The instance is being deleted (orders its destroy node rather than its config node).
    pub destroying: bool,
}

pub fn build_graph(root: &Module, destroys: &[DestroyEdgeInput]) -> (Graph, Diagnostics) {
    build_graph_with(root, destroys, &[])
}

/// [`build_graph`] plus implied ordering between instances of the same provider.
pub fn build_graph_with(
    root: &Module,
    destroys: &[DestroyEdgeInput],
    implied: &[ImpliedInput],
) -> (Graph, Diagnostics) {
    let mut b = Builder::default();
    b.build(root, destroys, implied);
    let g = Graph { graph: b.g, index: b.index, resource_provider: b.resource_provider };
    (g, b.diags)
}

#[derive(Default)]
struct Builder {
    g: DiGraph<Node, ()>,
    index: HashMap<Node, NodeIndex>,
    resource_provider: HashMap<NodeIndex, ProviderConfigAddr>,
    diags: Diagnostics,
    /// Every reference to a declared resource, for `validate`'s attribute check.
    resource_refs: Vec<ResourceReference>,
}

/// A reference to a declared resource: where, and the steps written after its name.
pub struct ResourceReference {
    pub module: ModulePath,
    pub key: crate::config::ResourceKey,
    pub steps: Vec<String>,
    pub span: Option<Span>,
}

/// For `validate`: the graph's diagnostics and the references the configuration makes to
/// its resources, from one pass (the graph itself is not kept).
pub fn check_graph(root: &Module) -> (Diagnostics, Vec<ResourceReference>) {
    let mut b = Builder::default();
    b.build(root, &[], &[]);
    (b.diags, b.resource_refs)
}

pub(crate) fn module_at<'m>(root: &'m Module, path: &[String]) -> Option<&'m Module> {
    let mut m = root;
    for c in path {
        m = m.children.get(c)?;
    }
    Some(m)
}

impl Builder {
    /// The transforms, in order.
    fn build(&mut self, root: &Module, destroys: &[DestroyEdgeInput], implied: &[ImpliedInput]) {
        self.config_nodes(root, &Vec::new());
        self.reference_edges(root, &Vec::new());
        self.check_block_references(root, &Vec::new());
        self.provider_edges(root, root, &Vec::new());
        self.destroy_nodes(destroys);
        self.implied_edges(implied);
        self.check_cycles(root);
    }

    fn add(&mut self, n: Node) -> NodeIndex {
        if let Some(i) = self.index.get(&n) {
            return *i;
        }
        let i = self.g.add_node(n.clone());
        self.index.insert(n, i);
        i
    }
    fn edge(&mut self, from: NodeIndex, to: NodeIndex) {
        if from != to || matches!(self.g[from], Node::Resource { .. }) {
            self.g.update_edge(from, to, ());
        }
    }

    /// Step 1: a node for every block.
    fn config_nodes(&mut self, m: &Module, path: &ModulePath) {
        for name in m.variables.keys() {
            self.add(Node::Variable { module: path.clone(), name: name.clone() });
        }
        for name in m.locals.keys() {
            self.add(Node::Local { module: path.clone(), name: name.clone() });
        }
        for name in m.outputs.keys() {
            self.add(Node::Output { module: path.clone(), name: name.clone() });
        }
        for p in &m.providers {
            self.add(Node::Provider { module: path.clone(), provider: p.reference() });
        }
        for key in m.resources.keys() {
            self.add(Node::Resource { module: path.clone(), key: key.clone() });
        }
        for (name, child) in &m.children {
            let mut cp = path.clone();
            cp.push(name.clone());
            self.add(Node::ModuleExpand { module: cp.clone() });
            self.config_nodes(child, &cp);
        }
    }

    /// Step 2: edges from what each expression refers to.
    fn reference_edges(&mut self, m: &Module, path: &ModulePath) {
        let node = |n: Node, b: &Self| b.index[&n];
        // Everything in a child module is evaluated per module instance, so after the
        // expansion that says which instances exist (even what references nothing else).
        if !path.is_empty() {
            let exp = node(Node::ModuleExpand { module: path.clone() }, self);
            let members: Vec<Node> = m
                .locals
                .keys()
                .map(|n| Node::Local { module: path.clone(), name: n.clone() })
                .chain(m.outputs.keys().map(|n| Node::Output { module: path.clone(), name: n.clone() }))
                .chain(m.providers.iter().map(|p| Node::Provider { module: path.clone(), provider: p.reference() }))
                .collect();
            for n in members {
                let i = node(n, self);
                self.edge(exp, i);
            }
        }
        for v in m.variables.values() {
            let me = node(Node::Variable { module: path.clone(), name: v.name.clone() }, self);
            for val in &v.validations {
                // A validation block checks its own variable: `var.<self>` there is the value
                // being validated (stored before the check runs), not a dependency, so it must
                // not be reported as a self-reference (Terraform allows exactly this).
                let not_self = |refs: Vec<Reference>| -> Vec<Reference> {
                    refs.into_iter().filter(|r| !matches!(&r.target, Target::Var(n) if *n == v.name)).collect()
                };
                self.refs_to(me, m, path, &not_self(expr_references(&val.condition.inner)), val.condition.file);
                self.refs_to(me, m, path, &not_self(expr_references(&val.error_message.inner)), val.error_message.file);
            }
        }
        for l in m.locals.values() {
            let me = node(Node::Local { module: path.clone(), name: l.name.clone() }, self);
            self.refs_to(me, m, path, &expr_references(&l.expr.inner), l.expr.file);
        }
        for o in m.outputs.values() {
            let me = node(Node::Output { module: path.clone(), name: o.name.clone() }, self);
            self.refs_to(me, m, path, &expr_references(&o.value.inner), o.value.file);
            self.exprs_to(me, m, path, &o.depends_on);
        }
        for p in &m.providers {
            let me = node(Node::Provider { module: path.clone(), provider: p.reference() }, self);
            self.refs_to(me, m, path, &body_references(&p.body.inner), p.body.file);
        }
        for r in m.resources.values() {
            let me = node(Node::Resource { module: path.clone(), key: r.key.clone() }, self);
            self.refs_to(me, m, path, &body_references(&r.body.inner), r.body.file);
            let metas: Vec<&Expr> =
                r.count.iter().chain(r.for_each.iter()).chain(r.lifecycle.replace_triggered_by.iter()).collect();
            for e in metas {
                self.refs_to(me, m, path, &expr_references(&e.inner), e.file);
            }
            for p in &r.provisioners {
                self.refs_to(me, m, path, &expr_references(&p.command.inner), p.command.file);
            }
            self.exprs_to(me, m, path, &r.depends_on);
            if !path.is_empty() {
                let exp = node(Node::ModuleExpand { module: path.clone() }, self);
                self.edge(exp, me);
            }
        }
        for (name, call) in &m.module_calls {
            let Some(child) = m.children.get(name) else { continue };
            let mut cp = path.clone();
            cp.push(name.clone());
            let exp = node(Node::ModuleExpand { module: cp.clone() }, self);
            for e in call.count.iter().chain(call.for_each.iter()) {
                self.refs_to(exp, m, path, &expr_references(&e.inner), e.file);
            }
            self.exprs_to(exp, m, path, &call.depends_on);
            if !path.is_empty() {
                let parent = node(Node::ModuleExpand { module: path.clone() }, self);
                self.edge(parent, exp);
            }
            for (input, e) in &call.inputs {
                match self.index.get(&Node::Variable { module: cp.clone(), name: input.clone() }).copied() {
                    Some(var) => {
                        self.refs_to(var, m, path, &expr_references(&e.inner), e.file);
                        self.edge(exp, var);
                    }
                    None => {
                        let hint = did_you_mean(input, child.variables.keys().map(String::as_str));
                        self.diags.push(
                            Diagnostic::error(format!("module \"{name}\" has no input variable `{input}`"))
                                .at(e.span())
                                .maybe_hint(hint.or_else(|| {
                                    Some(format!("declare `variable \"{input}\" {{}}` in {}", child.dir.display()))
                                })),
                        );
                    }
                }
            }
            for (vname, v) in &child.variables {
                if v.default.is_none() && !call.inputs.contains_key(vname) {
                    self.diags.push(
                        Diagnostic::error(format!("module \"{name}\": missing required input `{vname}`"))
                            .at(call.span.clone())
                            .hint(format!("add `{vname} = ...` to the module block")),
                    );
                }
            }
            for v in child.variables.keys() {
                let var = node(Node::Variable { module: cp.clone(), name: v.clone() }, self);
                self.edge(exp, var);
            }
            self.reference_edges(child, &cp);
        }
    }

    fn exprs_to(&mut self, me: NodeIndex, m: &Module, path: &ModulePath, exprs: &[Expr]) {
        for e in exprs {
            self.refs_to(me, m, path, &expr_references(&e.inner), e.file);
        }
    }

    fn refs_to(&mut self, me: NodeIndex, m: &Module, path: &ModulePath, refs: &[Reference], file: FileId) {
        for r in refs {
            let span = r.span.clone().map(|range| Span { file, range });
            let targets = self.targets_of(m, path, r, &span);
            for t in targets {
                if t == me {
                    let label = self.g[me].label();
                    self.diags.push(
                        Diagnostic::error(format!("`{label}` refers to itself"))
                            .at(span.clone())
                            .hint("an object cannot depend on its own value"),
                    );
                    continue;
                }
                self.edge(t, me);
            }
        }
    }

    /// The nodes a reference names; an undeclared name is reported (and names none).
    fn targets_of(&mut self, m: &Module, path: &ModulePath, r: &Reference, span: &Option<Span>) -> Vec<NodeIndex> {
        match &r.target {
            Target::Builtin | Target::Unknown(_) => vec![],
            Target::Var(name) => match self.index.get(&Node::Variable { module: path.clone(), name: name.clone() }) {
                Some(i) => vec![*i],
                None => {
                    let hint = did_you_mean(name, m.variables.keys().map(String::as_str));
                    self.diags.push(
                        Diagnostic::error(format!("reference to undeclared input variable `var.{name}`"))
                            .at(span.clone())
                            .label("not declared in this module")
                            .maybe_hint(hint.or_else(|| Some(format!("declare it: variable \"{name}\" {{}}")))),
                    );
                    vec![]
                }
            },
            Target::Local(name) => match self.index.get(&Node::Local { module: path.clone(), name: name.clone() }) {
                Some(i) => vec![*i],
                None => {
                    let hint = did_you_mean(name, m.locals.keys().map(String::as_str));
                    self.diags.push(
                        Diagnostic::error(format!("reference to undeclared local value `local.{name}`"))
                            .at(span.clone())
                            .label("not defined in this module")
                            .maybe_hint(hint.or_else(|| Some(format!("define it: locals {{ {name} = ... }}")))),
                    );
                    vec![]
                }
            },
            Target::Resource(key) => match self.index.get(&Node::Resource { module: path.clone(), key: key.clone() }) {
                Some(i) => {
                    let (module, key, steps) = (path.clone(), key.clone(), r.steps.clone());
                    self.resource_refs.push(ResourceReference { module, key, steps, span: span.clone() });
                    vec![*i]
                }
                None => {
                    let names: Vec<String> = m.resources.keys().map(|k| k.to_string()).collect();
                    let hint = did_you_mean(&key.to_string(), names.iter().map(String::as_str));
                    self.diags.push(
                        Diagnostic::error(format!("reference to undeclared resource `{key}`"))
                            .at(span.clone())
                            .label("no such resource in this module")
                            .maybe_hint(hint),
                    );
                    vec![]
                }
            },
            Target::Module(call, output) => {
                let mut cp = path.clone();
                cp.push(call.clone());
                match (m.children.get(call), output) {
                    (None, _) => {
                        let hint = did_you_mean(call, m.module_calls.keys().map(String::as_str));
                        self.diags.push(
                            Diagnostic::error(format!("reference to undeclared module `module.{call}`"))
                                .at(span.clone())
                                .maybe_hint(hint),
                        );
                        vec![]
                    }
                    (Some(child), Some(out)) if !out.is_empty() && child.outputs.contains_key(out) => {
                        vec![
                            self.index[&Node::Output { module: cp.clone(), name: out.clone() }],
                            self.index[&Node::ModuleExpand { module: cp }],
                        ]
                    }
                    (Some(child), Some(out))
                        if m.module_calls.get(call).is_some_and(|c| c.count.is_none() && c.for_each.is_none()) =>
                    {
                        let hint = did_you_mean(out, child.outputs.keys().map(String::as_str));
                        self.diags.push(
                            Diagnostic::error(format!("module `{call}` has no output `{out}`"))
                                .at(span.clone())
                                .maybe_hint(hint),
                        );
                        vec![]
                    }
                    (Some(child), _) => {
                        let mut v: Vec<NodeIndex> = child
                            .outputs
                            .keys()
                            .map(|o| self.index[&Node::Output { module: cp.clone(), name: o.clone() }])
                            .collect();
                        // The whole module (`depends_on = [module.x]`) means everything in it,
                        // as in Terraform: its resources, nested modules included.
                        v.extend(self.index.iter().filter_map(|(n, i)| match n {
                            Node::Resource { module, .. } if module.starts_with(&cp) => Some(*i),
                            _ => None,
                        }));
                        v.push(self.index[&Node::ModuleExpand { module: cp }]);
                        v
                    }
                }
            }
        }
    }

    /// `check` assertions are evaluated after the walk, not as graph nodes; their references
    /// are still checked here, so a misspelt name is an error as in Terraform.
    fn check_block_references(&mut self, m: &Module, path: &ModulePath) {
        for check in &m.checks {
            for a in &check.asserts {
                for e in [&a.condition, &a.error_message] {
                    for r in expr_references(&e.inner) {
                        let span = r.span.clone().map(|range| Span { file: e.file, range });
                        self.targets_of(m, path, &r, &span);
                    }
                }
            }
        }
        for (name, child) in &m.children {
            let mut cp = path.clone();
            cp.push(name.clone());
            self.check_block_references(child, &cp);
        }
    }

    /// Step 3: every resource depends on the provider configuration it uses.
    fn provider_edges(&mut self, root: &Module, m: &Module, path: &ModulePath) {
        for r in m.resources.values() {
            let me = self.index[&Node::Resource { module: path.clone(), key: r.key.clone() }];
            match resolve_provider(root, path, &r.provider_ref()) {
                Ok(pk) => {
                    let p = self.add(Node::Provider { module: pk.module.clone(), provider: pk.provider.clone() });
                    self.edge(p, me);
                    self.resource_provider.insert(me, pk);
                }
                Err(msg) => self.diags.push(Diagnostic::error(msg).at(r.span.clone()).hint(format!(
                    "declare `provider \"{}\" {{ alias = ... }}` or pass it with `providers = {{ ... }}`",
                    r.provider_ref().name
                ))),
            }
        }
        for (name, child) in &m.children {
            let mut cp = path.clone();
            cp.push(name.clone());
            self.provider_edges(root, child, &cp);
        }
    }

    /// Step 4: one node per instance to destroy, ordered against the others.
    fn destroy_nodes(&mut self, destroys: &[DestroyEdgeInput]) {
        let resource_by_addr: HashMap<String, NodeIndex> = self
            .index
            .iter()
            .filter_map(|(n, i)| match n {
                Node::Resource { module, key } => {
                    let prefix: String = module.iter().map(|c| format!("module.{c}.")).collect();
                    Some((format!("{prefix}{key}"), *i))
                }
                _ => None,
            })
            .collect();
        let mut nodes = Vec::new();
        for d in destroys {
            let me = self.add(Node::Destroy { address: d.address.clone() });
            let p =
                self.add(Node::Provider { module: d.provider.module.clone(), provider: d.provider.provider.clone() });
            self.edge(p, me);
            let config = resource_by_addr.get(&config_address(&d.address)).copied();
            match (d.order, config) {
                (DestroyOrder::BeforeCreate, Some(c)) => self.edge(me, c),
                (DestroyOrder::AfterCreate, Some(c)) => self.edge(c, me),
                _ => {}
            }
            // A surviving dependent stops using the object before it goes (only for a pure
            // delete: a replaced object is recreated before its dependents run).
            if d.order == DestroyOrder::Alone {
                for dep in &d.dependents {
                    if let Some(c) = resource_by_addr.get(dep) {
                        if Some(*c) != config {
                            self.edge(*c, me);
                        }
                    }
                }
            }
            nodes.push((me, config_address(&d.address), d));
        }
        // A dependent is destroyed before what it depends on, including what its provider
        // configuration depends on (a cluster outlives the objects inside it).
        let graph = Graph { graph: self.g.clone(), index: self.index.clone(), resource_provider: HashMap::new() };
        let mut provider_deps: HashMap<String, Vec<String>> = HashMap::new();
        for d in destroys {
            let key = d.provider.to_string();
            if provider_deps.contains_key(&key) {
                continue;
            }
            let deps = self
                .index
                .get(&Node::Provider { module: d.provider.module.clone(), provider: d.provider.provider.clone() })
                .map(|p| graph.resource_dependencies(*p).into_iter().map(|r| graph.graph[r].label()).collect())
                .unwrap_or_default();
            provider_deps.insert(key, deps);
        }
        let mut by_config: HashMap<&str, Vec<NodeIndex>> = HashMap::new();
        for (n, cfg, _) in &nodes {
            by_config.entry(cfg.as_str()).or_default().push(*n);
        }
        for (a, _, da) in &nodes {
            let pdeps = &provider_deps[&da.provider.to_string()];
            for dep in da.dependencies.iter().chain(pdeps.iter()) {
                for b in by_config.get(dep.as_str()).into_iter().flatten() {
                    if a != b {
                        self.edge(*a, *b);
                    }
                }
            }
        }
    }

    /// Step 5: what providers know about ordering (a Namespace before the objects in it, a CRD
    /// before objects of its kind): providers first on apply, needers first on destroy. An
    /// edge that would close a cycle is left out; the provider's own retries cover it.
    fn implied_edges(&mut self, implied: &[ImpliedInput]) {
        use meshplan_provider::ImpliedKey;
        if implied.is_empty() {
            return;
        }
        let by_config: HashMap<String, NodeIndex> = self
            .index
            .iter()
            .filter(|(n, _)| matches!(n, Node::Resource { .. }))
            .map(|(n, i)| (super::config_address_of(n), *i))
            .collect();
        let node_of = |b: &Self, i: &ImpliedInput| -> Option<NodeIndex> {
            if i.destroying {
                b.index.get(&Node::Destroy { address: i.address.clone() }).copied()
            } else {
                by_config.get(&config_address(&i.address)).copied()
            }
        };
        let mut providers: HashMap<(String, String, bool), Vec<NodeIndex>> = HashMap::new();
        for i in implied {
            let Some(n) = node_of(self, i) else { continue };
            for k in &i.keys {
                if let ImpliedKey::Provides(key) = k {
                    providers.entry((i.provider.clone(), key.clone(), i.destroying)).or_default().push(n);
                }
            }
        }
        for i in implied {
            let Some(n) = node_of(self, i) else { continue };
            for k in &i.keys {
                let ImpliedKey::Needs(key) = k else { continue };
                for p in providers.get(&(i.provider.clone(), key.clone(), i.destroying)).into_iter().flatten() {
                    let (from, to) = if i.destroying { (n, *p) } else { (*p, n) };
                    if from != to && !petgraph::algo::has_path_connecting(&self.g, to, from, None) {
                        self.edge(from, to);
                    }
                }
            }
        }
    }

    /// Step 6: a cycle is an error naming every member with its location.
    fn check_cycles(&mut self, root: &Module) {
        for scc in petgraph::algo::tarjan_scc(&self.g) {
            let self_loop = scc.len() == 1 && self.g.contains_edge(scc[0], scc[0]);
            if scc.len() < 2 && !self_loop {
                continue;
            }
            let mut members: Vec<(String, Option<Span>)> =
                scc.iter().map(|i| (self.g[*i].label(), node_span(root, &self.g[*i]))).collect();
            members.sort_by(|a, b| a.0.cmp(&b.0));
            let list = members.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>().join(", ");
            let mut d = Diagnostic::error(format!("dependency cycle between {list}"))
                .detail(format!("each of these depends, directly or not, on the others: {list}"))
                .hint("break the cycle: remove one reference or depends_on, or move the shared value into a local");
            d.span = members.iter().find_map(|(_, s)| s.clone());
            d.label = Some("part of the cycle".into());
            d.related = members.iter().filter_map(|(l, s)| s.clone().map(|s| (l.clone(), s))).collect();
            self.diags.push(d);
        }
    }
}

/// Where a node's block is declared.
pub(crate) fn node_span(root: &Module, n: &Node) -> Option<Span> {
    match n {
        Node::Variable { module, name } => module_at(root, module)?.variables.get(name)?.span.clone(),
        Node::Local { module, name } => module_at(root, module)?.locals.get(name)?.span.clone(),
        Node::Output { module, name } => module_at(root, module)?.outputs.get(name)?.span.clone(),
        Node::Resource { module, key } => module_at(root, module)?.resources.get(key)?.span.clone(),
        Node::Provider { module, provider } => {
            module_at(root, module)?.providers.iter().find(|p| &p.reference() == provider)?.span.clone()
        }
        Node::ModuleExpand { module } => {
            let (last, parent) = module.split_last()?;
            module_at(root, parent)?.module_calls.get(last)?.span.clone()
        }
        Node::Destroy { .. } => None,
    }
}

/// Which provider configuration `pref`, used in module `path`, means: one declared in that
/// module, one passed in by the call's `providers` map, or (for unaliased providers) the
/// parent's, up to an implicit empty configuration at the root.
pub fn resolve_provider(root: &Module, path: &[String], pref: &ProviderRef) -> Result<ProviderConfigAddr, String> {
    let m = module_at(root, path).ok_or_else(|| "internal error: module path not found".to_string())?;
    if m.providers.iter().any(|p| &p.reference() == pref) {
        return Ok(ProviderConfigAddr::new(path.to_vec(), pref.clone()));
    }
    if let Some((last, parent)) = path.split_last() {
        let pm = module_at(root, parent).ok_or_else(|| "internal error: parent module not found".to_string())?;
        if let Some(call) = pm.module_calls.get(last) {
            if let Some((_, passed)) = call.providers.iter().find(|(child, _)| child == pref) {
                return resolve_provider(root, parent, passed);
            }
        }
        if pref.alias.is_none() {
            return resolve_provider(root, parent, pref);
        }
        return Err(format!("provider configuration `{pref}` is not passed to module `{}`", path.join(".")));
    }
    if pref.alias.is_some() {
        return Err(format!("provider configuration `{pref}` is not declared"));
    }
    Ok(ProviderConfigAddr::new(Vec::new(), pref.clone()))
}
