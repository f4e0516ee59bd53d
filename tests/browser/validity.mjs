// Validity: the Nu Html Checker (vnu.jar, the checker behind validator.w3.org/nu) reports no error
// on any HTML file of the built site: pages, list pages, the search page, the 404 page and the
// alias redirects.
import { describe, test, before } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { shippedSite, ROOT } from "./harness.mjs";

const VNU = join(ROOT, "node_modules/vnu-jar/build/dist/vnu.jar");

let site;

function htmlFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".html"))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

function vnu(files) {
  return new Promise((resolve, reject) => {
    // vnu exits 1 when it reports errors; its JSON report is on stderr either way.
    execFile("java", ["-jar", VNU, "--errors-only", "--format", "json", ...files], { maxBuffer: 64 * 1024 * 1024, timeout: 240_000 }, (err, stdout, stderr) => {
      try {
        resolve(JSON.parse(stderr));
      } catch {
        reject(new Error(`vnu gave no JSON report (${err?.message ?? "exit 0"}):\n${stderr}${stdout}`));
      }
    });
  });
}

describe("validity (Nu Html Checker)", { timeout: 300_000 }, () => {
  before(async () => {
    site = (await shippedSite()).dir;
  });

  test("every built HTML file is valid HTML according to the Nu Html Checker", async () => {
    const files = htmlFiles(site);
    const pages = files.map((f) => relative(site, f));
    // The shipped knowledge base: the home page, six list pages, the 404 page, the search page and
    // some forty pages. Fewer files means the walk (or the build) lost some.
    assert.ok(files.length >= 45, `only ${files.length} HTML files were built: ${pages.join(", ")}`);
    for (const must of ["index.html", "404.html", "zoeken/index.html", "lessen/index.html", "lessen/bezint-eer-ge-begint/index.html"]) {
      assert.ok(pages.includes(must), `${must} is among the checked files`);
    }

    const report = await vnu(files);
    const problems = report.messages.map((m) => {
      const file = m.url ? relative(site, fileURLToPath(m.url)) : "(no file)";
      const where = m.lastLine ? `${file}:${m.lastLine}:${m.firstColumn ?? m.lastColumn ?? 0}` : file;
      return `${where}: ${m.type}${m.subType ? "/" + m.subType : ""}: ${m.message}${m.extract ? `\n    ${JSON.stringify(m.extract)}` : ""}`;
    });
    assert.equal(problems.length, 0, `Nu Html Checker found ${problems.length} problem(s) in ${files.length} files:\n${problems.join("\n")}`);
  });
});
