// Pages in Chromium, one of every type: nothing is loaded from another host, no console error, no
// page error and no Content-Security-Policy violation; the document is Dutch, has one h1, a working
// skip link and the four landmarks. At 375 px no page scrolls sideways. Screenshots of the top of
// the home page, a lesson and a case at 375 and 1280 px (kept in tests/browser/artifacts/) show the
// header in its colour and the h1's text, and differ from page to page. With JavaScript off a lesson
// still reads and navigates, and the search page says that it needs JavaScript.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { shippedSite, browser as sharedBrowser, ROOT, CSP, PAGE_TYPES, builtPages, searchSettled, decodePng, rgb, sameColour } from "./harness.mjs";

// One page of every type; the search page is checked with its results on screen.
const PAGES = PAGE_TYPES;
const SCREENSHOTS = ["home", "lesson", "case"];
const ARTIFACTS = join(ROOT, "tests/browser/artifacts");

let site, server, browser;

/** A context whose pages record every CSP violation, before any of the page's own code runs. */
async function newContext(options) {
  const context = await browser.newContext(options);
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "(inline)"} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return context;
}

/** One tab per context, reused from page to page (a new tab costs a renderer process). */
const tabs = new WeakMap();

/**
 * Open a page of the site in the context's tab and record what a user (or the console) would
 * notice going wrong on it. Requests of an earlier page (cut off by this navigation) are not
 * this page's.
 */
async function open(context, kind, path) {
  let tab = tabs.get(context);
  if (!tab || tab.page.isClosed()) {
    tab = { page: await context.newPage(), visit: 0, requests: new WeakMap() };
    const { page, requests } = tab;
    const mine = (r) => requests.get(r) === tab.visit;
    page.on("request", (r) => {
      requests.set(r, tab.visit);
      const u = new URL(r.url());
      if (!((u.protocol === "http:" || u.protocol === "https:") && u.hostname === "127.0.0.1")) tab.seen.foreign.push(r.url());
    });
    page.on("requestfailed", (r) => mine(r) && tab.seen.failed.push(`${r.url()}: ${r.failure()?.errorText}`));
    page.on("console", (m) => {
      if (m.type() !== "error" && !/Content.Security.Policy/i.test(m.text())) return;
      // The 404 page is itself answered with 404, which Chromium reports for the document.
      if (tab.kind === "404" && m.location().url === tab.url && /status of 404/.test(m.text())) return;
      tab.seen.console.push(`${m.type()}: ${m.text()} (${m.location().url}:${m.location().lineNumber})`);
    });
    page.on("pageerror", (e) => tab.seen.errors.push(String(e.stack || e)));
    tabs.set(context, tab);
  } else {
    // Leave the last page first, so that whatever it still fetches (its icon) is cut off as its
    // own and not as this page's.
    await tab.page.goto("about:blank");
  }
  tab.visit++;
  tab.kind = kind;
  tab.url = server.base + path;
  tab.seen = { foreign: [], console: [], errors: [], failed: [] };
  // `load` waits for the style sheets and the module script; the search page then fetches
  // its index, so it is done when it shows its answer (checked in its own subtest, so a
  // missing answer must not hang the page).
  const response = await tab.page.goto(tab.url);
  if (kind === "search with results") await searchSettled(tab.page).catch(() => {});
  return { page: tab.page, response, seen: tab.seen };
}

/** Where the header, the h1 and the h1's background are on the page, and their colours. */
function layout() {
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return { x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height };
  };
  const header = document.querySelector(".site-header");
  const h1 = document.querySelector("main h1");
  let under = h1.parentElement;
  while (under && /rgba\(.*,\s*0\)|transparent/.test(getComputedStyle(under).backgroundColor)) under = under.parentElement;
  return {
    width: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
    header: box(header),
    headerBg: getComputedStyle(header).backgroundColor,
    h1: box(h1),
    h1Colour: getComputedStyle(h1).color,
    h1Bg: getComputedStyle(under ?? document.documentElement).backgroundColor,
  };
}

describe("pages", { timeout: 600_000 }, () => {
  before(async () => {
    server = await shippedSite();
    site = server.dir;
    browser = await sharedBrowser();
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  describe("every page type in Chromium at 1280 px", () => {
    let context;
    before(async () => {
      context = await newContext({ viewport: { width: 1280, height: 900 } });
    });
    after(async () => {
      await context?.close();
    });

    for (const [kind, path] of PAGES) {
      test(`${kind} (/${path})`, async (t) => {
        const { page, response, seen } = await open(context, kind, path);
        await t.test("is served with the strict CSP", () => {
          assert.equal(response.status(), kind === "404" ? 404 : 200);
          assert.equal(response.headers()["content-security-policy"], CSP);
        });
        await t.test("loads nothing from another host and nothing fails", () => {
          assert.deepEqual(seen.foreign, [], "requests to other hosts");
          assert.deepEqual(seen.failed, [], "failed requests");
        });
        await t.test("has no console error, page error or CSP violation", async () => {
          const csp = await page.evaluate(() => window.__cspViolations);
          assert.deepEqual({ pageErrors: seen.errors, consoleErrors: seen.console, cspViolations: csp }, { pageErrors: [], consoleErrors: [], cspViolations: [] });
        });
        await t.test('is in Dutch (lang="nl") with exactly one h1', async () => {
          assert.equal(await page.evaluate(() => document.documentElement.getAttribute("lang")), "nl");
          const h1s = await page.locator("h1").allInnerTexts();
          assert.equal(h1s.length, 1, `h1 elements: ${JSON.stringify(h1s)}`);
          assert.ok(h1s[0].trim().length > 0, "the h1 has text");
        });
        await t.test("has the banner, navigation, main and contentinfo landmarks", async () => {
          assert.equal(await page.getByRole("banner").count(), 1, "one banner (site header)");
          assert.equal(await page.getByRole("navigation", { name: "Hoofdmenu" }).count(), 1, "the main navigation");
          assert.equal(await page.getByRole("main").count(), 1, "one main");
          assert.equal(await page.getByRole("contentinfo").count(), 1, "one contentinfo (site footer)");
          assert.ok((await page.getByRole("navigation", { name: "Hoofdmenu" }).getByRole("link").count()) >= 6, "the main navigation lists the collections");
        });
        if (kind === "search with results") {
          await t.test("shows results and hides the needs-JavaScript notice", async () => {
            assert.ok((await page.locator("[data-search-results] li").count()) > 0, "results for participatie");
            assert.equal(await page.locator("[data-search-nojs]").isVisible(), false);
          });
        }
        await t.test("has a skip link, first in the tab order, that moves focus to main", async () => {
          await page.goto(server.base + path);
          await page.keyboard.press("Tab");
          const skip = await page.evaluate(() => {
            const a = document.activeElement;
            const r = a.getBoundingClientRect();
            return { tag: a.tagName, text: a.textContent.trim(), href: a.getAttribute("href"), top: r.top, bottom: r.bottom, width: r.width };
          });
          assert.equal(skip.tag, "A", "the first Tab lands on a link");
          assert.equal(skip.text, "Naar de inhoud");
          assert.ok(skip.top >= 0 && skip.bottom <= 900 && skip.width > 0, `the focused skip link is on screen: ${JSON.stringify(skip)}`);
          await page.keyboard.press("Enter");
          const focused = await page.evaluate(() => ({ tag: document.activeElement.tagName, id: document.activeElement.id }));
          assert.deepEqual(focused, { tag: "MAIN", id: skip.href.slice(1) });
        });
      });
    }
  });

  describe("every page type at 375 px", () => {
    let context;
    before(async () => {
      context = await newContext({ viewport: { width: 375, height: 800 } });
    });
    after(async () => {
      await context?.close();
    });

    for (const [kind, path] of PAGES) {
      test(`${kind} (/${path}) does not scroll sideways`, async () => {
        const { page, seen } = await open(context, kind, path);
        const m = await page.evaluate(() => {
          const root = document.documentElement;
          const wide = [...document.querySelectorAll("body *")]
            .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5 && getComputedStyle(el).position !== "absolute")
            .filter((el) => !el.closest(".visually-hidden"))
            .slice(0, 8)
            .map((el) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : ""} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`);
          return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide };
        });
        assert.ok(m.scrollWidth <= 375 && m.scrollWidth <= m.clientWidth, `scrollWidth ${m.scrollWidth} > clientWidth ${m.clientWidth}; too wide: ${m.wide.join(", ")}`);
        assert.deepEqual(seen.errors, []);
      });
    }
  });

  test("every other built page does not scroll sideways at 375 px", async () => {
    const context = await newContext({ viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    const tested = new Set(PAGES.map(([, p]) => p));
    const paths = builtPages(site)
      .filter((p) => !p.alias && !tested.has(p.path))
      .map((p) => p.path);
    assert.ok(paths.length >= 35, `only ${paths.length} other pages`);
    const wide = [];
    try {
      for (const path of paths) {
        await page.goto(server.base + path);
        const m = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
        if (m.scrollWidth > 375 || m.scrollWidth > m.clientWidth) wide.push(`/${path}: scrollWidth ${m.scrollWidth} > ${m.clientWidth}`);
      }
    } finally {
      await context.close();
    }
    assert.deepEqual(wide, []);
  });

  describe("screenshots", () => {
    for (const width of [375, 1280]) {
      test(`home, lesson and case at ${width} px show the styled page`, async () => {
        const height = width === 375 ? 800 : 900;
        const context = await newContext({ viewport: { width, height } });
        const shots = new Map();
        try {
          for (const [kind, path] of PAGES.filter(([k]) => SCREENSHOTS.includes(k))) {
            const { page } = await open(context, kind, path);
            const m = await page.evaluate(layout);
            // the first screen, or down to the h1 if that is lower (a whole long page takes seconds)
            const clip = { x: 0, y: 0, width, height: Math.min(m.height, Math.max(height, Math.ceil(m.h1.y + m.h1.h + 16))) };
            const png = await page.screenshot({ fullPage: true, clip });
            writeFileSync(join(ARTIFACTS, `${kind}-${width}.png`), png);
            const img = decodePng(png);
            assert.deepEqual([img.width, img.height], [clip.width, clip.height], `${kind}: the picture's size`);
            // The header band, at its top left and right, has the header's colour ...
            const band = rgb(m.headerBg);
            for (const [x, y] of [
              [1, m.header.y + 2],
              [width - 2, m.header.y + 2],
            ]) {
              assert.ok(sameColour(img.at(x, y), band), `${kind} at ${width} px: (${x}, ${y}) is ${img.at(x, y)}, not the header's ${band}`);
            }
            // ... and the h1's box holds its text (pixels of the text colour) on its background.
            const colours = [...img.colours(m.h1.x, m.h1.y, m.h1.w, m.h1.h)].map((c) => c.split(",").map(Number));
            assert.ok(colours.some((c) => sameColour(c, rgb(m.h1Colour))), `${kind} at ${width} px: no pixel of the h1's colour ${m.h1Colour}`);
            assert.ok(colours.some((c) => sameColour(c, rgb(m.h1Bg))), `${kind} at ${width} px: no pixel of the h1's background ${m.h1Bg}`);
            shots.set(kind, png);
          }
        } finally {
          await context.close();
        }
        // three pages, three pictures
        const [home, lesson, kase] = ["home", "lesson", "case"].map((k) => shots.get(k));
        assert.ok(!home.equals(lesson) && !lesson.equals(kase) && !home.equals(kase), "two screenshots are the same");
      });
    }

    test("a page looks the same each time it is drawn", async () => {
      const context = await newContext({ viewport: { width: 1280, height: 900 } });
      try {
        const shot = async () => {
          const { page } = await open(context, "lesson", "lessen/bezint-eer-ge-begint/");
          return page.screenshot();
        };
        assert.ok((await shot()).equals(await shot()), "two screenshots of one page differ");
      } finally {
        await context.close();
      }
    });
  });

  describe("JavaScript off", () => {
    let context;
    before(async () => {
      context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    });
    after(async () => {
      await context?.close();
    });

    test("a lesson still shows its content, styles and navigation", async () => {
      const page = await context.newPage();
      await page.goto(server.base + "lessen/bezint-eer-ge-begint/");
      assert.equal(await page.evaluate(() => typeof window.__cspViolations), "undefined", "no script ran");
      await assert.doesNotReject(page.getByRole("heading", { level: 1, name: "Bezint eer ge begint" }).waitFor({ state: "visible", timeout: 2000 }));
      const text = await page.getByRole("main").innerText();
      assert.ok(text.length > 1000, `the lesson's text is shown (${text.length} characters)`);
      const nav = page.getByRole("navigation", { name: "Hoofdmenu" });
      assert.ok(await nav.isVisible(), "the main navigation is visible");
      for (const name of ["Lessen", "Thema's", "Praktijkvoorbeelden", "Kwadranten", "Rollen", "Onderzoek"]) {
        assert.ok(await nav.getByRole("link", { name, exact: true }).isVisible(), `the menu links to ${name}`);
      }
      assert.ok(await page.getByRole("navigation", { name: "Kruimelpad" }).isVisible(), "the breadcrumbs are visible");
      const bg = await page.evaluate(() => getComputedStyle(document.querySelector(".site-header")).backgroundColor);
      assert.notEqual(bg, "rgba(0, 0, 0, 0)", "the style sheet applies");
      // Following a link works without scripts.
      await nav.getByRole("link", { name: "Praktijkvoorbeelden", exact: true }).click();
      await page.waitForURL(server.base + "praktijkvoorbeelden/");
      assert.equal(await page.locator("h1").innerText(), "Praktijkvoorbeelden");
      await page.close();
    });

    test('the search page shows the "needs JavaScript" notice', async () => {
      const page = await context.newPage();
      await page.goto(server.base + "zoeken/?q=participatie");
      const notice = page.locator("[data-search-nojs]");
      assert.ok(await notice.isVisible(), "the notice is visible");
      assert.match(await notice.innerText(), /JavaScript/);
      assert.equal(await page.locator("[data-search-page]").isVisible(), false, "the search form that cannot work is hidden");
      await page.close();
    });
  });
});
