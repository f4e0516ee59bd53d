// Keyboard: from the home page, with Tab and Enter only, a user reaches a lesson, a case and the
// search results, and every element Tab lands on (on those journeys, and in a full Tab cycle through
// the home page, a lesson and the research page) is on screen with a visible focus indicator. `/`
// and Ctrl+K bring the focus to the search box. Each test starts on a fresh page of its own.
import { describe, test, before, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { shippedSite, browser } from "./harness.mjs";

const MAX_TABS = 200;

let server, context, page;

/** What a sighted keyboard user sees of the focused element. Runs in the page. */
function focusInfo() {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return { none: true };
  const cs = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const transparent = (c) => c === "transparent" || /rgba\(.*,\s*0\)$/.test(c);
  const outline = cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0 && !transparent(cs.outlineColor);
  // box-shadow is not drawn on SVG content.
  const svg = el instanceof SVGElement && !(el instanceof SVGSVGElement);
  const shadow = !svg && cs.boxShadow !== "none" && !/^(rgba\(\d+, \d+, \d+, 0\) )?0px 0px 0px 0px/.test(cs.boxShadow);
  // A link inside an SVG (the quadrant map) cannot take an outline everywhere; the theme draws its
  // focus ring as a stroke in the focus colours on a shape inside the link.
  const probe = document.createElement("span");
  document.body.append(probe);
  const tokens = ["--color-focus", "--color-focus-ring"].map((t) => {
    probe.style.color = getComputedStyle(document.documentElement).getPropertyValue(t).trim();
    return getComputedStyle(probe).color;
  });
  probe.remove();
  const ring = [...el.querySelectorAll("*")].some((c) => {
    const ccs = getComputedStyle(c);
    return ccs.stroke !== "none" && parseFloat(ccs.strokeWidth) >= 2 && tokens.includes(ccs.stroke);
  });
  const onScreen = r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
  const visible = el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) && onScreen;
  const label = (el.getAttribute("aria-label") || el.textContent || el.getAttribute("placeholder") || "").trim().replace(/\s+/g, " ").slice(0, 60);
  return {
    none: false,
    desc: `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.getAttribute("class") ? "." + el.getAttribute("class").trim().split(/\s+/).join(".") : ""}> "${label}"`,
    tag: el.tagName,
    id: el.id,
    href: el.href?.baseVal ?? el.href ?? null,
    key: [...document.querySelectorAll("*")].indexOf(el),
    indicator: outline || shadow || ring,
    outline: `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}`,
    boxShadow: cs.boxShadow,
    visible,
  };
}

function assertIndicator(info, where) {
  assert.equal(info.none, false, `${where}: Tab moved focus to the document itself`);
  assert.ok(info.visible, `${where}: the focused element ${info.desc} is not visible on screen`);
  assert.ok(info.indicator, `${where}: ${info.desc} has no visible focus indicator (outline: ${info.outline}; box-shadow: ${info.boxShadow})`);
}

/** Press Tab until `wanted(info)`; checks the focus indicator at every stop. */
async function tabUntil(wanted, what) {
  const stops = [];
  for (let i = 0; i < MAX_TABS; i++) {
    await page.keyboard.press("Tab");
    const info = await page.evaluate(focusInfo);
    assertIndicator(info, `Tab stop ${i + 1} on ${page.url()}`);
    stops.push(info.desc);
    if (wanted(info)) return info;
  }
  assert.fail(`${MAX_TABS} Tab presses on ${page.url()} never reached ${what}; stops: ${stops.slice(0, 40).join(", ")}…`);
}

describe("keyboard", { timeout: 300_000 }, () => {
  before(async () => {
    server = await shippedSite();
  });

  beforeEach(async () => {
    context = await (await browser()).newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });

  afterEach(async () => {
    await context?.close();
  });

  test("Tab and Enter lead from the home page to a lesson", async () => {
    await page.goto(server.base);
    const lesson = new RegExp(`^${server.base}lessen/[^/]+/$`);
    const link = await tabUntil((i) => i.tag === "A" && lesson.test(i.href ?? ""), "a link to a lesson");
    await page.keyboard.press("Enter");
    await page.waitForURL(link.href);
    assert.match(page.url(), lesson);
    assert.match(await page.locator(".page-header .eyebrow").innerText().then((t) => t.trim().toLowerCase()), /^les \d+$/, "a lesson page (“Les 1”) is shown");
  });

  test("Tab and Enter lead from the home page to a case, and back", async () => {
    await page.goto(server.base);
    const kase = new RegExp(`^${server.base}praktijkvoorbeelden/[^/]+/$`);
    const link = await tabUntil((i) => i.tag === "A" && kase.test(i.href ?? ""), "a link to a case");
    await page.keyboard.press("Enter");
    await page.waitForURL(link.href);
    assert.match(page.url(), kase);
    assert.ok((await page.locator("dl.facts").count()) === 1, "a case page with its facts is shown");
    await page.goBack();
    assert.equal(page.url(), server.base);
  });

  test("the header search box leads to results, and ArrowDown moves to the first result", async () => {
    await page.goto(server.base);
    await tabUntil((i) => i.id === "header-search-field", "the search box in the header");
    await page.keyboard.type("participatie");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${server.base}zoeken/?q=participatie`);
    await page.waitForSelector("[data-search-results] li a");
    // On the results page the search field (which holds the query) has the focus, visibly ...
    const field = await page.evaluate(focusInfo);
    assertIndicator(field, "the search field of the results page");
    assert.equal(field.id, "search-field", `the results page focuses its search field, not ${field.desc}`);
    assert.equal(await page.inputValue("#search-field"), "participatie");
    // ... and ArrowDown moves from it to the first result.
    const first = await page.locator("[data-search-results] li a").first().evaluate((a) => a.href);
    await page.keyboard.press("ArrowDown");
    const info = await page.evaluate(focusInfo);
    assertIndicator(info, "after ArrowDown");
    assert.equal(info.href, first, `ArrowDown focuses the first result, not ${info.desc}`);
    await page.keyboard.press("Enter");
    await page.waitForURL(first);
    assert.equal(await page.locator("h1").count(), 1);
  });

  // Every Tab stop of a page, from the skip link to the footer: none may hide its focus.
  for (const [kind, path, minimum] of [
    ["home page", "", 60],
    ["lesson", "lessen/bezint-eer-ge-begint/", 25],
    ["research page with charts", "onderzoek/enquete-resultaten/", 15],
  ]) {
    test(`every Tab stop on the ${kind} shows where the focus is`, async () => {
      await page.goto(server.base + path);
      const seen = new Set();
      let stops = 0;
      for (let i = 0; i < 600; i++) {
        await page.keyboard.press("Tab");
        const info = await page.evaluate(focusInfo);
        // Past the last element the focus leaves the document; that is the end of the cycle.
        if (info.none || seen.has(info.key)) break;
        seen.add(info.key);
        stops++;
        assertIndicator(info, `Tab stop ${stops} on /${path}`);
      }
      assert.ok(stops >= minimum, `only ${stops} Tab stops on /${path}`);
    });
  }

  test("`/` brings the focus to the search box, but is typed as itself in a field", async () => {
    await page.goto(server.base + "lessen/bezint-eer-ge-begint/");
    await page.keyboard.press("Tab"); // the skip link
    await page.keyboard.press("/");
    const info = await page.evaluate(focusInfo);
    assertIndicator(info, "after /");
    assert.equal(info.id, "header-search-field", `/ focused ${info.desc}`);
    await page.keyboard.type("raad/");
    assert.equal(await page.inputValue("#header-search-field"), "raad/", "a / typed in the field stays in it");
  });

  test("Ctrl+K brings the focus to the search box and selects its text", async () => {
    await page.goto(server.base + "zoeken/?q=participatie");
    await page.waitForSelector("[data-search-results] li a");
    // On the search page the shortcut leads to the page's own field and selects its text, so
    // typing replaces the query.
    await page.locator("[data-search-results] li a").first().focus();
    await page.keyboard.press("Control+k");
    const info = await page.evaluate(focusInfo);
    assertIndicator(info, "after Ctrl+K");
    assert.equal(info.id, "search-field", `Ctrl+K focused ${info.desc}`);
    await page.keyboard.type("raad");
    assert.equal(await page.inputValue("#search-field"), "raad");
    await page.goto(server.base);
    await page.keyboard.press("Control+k");
    assert.equal(await page.evaluate(() => document.activeElement.id), "header-search-field");
  });
});
