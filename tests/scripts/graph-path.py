#!/usr/bin/env python3
"""Asserts ordering in `meshplan graph` output (DOT on stdin): each argument FROM=>TO must have
a dependency path TO → … → FROM (Terraform's DOT: an edge points at what its node depends on,
so FROM is applied first). Prints ok/FAIL lines; exits 1 on any FAIL.

  meshplan graph | graph-path.py 'module.a.kubernetes_manifest.x=>module.b.kubernetes_manifest.y' ...
"""
import re, sys
from collections import defaultdict

edges = defaultdict(set)
nodes = set()
for line in sys.stdin:
    m = re.match(r'\s*"([^"]+)"\s*->\s*"([^"]+)"', line)
    if m:
        edges[m.group(2)].add(m.group(1))  # reversed: walk from dependency to dependent
        nodes.update(m.groups())
    m = re.match(r'\s*"([^"]+)"\s*\[', line)
    if m:
        nodes.add(m.group(1))


def reaches(a, b):
    seen, todo = {a}, [a]
    while todo:
        for n in edges[todo.pop()]:
            if n == b:
                return True
            if n not in seen:
                seen.add(n)
                todo.append(n)
    return False


failed = False
for spec in sys.argv[1:]:
    a, b = spec.split("=>")
    missing = [n for n in (a, b) if n not in nodes]
    ok = not missing and reaches(a, b)
    failed |= not ok
    print(("ok   " if ok else "FAIL ") + f"{a} before {b}" + (f": no node {missing}" if missing else "" if ok else ": no path"))
sys.exit(1 if failed else 0)
