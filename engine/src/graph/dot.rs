//! The graph in Graphviz DOT (`meshplan graph | dot -Tsvg`).

use super::{Graph, Node};
use petgraph::visit::EdgeRef;

pub fn to_dot(g: &Graph) -> String {
    let mut s = String::from("digraph meshplan {\n  rankdir = \"LR\";\n  node [shape = box, fontname = \"Helvetica\"];\n");
    let mut ids: Vec<_> = g.graph.node_indices().collect();
    ids.sort_by_key(|i| g.graph[*i].label());
    for i in &ids {
        let n = &g.graph[*i];
        let style = match n {
            Node::Resource { .. } => "",
            Node::Destroy { .. } => ", color = \"red\"",
            Node::Provider { .. } => ", shape = diamond",
            _ => ", shape = note, color = \"gray50\"",
        };
        s.push_str(&format!("  \"{}\" [label = \"{}\"{style}];\n", esc(&n.label()), esc(&n.label())));
    }
    let mut edges: Vec<(String, String)> =
        g.graph.edge_references().map(|e| (g.graph[e.source()].label(), g.graph[e.target()].label())).collect();
    edges.sort();
    for (a, b) in edges {
        s.push_str(&format!("  \"{}\" -> \"{}\";\n", esc(&a), esc(&b)));
    }
    s.push_str("}\n");
    s
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}
