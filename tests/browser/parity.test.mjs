// Parity: for each query, the top ten results the browser shows on the search page are the
// same pages, in the same order and with the same anchors, as `kennisbank search --json`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { buildSite, serve, launch, binary, ROOT, SUBPATH } from "./harness.mjs";

export const QUERIES = [
  "participatie", "Participatie", "decentralisaties", "decentralisatie", "intervenieren", "interveniëren",
  "SÚDWEST", "Súdwest-Fryslân", "omgevingsvis", "omgevingsvisie", "particpatie", "particiaptie", "visie",
  "secretaris", "gemeentesecretaris", "gemeente", "gemeenten college", "coach het college", "verkiezingen",
  "markdal", "vergieten", "DSO", "digitaal stelsel", "regionale samenwerking", "belangenbehartiger",
  "responsieve overheid", "rechtmatige", "presterende overheid", "samenwerkende", "Borne 2030", "Leeuwarden",
  "De6", "Drechtsteden", "Amersfoort ICT", "Almelo", "transitie transformatie", "begrippen", "Wmo",
  "de gemeente en de raad", "vóór de verkiezingen", "integraliteit", "Kampen omgekeerd", "enquête respons",
  "126", "xyzzyqwert", "omgevingswet", "cultuur veranderen", "informatiemanagement",
  // issue 14: field values, relations, compounds, synonyms
  "Zuid-Holland", "Overijssel", "Rozendom", "participatie omgevingswet", "praktijkvoorbeelden participatie",
  "ettenleur", "ettenleur ", "samenwerkingsvorm", "samenwerkingsvorm gemeenten", "ettenleur omgevingswet", "veiligheidsplan", "Ow", "Ow participatie", "DSO ", "Wmo", "3D's",
  "Friesland", "de rol van de gemeentesecretaris",
];

let site, server, browser;

before(async () => {
  site = buildSite();
  server = await serve(site);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

function cli(query) {
  const out = execFileSync(binary, ["--root", ROOT, "search", "--json", "--limit", "10", query], { encoding: "utf8" });
  return JSON.parse(out).results.map((r) => r.url.replace(/^\//, ""));
}

async function browserTop10(page, query) {
  await page.goto(`${server.base}zoeken/?q=${encodeURIComponent(query)}`);
  await page.waitForFunction(() => {
    const s = document.querySelector("[data-search-status]");
    return s && /resultaat|resultaten|Niets gevonden/.test(s.textContent);
  });
  return page.$$eval("[data-search-results] li h3 a", (as) => as.map((a) => a.getAttribute("href")));
}

test("the search page says what a corrected, split or expanded query was searched as", async () => {
  const page = await browser.newPage();
  for (const [query, searched] of [["particpatie", "participatie"], ["ettenleur", "etten leur"], ["ow", "omgevingswet"]]) {
    await page.goto(`${server.base}zoeken/?q=${encodeURIComponent(query)}`);
    await page.waitForFunction(() => /resultaat|resultaten/.test(document.querySelector("[data-search-status]")?.textContent || ""));
    const status = await page.textContent("[data-search-status]");
    assert.match(status, new RegExp(`Resultaten voor ${searched}\\.`), query);
    assert.equal(await page.textContent("[data-search-status] em"), searched);
  }
  await page.goto(`${server.base}zoeken/?q=participatie`);
  await page.waitForFunction(() => /resultaten/.test(document.querySelector("[data-search-status]")?.textContent || ""));
  assert.doesNotMatch(await page.textContent("[data-search-status]"), /Resultaten voor/);
  await page.close();
});

test(`the browser's top ten equals kennisbank search's for ${QUERIES.length} queries`, async () => {
  assert.ok(QUERIES.length >= 30);
  const page = await browser.newPage();
  const mismatches = [];
  let nonEmpty = 0;
  for (const q of QUERIES) {
    const expected = cli(q);
    const got = (await browserTop10(page, q)).map((h) => h.slice(SUBPATH.length));
    if (expected.length > 0) nonEmpty++;
    if (JSON.stringify(got) !== JSON.stringify(expected)) mismatches.push({ q, expected, got });
  }
  await page.close();
  assert.deepEqual(mismatches, []);
  assert.ok(nonEmpty >= QUERIES.length - 2, "almost every query finds something");
});
