#!/usr/bin/env node
// Cold-query cost of the browser search: for each query, in a fresh browser context, the
// requests and bytes the search page fetches from typing the query to the first results on
// screen, and the time that takes (median and range of RUNS cold runs, default 5). Chromium
// from Debian, driven by playwright-core.
//
// usage: [RUNS=5] node scripts/bench-search.mjs PUBLIC_DIR [query …]
//   PUBLIC_DIR is a site built with base_url http://127.0.0.1/ (scripts/bench.py does that).
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { medianRows, row, startBench } from "./bench-common.mjs";

const { dir, queries, runs: RUNS, base, server, browser } = await startBench([
  "gemeente", "participatie", "omgevingswet", "gemeentesecretaris", "sturing", "samenwerking regio",
  "digitale informatie", "transformatie", "particpatie", "omgevingsvis", "visie", "samenlevingsleefomgeving",
]);

/** One cold run of a query: requests, bytes and milliseconds to the first results. */
async function coldQuery(q) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base + "zoeken/");
  await page.waitForSelector("[data-search-status]");
  const requests = [];
  page.on("requestfinished", async (r) => {
    const url = r.url();
    if (!url.includes("/search/")) return;
    const body = await r.response().then((x) => x.body()).catch(() => Buffer.alloc(0));
    // What nginx with gzip_static sends: the pack's ranges as they are (gzip copies already),
    // another file as its .gz copy when the build wrote one.
    const copy = join(dir, new URL(url).pathname + ".gz");
    const gz = url.endsWith(".pack") || !existsSync(copy) ? body.length : statSync(copy).size;
    requests.push({ url, bytes: body.length, gz });
  });
  // Timed in the page: from the input event to the status line announcing results.
  await page.evaluate(() => {
    const input = document.querySelector("#search-field");
    const status = document.querySelector("[data-search-status]");
    input.addEventListener("input", () => (window.__t0 = performance.now()), { once: true });
    new MutationObserver(() => {
      if (window.__t1 === undefined && /resultaat|resultaten|Niets gevonden/.test(status.textContent)) window.__t1 = performance.now();
    }).observe(status, { childList: true, characterData: true, subtree: true });
  });
  await page.fill("#search-field", q);
  await page.waitForFunction(() => window.__t1 !== undefined);
  const ms = Math.round((await page.evaluate(() => window.__t1 - window.__t0)) - 120); // minus the typing debounce
  await page.waitForTimeout(150); // let the facet file (loaded after the results show) finish
  const status = await page.textContent("[data-search-status]");
  const before = requests.filter((r) => !r.url.endsWith("facets.json"));
  await context.close();
  return row(q, status.match(/^\d+/)?.[0] ?? "0", before, ms);
}

const rows = await medianRows(queries, RUNS, coldQuery);
const searchPage = readFileSync(join(dir, "zoeken/index.html"), "utf8");
const parts = Buffer.from(searchPage.match(/data-parts="([^"]*)"/)?.[1] ?? "");
console.log(`search page: ${(searchPage.length / 1024).toFixed(1)} KB, ${(gzipSync(searchPage).length / 1024).toFixed(1)} KB gzipped, of which the part index ${(parts.length / 1024).toFixed(1)} KB (${(gzipSync(parts).length / 1024).toFixed(1)} KB gzipped)`);
const js = readFileSync(join(dir, readFileSync(join(dir, "zoeken/index.html"), "utf8").match(/src="\/(search\.[0-9a-f]+\.js)"/)[1]));
console.log(`search.js: ${(js.length / 1024).toFixed(1)} KB, ${(gzipSync(js).length / 1024).toFixed(1)} KB gzipped (loaded with every page)\n`);
const members = Buffer.from(searchPage.match(/data-pack-members="([^"]*)"/)?.[1] ?? "");
console.log(`pack directory on the search page: ${(members.length / 1024).toFixed(1)} KB (${(gzipSync(members).length / 1024).toFixed(1)} KB gzipped)`);
console.log(`| query | results | requests | KB sent: plain server (gzip_static) | ms to first results, median of ${RUNS} (min–max) |`);
console.log("|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.q} | ${r.results} | ${r.requests} | ${r.kb.toFixed(1)} (${r.kbgz.toFixed(1)}) | ${r.ms} |`);
await browser.close();
server.close();
