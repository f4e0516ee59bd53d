// Shared by the browser tests: build a site under a sub-path, serve it with a strict
// Content-Security-Policy, run `kennisbank serve` for its /_search answers, and drive Debian's
// Chromium with playwright-core (never a downloaded browser).
//
// All test modules run in one process (suite.test.mjs imports them), so what they share is
// made once: the shipped site is built once, one Chromium and one `kennisbank serve` of the
// shipped site serve every module, and everything is closed after the last test. A module run
// on its own (`node --test tests/browser/a11y.mjs`) makes what it needs the same way.
import { after } from "node:test";
import { execFile, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:http";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, extname, normalize, sep } from "node:path";
import { inflateSync } from "node:zlib";
import { chromium } from "playwright-core";
import { sendRanged } from "../../scripts/http-ranges.mjs";

export const ROOT = new URL("../..", import.meta.url).pathname;
export const SUBPATH = "/kenniskring/leren/";
export const CSP = "default-src 'self'";
const BIN = join(ROOT, "target/release/kennisbank");
/** How long a build or a server start may take before the run fails instead of hanging. */
const START_DEADLINE_MS = 180_000;

/** The built binary's path. */
export const binary = BIN;

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".svg": "image/svg+xml",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

// ---------------------------------------------------------------------------------------------
// Shared resources, each made once and closed after the last test of the process.

const closers = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

const made = new Map();
/** `make()` once per key; later calls get the same promise. */
function once(key, make) {
  if (!made.has(key)) made.set(key, make());
  return made.get(key);
}

/** The one Chromium of the run. */
export function browser() {
  return once("browser", async () => {
    const b = await launch();
    closers.push(() => b.close());
    return b;
  });
}

/** A served site: its folder, the base URL it is served at, and the request log. */
async function servedSite(dir) {
  const server = await serve(dir);
  closers.push(server.close);
  return { dir, ...server };
}

/** The shipped knowledge base, built once under SUBPATH and served with the CSP. */
export function shippedSite() {
  return once("shipped", () => servedSite(buildSite()));
}

/** A fixture site of tests/fixtures/ (the built-in theme serves it), changed by `prepare(root)`, built and served. */
export function fixtureSite(name, prepare = () => {}) {
  return once(`fixture:${name}:${prepare}`, () => {
    const root = mkdtempSync(join(tmpdir(), `kennisbank-${name.replace(/\W/g, "-")}-`));
    cpSync(join(ROOT, "tests/fixtures", name), root, { recursive: true });
    prepare(root);
    closers.push(() => rmSync(root, { recursive: true, force: true }));
    return servedSite(buildSite(root));
  });
}

/** `kennisbank serve` of a copy of the shipped site, for its /_search answers. */
export function shippedSearch() {
  return once("shipped-search", () => {
    const root = mkdtempSync(join(tmpdir(), "kennisbank-serve-"));
    for (const part of ["site.toml", "content", "themes", "templates", "static"]) {
      if (existsSync(join(ROOT, part))) cpSync(join(ROOT, part), join(root, part), { recursive: true });
    }
    closers.push(() => rmSync(root, { recursive: true, force: true }));
    return startServe(root);
  });
}

// ---------------------------------------------------------------------------------------------
// Building and serving

/** Build a site (default: the shipped knowledge base) into a fresh folder under SUBPATH. */
export function buildSite(root = ROOT, extraArgs = []) {
  const out = mkdtempSync(join(tmpdir(), "kennisbank-site-"));
  closers.push(() => rmSync(out, { recursive: true, force: true }));
  try {
    execFileSync(BIN, ["--root", root, "build", "--out", join(out, "public"), "--base-url", `http://127.0.0.1${SUBPATH}`, ...extraArgs], {
      stdio: ["ignore", "ignore", "pipe"],
      encoding: "utf8",
      timeout: START_DEADLINE_MS,
    });
  } catch (e) {
    throw new Error(`kennisbank build of ${root} failed (${e.signal ?? `exit ${e.status}`}):\n${e.stderr}`);
  }
  return join(out, "public");
}

/** `buildSite`, without blocking: resolves with the folder once the build is done. */
export function buildSiteAsync(root = ROOT, extraArgs = []) {
  const out = mkdtempSync(join(tmpdir(), "kennisbank-site-"));
  closers.push(() => rmSync(out, { recursive: true, force: true }));
  return new Promise((resolve, reject) => {
    const args = ["--root", root, "build", "--out", join(out, "public"), "--base-url", `http://127.0.0.1${SUBPATH}`, ...extraArgs];
    execFile(BIN, args, { timeout: START_DEADLINE_MS, maxBuffer: 16 * 1024 * 1024 }, (e, _stdout, stderr) => {
      if (e) reject(new Error(`kennisbank build of ${root} failed (${e.signal ?? `exit ${e.code}`}):\n${stderr}`));
      else resolve(join(out, "public"));
    });
  });
}

/**
 * Serve `dir` under SUBPATH on an ephemeral port, with the CSP header. Counts requests. Answers
 * ranges as nginx does, unless `ranges` is false (as a host that sends the whole file).
 */
export async function serve(dir, { ranges = true } = {}) {
  const log = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    log.push(url.pathname + url.search);
    if (!url.pathname.startsWith(SUBPATH)) {
      res.writeHead(404).end("not under the sub-path");
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(SUBPATH.length));
    if (rel === "" || rel.endsWith("/")) rel += "index.html";
    const file = normalize(join(dir, rel));
    const headers = { "Content-Security-Policy": CSP };
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      const body = readFileSync(join(dir, "404.html"));
      res.writeHead(404, { ...headers, "Content-Type": TYPES[".html"] }).end(body);
      return;
    }
    const type = { ...headers, "Content-Type": TYPES[extname(file)] || "application/octet-stream" };
    if (ranges) return sendRanged(req, res, file, type);
    const body = readFileSync(file);
    res.writeHead(200, { ...type, "Content-Length": body.length });
    res.end(body);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}${SUBPATH}`;
  return {
    base,
    log,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections?.();
        server.close(r);
      }),
  };
}

/**
 * `kennisbank serve --port 0` on `root`. Resolves once it announces its address (its first
 * build is then done); rejects with its stderr when it exits or takes longer than the
 * deadline. `search(q, filters)` asks its /_search; a crash later fails that call with the
 * server's stderr.
 */
export function startServe(root) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ["--root", root, "serve", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let exited = null;
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const fail = (why) => {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`kennisbank serve ${why}; its stderr:\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`announced no address within ${START_DEADLINE_MS / 1000} s`), START_DEADLINE_MS);
    child.on("exit", (code, signal) => {
      exited = signal ?? `exit ${code}`;
      fail(`ended (${exited}) before it announced its address`);
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      child.on("exit", (code, signal) => (exited = signal ?? `exit ${code}`));
      child.stdout.removeAllListeners("data");
      const base = m[0];
      const server = {
        base,
        stderr: () => stderr,
        /** The JSON of `/_search` for a query and `field=value` filters (ten results). */
        async search(q, filters = []) {
          const url = `${base}_search?limit=10&q=${encodeURIComponent(q)}${filters.map((f) => `&filter=${encodeURIComponent(f)}`).join("")}`;
          let res;
          try {
            res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
          } catch (e) {
            throw new Error(`kennisbank serve did not answer ${url} (${exited ? `it ended: ${exited}` : e.message}); its stderr:\n${stderr}`);
          }
          if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}; the server's stderr:\n${stderr}`);
          return res.json();
        },
        /** Stop the server (for a test of what a crash looks like). */
        kill: () => child.kill("SIGKILL"),
        close: () =>
          new Promise((r) => {
            if (exited) return r();
            child.once("exit", r);
            child.kill();
          }),
      };
      closers.push(server.close);
      // Its first build is done when it announces itself; a failed one answers 503 here.
      server.search("").then(
        () => resolve(server),
        (e) => server.close().then(() => reject(e)),
      );
    });
  });
}

export async function launch() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

// ---------------------------------------------------------------------------------------------
// Pages of a built site

/**
 * Every `index.html` of a built site: its site path (`lessen/x/`, `` for home), file, HTML and
 * whether it is an alias redirect page.
 */
export function builtPages(dir) {
  return readdirSync(dir, { recursive: true })
    .filter((f) => f === "index.html" || f.endsWith(sep + "index.html"))
    .map((file) => {
      const html = readFileSync(join(dir, file), "utf8");
      const path = file.split(sep).join("/").replace(/index\.html$/, "");
      return { path, file, html, alias: /<meta\s+http-equiv\s*=\s*"?refresh"?/i.test(html) };
    });
}

/** One page of every type of the shipped site: [label, path under the base]. */
export const PAGE_TYPES = [
  ["home", ""],
  ["lesson", "lessen/bezint-eer-ge-begint/"],
  ["theme", "themas/participatie/"],
  ["case", "praktijkvoorbeelden/kampen-omgekeerd-intervenieren/"],
  ["quadrant", "kwadranten/responsieve-overheid/"],
  ["role", "rollen/verbinder/"],
  ["research with charts", "onderzoek/enquete-resultaten/"],
  ["search with results", "zoeken/?q=participatie"],
  ["list", "lessen/"],
  ["404", "deze-pagina-bestaat-niet/"],
];

/** Wait until the search page shows the answer to its query (results or "nothing found"). */
export async function searchSettled(page) {
  await page.waitForFunction(() => {
    const s = document.querySelector("[data-search-status]");
    return s && /resultaat|resultaten|Niets gevonden/.test(s.textContent);
  });
}

/**
 * What the search page of the site at `base` shows for a query and filters (`field=value`, as
 * /_search takes them): its result links (without the sub-path), its count and whether it says
 * the answer is partial. A query with filters opens the page's URL (`&f=field:value`); one
 * without is typed into the open search page and submitted, as a reader does.
 */
export async function searchPageAnswer(page, base, query, filters = []) {
  const url = new URL(page.url() === "about:blank" ? base : page.url());
  if (filters.length > 0 || url.pathname !== new URL(`${base}zoeken/`).pathname || url.searchParams.has("f")) {
    const f = filters.map((x) => `&f=${encodeURIComponent(x.replace("=", ":"))}`).join("");
    await page.goto(`${base}zoeken/?q=${encodeURIComponent(query)}${f}`);
  } else {
    await page.evaluate(() => (document.querySelector("[data-search-status]").textContent = ""));
    await page.fill("#search-field", query);
    await page.press("#search-field", "Enter");
  }
  await searchSettled(page);
  const urls = await page.$$eval("[data-search-results] li h3 a", (as) => as.map((a) => a.getAttribute("href")));
  const status = await page.locator("[data-search-status]").innerText();
  const count = /^(\d+) (resultaat|resultaten)\./.exec(status);
  return {
    urls: urls.map((h) => h.slice(SUBPATH.length)),
    total: count ? Number(count[1]) : 0,
    partial: status.includes("Geen pagina bevat alle woorden"),
  };
}

// ---------------------------------------------------------------------------------------------
// Screenshots as pixels

/** Decode a PNG (8-bit RGB or RGBA, not interlaced, as Chromium writes them). */
export function decodePng(png) {
  let pos = 8;
  let width, height, depth, colour, interlace;
  const idat = [];
  while (pos < png.length) {
    const length = png.readUInt32BE(pos);
    const type = png.toString("ascii", pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + length);
    if (type === "IHDR") [width, height, depth, colour, interlace] = [data.readUInt32BE(0), data.readUInt32BE(4), data[8], data[9], data[12]];
    else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    pos += 12 + length;
  }
  if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}`);
  const bpp = colour === 6 ? 4 : 3;
  const stride = width * bpp;
  const raw = inflateSync(Buffer.concat(idat));
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? pixels[row + x - bpp] : 0;
      const b = y > 0 ? pixels[row - stride + x] : 0;
      const c = x >= bpp && y > 0 ? pixels[row - stride + x - bpp] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      pixels[row + x] = v & 255;
    }
  }
  return {
    width,
    height,
    /** [r, g, b] at (x, y). */
    at(x, y) {
      const i = Math.round(y) * stride + Math.round(x) * bpp;
      return [pixels[i], pixels[i + 1], pixels[i + 2]];
    },
    /** The distinct colours in a rectangle. */
    colours(x0, y0, w, h) {
      const seen = new Set();
      for (let y = Math.max(0, Math.round(y0)); y < Math.min(height, Math.round(y0 + h)); y++)
        for (let x = Math.max(0, Math.round(x0)); x < Math.min(width, Math.round(x0 + w)); x++) seen.add(this.at(x, y).join(","));
      return seen;
    },
  };
}

/** `rgb(r, g, b)` or `rgba(r, g, b, 1)` as [r, g, b]. */
export function rgb(css) {
  const m = css.match(/rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?\)/);
  if (!m) throw new Error(`not an rgb() colour: ${css}`);
  if (m[4] !== undefined && Number(m[4]) !== 1) throw new Error(`a translucent colour: ${css}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Whether two colours are the same but for rounding. */
export function sameColour(a, b, tolerance = 3) {
  return a.every((v, i) => Math.abs(v - b[i]) <= tolerance);
}
