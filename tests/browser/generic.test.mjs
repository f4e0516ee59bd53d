// Generic sites in the browser: the sites `kennisbank init` writes (Dutch and English) and the
// English fixture with its own collections, quadrant map and chart have no WCAG 2.1 AA violation
// on any page, in the light and the dark colour scheme, with the built-in theme alone.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSite, serve, launch, binary, builtPages, ROOT } from "./harness.mjs";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const AXE = readFileSync(join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");

function initSite(language) {
  const dir = join(mkdtempSync(join(tmpdir(), "kennisbank-init-")), "site");
  execFileSync(binary, ["init", dir, "--language", language], { stdio: ["ignore", "ignore", "inherit"] });
  return dir;
}

const SITES = [
  ["init nl", () => initSite("nl"), "nl"],
  ["init en", () => initSite("en"), "en"],
  ["English fixture", () => join(ROOT, "tests/fixtures/generic"), "en"],
];

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function violations(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
    TAGS,
  );
  return result.violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

for (const [name, make, language] of SITES) {
  describe(name, () => {
    let server, site;
    before(async () => {
      site = buildSite(make());
      server = await serve(site);
    });
    after(async () => {
      await server?.close();
    });

    for (const scheme of ["light", "dark"]) {
      test(`every page has no axe violation (${scheme})`, async () => {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const page = await context.newPage();
        await page.emulateMedia({ colorScheme: scheme });
        const paths = builtPages(site).filter((p) => !p.alias).map((p) => p.path);
        assert.ok(paths.length >= 6, `only ${paths.length} pages`);
        const failures = [];
        for (const path of [...paths, "no-such-page/"]) {
          await page.goto(server.base + path);
          assert.equal(await page.getAttribute("html", "lang"), language, `lang of /${path}`);
          const found = await violations(page);
          if (found.length) failures.push(`/${path}:\n  ${found.join("\n  ")}`);
        }
        await context.close();
        assert.deepEqual(failures, []);
      });
    }

    test("search finds a page and speaks the site's language", async () => {
      const page = await browser.newPage();
      const searchPath = language === "nl" ? "zoeken/" : "search/";
      const [word, first] = {
        "init nl": ["buurtoverleg", "voorbeelden/buurtoverleg/"],
        "init en": ["neighbourhood", "examples/neighbourhood-meeting/"],
        "English fixture": ["sluice", "cases/north-harbour/"],
      }[name];
      await page.goto(`${server.base}${searchPath}?q=${word}`);
      await page.waitForSelector("[data-search-results] li");
      const status = await page.textContent("[data-search-status]");
      assert.match(status, language === "nl" ? /^[1-9]\d* resulta(at|ten)\.$/ : /^[1-9]\d* results?\.$/);
      const href = await page.getAttribute("[data-search-results] li h3 a", "href");
      assert.ok(href.includes(first), `first result ${href}`);
      // A typo: the page says, in the site's language, what it searched instead.
      const typo = word.slice(0, 4) + (word[4] === "x" ? "y" : "x") + word.slice(5);
      await page.goto(`${server.base}${searchPath}?q=${typo}`);
      await page.waitForSelector("[data-search-status] em");
      const corrected = await page.textContent("[data-search-status]");
      assert.ok(corrected.endsWith((language === "nl" ? "Resultaten voor " : "Results for ") + word + "."), corrected);
      await page.close();
    });
  });
}
