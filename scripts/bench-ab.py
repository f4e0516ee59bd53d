#!/usr/bin/env python3
"""Fresh builds of one site by two kennisbank binaries, alternating, with CPU and wall time.

usage: scripts/bench-ab.py RUNS NAME=BINARY:SITE NAME=BINARY:SITE

Each run removes the output folder and builds with `--verbose`; prints each build's wall and CPU
time and the search and export stages, then the median (min–max) per binary. Alternating the two
spreads the load of a shared machine over both.
"""
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time


def main():
    runs = int(sys.argv[1])
    builds = [(a.split("=", 1)[0], *a.split("=", 1)[1].split(":", 1)) for a in sys.argv[2:]]
    res = {name: [] for name, _, _ in builds}
    for _ in range(runs):
        for name, binary, site in builds:
            out = f"/tmp/kennisbank-ab-{name}"
            shutil.rmtree(out, ignore_errors=True)
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            p = subprocess.run([binary, "--root", site, "build", "--out", out, "--verbose"],
                               capture_output=True, text=True, check=True)
            wall = time.perf_counter() - t0
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
            st = {m[1]: float(m[2]) for m in re.finditer(r"^\s+(\w+)\s+([\d.]+) ms$", p.stderr, re.M)}
            res[name].append((wall, cpu, st.get("search", 0.0), st.get("export", 0.0)))
            print(f"{name}: wall {wall:.2f} s, cpu {cpu:.2f} s, search {st.get('search')} ms, export {st.get('export')} ms", flush=True)
    for name, rows in res.items():
        col = lambda k: [r[k] for r in rows]
        f = lambda k: f"{statistics.median(col(k)):.2f} ({min(col(k)):.2f}–{max(col(k)):.2f})"
        print(f"{name}: wall {f(0)} s, cpu {f(1)} s, search min {min(col(2)):.0f} ms, export min {min(col(3)):.0f} ms")


if __name__ == "__main__":
    main()
