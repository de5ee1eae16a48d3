//! The graph in Graphviz DOT (`meshplan graph | dot -Tsvg`), in Terraform's two views and its
//! direction: an edge goes from a node to what it depends on (the reverse of the walk's edges).

use super::{Graph, Node};
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use std::collections::BTreeSet;

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
    for (a, b) in edges {
        s.push_str(&format!("  \"{}\" -> \"{}\";\n", esc(&a), esc(&b)));
    }
    s.push_str("}\n");
    s
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
