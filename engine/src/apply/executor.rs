//! Runs every node of a DAG once its predecessors have succeeded. A failed node skips its
//! descendants; independent branches run on. Nodes are futures polled on the calling task
//! (no spawning, so they may borrow the caller's state); providers do their I/O on the runtime.

use futures::stream::{FuturesUnordered, StreamExt};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::Direction;
use std::future::Future;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeOutcome {
    Done,
    Failed,
    /// Not run because a dependency failed.
    Skipped,
}

/// Longest path (in nodes) from each node to a sink: the critical-path priority.
pub fn critical_path_priorities<N, E>(g: &DiGraph<N, E>) -> Vec<u64> {
    let mut prio = vec![0u64; g.node_count()];
    // Reverse topological order: successors first. A cyclic graph never gets here (build checks).
    let order = petgraph::algo::toposort(g, None).unwrap_or_default();
    for &n in order.iter().rev() {
        let best = g.neighbors_directed(n, Direction::Outgoing).map(|s| prio[s.index()]).max().unwrap_or(0);
        prio[n.index()] = best + 1;
    }
    prio
}

/// Runs `run(node)` for every node in dependency order, starting ready nodes in order of
/// `priority` (highest first). Returns each node's outcome.
pub async fn run_dag<N, E, F, Fut>(g: &DiGraph<N, E>, priority: &[u64], run: F) -> Vec<NodeOutcome>
where
    F: Fn(NodeIndex) -> Fut,
    Fut: Future<Output = bool>,
{
    let n = g.node_count();
    let mut remaining: Vec<usize> =
        (0..n).map(|i| g.neighbors_directed(NodeIndex::new(i), Direction::Incoming).count()).collect();
    let mut outcome: Vec<Option<NodeOutcome>> = vec![None; n];
    let mut running = FuturesUnordered::new();
    let mut ready: Vec<NodeIndex> = (0..n).filter(|i| remaining[*i] == 0).map(NodeIndex::new).collect();
    loop {
        ready.sort_by_key(|i| std::cmp::Reverse(priority.get(i.index()).copied().unwrap_or(0)));
        for i in ready.drain(..) {
            let fut = run(i);
            running.push(async move { (i, fut.await) });
        }
        let Some((i, ok)) = running.next().await else { break };
        outcome[i.index()] = Some(if ok { NodeOutcome::Done } else { NodeOutcome::Failed });
        let mut stack = vec![(i, ok)];
        while let Some((done, ok)) = stack.pop() {
            for s in g.neighbors_directed(done, Direction::Outgoing) {
                if !ok && outcome[s.index()].is_none() {
                    outcome[s.index()] = Some(NodeOutcome::Skipped);
                    stack.push((s, false));
                    continue;
                }
                remaining[s.index()] -= 1;
                if remaining[s.index()] == 0 && outcome[s.index()].is_none() {
                    ready.push(s);
                }
            }
        }
    }
    outcome.into_iter().map(|o| o.unwrap_or(NodeOutcome::Skipped)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    fn chain() -> DiGraph<&'static str, ()> {
        // a → b → c, a → d (independent of b)
        let mut g = DiGraph::new();
        let a = g.add_node("a");
        let b = g.add_node("b");
        let c = g.add_node("c");
        let d = g.add_node("d");
        g.add_edge(a, b, ());
        g.add_edge(b, c, ());
        g.add_edge(a, d, ());
        g
    }

    #[tokio::test]
    async fn runs_in_dependency_order() {
        let g = chain();
        let log = Arc::new(Mutex::new(Vec::new()));
        let out = run_dag(&g, &[], |i| {
            let log = log.clone();
            let name = g[i];
            async move {
                log.lock().unwrap().push(name);
                true
            }
        })
        .await;
        assert!(out.iter().all(|o| *o == NodeOutcome::Done));
        let log = log.lock().unwrap();
        let pos = |n| log.iter().position(|x| *x == n).unwrap();
        assert!(pos("a") < pos("b") && pos("b") < pos("c") && pos("a") < pos("d"));
    }

    #[tokio::test]
    async fn failure_skips_dependents_only() {
        let g = chain();
        let out = run_dag(&g, &[], |i| {
            let name = g[i];
            async move { name != "b" }
        })
        .await;
        assert_eq!(out, vec![NodeOutcome::Done, NodeOutcome::Failed, NodeOutcome::Skipped, NodeOutcome::Done]);
    }

    #[test]
    fn priorities_follow_longest_path() {
        let g = chain();
        assert_eq!(critical_path_priorities(&g), vec![3, 2, 1, 1]);
    }
}
