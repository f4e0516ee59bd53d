// Generic sites in the browser: the sites `kennisbank init` writes (Dutch and English) and the
// English fixture with its own collections, quadrant map and chart have no WCAG 2.1 AA violation
// on any page, in the light and the dark colour scheme, with the built-in theme alone; and the
// authoring fixture (a page bundle, images beside and under pages, a template link) has no
// broken URL: every link and image of every page answers, every image is drawn.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSite, serve, browser, binary, builtPages, ROOT } from "./harness.mjs";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const AXE = readFileSync(join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");

function initSite(language) {
  const dir = join(mkdtempSync(join(tmpdir(), "kennisbank-init-")), "site");
  execFileSync(binary, ["init", dir, "--language", language], { stdio: ["ignore", "ignore", "inherit"] });
  return dir;
}

const SITES = [
  ["init nl", () => initSite("nl"), "nl", "zoeken/", ["buurtoverleg", "voorbeelden/buurtoverleg/"]],
  ["init en", () => initSite("en"), "en", "search/", ["neighbourhood", "examples/neighbourhood-meeting/"]],
  ["English fixture", () => join(ROOT, "tests/fixtures/generic"), "en", "search/", ["sluice", "cases/north-harbour/"]],
];

async function violations(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
    TAGS,
  );
  return result.violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

for (const [name, make, language, searchPath, [word, first]] of SITES) {
  describe(`generic site: ${name}`, () => {
    let served;
    const site = async () => (served ||= await (async () => {
      const dir = buildSite(make());
      return { dir, ...(await serve(dir)) };
    })());
    after(() => served?.close());

    for (const scheme of ["light", "dark"]) {
      test(`every page has no axe violation (${scheme})`, async () => {
        const { dir, base } = await site();
        const context = await (await browser()).newContext({ viewport: { width: 1280, height: 900 } });
        const page = await context.newPage();
        await page.emulateMedia({ colorScheme: scheme });
        const paths = builtPages(dir).filter((p) => !p.alias).map((p) => p.path);
        assert.ok(paths.length >= 6, `only ${paths.length} pages`);
        const failures = [];
        for (const path of [...paths, "no-such-page/"]) {
          await page.goto(base + path);
          assert.equal(await page.getAttribute("html", "lang"), language, `lang of /${path}`);
          const found = await violations(page);
          if (found.length) failures.push(`/${path}:\n  ${found.join("\n  ")}`);
        }
        await context.close();
        assert.deepEqual(failures, []);
      });
    }

    test("search finds a page and speaks the site's language", async () => {
      const { base } = await site();
      const page = await (await browser()).newPage();
      await page.goto(`${base}${searchPath}?q=${word}`);
      await page.waitForSelector("[data-search-results] li");
      const status = await page.textContent("[data-search-status]");
      assert.match(status, language === "nl" ? /^[1-9]\d* resulta(at|ten)\.$/ : /^[1-9]\d* results?\.$/);
      const href = await page.getAttribute("[data-search-results] li h3 a", "href");
      assert.ok(href.includes(first), `first result ${href}`);
      // A typo: the status line says, in the site's language, what was searched instead.
      const typo = word.slice(0, 4) + (word[4] === "x" ? "y" : "x") + word.slice(5);
      await page.goto(`${base}${searchPath}?q=${typo}`);
      await page.waitForSelector("[data-search-status] em");
      const corrected = await page.textContent("[data-search-status]");
      assert.ok(corrected.endsWith((language === "nl" ? "Resultaten voor " : "Results for ") + word + "."), corrected);
      assert.equal(await page.textContent("[data-search-status] em"), word);
      await page.close();
    });
  });
}

describe("authoring fixture: pages with their own files", () => {
  test("every link and image of every page answers, and every image is drawn", async () => {
    const dir = buildSite(join(ROOT, "tests/fixtures/authoring"));
    const { base, close } = await serve(dir);
    const page = await (await browser()).newPage();
    const failed = [];
    page.on("response", (r) => {
      if (r.status() >= 400 && !r.url().includes("no-such")) failed.push(`${r.status()} ${r.url()}`);
    });
    const checked = new Set();
    let images = 0;
    try {
      for (const { path } of builtPages(dir).filter((p) => !p.alias)) {
        await page.goto(base + path);
        await page.waitForLoadState("load");
        // Scroll to the end, so that lazy images load too.
        await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
        await page.waitForFunction(() => [...document.images].every((i) => i.complete));
        const drawn = await page.$$eval("img", (imgs) => imgs.map((i) => [i.getAttribute("src"), i.naturalWidth, i.width]));
        for (const [src, natural, width] of drawn) {
          images++;
          assert.ok(natural > 0, `${src} on /${path} is not drawn`);
          assert.ok(width > 0, `${src} on /${path} has no width`);
        }
        const hrefs = await page.$$eval("a[href]", (as) => as.map((a) => a.href).filter((h) => h.startsWith(location.origin)));
        for (const href of hrefs) {
          const url = href.split("#")[0];
          if (checked.has(url)) continue;
          checked.add(url);
          const res = await page.request.get(url);
          if (res.status() !== 200) failed.push(`${res.status()} ${url} (linked from /${path})`);
        }
      }
    } finally {
      await page.close();
      await close();
    }
    assert.deepEqual(failed, []);
    assert.ok(images >= 4, `only ${images} images seen`);
    // The fixture's links written as a relative .md path, an @/ path and a file beside the page.
    const followed = [...checked].map((u) => new URL(u).pathname);
    for (const want of ["/cases/harbour/", "/cases/dike/", "/cases/harbour/figures.csv"]) {
      assert.ok(followed.some((p) => p.endsWith(want)), `${want} not among the links followed: ${followed.join(" ")}`);
    }
  });
});
