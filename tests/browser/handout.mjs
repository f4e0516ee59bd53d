// The print-all page of a collection (/lessen/alles/): a link in one lesson to another lesson on
// the same page leads to that lesson's section there, and the reader lands on it.
import { describe, test, before } from "node:test";
import assert from "node:assert/strict";
import { fixtureSite, browser } from "./harness.mjs";

let site, context;

/** Where the element with `id` is on the screen, and whether it is the :target. */
function placeOf(id) {
  const el = document.getElementById(id);
  const r = el.getBoundingClientRect();
  return { top: r.top, inView: r.top > -2 && r.top < innerHeight, target: el.matches(":target") };
}

describe("handout", { timeout: 120_000 }, () => {
  before(async () => {
    site = await fixtureSite("basic");
    // short, so that each section starts below the fold and a jump is a real scroll
    context = await (await browser()).newContext({ viewport: { width: 1280, height: 400 } });
  });

  for (const [link, section, id] of [
    ["vervolg", "the second lesson's heading", "tweede-les-kop-met-accent"],
    ["Eerste les", "the first lesson", "eerste-les"],
  ]) {
    test(`“${link}” in a lesson body leads to ${section} on the handout`, async () => {
      const page = await context.newPage();
      const handout = `${site.base}lessen/alles/`;
      await page.goto(handout);
      assert.equal((await page.evaluate(placeOf, id)).inView, false, `#${id} is in view before the click`);
      await page.locator(".handout-prose").getByRole("link", { name: link, exact: true }).click();
      await page.waitForURL(`${handout}#${id}`, { timeout: 10_000 });
      await page.waitForFunction((id) => document.getElementById(id).matches(":target"), id);
      const place = await page.evaluate(placeOf, id);
      assert.deepEqual({ inView: place.inView, target: place.target }, { inView: true, target: true }, `#${id} at ${place.top} px`);
      await page.close();
    });
  }
});
