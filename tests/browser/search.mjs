// The search page keeps its query and filters in the URL: opened with `?q=…&f=field:value` it
// shows the filtered answer (the same as /_search's) with those filters ticked; ticking and
// unticking a filter changes the URL, and opening that URL again gives the same page.
import { describe, test, before } from "node:test";
import assert from "node:assert/strict";
import { shippedSite, shippedSearch, browser, searchSettled, SUBPATH } from "./harness.mjs";

let site, api, context;

/** The page's query field, ticked filters, result links and count. */
async function shown(page) {
  await searchSettled(page);
  const status = await page.locator("[data-search-status]").innerText();
  return {
    query: await page.inputValue("#search-field"),
    ticked: await page.$$eval("[data-search-facets] input:checked", (bs) => bs.map((b) => b.value).sort()),
    urls: await page.$$eval("[data-search-results] li h3 a", (as) => as.map((a) => a.getAttribute("href"))),
    total: Number(/^(\d+) /.exec(status)?.[1] ?? 0),
  };
}

/** What /_search answers, as the page would show it. */
async function expected(query, filters) {
  const json = await api.search(query, filters.map((f) => f.replace(":", "=")));
  return {
    query,
    ticked: [...filters].sort(),
    urls: json.results.map((r) => SUBPATH + r.url.replace(/^\//, "")),
    total: json.total,
  };
}

/**
 * What the page shows once it has answered: it may still show the previous answer for a
 * moment after a change, so wait (up to 10 s) for `exp` before reading it; on a mismatch the
 * caller's assertion shows both.
 */
async function settled(page, exp) {
  await page
    .waitForFunction(
      (exp) => {
        const urls = [...document.querySelectorAll("[data-search-results] li h3 a")].map((a) => a.getAttribute("href"));
        const ticked = [...document.querySelectorAll("[data-search-facets] input:checked")].map((b) => b.value).sort();
        const status = document.querySelector("[data-search-status]").textContent;
        return JSON.stringify([urls, ticked]) === JSON.stringify([exp.urls, exp.ticked]) && status.startsWith(`${exp.total} `);
      },
      exp,
      { timeout: 10_000 },
    )
    .catch(() => {});
  return shown(page);
}

/** The query and the filters in the page's URL. */
function inUrl(page) {
  const url = new URL(page.url());
  return { q: url.searchParams.get("q"), f: url.searchParams.getAll("f").sort() };
}

describe("search page URL", { timeout: 120_000 }, () => {
  before(async () => {
    [site, api] = await Promise.all([shippedSite(), shippedSearch()]);
    context = await (await browser()).newContext({ viewport: { width: 1280, height: 900 } });
  });

  test("filters in the URL are applied and ticked, and ticking one puts it in the URL", async () => {
    const page = await context.newPage();
    const cases = "collection:praktijkvoorbeelden";
    await page.goto(`${site.base}zoeken/?q=gemeente&f=${encodeURIComponent(cases)}`);
    const first = await shown(page);
    assert.deepEqual(first, await expected("gemeente", [cases]));
    assert.ok(first.total > 0 && first.total < (await api.search("gemeente")).total, "the filter narrows the answer");

    // tick a second filter: the answer and the URL follow
    const theme = "themas:participatie";
    await page.locator(`[data-search-facets] input[value="${theme}"]`).check();
    const want = await expected("gemeente", [cases, theme]);
    const both = await settled(page, want);
    assert.deepEqual(both, want);
    assert.ok(both.total < first.total, "the second filter narrows it further");
    assert.deepEqual(inUrl(page), { q: "gemeente", f: [cases, theme].sort() });

    // the URL alone gives the same page
    const again = await context.newPage();
    await again.goto(page.url());
    assert.deepEqual(await shown(again), both);
    await again.close();

    // untick the first: it leaves the URL
    await page.locator(`[data-search-facets] input[value="${cases}"]`).uncheck();
    const themed = await expected("gemeente", [theme]);
    assert.deepEqual(await settled(page, themed), themed);
    assert.deepEqual(inUrl(page), { q: "gemeente", f: [theme] });
    await page.close();
  });

  test("a new query goes into the URL and keeps the filters", async () => {
    const page = await context.newPage();
    const theme = "themas:participatie";
    await page.goto(`${site.base}zoeken/?q=gemeente&f=${encodeURIComponent(theme)}`);
    await searchSettled(page);
    await page.fill("#search-field", "inwoners");
    await page.press("#search-field", "Enter");
    const want = await expected("inwoners", [theme]);
    assert.ok(want.total > 0, "the new query finds something");
    assert.deepEqual(await settled(page, want), want);
    assert.deepEqual(inUrl(page), { q: "inwoners", f: [theme] });
    await page.close();
  });
});
