// Hosting: Debian's nginx serves the shipped site under its sub-path with the README's
// configuration (docs/hosting/nginx.conf, only the folder replaced), from a temporary prefix on
// a free port of 127.0.0.1. Every page type comes with the CSP header and short caching, the
// fingerprinted CSS and JS with a year's immutable caching, a browser that accepts gzip gets
// the build's .gz file as it is, an unknown path gets the 404 page; and in Chromium every page
// type runs under that CSP without a violation, a console error or a failed request, search
// included; nginx answers the search pack's ranges in one multipart answer, so that a query of
// four words in four parts costs one request.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { ROOT, SUBPATH, CSP, PAGE_TYPES, shippedSite, browser, searchSettled, searchPageAnswer } from "./harness.mjs";
import { Index, byteRanges, packDirectory } from "../../themes/default/static/search.js";

const NGINX = "/usr/sbin/nginx";
/** The folder docs/hosting/nginx.conf names, replaced by the built site's. */
const DOCUMENTED_FOLDER = "/var/www/kenniskring/leren/";

let site, base, nginx, prefix;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** nginx with the README's configuration, its pid, logs and temporary files under `prefix`. */
async function startNginx(dir) {
  const documented = readFileSync(join(ROOT, "docs/hosting/nginx.conf"), "utf8");
  assert.ok(documented.includes(DOCUMENTED_FOLDER) && documented.includes(`location ${SUBPATH} {`), "the configuration names the folder and the sub-path");
  const location = documented.replaceAll(DOCUMENTED_FOLDER, dir.replace(/\/?$/, "/"));
  const port = await freePort();
  prefix = mkdtempSync(join(tmpdir(), "kennisbank-nginx-"));
  for (const d of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(join(prefix, d));
  const conf = `
${process.getuid?.() === 0 ? "user root root;" : ""}
worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  types { text/javascript js; application/json json; }
  charset utf-8;
  charset_types text/css text/javascript application/json image/svg+xml;
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  server {
    listen 127.0.0.1:${port};
    server_name localhost;
${location}
  }
}
`;
  writeFileSync(join(prefix, "nginx.conf"), conf);
  const child = spawn(NGINX, ["-p", prefix, "-c", join(prefix, "nginx.conf"), "-e", join(prefix, "error.log")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}${SUBPATH}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nginx ended (exit ${child.exitCode}): ${stderr}`);
    try {
      await fetch(url);
      return { child, url };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill();
  throw new Error(`nginx did not answer on ${url}: ${stderr}`);
}

/** A raw GET (no decompression): status, headers and body bytes as sent. */
function raw(url, headers = {}) {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on("error", reject);
  });
}

describe("nginx with the README's configuration", { timeout: 180_000 }, () => {
  before(async () => {
    assert.ok(existsSync(NGINX), `Debian's nginx is missing at ${NGINX}: run apt-get install -y nginx (scripts/test does)`);
    site = (await shippedSite()).dir;
    nginx = await startNginx(site);
    base = nginx.url;
  });
  after(async () => {
    if (nginx) {
      const ended = new Promise((r) => nginx.child.once("exit", r));
      nginx.child.kill("SIGQUIT");
      await ended;
    }
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });

  test("every page type comes with the CSP and five minutes of caching; the 404 page for an unknown path", async () => {
    for (const [kind, path] of PAGE_TYPES) {
      const res = await raw(base + path);
      assert.equal(res.status, kind === "404" ? 404 : 200, kind);
      assert.equal(res.headers["content-security-policy"], CSP, kind);
      assert.equal(res.headers["cache-control"], "public, max-age=300", kind);
      assert.match(res.headers["content-type"], /^text\/html/, kind);
      if (kind === "404") assert.deepEqual(res.body, readFileSync(join(site, "404.html")), "the site's 404 page");
    }
    const folder = await raw(base + "lessen");
    assert.equal(folder.status, 301);
    assert.equal(folder.headers.location, `${SUBPATH}lessen/`, "a folder without its slash redirects, to a path");
  });

  test("fingerprinted CSS and JS are cached for a year, immutable; the search files briefly", async () => {
    const names = readdirSync(site).filter((f) => /\.[0-9a-f]{10}\.(css|js)$/.test(f));
    assert.ok(names.some((n) => n.endsWith(".css")) && names.some((n) => n.endsWith(".js")), `fingerprinted files: ${names}`);
    for (const name of names) {
      const res = await raw(base + name);
      assert.equal(res.status, 200, name);
      assert.equal(res.headers["cache-control"], "public, max-age=31536000, immutable", name);
      assert.equal(res.headers["content-security-policy"], CSP, name);
    }
    const part = await raw(base + "search/p/0.bin");
    assert.equal(part.status, 200);
    assert.equal(part.headers["cache-control"], "public, max-age=300");
  });

  test("a browser that accepts gzip gets the build's .gz file as it is; one that does not, the file", async () => {
    for (const [path, file] of [["lessen/bezint-eer-ge-begint/", "lessen/bezint-eer-ge-begint/index.html"], ["search/p/0.bin", "search/p/0.bin"]]) {
      const plain = readFileSync(join(site, file));
      const gz = readFileSync(join(site, `${file}.gz`));
      const zipped = await raw(base + path, { "Accept-Encoding": "gzip, deflate, br" });
      assert.equal(zipped.headers["content-encoding"], "gzip", path);
      assert.match(zipped.headers.vary ?? "", /Accept-Encoding/, path);
      assert.deepEqual(zipped.body, gz, `${path}: the precompressed file itself`);
      assert.deepEqual(gunzipSync(zipped.body), plain, path);
      const unzipped = await raw(base + path);
      assert.equal(unzipped.headers["content-encoding"], undefined, path);
      assert.deepEqual(unzipped.body, plain, path);
    }
  });

  test("nginx answers several ranges of the search pack in one multipart answer, not compressed again", async () => {
    const pageHtml = readFileSync(join(site, "zoeken/index.html"), "utf8");
    const attr = (name) => new RegExp(`${name}="([^"]*)"`).exec(pageHtml)[1];
    const dir = packDirectory(attr("data-pack-members"));
    const pack = readFileSync(join(site, "search", attr("data-pack")));
    const wanted = ["p/0.bin", "p/7.bin", [...dir.keys()].find((k) => k.startsWith("r/"))];
    const spans = wanted.map((k) => dir.get(k));
    const res = await raw(`${base}search/${attr("data-pack")}`, {
      Range: `bytes=${spans.map(([at, n]) => `${at}-${at + n - 1}`).join(",")}`,
      "Accept-Encoding": "gzip",
    });
    assert.equal(res.status, 206);
    assert.equal(res.headers["content-encoding"], undefined, "the ranges are gzip copies already");
    assert.match(res.headers["content-type"], /^multipart\/byteranges; boundary=/);
    const got = byteRanges(res.headers["content-type"], undefined, new Uint8Array(res.body));
    assert.equal(got.length, 3);
    for (const [k, [at, n]] of wanted.map((k, i) => [k, spans[i]])) {
      const piece = got.find(([first]) => first === at);
      assert.ok(piece, `${k}: no range at ${at}`);
      assert.deepEqual(Buffer.from(piece[1]), pack.subarray(at, at + n), k);
      const member = Buffer.from(piece[1]);
      const gzipped = member[0] === 0x1f && member[1] === 0x8b; // a file under 1 KB is stored as it is
      assert.deepEqual(gzipped ? gunzipSync(member) : member, readFileSync(join(site, "search", k)), k);
    }
  });

  test("in Chromium a query of four words in four parts takes one request through nginx", async () => {
    const pageHtml = readFileSync(join(site, "zoeken/index.html"), "utf8");
    const index = new Index("", /data-parts="([^"]*)"/.exec(pageHtml)[1].split(" "), 0);
    const words = ["participatie", "omgevingswet", "gemeente", "sturing"];
    assert.equal(new Set(words.map((w) => index.partOf(w))).size, 4, "four parts");
    const context = await (await browser()).newContext();
    const page = await context.newPage();
    await page.goto(`${base}zoeken/`);
    const fetched = [];
    page.on("response", (r) => r.url().includes("/search/") && !r.url().endsWith("facets.json") && fetched.push([r.url(), r.status()]));
    const answer = await searchPageAnswer(page, base, words.join(" "));
    await context.close();
    assert.ok(answer.total > 0, "results");
    assert.equal(fetched.length, 1, JSON.stringify(fetched));
    assert.match(fetched[0][0], /\/search\/pack-[0-9a-f]{16}\.pack$/);
    assert.equal(fetched[0][1], 206);
  });

  test("in Chromium every page type runs under the CSP: no violation, console error or failed request; search answers", async () => {
    const context = await (await browser()).newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "(inline)"}`));
    });
    const page = await context.newPage();
    const problems = [];
    let kind = "";
    page.on("requestfailed", (r) => problems.push(`${kind}: failed ${r.url()} (${r.failure()?.errorText})`));
    page.on("console", (m) => {
      // the 404 page is itself answered with 404, which Chromium reports for the document
      if (m.type() === "error" && !(kind === "404" && /status of 404/.test(m.text()))) problems.push(`${kind}: console: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`${kind}: ${e.message}`));
    for (const [k, path] of PAGE_TYPES) {
      kind = k;
      const response = await page.goto(base + path, { waitUntil: "networkidle" });
      assert.equal(response.headers()["content-security-policy"], CSP, k);
      if (k === "search with results") {
        await searchSettled(page);
        assert.ok((await page.locator("[data-search-results] li").count()) > 0, "search answers through nginx");
      }
      problems.push(...(await page.evaluate(() => window.__cspViolations)).map((v) => `${k}: CSP: ${v}`));
    }
    await context.close();
    assert.deepEqual(problems, []);
  });
});
