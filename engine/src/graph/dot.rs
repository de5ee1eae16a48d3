//! The graph in Graphviz DOT (`meshplan graph | dot -Tsvg`), in Terraform's two views and its
//! direction: an edge goes from a node to what it depends on (the reverse of the walk's edges).

use super::{Graph, Node};
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use std::collections::{BTreeMap, BTreeSet};

/// Every node (`graph -type=plan`): Terraform's `[root] name` ids, `(expand)` on the nodes a
/// walk expands into instances.
pub fn to_dot(g: &Graph) -> String {
    let mut s = String::from("digraph {\n\tcompound = \"true\"\n\tnewrank = \"true\"\n\tsubgraph \"root\" {\n");
    let mut nodes: Vec<(String, String, &str)> = g
        .graph
        .node_indices()
        .map(|i| {
            let n = &g.graph[i];
            let shape = match n {
                Node::Resource { .. } | Node::Destroy { .. } | Node::ModuleExpand { .. } => "box",
                Node::Provider { .. } => "diamond",
                _ => "note",
            };
            (id(n), n.label(), shape)
        })
        .collect();
    nodes.sort();
    for (id, label, shape) in nodes {
        s.push_str(&format!("\t\t\"{}\" [label = \"{}\", shape = \"{shape}\"]\n", esc(&id), esc(&label)));
    }
    let edges: BTreeSet<(String, String)> =
        g.graph.edge_references().map(|e| (id(&g.graph[e.target()]), id(&g.graph[e.source()]))).collect();
    for (a, b) in edges {
        s.push_str(&format!("\t\t\"{}\" -> \"{}\"\n", esc(&a), esc(&b)));
    }
    s.push_str("\t}\n}\n");
    s
}

/// Resources only (plain `graph`, as Terraform 1.7+): an edge to each nearest resource a
/// resource depends on, through any variables, locals, modules or providers between them.
pub fn to_dot_resources(g: &Graph) -> String {
    let mut s = String::from("digraph G {\n  rankdir = \"RL\";\n  node [shape = rect, fontname = \"sans-serif\"];\n");
    let resources: BTreeSet<(String, NodeIndex)> = g
        .graph
        .node_indices()
        .filter(|i| matches!(g.graph[*i], Node::Resource { .. }))
        .map(|i| (g.graph[i].label(), i))
        .collect();
    for (label, _) in &resources {
        s.push_str(&format!("  \"{}\" [label=\"{}\"];\n", esc(label), esc(label)));
    }
    let mut edges = BTreeSet::new();
    for (label, i) in &resources {
        // Walk back through non-resource dependencies until a resource is reached.
        let mut seen = BTreeSet::new();
        let mut todo: Vec<NodeIndex> = g.graph.neighbors_directed(*i, petgraph::Direction::Incoming).collect();
        while let Some(d) = todo.pop() {
            if !seen.insert(d) {
                continue;
            }
            match &g.graph[d] {
                Node::Resource { .. } => {
                    edges.insert((label.clone(), g.graph[d].label()));
                }
                Node::Destroy { .. } => {}
                _ => todo.extend(g.graph.neighbors_directed(d, petgraph::Direction::Incoming)),
            }
        }
    }
    for (a, b) in transitive_reduction(&edges) {
        s.push_str(&format!("  \"{}\" -> \"{}\";\n", esc(a), esc(b)));
    }
    s.push_str("}\n");
    s
}

/// Drops every edge `a -> c` that a longer path `a -> b -> ... -> c` already implies, as
/// Terraform reduces its graph before printing it: a large configuration otherwise draws
/// thousands of redundant arrows that Graphviz cannot lay out.
fn transitive_reduction(edges: &BTreeSet<(String, String)>) -> Vec<(&str, &str)> {
    let mut deps: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (a, b) in edges {
        deps.entry(a.as_str()).or_default().insert(b.as_str());
    }
    fn fill<'a>(
        n: &'a str,
        deps: &BTreeMap<&'a str, BTreeSet<&'a str>>,
        memo: &mut BTreeMap<&'a str, BTreeSet<&'a str>>,
    ) {
        if memo.contains_key(n) {
            return;
        }
        memo.insert(n, BTreeSet::new()); // the graph is acyclic; this only guards recursion
        let mut all = BTreeSet::new();
        for d in deps.get(n).into_iter().flatten() {
            fill(d, deps, memo);
            all.insert(*d);
            all.extend(memo[d].iter().copied());
        }
        memo.insert(n, all);
    }
    let mut reach = BTreeMap::new();
    for n in deps.keys() {
        fill(n, &deps, &mut reach);
    }
    let mut out = Vec::new();
    for (a, direct) in &deps {
        for b in direct {
            if !direct.iter().any(|c| c != b && reach[c].contains(b)) {
                out.push((*a, *b));
            }
        }
    }
    out
}

/// Terraform's node id: `[root] aws_vpc.a (expand)`, `[root] var.v`, `[root] provider["aws"]`.
fn id(n: &Node) -> String {
    let label = n.label();
    match n {
        Node::Resource { .. } | Node::Output { .. } | Node::Local { .. } => format!("[root] {label} (expand)"),
        _ => format!("[root] {label}"),
    }
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::transitive_reduction;
    use std::collections::BTreeSet;

    #[test]
    fn implied_edges_are_dropped() {
        let edges: BTreeSet<(String, String)> =
            [("a", "b"), ("b", "c"), ("a", "c"), ("a", "d"), ("c", "d"), ("e", "d")]
                .iter()
                .map(|(x, y)| (x.to_string(), y.to_string()))
                .collect();
        assert_eq!(transitive_reduction(&edges), [("a", "b"), ("b", "c"), ("c", "d"), ("e", "d")]);
    }
}
