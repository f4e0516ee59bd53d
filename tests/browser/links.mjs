// Links: a crawler starts on the home page (and on the 404 page) and follows every href and src
// inside the site over HTTP. Every target answers 200, every #fragment names an id on its target,
// every built page is reachable from the home page, and nothing points outside the sub-path but
// external http(s) links written in the content.
import { describe, test, before } from "node:test";
import assert from "node:assert/strict";
import { shippedSite, SUBPATH, builtPages } from "./harness.mjs";

// The base URL the site is built for (see harness.mjs); absolute links such as the canonical URL
// carry it, and they are checked on the test server.
const BUILT_BASE = `http://127.0.0.1${SUBPATH}`;

let site, server;
let crawl;

const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };
function decode(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
    if (e[0] === "#") return String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Every href and src of a document: the element, the attribute, the value and where it sits. */
function references(html) {
  const refs = [];
  const main = [html.search(/<main[\s>]/), html.search(/<\/main>/)];
  const tag = /<([a-zA-Z][a-zA-Z0-9-]*)\b([^>]*)>/g;
  for (const m of html.matchAll(tag)) {
    const attrs = m[2];
    for (const a of attrs.matchAll(/\s(href|src|srcset|action|poster|data)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi)) {
      const value = decode(a[2] ?? a[3] ?? a[4]);
      const values = a[1].toLowerCase() === "srcset" ? value.split(",").map((s) => s.trim().split(/\s+/)[0]) : [value];
      for (const v of values) {
        refs.push({
          element: m[1].toLowerCase(),
          attr: a[1].toLowerCase(),
          value: v,
          inContent: main[0] >= 0 && m.index > main[0] && m.index < main[1],
          classes: (/\sclass\s*=\s*"([^"]*)"/.exec(attrs)?.[1] ?? "").split(/\s+/),
        });
      }
    }
  }
  return refs;
}

/** Links in XML files (the feed and the sitemap). */
function xmlReferences(xml) {
  const refs = [];
  for (const m of xml.matchAll(/\shref="([^"]*)"/g)) refs.push({ element: "link", attr: "href", value: decode(m[1]), inContent: false, classes: [] });
  for (const m of xml.matchAll(/<loc>([^<]*)<\/loc>/g)) refs.push({ element: "loc", attr: "text", value: decode(m[1]), inContent: false, classes: [] });
  return refs;
}

function ids(html) {
  return new Set([...html.matchAll(/\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/g)].map((m) => decode(m[1] ?? m[2] ?? m[3])));
}

const short = (url) => (url.startsWith(server.base) ? "/" + url.slice(server.base.length) : url);

/** Problems grouped by what is wrong, each with the pages it is on (a template's mistake is on all). */
class Problems {
  constructor() {
    this.map = new Map();
  }
  add(problem, page) {
    if (!this.map.has(problem)) this.map.set(problem, new Set());
    this.map.get(problem).add(short(page));
  }
  assertNone(what) {
    const lines = [...this.map].map(([problem, pages]) => {
      const list = [...pages];
      return `  ${problem}\n    on ${list.length} page(s): ${list.slice(0, 5).join(", ")}${list.length > 5 ? ", …" : ""}`;
    });
    assert.equal(lines.length, 0, `${lines.length} kind(s) of ${what}:\n${lines.join("\n")}`);
  }
}

/** Map a link onto the test server; returns null for a link that leaves the site. */
function onServer(url) {
  const origin = new URL(server.base).origin;
  if (url.href.startsWith(BUILT_BASE)) return new URL(server.base + url.href.slice(BUILT_BASE.length));
  if (url.origin === origin) return url;
  return null;
}

async function crawlSite() {
  const origin = new URL(server.base).origin;
  const pages = new Map(); // url without fragment -> { status, type, html }
  const edges = []; // { from, ref, url }
  const outside = new Problems(); // links that leave the sub-path
  // Start on the home page; the 404 page and the sitemap are crawled too, for their own links.
  const queue = [server.base, server.base + "deze-pagina-bestaat-niet/", server.base + "sitemap.xml"];
  const seen = new Set(queue);

  while (queue.length > 0) {
    const url = queue.shift();
    const res = await fetch(url, { redirect: "manual" });
    const type = res.headers.get("content-type") ?? "";
    const body = Buffer.from(await res.arrayBuffer());
    const entry = { status: res.status, type, html: null };
    pages.set(url, entry);
    let refs = [];
    if (type.startsWith("text/html")) {
      entry.html = body.toString("utf8");
      refs = references(entry.html);
    } else if (/xml/.test(type)) {
      refs = xmlReferences(body.toString("utf8"));
    }
    for (const ref of refs) {
      if (ref.value === "" && ref.attr !== "action") {
        outside.add(`empty ${ref.attr} on <${ref.element}>`, url);
        continue;
      }
      let target;
      try {
        target = new URL(ref.value, url);
      } catch {
        outside.add(`<${ref.element} ${ref.attr}="${ref.value}"> is not a URL`, url);
        continue;
      }
      const local = onServer(target);
      if (!local) {
        const external = (target.protocol === "http:" || target.protocol === "https:") && target.origin !== origin && !target.href.startsWith(BUILT_BASE);
        const ok = external && ref.element === "a" && ref.attr === "href" && ref.inContent;
        if (!ok) outside.add(`<${ref.element} ${ref.attr}="${ref.value}"> points outside the site (only external http(s) links in the content may)`, url);
        else if (!ref.classes.includes("external")) outside.add(`external link ${ref.value} is not marked class="external"`, url);
        continue;
      }
      if (!local.pathname.startsWith(SUBPATH)) {
        outside.add(`<${ref.element} ${ref.attr}="${ref.value}"> points outside the sub-path ${SUBPATH}`, url);
        continue;
      }
      const fragment = decodeURIComponent(local.hash.slice(1));
      local.hash = "";
      const bare = local.href;
      edges.push({ from: url, ref, url: bare, fragment });
      if (!seen.has(bare)) {
        seen.add(bare);
        queue.push(bare);
      }
    }
  }

  // Reachability from the home page alone (the 404 page and the sitemap were other starts).
  const fromHome = new Set([server.base]);
  const work = [server.base];
  while (work.length > 0) {
    const from = work.pop();
    for (const e of edges) if (e.from === from && !fromHome.has(e.url)) {
      fromHome.add(e.url);
      work.push(e.url);
    }
  }
  return { pages, edges, outside, fromHome };
}

describe("links", { timeout: 300_000 }, () => {
  before(async () => {
    server = await shippedSite();
    site = server.dir;
    crawl = await crawlSite();
  });

  test("the crawl covers the site", () => {
    const html = [...crawl.pages.values()].filter((p) => p.html !== null);
    assert.ok(html.length >= 45, `the crawler saw only ${html.length} HTML pages`);
    assert.ok(crawl.edges.length > 500, `the crawler followed only ${crawl.edges.length} links`);
  });

  test("every link and asset answers 200", () => {
    const broken = new Problems();
    for (const e of crawl.edges) {
      // A same-page link (#main-content) on the 404 page stays on that page.
      if (e.url === e.from && e.ref.value.startsWith("#")) continue;
      const status = crawl.pages.get(e.url).status;
      if (status !== 200) broken.add(`<${e.ref.element} ${e.ref.attr}="${e.ref.value}"> → HTTP ${status}`, e.from);
    }
    broken.assertNone("broken links");
  });

  test("the 404 page is served for unknown paths, with working links", () => {
    const entry = crawl.pages.get(server.base + "deze-pagina-bestaat-niet/");
    assert.equal(entry.status, 404);
    assert.match(entry.html, /<h1>[^<]*niet gevonden/i);
  });

  test("every #fragment names an id on its target page", () => {
    const missing = new Problems();
    const idsOf = new Map();
    for (const e of crawl.edges) {
      if (!e.fragment) continue;
      const target = crawl.pages.get(e.url);
      if (target.html === null) {
        missing.add(`${e.ref.value} has a fragment but its target is not HTML`, e.from);
        continue;
      }
      if (!idsOf.has(e.url)) idsOf.set(e.url, ids(target.html));
      if (!idsOf.get(e.url).has(e.fragment)) missing.add(`<${e.ref.element} ${e.ref.attr}="${e.ref.value}"> → no id="${e.fragment}" on ${e.url === e.from ? "the page itself" : short(e.url)}`, e.from);
    }
    missing.assertNone("links to a missing #fragment");
    assert.ok(crawl.edges.some((e) => e.fragment === "main-content"), "the skip links were checked");
  });

  test("no link or asset points outside the sub-path, except external links in the content", () => {
    crawl.outside.assertNone("links and assets outside the sub-path");
  });

  test("every built page is reachable from the home page", () => {
    const built = builtPages(site);
    const unreached = [];
    let pages = 0;
    for (const { path, alias } of built) {
      if (alias) continue;
      pages++;
      if (!crawl.fromHome.has(server.base + path)) unreached.push("/" + path);
    }
    assert.ok(pages >= 45, `only ${pages} pages were built`);
    assert.deepEqual(unreached, [], "pages no link leads to from the home page");
  });

  test("alias pages redirect to pages that exist", async () => {
    for (const { file, html } of builtPages(site).filter((p) => p.alias)) {
      const m = /<meta\s+http-equiv\s*=\s*"?refresh"?\s+content\s*=\s*"\d+;\s*url=([^"]+)"/i.exec(html);
      assert.ok(m, `${file}: a refresh with a URL`);
      const target = onServer(new URL(decode(m[1]), server.base + file));
      assert.ok(target && target.pathname.startsWith(SUBPATH), `${file}: redirects inside the sub-path, to ${m[1]}`);
      const res = await fetch(target);
      assert.equal(res.status, 200, `${file} redirects to ${m[1]}`);
    }
  });
});
