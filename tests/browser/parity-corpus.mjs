// Parity on a generated corpus: 1,500 pages of the shared benchmark generator with its long tail
// of compounds, large enough that the search files split word groups over several parts. For
// queries drawn from those split groups (whole words, partly typed words, typos, rare words, two
// words) and the benchmark's queries, and every fourth of them kept to one collection, the
// browser's top ten, count and partial flag equal `/_search` of `kennisbank serve` on the same
// site (the same answer as `kennisbank search --json`).
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSiteAsync, serve, startServe, browser, searchPageAnswer, searchSettled, ROOT } from "./harness.mjs";

const BENCH_QUERIES = [
  "gemeente", "participatie", "omgevingswet", "gemeentesecretaris", "sturing", "samenwerking regio",
  "digitale informatie", "transformatie", "particpatie", "omgevingsvis", "visie", "samenlevingsleefomgeving",
];

let work, site, server, api, context;

/** Queries drawn from the groups the export splits over several parts. */
function queriesFromSplitGroups() {
  const dir = join(site, "search", "v");
  const groups = readdirSync(dir)
    .filter((f) => f.endsWith(".json")) // not the .gz copies for web servers
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
  // a word no page has: the pages with the other word, flagged as partial
  queries.push(`${top[0]} xyzzyqwert`, `${top[1]} xyzzyqwert`);
  return { queries, top };
}

async function serverTop10(query, filters = []) {
  const json = await api.search(query, filters);
  return { urls: json.results.map((r) => r.url.replace(/^\//, "")), total: json.total, partial: json.partial, first: json.results[0] };
}

function browserTop10(page, query, filters = []) {
  return searchPageAnswer(page, server.base, query, filters);
}

/** A query typed into a freshly opened search page: its answer, and the search files it fetched to show it. */
async function coldQuery(query) {
  const page = await context.newPage();
  await page.goto(`${server.base}zoeken/`);
  const pending = [];
  page.on("requestfinished", (r) => {
    if (!r.url().includes("/search/") || r.url().endsWith("facets.json")) return;
    pending.push(r.response().then(async (res) => ({ url: r.url(), range: r.headers().range, status: res.status(), bytes: (await res.body()).length })));
  });
  const answer = await searchPageAnswer(page, server.base, query);
  const fetched = await Promise.all(pending);
  await page.close();
  return { answer, fetched };
}

describe("search parity on a generated corpus", { timeout: 600_000 }, () => {
  before(async () => {
    work = mkdtempSync(join(tmpdir(), "kennisbank-corpus-"));
    const siteRoot = execFileSync("python3", [join(ROOT, "scripts/bench.py"), "--site-only", "--sizes", "1500", "--compounds", "0.15"], {
      env: { ...process.env, BENCH_DIR: work },
      encoding: "utf8",
      timeout: 300_000,
    }).trim();
    // the static build for the browser and serve's own build run side by side
    [site, api] = await Promise.all([buildSiteAsync(siteRoot), startServe(siteRoot)]);
    server = await serve(site);
    context = await (await browser()).newContext();
  });

  after(async () => {
    await context?.close();
    await server?.close();
    await api?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("a query of up to four words, each known, partly typed, mistyped or a compound, takes at most three requests", async () => {
    // the most frequent words of eight groups that span parts: each in a part of its own
    const [a, b, c, d, e, f, g, h] = queriesFromSplitGroups().top;
    const typo = (w) => w.slice(0, 2) + w[3] + w[2] + w.slice(4);
    const queries = [
      ...BENCH_QUERIES,
      `${a} ${b} ${c} ${d}`,
      `${e} ${f} ${g} ${h}`,
      `${a}${b} ${typo(c)} ${d} ${e.slice(0, 5)}`,
      `${f}s${g} ${typo(h)} ${a.slice(0, 6)}`,
      "regiosamenwerking particpatie gemeente sturing",
      "informatiesturing",
    ];
    const over = [];
    const mismatches = [];
    let multipart = 0;
    for (const q of queries) {
      const { answer, fetched } = await coldQuery(q);
      const { first, ...expected } = await serverTop10(q);
      if (JSON.stringify(answer) !== JSON.stringify(expected)) mismatches.push({ q, expected, answer });
      const kb = fetched.reduce((n, x) => n + x.bytes, 0) / 1024;
      if (fetched.length > 3 || kb > 100) over.push({ q, kb, fetched });
      multipart += fetched.filter((x) => x.url.endsWith(".pack") && x.status === 206 && x.range.includes(",")).length;
    }
    assert.deepEqual(over, []);
    assert.deepEqual(mismatches, []);
    assert.ok(multipart >= 4, `several files came in one request ${multipart} times`);
  });

  test("the browser's answer equals /_search's for words of split groups, also filtered", async () => {
    const queries = [...queriesFromSplitGroups().queries, ...BENCH_QUERIES];
    assert.ok(queries.length >= 60);
    const page = await context.newPage();
    const mismatches = [];
    let nonEmpty = 0;
    let filtered = 0;
    let partial = 0;
    for (const q of queries) {
      const { first, ...expected } = await serverTop10(q);
      const got = await browserTop10(page, q);
      if (expected.urls.length > 0) nonEmpty++;
      if (expected.partial) partial++;
      if (JSON.stringify(got) !== JSON.stringify(expected)) mismatches.push({ q, expected, got });
      // every fourth query again, kept to the collection of its first result
      if (first?.collection && nonEmpty % 4 === 0) {
        const filters = [`collection=${first.collection}`];
        const { first: _, ...narrow } = await serverTop10(q, filters);
        const got = await browserTop10(page, q, filters);
        filtered++;
        if (JSON.stringify(got) !== JSON.stringify(narrow)) mismatches.push({ q, filters, expected: narrow, got });
      }
    }
    await page.close();
    assert.deepEqual(mismatches, []);
    assert.ok(nonEmpty >= queries.length * 0.8, `most queries find something (${nonEmpty} of ${queries.length})`);
    assert.ok(filtered >= 10, `only ${filtered} filtered queries`);
    assert.ok(partial >= 2, `only ${partial} partial answers`);
  });
});
