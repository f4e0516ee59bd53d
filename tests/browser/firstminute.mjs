// The reader's first minute (issue 19): the home page uses the width of the screen (at 375, 768
// and 1280 px no strip of its content area wider than 200 px stays empty over a screen's
// height), the lessons carry their numbers on the cards and above their titles, a page shows its
// dates, and the handout printed by Chromium is a document: the contents on page 1, each lesson
// on a new sheet, page numbers, no sheet less than a quarter filled but the last of a lesson, and
// the address printed after external links only.
import { describe, test, before } from "node:test";
import assert from "node:assert/strict";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { shippedSite, fixtureSite, browser as sharedBrowser } from "./harness.mjs";

let site, browser;

/**
 * In the page: the widest strip of `main`'s content box that no content touches over `span` px
 * of height, with where it is. Content is every element that draws text or is replaced (an
 * image, an SVG, a form control), taken as the box of its nearest block (a link in a list item
 * counts as the item), so a paragraph counts as wide as its column.
 */
function widestEmptyStrip(span) {
  const main = document.querySelector("main");
  const style = getComputedStyle(main);
  const box = main.getBoundingClientRect();
  const left = box.left + parseFloat(style.paddingLeft);
  const right = box.right - parseFloat(style.paddingRight);
  const replaced = new Set(["svg", "img", "video", "canvas", "iframe", "input", "button", "select", "textarea"]);
  const blocks = new Set();
  for (const el of main.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    if (el.closest("svg") && tag !== "svg") continue;
    const draws = replaced.has(tag) || [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!draws || !el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
    let block = el;
    while (block !== main && getComputedStyle(block).display.startsWith("inline") && !replaced.has(block.tagName.toLowerCase())) block = block.parentElement;
    blocks.add(block);
  }
  const boxes = [...blocks]
    .map((el) => ({ el, r: el.getBoundingClientRect() }))
    .filter(({ r }) => r.width > 2 && r.height > 2) // not the visually hidden texts
    .map(({ el, r }) => ({ l: r.left, r: r.right, t: r.top + scrollY, b: r.bottom + scrollY, what: `${el.tagName.toLowerCase()}.${el.className}` }));
  const top = box.top + scrollY;
  const bottom = Math.max(top, box.bottom + scrollY - span);
  let widest = { width: 0 };
  for (let y = top; y <= bottom; y += 20) {
    const inside = boxes.filter((b) => b.b > y && b.t < y + span).sort((a, b) => a.l - b.l);
    let x = left;
    for (const b of [...inside, { l: right, r: right }]) {
      const gap = Math.min(b.l, right) - x;
      if (gap > widest.width) widest = { width: Math.round(gap), x: Math.round(x), y: Math.round(y), next: b.what ?? "the right edge" };
      x = Math.max(x, b.r);
    }
  }
  return widest;
}

/** The text of every page of a PDF: lines with their baseline and height, in points from the bottom. */
async function pdfPages(bytes) {
  const doc = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  const pages = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const items = (await page.getTextContent()).items.filter((t) => t.str.trim());
    const links = (await page.getAnnotations()).filter((a) => a.subtype === "Link");
    pages.push({ items: items.map((t) => ({ text: t.str.trim(), y: t.transform[5], h: Math.abs(t.transform[3]) })), links });
  }
  return { doc, pages };
}

describe("the reader's first minute", { timeout: 300_000 }, () => {
  before(async () => {
    site = await shippedSite();
    browser = await sharedBrowser();
  });

  for (const width of [375, 768, 1280]) {
    test(`at ${width} px the home page leaves no empty column wider than 200 px`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 800 } });
      await page.goto(site.base);
      const strip = await page.evaluate(widestEmptyStrip, 600);
      assert.ok(strip.width <= 200, `an empty strip ${strip.width} px wide at x ${strip.x}, from y ${strip.y} down 600 px (left of ${strip.next})`);
      await page.close();
    });

    test(`at ${width} px the lesson cards show their numbers, in order`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 800 } });
      for (const path of ["", "lessen/"]) {
        await page.goto(site.base + path);
        // on the home page the lessons are the first list of cards
        const cards = page.locator(".card-list").first().locator(".card");
        const texts = await cards.evaluateAll((cs) => cs.map((c) => ({ text: c.innerText.trim(), visible: c.checkVisibility() })));
        assert.equal(texts.length, 7, `/${path}: seven lesson cards`);
        texts.forEach((c, i) => {
          assert.ok(c.visible, `/${path}: card ${i + 1} is visible`);
          assert.match(c.text, new RegExp(`^les ${i + 1}\\b`, "i"), `/${path}: card ${i + 1} begins with its number`);
        });
        // the link says it too, to a screen reader going through the links
        assert.equal(await page.getByRole("link", { name: /^Les 1\s*:\s*Bezint eer ge begint$/ }).count(), 1, `/${path}: the link to lesson 1 is named “Les 1: Bezint eer ge begint”`);
      }
      await page.close();
    });
  }

  test("a lesson shows its number above its title, its dates under it, and numbers in prev/next", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${site.base}lessen/benut-de-beschikbare-tijd/`);
    const header = await page.locator("main .page-header").innerText();
    assert.match(header, /^les 4\s+Benut de beschikbare tijd/i, "“Les 4” right above the title");
    assert.match(header, /Gepubliceerd op 1 maart 2018, bijgewerkt op 30 november 2026/);
    assert.equal(await page.locator("main .page-header time[datetime='2018-03-01']").innerText(), "1 maart 2018");
    assert.equal(await page.locator("dl.facts").filter({ hasText: /Nummer/i }).count(), 0, "no “Nummer” among the facts");
    const prevnext = await page.locator("nav.prevnext").innerText();
    assert.match(prevnext, /Vorige\s+Les 3: Sluit aan bij de digitaliserende samenleving/);
    assert.match(prevnext, /Volgende\s+Les 5: Stuur op integraliteit/);
    await page.close();
  });

  test("the handout prints as a document: contents on page 1, a lesson a sheet, page numbers, no near-empty sheet", async () => {
    const page = await browser.newPage();
    await page.goto(`${site.base}lessen/alles/`);
    const title = (await page.locator("h1").innerText()).trim();
    const lessons = await page.locator(".handout-title").allInnerTexts();
    assert.equal(lessons.length, 7);
    const { doc, pages } = await pdfPages(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
    await page.close();
    const total = pages.length;
    // Every sheet has its number at its foot, below all other text.
    const folios = pages.map((p, i) => p.items.find((t) => t.text === `${i + 1} / ${total}`));
    folios.forEach((f, i) => {
      assert.ok(f, `page ${i + 1} has no number “${i + 1} / ${total}”`);
      assert.ok(pages[i].items.every((t) => t === f || t.y > f.y), `page ${i + 1}: its number is not at the foot`);
    });
    const body = pages.map((p, i) => p.items.filter((t) => t !== folios[i]));
    // Page 1: the title, the source and the contents with a link to each lesson's page, and no lesson yet.
    const first = body[0].map((t) => t.text).join(" ");
    assert.ok(first.includes(title), `page 1 lacks the title: ${first}`);
    assert.match(first, /Bron/);
    assert.match(first, /Inhoud/);
    lessons.forEach((l, i) => assert.ok(first.includes(`Les ${i + 1}: ${l}`), `the contents on page 1 lack “Les ${i + 1}: ${l}”`));
    // Each lesson begins a sheet: its number and title are the first lines of a page.
    const starts = lessons.map((l, i) => {
      const at = body.findIndex((b, p) => p > 0 && /^les \d+$/i.test(b[0]?.text) && b[0].text.toLowerCase() === `les ${i + 1}` && b[1]?.text.startsWith(l.slice(0, 20)));
      assert.ok(at > 0, `no page begins with lesson ${i + 1}, “${l}”`);
      return at;
    });
    assert.deepEqual(starts, [...starts].sort((a, b) => a - b), "the lessons in order");
    assert.equal(starts[0], 1, "lesson 1 begins on page 2");
    // The contents link to the pages where the lessons begin.
    const targets = [];
    for (const link of pages[0].links) {
      const dest = typeof link.dest === "string" ? await doc.getDestination(link.dest) : link.dest;
      if (dest) targets.push(await doc.getPageIndex(dest[0]));
    }
    assert.deepEqual(targets, starts, "the links of the contents lead to the lessons' first pages");
    // No sheet is less than a quarter filled, but the last one of each lesson.
    const top = Math.max(...body.flat().map((t) => t.y + t.h));
    const foot = Math.max(...folios.map((f) => f.y + f.h));
    const lastOfLesson = new Set([...starts.slice(1).map((s) => s - 1), total - 1]);
    body.forEach((b, i) => {
      if (lastOfLesson.has(i)) return;
      const fill = (top - Math.min(...b.map((t) => t.y))) / (top - foot);
      assert.ok(fill >= 0.25, `page ${i + 1} is ${Math.round(fill * 100)} % filled: ${b.map((t) => t.text).join(" ").slice(0, 120)}`);
    });
  });

  test("on paper an external link shows its address and an internal one does not", async () => {
    const fixture = await fixtureSite("basic");
    const page = await browser.newPage();
    await page.goto(`${fixture.base}lessen/alles/`);
    const { pages } = await pdfPages(await page.pdf({ preferCSSPageSize: true }));
    await page.close();
    const text = pages.flatMap((p) => p.items.map((t) => t.text)).join(" ");
    assert.match(text, /rapport \(https:\/\/www\.example\.org\/rapport\.pdf\)/, "the external link's address is printed");
    assert.match(text, /vervolg/, "the internal link is printed");
    assert.doesNotMatch(text, /\((\/|https?:\/\/127\.0\.0\.1)[^)]*\)/, "an internal link's address is printed");
  });
});
