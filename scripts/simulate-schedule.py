#!/usr/bin/env python3
"""Simulates applying a configuration's graph with real AWS durations.

Reads `meshplan graph` (DOT) on stdin and prints how long an apply would take:
  - the critical path (no limit on parallelism),
  - meshplan's scheduler at -parallelism 10 (ready work started longest-path first),
  - a Terraform-like scheduler at parallelism 10 (ready work started in discovery order).
Durations per resource type are typical AWS figures (EKS cluster ~10 min, node group ~5 min,
NAT gateway ~2 min, addon ~1 min, other AWS objects ~3 s, Kubernetes objects ~1 s); nodes that
are not resources (variables, locals, outputs, providers, module expansions) take no time.
Usage: meshplan graph | scripts/simulate-schedule.py
"""
import heapq
import re
import sys

DURATIONS = [
    ("aws_eks_cluster.", 600), ("aws_eks_node_group.", 300), ("aws_nat_gateway.", 120),
    ("aws_eks_addon.", 60), ("aws_", 3), ("kubernetes_", 1), ("tls_", 0.2),
]


def duration(label):
    last = label.split(".module.")[-1]
    if label.startswith("data.") or ".data." in label or "(expand)" in label or "provider[" in label:
        return 0.0
    for prefix, secs in DURATIONS:
        if re.search(r"(^|\.)" + re.escape(prefix), last):
            return float(secs)
    return 0.0


def parse(dot):
    nodes, edges = set(), []
    for line in dot.splitlines():
        # Terraform's direction: "X" -> "Y" means X depends on Y (Y first).
        m = re.match(r'\s*"(.+?)" -> "(.+?)";', line)
        if m:
            edges.append((m.group(2), m.group(1)))
            nodes.update(m.groups())
            continue
        m = re.match(r'\s*"(.+?)" \[', line)
        if m:
            nodes.add(m.group(1))
    return sorted(nodes), edges


def simulate(nodes, edges, parallelism, priority):
    succ = {n: [] for n in nodes}
    indeg = {n: 0 for n in nodes}
    for a, b in edges:
        succ[a].append(b)
        indeg[b] += 1
    ready = [(priority(n), i, n) for i, n in enumerate(nodes) if indeg[n] == 0]
    heapq.heapify(ready)
    running, now, seq = [], 0.0, len(nodes)
    while ready or running:
        while ready and (parallelism is None or len(running) < parallelism or duration(ready[0][2]) == 0):
            _, _, n = heapq.heappop(ready)
            heapq.heappush(running, (now + duration(n), n))
        now, n = heapq.heappop(running)
        for s in succ[n]:
            indeg[s] -= 1
            if indeg[s] == 0:
                seq += 1
                heapq.heappush(ready, (priority(s), seq, s))
    return now


def main():
    nodes, edges = parse(sys.stdin.read())
    succ = {n: [] for n in nodes}
    for a, b in edges:
        succ[a].append(b)
    longest = {}

    def remaining(n):
        if n not in longest:
            longest[n] = duration(n) + max((remaining(s) for s in succ[n]), default=0.0)
        return longest[n]

    sys.setrecursionlimit(100000)
    order = {n: i for i, n in enumerate(nodes)}
    crit = simulate(nodes, edges, None, lambda n: 0)
    mesh = simulate(nodes, edges, 10, lambda n: -remaining(n))
    tf = simulate(nodes, edges, 10, lambda n: order[n])
    resources = sum(1 for n in nodes if duration(n) > 0)
    print(f"graph: {len(nodes)} nodes, {len(edges)} edges, {resources} timed resources")
    print(f"critical path (unbounded parallelism): {crit / 60:.1f} min")
    print(f"meshplan, -parallelism 10, longest path first: {mesh / 60:.1f} min")
    print(f"Terraform-like, parallelism 10, discovery order: {tf / 60:.1f} min")


if __name__ == "__main__":
    main()
