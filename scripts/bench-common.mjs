// What the search benchmarks share: a built site served from a folder on 127.0.0.1 (at the
// root, as scripts/bench.py builds it), and Debian's Chromium driven by playwright-core.
import { createServer } from "node:http";
import { existsSync, statSync } from "node:fs";
import { join, extname, normalize } from "node:path";
import { chromium } from "playwright-core";
import { sendRanged } from "./http-ranges.mjs";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".json": "application/json",
  ".css": "text/css",
  ".wasm": "application/wasm",
};

/** Serve `dir` at the root on an ephemeral port; `/__blank` is an empty page. Returns the base URL and the server. */
export async function serveFolder(dir) {
  const server = createServer((req, res) => {
    if (req.url === "/__blank") return res.writeHead(200, { "Content-Type": TYPES[".html"] }).end("<!doctype html><title>bench</title>");
    let rel = decodeURIComponent(new URL(req.url, "http://x").pathname).slice(1);
    if (rel === "" || rel.endsWith("/")) rel += "index.html";
    const file = normalize(join(dir, rel));
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) return res.writeHead(404).end();
    sendRanged(req, res, file, { "Content-Type": TYPES[extname(file)] || "application/octet-stream" });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { base: `http://127.0.0.1:${server.address().port}/`, server };
}

/**
 * What a benchmark run starts with: the folder and queries of its command line (`defaults` when
 * none are given), RUNS from the environment (default 5), the folder served, and Chromium.
 */
export async function startBench(defaults) {
  const dir = process.argv[2];
  const queries = process.argv.length > 3 ? process.argv.slice(3) : defaults;
  const { base, server } = await serveFolder(dir);
  const browser = await launchChromium();
  return { dir, queries, runs: Number(process.env.RUNS || 5), base, server, browser };
}

/** Debian's Chromium, headless, with the flags this machine's closed network needs. */
export function launchChromium() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A cold run's row: its requests, their bytes (as served and as sent gzipped) and its time. */
export function row(q, results, requests, ms) {
  return {
    q,
    results,
    requests: requests.length,
    kb: requests.reduce((s, r) => s + r.bytes, 0) / 1024,
    kbgz: requests.reduce((s, r) => s + r.gz, 0) / 1024,
    ms,
  };
}

/** `runs` cold runs of each query: the first run's counts, with the median time and its range. */
export async function medianRows(queries, runs, coldQuery) {
  const rows = [];
  for (const q of queries) {
    const done = [];
    for (let i = 0; i < runs; i++) done.push(await coldQuery(q));
    const times = done.map((r) => r.ms).sort((a, b) => a - b);
    rows.push({ ...done[0], ms: `${times[Math.floor(times.length / 2)]} (${times[0]}–${times[times.length - 1]})` });
  }
  return rows;
}
