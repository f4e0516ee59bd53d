// Every browser test in one process, so that they share one build of the shipped site, one
// Chromium and one `kennisbank serve` (see harness.mjs). Run: npm test.
import { shippedSearch } from "./harness.mjs";
import "./links.mjs";
import "./validity.mjs";
import "./pages.mjs";
import "./a11y.mjs";
import "./keyboard.mjs";
import "./views.mjs";
import "./search.mjs";
import "./parity.mjs";
import "./handout.mjs";
import "./firstminute.mjs";
import "./xss.mjs";
import "./generic.mjs";
import "./parity-corpus.mjs";
import "./offline.mjs";
import "./nginx.mjs";

// The server for /_search builds its site while the first modules run; a failure shows where it
// is used.
shippedSearch().catch(() => {});
