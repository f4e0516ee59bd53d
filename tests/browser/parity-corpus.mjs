// Parity on a generated corpus: 1,500 pages of the shared benchmark generator with its long tail
// of compounds, large enough that the search files split word groups over several parts. For
// queries drawn from those split groups (whole words, partly typed words, typos, rare words, two
// words) and the benchmark's queries, the browser's top ten equals `/_search` of `kennisbank
// serve` on the same site (the same answer as `kennisbank search --json`).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { buildSite, serve, launch, binary, ROOT, SUBPATH } from "./harness.mjs";

const BENCH_QUERIES = [
  "gemeente", "participatie", "omgevingswet", "gemeentesecretaris", "sturing", "samenwerking regio",
  "digitale informatie", "transformatie", "particpatie", "omgevingsvis", "visie", "samenlevingsleefomgeving",
];

let siteRoot, site, server, browser, cli;

/** `kennisbank serve` on an ephemeral port; resolves once its first build answers searches. */
async function startServe(root) {
  const child = spawn(binary, ["--root", root, "serve", "--port", "0"], { stdio: ["ignore", "pipe", "ignore"] });
  const line = await new Promise((resolve) => createInterface({ input: child.stdout }).once("line", resolve));
  const base = line.match(/http:\/\/127\.0\.0\.1:\d+\//)[0];
  for (;;) {
    const res = await fetch(`${base}_search?q=x`);
    if (res.status === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, close: () => child.kill() };
}

before(async () => {
  const work = mkdtempSync(join(tmpdir(), "kennisbank-corpus-"));
  siteRoot = execFileSync("python3", [join(ROOT, "scripts/bench.py"), "--site-only", "--sizes", "1500", "--compounds", "0.15"], {
    env: { ...process.env, BENCH_DIR: work },
    encoding: "utf8",
  }).trim();
  site = buildSite(siteRoot);
  server = await serve(site);
  cli = await startServe(siteRoot);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  cli?.close();
});

/** Queries drawn from the groups the export splits over several parts. */
function queriesFromSplitGroups() {
  const dir = join(site, "search", "v");
  const groups = readdirSync(dir)
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")))
    .sort((a, b) => b.length - a.length)
    .slice(0, 8);
  assert.ok(groups.length >= 8, "the corpus splits at least eight groups");
  const queries = [];
  const top = [];
  for (const words of groups) {
    const byDf = [...words].sort((a, b) => b[2] - a[2] || (a[0] < b[0] ? -1 : 1));
    const w = byDf[0][0];
    top.push(w);
    const rare = byDf[byDf.length - 1][0];
    const mid = Math.floor(w.length / 2);
    const typo = w.slice(0, mid - 1) + w[mid] + w[mid - 1] + w.slice(mid + 1);
    queries.push(w, w.slice(0, 4), w.slice(0, Math.max(3, w.length - 2)), typo, rare, rare.slice(0, rare.length - 3));
  }
  for (let i = 0; i + 1 < top.length; i += 2) queries.push(`${top[i]} ${top[i + 1]}`);
  return queries;
}

async function cliTop10(query) {
  const res = await fetch(`${cli.base}_search?limit=10&q=${encodeURIComponent(query)}`);
  const json = await res.json();
  return json.results.map((r) => r.url.replace(/^\//, ""));
}

async function browserTop10(page, query) {
  await page.goto(`${server.base}zoeken/?q=${encodeURIComponent(query)}`);
  await page.waitForFunction(() => {
    const s = document.querySelector("[data-search-status]");
    return s && /resultaat|resultaten|Niets gevonden/.test(s.textContent);
  });
  const hrefs = await page.$$eval("[data-search-results] li h3 a", (as) => as.map((a) => a.getAttribute("href")));
  return hrefs.map((h) => h.slice(SUBPATH.length));
}

test("on a generated corpus, the browser's top ten equals kennisbank's for words of split groups", async () => {
  const queries = [...queriesFromSplitGroups(), ...BENCH_QUERIES];
  assert.ok(queries.length >= 60);
  const page = await browser.newPage();
  const mismatches = [];
  let nonEmpty = 0;
  for (const q of queries) {
    const expected = await cliTop10(q);
    const got = await browserTop10(page, q);
    if (expected.length > 0) nonEmpty++;
    if (JSON.stringify(got) !== JSON.stringify(expected)) mismatches.push({ q, expected, got });
  }
  await page.close();
  assert.deepEqual(mismatches, []);
  assert.ok(nonEmpty >= queries.length * 0.8, `most queries find something (${nonEmpty} of ${queries.length})`);
});
