// Pages in Chromium, one of every type: nothing is loaded from another host, no console error, no
// page error and no Content-Security-Policy violation; the document is Dutch, has one h1, a working
// skip link and the four landmarks. At 375 px no page scrolls sideways. Screenshots of the home
// page, a lesson and a case at 375 and 1280 px go to tests/browser/artifacts/. With JavaScript off a
// lesson still reads and navigates, and the search page says that it needs JavaScript.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildSite, serve, launch, ROOT, CSP, PAGE_TYPES, builtPages } from "./harness.mjs";

// One page of every type; the search page is checked with its results on screen.
const PAGES = PAGE_TYPES;
const SCREENSHOTS = ["home", "lesson", "case"];
const ARTIFACTS = join(ROOT, "tests/browser/artifacts");

let site, server, browser;

before(async () => {
  site = buildSite();
  server = await serve(site);
  browser = await launch();
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

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

/** Open a page of the site and record what a user (or the console) would notice going wrong. */
async function open(context, kind, path) {
  const page = await context.newPage();
  const url = server.base + path;
  const seen = { foreign: [], console: [], errors: [], failed: [] };
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (!((u.protocol === "http:" || u.protocol === "https:") && u.hostname === "127.0.0.1")) seen.foreign.push(r.url());
  });
  page.on("requestfailed", (r) => seen.failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on("console", (m) => {
    if (m.type() !== "error" && !/Content.Security.Policy/i.test(m.text())) return;
    // The 404 page is itself answered with 404, which Chromium reports for the document.
    if (kind === "404" && m.location().url === url && /status of 404/.test(m.text())) return;
    seen.console.push(`${m.type()}: ${m.text()} (${m.location().url}:${m.location().lineNumber})`);
  });
  page.on("pageerror", (e) => seen.errors.push(String(e.stack || e)));
  const response = await page.goto(url);
  // The results are checked in their own subtest; a missing result must not hang the page.
  if (kind === "search with results") await page.waitForSelector("[data-search-results] li", { timeout: 10000 }).catch(() => {});
  await page.waitForLoadState("networkidle");
  return { page, response, seen };
}

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
      try {
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
      } finally {
        await page.close();
      }
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
      try {
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
      } finally {
        await page.close();
      }
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
    test(`home, lesson and case at ${width} px`, async () => {
      const context = await newContext({ viewport: { width, height: width === 375 ? 800 : 900 } });
      try {
        for (const [kind, path] of PAGES.filter(([k]) => SCREENSHOTS.includes(k))) {
          const { page } = await open(context, kind, path);
          const file = join(ARTIFACTS, `${kind}-${width}.png`);
          const png = await page.screenshot({ path: file, fullPage: true });
          assert.ok(png.length > 10000, `${file} has content`);
          await page.close();
        }
      } finally {
        await context.close();
      }
    });
  }
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
