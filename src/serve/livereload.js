// kennisbank serve: reload the page after each rebuild; show build problems without losing the page.
const events = new EventSource("/_kennisbank/events");
let banner = null;

function showProblems(headline, text) {
  if (!banner) {
    banner = document.createElement("div");
    banner.setAttribute("role", "alert");
    banner.id = "kennisbank-problems";
    banner.style.cssText =
      "position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;z-index:9999;" +
      "background:#5c0011;color:#fff;font:14px/1.4 monospace;padding:1rem;white-space:pre-wrap";
    document.body.append(banner);
  }
  banner.textContent = headline + "\n\n" + text;
}

async function checkProblems() {
  const res = await fetch("/_kennisbank/status", { cache: "no-store" });
  const status = await res.json();
  if (status.problems) showProblems(status.headline, status.problems);
}

events.addEventListener("reload", () => location.reload());
// A new search index (built after the pages): only the search page uses it.
events.addEventListener("search", () => {
  if (document.querySelector("[data-search-page]")) location.reload();
});
events.addEventListener("problems", checkProblems);
events.addEventListener("hello", checkProblems);
