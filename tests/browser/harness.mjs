// Shared by the browser tests: build the shipped site under a sub-path, serve it with a strict
// Content-Security-Policy, and drive Debian's Chromium with playwright-core (never a downloaded
// browser).
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, extname, normalize, sep } from "node:path";
import { chromium } from "playwright-core";

export const ROOT = new URL("../..", import.meta.url).pathname;
export const SUBPATH = "/kenniskring/leren/";
export const CSP = "default-src 'self'";
const BIN = join(ROOT, "target/release/kennisbank");

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

/** Build a site (default: the shipped knowledge base) into a fresh folder under SUBPATH. */
export function buildSite(root = ROOT, extraArgs = []) {
  const out = mkdtempSync(join(tmpdir(), "kennisbank-site-"));
  execFileSync(BIN, ["--root", root, "build", "--out", join(out, "public"), "--base-url", `http://127.0.0.1${SUBPATH}`, ...extraArgs], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  return join(out, "public");
}

/** Serve `dir` under SUBPATH on an ephemeral port, with the CSP header. Counts requests. */
export async function serve(dir) {
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
    const body = readFileSync(file);
    res.writeHead(200, { ...headers, "Content-Type": TYPES[extname(file)] || "application/octet-stream", "Content-Length": body.length });
    res.end(body);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}${SUBPATH}`;
  return { base, log, close: () => new Promise((r) => server.close(r)) };
}

export async function launch() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

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

/** The built binary's path, for tests that run `kennisbank search`. */
export const binary = BIN;
