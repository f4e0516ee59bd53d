// The offline build (`kennisbank build --offline`) of the shipped site, opened from a folder as a
// reader opens it from a USB stick: file:///…/index.html in Chromium, no web server. A crawler
// starts on the home page and follows every link, form and redirect: every page of the site is
// reached, no request fails, no link or anchor is broken, no script logs an error. The search
// page answers as `kennisbank search` does (the parity queries), its filters work, the quadrant
// map leads to its quadrants; and all of it again after the folder is copied and renamed deeper.
import { describe, test, before } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ROOT, browser, buildSiteAsync, builtPages, shippedSearch, searchSettled } from "./harness.mjs";
import { QUERIES, FILTERED } from "./parity.mjs";

let dir, api, context;
const copies = [];

/** The folder's URL, with a trailing slash. */
const folderUrl = (folder) => pathToFileURL(folder).href.replace(/\/?$/, "/");

/** Follow every link from the home page; returns what it found. */
async function crawl(folder) {
  const root = folderUrl(folder);
  const page = await context.newPage();
  const problems = [];
  let at = root;
  page.on("requestfailed", (r) => {
    const why = r.failure()?.errorText;
    // the crawler moving on cancels a load still under way (the icon): not a missing file
    if (why === "net::ERR_ABORTED" && r.url().startsWith("file:") && existsSync(fileURLToPath(r.url()))) return;
    problems.push(`${short(at)}: request failed: ${short(r.url())} (${why})`);
  });
  page.on("console", (m) => m.type() === "error" && problems.push(`${short(at)}: console error: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`${short(at)}: script error: ${e.message}`));
  function short(url) {
    return url.startsWith(root) ? url.slice(root.length) : url;
  }
  const queue = [root + "index.html"];
  const seen = new Set(queue);
  const ids = new Map();
  const anchors = [];
  while (queue.length > 0) {
    at = queue.shift();
    await page.goto(at);
    const found = await page.evaluate(() => ({
      links: [...document.querySelectorAll("a[href], area[href]")].map((a) => new URL(a.getAttribute("href"), document.baseURI).href),
      forms: [...document.querySelectorAll("form[action]")].map((f) => new URL(f.getAttribute("action"), document.baseURI).href),
      refresh: document.querySelector('meta[http-equiv="refresh"]')?.content ?? null,
      ids: [...document.querySelectorAll("[id]")].map((e) => e.id),
    }));
    ids.set(at, new Set(found.ids));
    if (found.refresh) problems.push(`${short(at)}: a redirect page linked from the site`);
    for (const href of [...found.links, ...found.forms]) {
      const url = new URL(href);
      if (url.protocol !== "file:") continue; // another site
      const target = url.origin === "null" ? href.split(/[?#]/)[0] : url.href;
      if (!target.startsWith(root)) {
        problems.push(`${short(at)}: ${href} leaves the folder`);
      } else if (!target.endsWith(".html")) {
        if (target.endsWith("/")) problems.push(`${short(at)}: ${short(href)} names a folder, not its index.html`);
        else if (!existsSync(fileURLToPath(target))) problems.push(`${short(at)}: ${short(href)} names no file`);
      } else {
        if (url.hash.length > 1) anchors.push([at, target, decodeURIComponent(url.hash.slice(1))]);
        if (!seen.has(target)) {
          seen.add(target);
          queue.push(target);
        }
      }
    }
  }
  for (const [from, target, id] of anchors) {
    if (!ids.get(target)?.has(id)) problems.push(`${short(from)}: #${id} is not on ${short(target)}`);
  }
  await page.close();
  return { problems: [...new Set(problems)], reached: new Set([...seen].map(short)) };
}

/** The pages of the built folder a reader must be able to reach (not the redirects, not 404.html). */
function sitePages(folder) {
  return builtPages(folder)
    .filter((p) => !p.alias)
    .map((p) => p.file.split("\\").join("/"));
}

/** The search page of a folder for a query and `field=value` filters: result links as site paths, count, partial. */
async function searchAnswer(page, folder, query, filters = []) {
  const root = folderUrl(folder);
  const f = filters.map((x) => `&f=${encodeURIComponent(x.replace("=", ":"))}`).join("");
  await page.goto(`${root}zoeken/index.html?q=${encodeURIComponent(query)}${f}`);
  await searchSettled(page);
  return answerShown(page, root);
}

async function answerShown(page, root) {
  const hrefs = await page.$$eval("[data-search-results] li h3 a", (as) => as.map((a) => a.href));
  const status = await page.locator("[data-search-status]").innerText();
  const count = /^(\d+) (resultaat|resultaten)\./.exec(status);
  return {
    // a result links to the page's file: compare it with /_search's folder URL
    urls: hrefs.map((h) => (h.startsWith(root) ? h.slice(root.length) : `OUTSIDE ${h}`).replace(/index\.html(#|$)/, "$1")),
    total: count ? Number(count[1]) : 0,
    partial: status.includes("Geen pagina bevat alle woorden"),
  };
}

async function serverAnswer(query, filters = []) {
  const json = await api.search(query, filters);
  return { urls: json.results.map((r) => r.url.replace(/^\//, "")), total: json.total, partial: json.partial };
}

describe("the offline build, from a folder", { timeout: 300_000 }, () => {
  before(async () => {
    [dir, api] = await Promise.all([buildSiteAsync(ROOT, ["--offline"]), shippedSearch()]);
    context = await (await browser()).newContext({ viewport: { width: 1280, height: 900 } });
  });

  test("a crawl from the home page reaches every page with no failed request, broken link or anchor, or console error", async () => {
    const { problems, reached } = await crawl(dir);
    assert.deepEqual(problems, []);
    const missed = sitePages(dir).filter((p) => !reached.has(p));
    assert.deepEqual(missed, [], "pages no link leads to");
    assert.ok(reached.size >= 50, `only ${reached.size} pages reached`);
  });

  test("every old URL (alias) redirects to its page's file", async () => {
    // the shipped site has no alias; the basic fixture has
    const fixture = await buildSiteAsync(join(ROOT, "tests/fixtures/basic"), ["--offline"]);
    const page = await context.newPage();
    const aliases = builtPages(fixture).filter((p) => p.alias);
    assert.ok(aliases.length > 0, "the fixture has aliases");
    for (const a of aliases) {
      await page.goto(folderUrl(fixture) + a.file.split("\\").join("/"));
      await page.waitForURL((u) => !u.href.endsWith(a.file) && u.href.endsWith("index.html"));
      assert.ok(await page.locator("main h1").count(), `${a.file} leads to a page: ${page.url()}`);
    }
    await page.close();
  });

  test(`search answers as kennisbank search does for ${QUERIES.length + FILTERED.length} queries`, async () => {
    const page = await context.newPage();
    const mismatches = [];
    for (const [q, filters] of [...QUERIES.map((q) => [q, []]), ...FILTERED]) {
      const expected = await serverAnswer(q, filters);
      const got = await searchAnswer(page, dir, q, filters);
      if (JSON.stringify(got) !== JSON.stringify(expected)) mismatches.push({ q, filters, expected, got });
    }
    await page.close();
    assert.deepEqual(mismatches, []);
  });

  test("ticking a filter on the search page narrows the answer as kennisbank search does", async () => {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const all = await searchAnswer(page, dir, "gemeente");
    await page.check('[data-search-facets] input[value="collection:praktijkvoorbeelden"]');
    const expected = await serverAnswer("gemeente", ["collection=praktijkvoorbeelden"]);
    await page.waitForFunction((n) => document.querySelector("[data-search-status]").textContent.startsWith(`${n} `), expected.total);
    const got = await answerShown(page, folderUrl(dir));
    assert.ok(expected.total > 0 && expected.total < all.total, "the filter narrows the answer");
    assert.deepEqual(got, expected);
    assert.match(page.url(), /[?&]f=collection%3Apraktijkvoorbeelden/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("the quadrant map on the home page leads to each quadrant", async () => {
    const page = await context.newPage();
    await page.goto(folderUrl(dir) + "index.html");
    const quadrants = await page.$$eval(".home-map svg a", (as) =>
      [...new Set(as.map((a) => a.getAttribute("href")).filter((h) => h.includes("kwadranten/")))],
    );
    assert.equal(quadrants.length, 4, `the four quadrants: ${quadrants}`);
    let link = null;
    for (const a of await page.$$(".home-map svg a[href*='kwadranten/']")) if (!link && (await a.isVisible())) link = a;
    const href = await link.getAttribute("href");
    await link.click();
    await page.waitForURL((u) => u.href.endsWith(href.replace(/^(\.\.\/)+/, "")));
    assert.ok(await page.locator(".quadrant-map svg, svg").first().isVisible(), "the page draws its map");
    assert.ok(await page.locator("main h1").count());
    await page.close();
  });

  test("copied and renamed into a deeper folder, the site still works", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "kennisbank-usb-"));
    copies.push(tmp);
    const moved = join(tmp, "E", "vergadering 12 maart", "Kopie van kennisbank (2)");
    cpSync(dir, moved, { recursive: true });
    rmSync(dir, { recursive: true, force: true }); // nothing may still point into the old folder
    try {
      const { problems, reached } = await crawl(moved);
      assert.deepEqual(problems, []);
      assert.deepEqual(sitePages(moved).filter((p) => !reached.has(p)), []);
      const page = await context.newPage();
      for (const [q, filters] of FILTERED.slice(0, 3)) {
        assert.deepEqual(await searchAnswer(page, moved, q, filters), await serverAnswer(q, filters), q);
      }
      await page.close();
    } finally {
      cpSync(moved, dir, { recursive: true });
      for (const c of copies) rmSync(c, { recursive: true, force: true });
    }
  });
});
