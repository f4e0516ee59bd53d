// Accessibility: axe-core finds no WCAG 2.1 A/AA violation on one page of every type, in the light
// and in the dark colour scheme (and at phone width), with the site served under its sub-path and
// the strict CSP.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { shippedSite, browser as sharedBrowser, ROOT, PAGE_TYPES, builtPages, searchSettled } from "./harness.mjs";

// One page of every type; the search page is checked with its results on screen.
const PAGES = PAGE_TYPES;
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
// The CSP (default-src 'self') blocks an injected <script>; evaluating the source through the
// DevTools protocol is not subject to it, so the page keeps its real policy during the audit.
const AXE = readFileSync(join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");

let server, browser;

describe("accessibility (axe-core)", { timeout: 600_000 }, () => {
  before(async () => {
    server = await shippedSite();
    browser = await sharedBrowser();
  });

  function report(violations) {
    return violations
      .map((v) => {
        const nodes = v.nodes.map((n) => `    at ${n.target.join(" ")}${n.failureSummary ? "\n      " + n.failureSummary.replace(/\n/g, "\n      ") : ""}`);
        return `  ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})\n${nodes.join("\n")}`;
      })
      .join("\n");
  }

  // Light and dark on a desktop screen; light on a phone too, where wide tables scroll.
  const RUNS = [
    ["light", 1280],
    ["dark", 1280],
    ["light", 375],
  ];

  for (const [scheme, width] of RUNS) {
    describe(`axe-core, ${scheme} colour scheme, ${width} px wide`, () => {
      let context, page;

      before(async () => {
        context = await browser.newContext({ viewport: { width, height: 900 } });
        page = await context.newPage();
        await page.emulateMedia({ colorScheme: scheme });
      });

      after(async () => {
        await context?.close();
      });

      for (const [kind, path] of PAGES) {
        test(`${kind} (/${path}) has no WCAG 2.1 AA violations`, async () => {
          const res = await page.goto(server.base + path);
          assert.equal(res.status(), kind === "404" ? 404 : 200, `status of /${path}`);
          if (kind.startsWith("search")) await searchSettled(page);
          const isDark = await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches);
          assert.equal(isDark, scheme === "dark", "the colour scheme is emulated");
          await page.evaluate(AXE);
          const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }), TAGS);
          assert.equal(result.violations.length, 0, `${result.violations.length} axe violation(s) on /${path} (${scheme}, ${width} px):\n${report(result.violations)}`);
        });
      }
    });
  }

  // The remaining pages of the site (light, desktop): one test, each page's violations listed.
  test("every other built page has no WCAG 2.1 AA violations", async () => {
    const tested = new Set(PAGES.map(([, p]) => p));
    const paths = builtPages(server.dir)
      .filter((p) => !p.alias && !tested.has(p.path))
      .map((p) => p.path);
    assert.ok(paths.length >= 35, `only ${paths.length} other pages`);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const failures = [];
    try {
      for (const path of paths) {
        await page.goto(server.base + path);
        await page.evaluate(AXE);
        const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }), TAGS);
        if (result.violations.length > 0) failures.push(`/${path}:\n${report(result.violations)}`);
      }
    } finally {
      await context.close();
    }
    assert.equal(failures.length, 0, `${failures.length} page(s) with axe violations:\n${failures.join("\n")}`);
  });
});
