// The quadrant map and the charts are visible SVG at 360 and 1280 px, drawn in their colours (the
// screenshot's pixels inside each quadrant's cell and each first bar have the fill the style sheet
// gives it), and the map's links take keyboard focus.
import { describe, test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { shippedSite, browser as sharedBrowser, decodePng, rgb, sameColour } from "./harness.mjs";

let server, browser;
const ARTIFACTS = new URL("./artifacts/", import.meta.url).pathname;

/** The visible SVGs matching `selector` with their size. */
async function visibleSvgs(page, selector) {
  return page.$$eval(selector, (svgs) =>
    svgs
      .map((s) => ({ w: s.getBoundingClientRect().width, h: s.getBoundingClientRect().height, shown: getComputedStyle(s).display !== "none" }))
      .filter((s) => s.shown && s.w > 0 && s.h > 0),
  );
}

/**
 * For each visible shape matching `selector`: a point well inside it (in page pixels), its fill
 * and a name. Shapes drawn over it (markers, labels) are avoided by taking the point 4 px in
 * from the top left corner.
 */
async function fills(page, selector) {
  return page.$$eval(selector, (shapes) =>
    shapes
      .filter((s) => s.closest("svg").checkVisibility())
      .map((s) => {
        const r = s.getBoundingClientRect();
        return { x: r.left + scrollX + 4, y: r.top + scrollY + 4, w: r.width, h: r.height, fill: getComputedStyle(s).fill, name: s.closest("[data-quadrant]")?.dataset.quadrant ?? s.closest("figure")?.id ?? "?" };
      })
      .filter((s) => s.w > 8 && s.h > 8),
  );
}

/**
 * A screenshot of the part of the page that holds the visible elements matching `selector`
 * (kept in artifacts/ as `name`), and the colour at a point given in page pixels.
 */
async function shot(page, selector, name) {
  const clip = await page.$$eval(selector, (els) => {
    const boxes = els.filter((e) => e.checkVisibility()).map((e) => e.getBoundingClientRect());
    const top = Math.min(...boxes.map((b) => b.top)) + scrollY;
    const bottom = Math.max(...boxes.map((b) => b.bottom)) + scrollY;
    return { x: 0, y: Math.floor(top), width: innerWidth, height: Math.ceil(bottom - top) };
  });
  const png = await page.screenshot({ fullPage: true, clip });
  writeFileSync(`${ARTIFACTS}${name}`, png);
  const img = decodePng(png);
  return { img, at: (p) => img.at(p.x - clip.x, p.y - clip.y) };
}

describe("views", { timeout: 300_000 }, () => {
  before(async () => {
    server = await shippedSite();
    browser = await sharedBrowser();
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  for (const width of [360, 1280]) {
    test(`the home page's quadrant map is drawn, visible and its links focusable at ${width} px`, async () => {
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
      await page.evaluate(() => document.activeElement.blur());
      const cells = await fills(page, ".home-map .qm-cell");
      assert.equal(cells.length, 4, "four quadrant cells are drawn");
      const { img, at } = await shot(page, ".home-map svg", `map-home-${width}.png`);
      for (const c of cells) {
        assert.ok(sameColour(at(c), rgb(c.fill)), `${c.name} at (${c.x}, ${c.y}) is ${at(c)}, not its fill ${c.fill}`);
      }
      assert.ok(img.colours(0, 0, img.width, img.height).size > 20, "the map has its colours, lines and text");
      await page.close();
    });

    test(`the survey charts are visible and drawn at ${width} px`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(server.base + "onderzoek/enquete-resultaten/");
      const charts = await visibleSvgs(page, "figure.chart svg");
      assert.ok(charts.length >= 6, `${charts.length} charts`);
      for (const c of charts) assert.ok(c.w > width * 0.5 && c.h > 60, `chart ${c.w}×${c.h}`);
      const tables = await page.$$eval("figure.chart table", (ts) => ts.length);
      assert.equal(tables, charts.length, "every chart has its table");
      // the first bar (not of 0%) of the first series of every visible chart, in that series' colour (its
      // pattern is plain), sampled near its start, away from a value written inside it
      const bars = await page.$$eval("figure.chart svg", (svgs) =>
        svgs
          .filter((s) => s.checkVisibility())
          .map((s) => {
            const bar = [...s.querySelectorAll("rect.series-0")].find((r) => r.querySelector("title") && r.getBoundingClientRect().width >= 4);
            const r = bar.getBoundingClientRect();
            const fill = getComputedStyle(s.querySelector(".pattern-fill-0")).fill;
            return { x: r.left + scrollX + Math.min(6, r.width / 4), y: r.top + scrollY + r.height / 2, w: r.width, h: r.height, fill, name: s.closest("figure").id };
          }),
      );
      writeFileSync(`${ARTIFACTS}charts-${width}.png`, await page.screenshot());
      for (const b of bars) {
        assert.ok(b.w >= 2 && b.h >= 2, `${b.name}: a bar of ${b.w}×${b.h}`);
        // a few pixels around the point, drawn as on screen (the whole page would take seconds)
        const clip = { x: Math.round(b.x) - 2, y: Math.round(b.y) - 2, width: 5, height: 5 };
        const pixel = decodePng(await page.screenshot({ fullPage: true, clip })).at(2, 2);
        assert.ok(sameColour(pixel, rgb(b.fill)), `${b.name}: the bar at (${b.x}, ${b.y}) is ${pixel}, not its fill ${b.fill}`);
      }
      await page.close();
    });
  }
});
