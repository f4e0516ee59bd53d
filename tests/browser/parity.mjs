// Parity: for each query, with and without filters, the search page in the browser shows the same
// ten pages, in the same order and with the same anchors, the same number of results and the same
// "partial" flag as `/_search` of one `kennisbank serve` of the shipped site (the answer of
// `kennisbank search --json`); also from a host that answers no ranges, file by file.
import { describe, test, before } from "node:test";
import assert from "node:assert/strict";
import { shippedSite, shippedSearch, browser, searchPageAnswer, serve } from "./harness.mjs";

export const QUERIES = [
  "participatie", "Participatie", "decentralisaties", "decentralisatie", "intervenieren", "interveniëren",
  "SÚDWEST", "Súdwest-Fryslân", "omgevingsvis", "omgevingsvisie", "particpatie", "particiaptie", "visie",
  "secretaris", "gemeentesecretaris", "gemeente", "gemeenten college", "coach het college", "verkiezingen",
  "markdal", "vergieten", "DSO", "digitaal stelsel", "regionale samenwerking", "belangenbehartiger",
  "responsieve overheid", "rechtmatige", "presterende overheid", "samenwerkende", "Borne 2030", "Leeuwarden",
  "De6", "Drechtsteden", "Amersfoort ICT", "Almelo", "transitie transformatie", "begrippen", "Wmo",
  "de gemeente en de raad", "vóór de verkiezingen", "integraliteit", "Kampen omgekeerd", "enquête respons",
  "126", "xyzzyqwert", "omgevingswet", "cultuur veranderen", "informatiemanagement",
  // field values, related titles, compounds split at query time, synonyms (issue 14)
  "Zuid-Holland", "Overijssel", "Rozendom", "participatie omgevingswet", "praktijkvoorbeelden participatie",
  "ettenleur", "ettenleur ", "samenwerkingsvorm", "samenwerkingsvorm gemeenten", "ettenleur omgevingswet",
  "organisatiesamenwerking", "informatiemanagementsturing",
  "Ow", "Ow participatie", "DSO ", "3D's", "Friesland", "de rol van de gemeentesecretaris",
  // once partial; since related titles are indexed, a quadrant page lists both cases
  "verkiezingen kampen", "vergieten drechtsteden",
  // no page has every word: the pages with most of them, flagged as partial
  "vergieten 126", "markdal respons", "participatie xyzzyqwert",
];

/** Queries with filters (`field=value`, as /_search takes them). */
export const FILTERED = [
  ["gemeente", ["collection=praktijkvoorbeelden"]],
  ["gemeente", ["collection=praktijkvoorbeelden", "themas=participatie"]],
  ["participatie", ["kwadranten=responsieve-overheid"]],
  ["secretaris", ["rollen=verbinder"]],
  ["omgevingswet", ["domein=fysiek"]],
  ["samenwerking", ["provincie=Noord-Brabant"]],
  ["college", ["lessen=coach-het-college"]],
  ["overheid", ["collection=kwadranten"]],
  ["visie", ["gemeente=Breda"]],
  ["verkiezingen kampen", ["collection=praktijkvoorbeelden"]],
  ["informatie", ["themas=informatiemanagement-en-dso", "collection=lessen"]],
  ["xyzzyqwert", ["collection=lessen"]],
];

let site, api, context;

function browserAnswer(page, query, filters = []) {
  return searchPageAnswer(page, site.base, query, filters);
}

/** The same from /_search. */
async function serverAnswer(query, filters = []) {
  const json = await api.search(query, filters);
  return { urls: json.results.map((r) => r.url.replace(/^\//, "")), total: json.total, partial: json.partial };
}

describe("search parity with kennisbank", { timeout: 300_000 }, () => {
  before(async () => {
    [site, api] = await Promise.all([shippedSite(), shippedSearch()]);
    context = await (await browser()).newContext();
  });

  test(`the browser's answer equals /_search's for ${QUERIES.length} queries`, async () => {
    const page = await context.newPage();
    const mismatches = [];
    let nonEmpty = 0;
    let partial = 0;
    for (const q of QUERIES) {
      const expected = await serverAnswer(q);
      const got = await browserAnswer(page, q);
      if (expected.urls.length > 0) nonEmpty++;
      if (expected.partial) partial++;
      if (JSON.stringify(got) !== JSON.stringify(expected)) mismatches.push({ q, expected, got });
    }
    await page.close();
    assert.deepEqual(mismatches, []);
    assert.ok(nonEmpty >= QUERIES.length - 2, "almost every query finds something");
    assert.equal(partial, 3, "three queries have a partial answer");
  });

  test("the search page says what a corrected, split or expanded query was searched as, as /_search does", async () => {
    const page = await context.newPage();
    const cases = [
      ["particpatie", "typo"],
      ["ettenleur", "compound"],
      ["ow participatie", "synonym"],
      ["omgevingsvis", "prefix"],
    ];
    for (const [query, how] of cases) {
      const json = await api.search(query);
      assert.deepEqual(json.interpreted.map((i) => i.how), [how], query);
      await page.goto(`${site.base}zoeken/?q=${encodeURIComponent(query)}`);
      await page.waitForSelector("[data-search-status] em");
      const status = await page.locator("[data-search-status]").innerText();
      const searched = await page.textContent("[data-search-status] em");
      assert.match(status, /^\d+ resulta(at|ten)\. Resultaten voor .+\.$/, query);
      // what /_search says the word was searched as is what the page says
      const as = json.interpreted[0].as;
      const expected = how === "compound" ? [as.join(" ")] : as.slice(0, 3);
      for (const a of expected) assert.ok(searched.includes(a), `${query}: “${searched}” lacks “${a}”`);
    }
    // a query searched as typed says nothing more
    await page.goto(`${site.base}zoeken/?q=participatie`);
    await page.waitForSelector("[data-search-results] li");
    assert.equal(await page.locator("[data-search-status] em").count(), 0);
    assert.doesNotMatch(await page.locator("[data-search-status]").innerText(), /Resultaten voor/);
    await page.close();
  });

  test("from a host that sends the whole pack for a range, the page asks for the files one by one and answers the same", async () => {
    const plain = await serve(site.dir, { ranges: false });
    const page = await context.newPage();
    const asked = [];
    page.on("request", (r) => r.url().endsWith(".pack") && asked.push(r.url()));
    const mismatches = [];
    for (const q of QUERIES) {
      const expected = await serverAnswer(q);
      const got = await searchPageAnswer(page, plain.base, q);
      if (JSON.stringify(got) !== JSON.stringify(expected)) mismatches.push({ q, expected, got });
    }
    await page.close();
    await plain.close();
    assert.deepEqual(mismatches, []);
    assert.equal(asked.length, 1, "the pack is asked for once, and not again after a whole file came");
  });

  test(`the browser's answer equals /_search's for ${FILTERED.length} filtered queries`, async () => {
    const page = await context.newPage();
    const mismatches = [];
    let narrowed = 0;
    for (const [q, filters] of FILTERED) {
      const expected = await serverAnswer(q, filters);
      const got = await browserAnswer(page, q, filters);
      // a filter must keep some pages and drop others, or the comparison proves little
      const all = await serverAnswer(q);
      if (expected.total > 0 && expected.total < all.total) narrowed++;
      if (JSON.stringify(got) !== JSON.stringify(expected)) mismatches.push({ q, filters, expected, got });
    }
    await page.close();
    assert.deepEqual(mismatches, []);
    assert.ok(narrowed >= FILTERED.length - 2, `only ${narrowed} of ${FILTERED.length} filters narrow their query`);
  });
});
