#!/usr/bin/env python3
"""success@3, MRR and MAP of `kennisbank search` on the relevance queries of tests/relevance/.

usage: scripts/relevance.py [--bin BINARY] [--root SITE] [--queries FILE] [--show]

Runs `BINARY --root SITE search --json --limit 10 QUERY` for every query of the file (default:
the release binary, this repository's site and tests/relevance/queries.toml), so that any
version of kennisbank can be measured on the same queries. --show prints each query's rank.
"""
import argparse
import json
import os
import subprocess
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def ranks(binary, root, query, accept):
    """The ranks (from 1, in the first ten) of the accepted pages among the results."""
    out = subprocess.run([binary, "--root", root, "search", "--json", "--limit", "10", query],
                         check=True, capture_output=True, text=True).stdout
    paths = [r["url"].split("#")[0].lstrip("/") for r in json.loads(out)["results"]]
    return [i + 1 for i, p in enumerate(paths) if p in accept]


def average_precision(found, accepted):
    return sum((k + 1) / r for k, r in enumerate(found)) / min(len(accepted), 10)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "kennisbank"))
    ap.add_argument("--root", default=REPO)
    ap.add_argument("--queries", default=os.path.join(REPO, "tests", "relevance", "queries.toml"))
    ap.add_argument("--show", action="store_true")
    a = ap.parse_args()
    with open(a.queries, "rb") as f:
        queries = tomllib.load(f)["query"]
    firsts, aps = [], []
    for q in queries:
        found = ranks(a.bin, a.root, q["q"], set(q["accept"]))
        firsts.append(found[0] if found else None)
        aps.append(average_precision(found, q["accept"]))
        if a.show:
            print(f"{firsts[-1] or '-':>2}  {aps[-1]:.2f}  {q['q']}")
    n = len(firsts)
    s3 = sum(1 for r in firsts if r and r <= 3) / n
    mrr = sum(1 / r for r in firsts if r) / n
    print(f"{n} queries: success@3 {s3:.3f}, MRR {mrr:.3f}, MAP {sum(aps) / n:.3f}")


if __name__ == "__main__":
    main()
