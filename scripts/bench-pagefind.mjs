#!/usr/bin/env node
// The same cold queries as scripts/bench-search.mjs, answered by Pagefind's index of the same
// built site: for each query, in a fresh browser context, the requests and bytes Pagefind
// fetches from the query to the data of its first ten results (what a results list shows),
// and the time that takes (median and range of RUNS cold runs, default 5). pagefind.js itself
// is not counted, as search.js is not on kennisbank's side; its WebAssembly, entry and index
// files are, as kennisbank's parts are.
//
// usage: [RUNS=5] node scripts/bench-pagefind.mjs PUBLIC_DIR [query …]
//   Index the site first, with Pagefind from the npm registry:
//     npm install --prefix /tmp/pf pagefind@1 && /tmp/pf/node_modules/.bin/pagefind --site PUBLIC_DIR
import { gzipSync } from "node:zlib";
import { medianRows, row, startBench } from "./bench-common.mjs";

const { queries, runs: RUNS, base, server, browser } = await startBench([
  "gemeente", "participatie", "samenwerking regio", "digitale informatie", "samenwerking regio gemeente",
  "digitale informatie sturing participatie", "particpatie", "omgevingsvis", "samenlevingsleefomgeving",
  "regiosamenwerking", "informatiesturing", "regiosamenwerking particpatie gemeente sturing",
]);

/** One cold run of a query: requests, bytes and milliseconds to the first ten results' data. */
async function coldQuery(q) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base + "__blank");
  await page.evaluate(async () => (window.pagefind = await import("/pagefind/pagefind.js")));
  const requests = [];
  page.on("requestfinished", async (r) => {
    const url = r.url();
    if (!url.includes("/pagefind/") || url.endsWith("/pagefind.js")) return;
    const body = await r.response().then((x) => x.body()).catch(() => Buffer.alloc(0));
    requests.push({ url, bytes: body.length, gz: gzipSync(body).length });
  });
  const { ms, count } = await page.evaluate(async (query) => {
    const t0 = performance.now();
    const found = await window.pagefind.search(query);
    await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
    return { ms: Math.round(performance.now() - t0), count: found.results.length };
  }, q);
  await page.waitForTimeout(100);
  await context.close();
  return row(q, count, requests, ms);
}

const rows = await medianRows(queries, RUNS, coldQuery);
console.log(`| query | results | requests | KB (gzip) | ms to first ten results, median of ${RUNS} (min–max) |`);
console.log("|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.q} | ${r.results} | ${r.requests} | ${r.kb.toFixed(1)} (${r.kbgz.toFixed(1)}) | ${r.ms} |`);
await browser.close();
server.close();
