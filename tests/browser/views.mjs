// The quadrant map and the charts are visible SVG at 360 and 1280 px, and the map's links take
// keyboard focus.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { buildSite, serve, launch, ROOT } from "./harness.mjs";

let server, browser;
const ARTIFACTS = new URL("./artifacts/", import.meta.url).pathname;

before(async () => {
  server = await serve(buildSite());
  browser = await launch();
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The visible SVGs matching `selector` with their size. */
async function visibleSvgs(page, selector) {
  return page.$$eval(selector, (svgs) =>
    svgs
      .map((s) => ({ w: s.getBoundingClientRect().width, h: s.getBoundingClientRect().height, shown: getComputedStyle(s).display !== "none" }))
      .filter((s) => s.shown && s.w > 0 && s.h > 0),
  );
}

for (const width of [360, 1280]) {
  test(`the home page's quadrant map is visible and its links focusable at ${width} px`, async () => {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(server.base);
    const maps = await visibleSvgs(page, ".home-map svg");
    assert.equal(maps.length, 1, "one visible map");
    assert.ok(maps[0].w >= width * 0.8 || maps[0].w >= 600, `map ${maps[0].w}px wide`);
    assert.ok(maps[0].h > 150);
    const links = await page.$$(".home-map svg:not([style*='none']) a");
    const visibleLinks = [];
    for (const l of links) if (await l.isVisible()) visibleLinks.push(l);
    assert.ok(visibleLinks.length >= 4 + 7, "the four quadrants and the seven lessons at least");
    for (const l of visibleLinks.slice(0, 12)) {
      await l.focus();
      const focused = await page.evaluate(() => document.activeElement && document.activeElement.closest("svg") !== null);
      assert.ok(focused, "an SVG link takes focus");
      const name = await l.evaluate((a) => a.getAttribute("aria-label") || a.textContent.trim());
      assert.ok(name.length > 1, "the link has a name");
    }
    await page.screenshot({ path: `${ARTIFACTS}map-home-${width}.png`, fullPage: false, clip: undefined });
    await page.close();
  });

  test(`the survey charts are visible at ${width} px`, async () => {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(server.base + "onderzoek/enquete-resultaten/");
    const charts = await visibleSvgs(page, "figure.chart svg");
    assert.ok(charts.length >= 6, `${charts.length} charts`);
    for (const c of charts) assert.ok(c.w > width * 0.5 && c.h > 60, `chart ${c.w}×${c.h}`);
    const tables = await page.$$eval("figure.chart table", (ts) => ts.length);
    assert.equal(tables, charts.length, "every chart has its table");
    await page.screenshot({ path: `${ARTIFACTS}charts-${width}.png` });
    await page.close();
  });
}
