// Hostile content in every field must not run: with the CSP switched off (bypassCSP), no dialog
// opens on any page and no script runs but the theme's own module.
import { describe, test, before } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixtureSite, browser, builtPages, searchSettled } from "./harness.mjs";

const EVIL = `---
title: "<script>alert('titel')</script>"
summary: "\\"><img src=x onerror=alert('summary')>"
nummer: 5
kwadranten:
  - to: responsieve-overheid
    why: "</script><script>alert('why')</script><svg onload=alert('svg')>"
---
## <img src=x onerror=alert('kop')>

Tekst <script>alert('body')</script> en [klik](javascript:alert('link')) en [ook](JaVaScRiPt:alert(1)).

<iframe src="javascript:alert('iframe')"></iframe> <a href="javascript:alert('raw')">raw</a>

[[responsieve-overheid|<b onmouseover=alert('wiki')>x</b>]]
`;

let site, server;

describe("hostile content", { timeout: 300_000 }, () => {
  before(async () => {
    server = await fixtureSite("basic", (root) => writeFileSync(join(root, "content/lessen/kwaad.md"), EVIL));
    site = server.dir;
  });

  test("no script but the theme's runs on any page, even without the CSP", async () => {
    const context = await (await browser()).newContext({ bypassCSP: true });
    const page = await context.newPage();
    const dialogs = [];
    page.on("dialog", async (d) => {
      dialogs.push(`${page.url()}: ${d.message()}`);
      await d.dismiss();
    });
    const built = builtPages(site);
    // Alias pages redirect at once (a race with the checks below): they are checked as text, and
    // the page they lead to is visited anyway.
    for (const a of built.filter((p) => p.alias)) {
      assert.doesNotMatch(a.html, /<script|\son[a-z]+\s*=/i, `${a.path}: script in an alias page`);
    }
    const pages = built.filter((p) => !p.alias).map((p) => p.path);
    assert.ok(pages.includes("lessen/kwaad/"), "the hostile page was built");
    for (const p of [...pages, "zoeken/?q=script", "zoeken/?q=alert"]) {
      await page.goto(server.base + p);
      // the search page shows its results (built from the search files) before it is checked
      if (p.includes("?q=")) await searchSettled(page);
      // hover everything a reader could touch
      for (const a of await page.$$("main a, main b, main img")) {
        if (await a.isVisible()) await a.hover({ force: true });
      }
      const scripts = await page.$$eval("script", (ss) => ss.map((s) => s.getAttribute("src") || "inline"));
      for (const s of scripts) assert.match(s, /\/search\.[0-9a-f]+\.js$/, `${p}: unexpected script ${s}`);
      const inlineHandlers = await page.$$eval("*", (els) =>
        els.flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName} ${a.name}`)),
      );
      assert.deepEqual(inlineHandlers, [], `${p}: event-handler attributes`);
      const jsLinks = await page.$$eval("a[href]", (as) => as.map((a) => a.getAttribute("href")).filter((h) => /^\s*javascript:/i.test(h)));
      assert.deepEqual(jsLinks, [], `${p}: javascript: links`);
    }
    assert.deepEqual(dialogs, []);
    await context.close();
  });
});
