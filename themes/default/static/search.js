// kennisbank search: the browser half of the search. Plain ES module, no dependencies.
//
// It runs the query algorithm of src/search/query.rs on the files of src/search/export.rs, so a
// query gives the same pages in the same order as `kennisbank search`. Keep the two in step.
//
// On every page: `/` or Ctrl+K focuses the search box. On the search page (an element with
// data-search-results): results as you type, facet filters with counts, the query in the URL.

const EXACT = 4, PREFIX = 3, FUZZY_1 = 2, FUZZY_2 = 1;
const MAX_EXPANSIONS = 50, EXPANSION_POSTINGS = 12000, MIN_PREFIX = 3, CARDS_PER_CHUNK = 8, PAGE_SIZE = 10;

const SPECIAL = { "ß": "ss", "æ": "ae", "œ": "oe", "ĳ": "ij", "ø": "o", "ł": "l", "đ": "d", "ı": "i" };

/** Lower case, diacritics removed: the same as `fold()` in src/search/analyzer.rs. */
export function fold(word) {
  const bare = word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  return bare.replace(/[ßæœĳøłđı]/g, (c) => SPECIAL[c]);
}

/** Words as tantivy's SimpleTokenizer sees them: runs of letters and digits. */
export function words(text) {
  return text.normalize("NFC").match(/[\p{L}\p{N}]+/gu) || [];
}

export function parse(query) {
  const ws = words(query).map(fold).filter((w) => w.length > 0);
  const prefix = ws.length > 0 && !/\s$/u.test(query);
  return { words: ws, prefix };
}

/** A word's group: its first three characters, as `shard_key()` in src/search/mod.rs. */
export function shardKey(word) {
  return [...word].slice(0, 3).join("");
}

export function shardFile(key) {
  let out = "";
  for (const c of key) out += /[a-z0-9]/.test(c) ? c : "_" + c.codePointAt(0).toString(16);
  return out;
}

export function editDistance(a, b, max) {
  a = [...a];
  b = [...b];
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      rowMin = Math.min(rowMin, cur[j]);
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

/** Compare strings by code point, as Rust compares them. */
function byCodePoint(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Decode a part file (see src/search/export.rs): its words, and its terms with heads and postings. */
function decodePart(buffer) {
  const bytes = new Uint8Array(buffer);
  const headerLength = new DataView(buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength)));
  const terms = new Map(); // term → {df, head, pages, impacts, masks}, postings decoded when first used
  let pos = 4 + headerLength;
  for (const [term, df, head] of header.t) {
    const start = pos;
    for (let k = 0; k < 3 * df; k++) while (bytes[pos++] & 0x80);
    let decoded = null;
    terms.set(term, {
      df,
      head,
      get postings() {
        return (decoded ||= decodePostings(bytes, start, df));
      },
    });
  }
  return { split: new Set(header.g), words: new Map(header.w), terms };
}

/** `df` triples of LEB128 varints (page delta, impact, mask) from `pos`. */
function decodePostings(bytes, pos, df) {
  const pages = new Uint32Array(df), impacts = new Uint32Array(df), masks = new Uint32Array(df);
  const out = [pages, impacts, masks];
  let page = 0;
  for (let k = 0; k < df; k++) {
    for (let f = 0; f < 3; f++) {
      let v = 0, shift = 0, b;
      do {
        b = bytes[pos++];
        v += (b & 0x7f) * 2 ** shift;
        shift += 7;
      } while (b & 0x80);
      if (f === 0) page += v;
      out[f][k] = f === 0 ? page : v;
    }
  }
  return { pages, impacts, masks };
}

/** Loads and caches the search files under one base URL. */
export class Index {
  /**
   * `parts`: the first words of the parts but the first (the search page's data-parts);
   * `pages`: how many pages are searchable.
   */
  constructor(base, parts, pages, fetcher = (url) => fetch(url)) {
    this.base = base;
    this.parts = parts;
    this.pages = pages;
    this.fetcher = fetcher;
    this.partFiles = new Map();
    this.groups = new Map();
    this.chunks = new Map();
    this.facets = null;
  }

  async get(path, missing, kind) {
    if (typeof location !== "undefined" && location.protocol === "file:") {
      // From a folder browsers refuse fetch(); an offline build also writes each file as a
      // script that registers its data in window.__kb_search (src/search/offline.rs).
      const data = await new Promise((resolve) => {
        const script = Object.assign(document.createElement("script"), { src: `${this.base}${path}.js` });
        script.onload = script.onerror = () => resolve((window.__kb_search || {})[path]);
        document.head.append(script);
      });
      if (data === undefined) return missing;
      if (kind !== "bytes") return data;
      return Uint8Array.from(atob(data), (c) => c.charCodeAt(0)).buffer;
    }
    const res = await this.fetcher(this.base + path);
    if (res.status === 404) return missing;
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return kind === "bytes" ? res.arrayBuffer() : res.json();
  }

  /** The number of the part a word belongs to: the last whose first word is not after it. */
  partOf(word) {
    let lo = 0, hi = this.parts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byCodePoint(this.parts[mid], word) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  part(n) {
    if (!this.partFiles.has(n)) {
      const empty = { split: new Set(), words: new Map(), terms: new Map() };
      this.partFiles.set(n, this.get(`p/${n}.bin`, null, "bytes").then((b) => (b ? decodePart(b) : empty)));
    }
    return this.partFiles.get(n);
  }

  /** A group's words as [word, term, doc_freq], for words the vocabulary does not know. */
  group(key) {
    if (!this.groups.has(key)) this.groups.set(key, this.get(`v/${shardFile(key)}.json`, []));
    return this.groups.get(key);
  }

  /** A term's data, from the part that holds `word` (a word of that term). */
  async term(word, term) {
    return (await this.part(this.partOf(word))).terms.get(term);
  }

  chunk(n) {
    if (!this.chunks.has(n)) this.chunks.set(n, this.get(`c/${n}.json`, []));
    return this.chunks.get(n);
  }

  facetData() {
    if (!this.facets) this.facets = this.get("facets.json", { fields: [], values: [], pages: [] });
    return this.facets;
  }
}

/**
 * The words of a word's group as [word, term, doc_freq], for a word the vocabulary does not
 * know: from the word's part, unless the group spans parts; then, for a prefix whose words all
 * sit in the word's part, still from that part, and otherwise from the group's file.
 */
async function groupWords(index, word, part, n, prefixOnly) {
  const key = shardKey(word);
  const next = index.parts[n];
  const local = !part.split.has(key) || (prefixOnly && !(next !== undefined && next.startsWith(word)));
  if (!local) return index.group(key);
  const out = [];
  for (const [v, t] of part.words) if (t >= 0 && shardKey(v) === key) out.push([v, t, part.terms.get(t).df]);
  return out;
}

/** Add candidates (best first) to a word, as `take_expansions()` in query.rs, and load their terms. */
async function takeExpansions(index, qw, cands, weightOf) {
  let postings = 0;
  for (const c of cands.slice(0, MAX_EXPANSIONS)) {
    const [v, t, df] = c;
    const known = qw.terms.find((x) => x.id === t);
    if (known) known.weight = Math.max(known.weight, weightOf(c));
    else {
      if (qw.terms.length > 0 && postings + df > EXPANSION_POSTINGS) break;
      postings += df;
      qw.terms.push({ id: t, word: v, weight: weightOf(c) });
    }
    qw.forms.push(v);
  }
  await Promise.all(qw.terms.map(async (x) => (x.data = await index.term(x.word, x.id))));
}

/** The terms one query word stands for, as in `expand()` of query.rs. */
async function expand(index, word, isLastPrefix) {
  const n = index.partOf(word);
  const part = await index.part(n);
  const qw = { word, terms: [], forms: [] };
  const own = part.words.get(word);
  if (own === -1) return null; // a stop word
  if (own !== undefined) {
    qw.terms.push({ id: own, word, weight: EXACT, data: part.terms.get(own) });
    qw.forms.push(word);
    return qw;
  }
  const len = [...word].length;
  if (isLastPrefix && len >= MIN_PREFIX) {
    const cands = (await groupWords(index, word, part, n, true)).filter(([v]) => v.startsWith(word));
    cands.sort((a, b) => b[2] - a[2] || byCodePoint(a[0], b[0]));
    await takeExpansions(index, qw, cands, () => PREFIX);
  }
  if (qw.terms.length === 0 && len >= 5) {
    const max = len >= 9 ? 2 : 1;
    const cands = [];
    for (const [v, t, df] of await groupWords(index, word, part, n, false)) {
      const d = editDistance(word, v, max);
      if (d <= max) cands.push([v, t, df, d]);
    }
    cands.sort((a, b) => a[3] - b[3] || b[2] - a[2] || byCodePoint(a[0], b[0]));
    await takeExpansions(index, qw, cands, (c) => (c[3] === 1 ? FUZZY_1 : FUZZY_2));
  }
  return qw;
}

export function bestSection(masks) {
  let best = 0, bestCount = 0;
  for (let s = 0; s < 32; s++) {
    let count = 0;
    for (const m of masks) if ((m >>> s) & 1) count++;
    if (count > bestCount) {
      best = s;
      bestCount = count;
    }
  }
  return best;
}

/** Run a query: the same hits, in the same order, as `search()` in query.rs. */
export async function search(index, query, filters = []) {
  const parsed = parse(query);
  const n = parsed.words.length;
  const expanded = await Promise.all(parsed.words.map((w, i) => expand(index, w, parsed.prefix && i + 1 === n)));
  const qwords = expanded.filter((q) => q !== null);
  if (qwords.length === 0) return { words: qwords, hits: [], partial: false };
  // Dense accumulators, one slot per page: a query touches at most every page once per term.
  const pages = index.pages;
  const score = new Float64Array(pages), matched = new Uint8Array(pages), best = new Float64Array(pages);
  const masks = qwords.map(() => new Uint32Array(pages));
  const seen = new Uint8Array(pages);
  qwords.forEach((qw, wi) => {
    best.fill(0);
    seen.fill(0);
    const mask = masks[wi];
    for (const { weight, data } of qw.terms) {
      if (!data) continue;
      const { pages: ps, impacts, masks: ms } = data.postings;
      for (let k = 0; k < ps.length; k++) {
        const p = ps[k], s = impacts[k] * weight;
        if (s > best[p]) best[p] = s;
        mask[p] = (mask[p] | ms[k]) >>> 0;
        seen[p] = 1;
      }
    }
    for (let p = 0; p < pages; p++) {
      if (!seen[p]) continue;
      score[p] += best[p];
      matched[p]++;
    }
  });
  let pageFacets = null;
  if (filters.length > 0) pageFacets = (await index.facetData()).pages;
  const keep = (page) => pageFacets === null || filters.every((f) => pageFacets[page].includes(f));
  // One pass: the hits with every word, and (in case there are none) those with any.
  const hits = [], some = [];
  for (let p = 0; p < pages; p++) {
    if (matched[p] === 0 || !keep(p)) continue;
    const hit = { page: p, score: score[p], matched: matched[p] };
    if (hit.matched === qwords.length) hits.push(hit);
    else if (hits.length === 0) some.push(hit);
  }
  if (hits.length > 0) return { words: qwords, hits, masks, partial: false };
  return { words: qwords, hits: some, masks, partial: some.length > 0 };
}

/** Ranking order: most query words, then highest score, then the page that comes first. */
function before(a, b) {
  return b.matched - a.matched || b.score - a.score || a.page - b.page;
}

/** The best `n` hits in ranking order (the hits themselves stay in page order). */
export function top(results, n) {
  const hits = results.hits;
  if (n >= hits.length / 8) return [...hits].sort(before).slice(0, n);
  const best = [];
  for (const h of hits) {
    if (best.length === n && before(h, best[n - 1]) >= 0) continue;
    let i = best.length === n ? n - 1 : best.length;
    while (i > 0 && before(h, best[i - 1]) < 0) {
      best[i] = best[i - 1];
      i--;
    }
    best[i] = h;
  }
  return best;
}

/** The section of a hit's page where most query words occur, worked out only for shown hits. */
export function sectionOf(results, hit) {
  return bestSection(results.masks.map((m) => m[hit.page]));
}

/** What a result shows: title, link, collection, heading and excerpt. */
export async function card(index, results, hit) {
  const section = sectionOf(results, hit);
  let fallback = null;
  for (const qw of results.words) {
    for (const { data } of qw.terms) {
      if (!data) continue;
      for (const e of data.head) {
        if (e[0] !== hit.page) continue;
        const entry = { title: e[1], path: e[2], collection: e[3], anchor: e[4], heading: e[5], excerpt: e[6], marks: e[7] };
        if (firstSection(data, hit.page) === section) return entry;
        fallback = fallback || entry;
      }
    }
  }
  const chunk = await index.chunk(Math.floor(hit.page / CARDS_PER_CHUNK));
  const c = chunk[hit.page % CARDS_PER_CHUNK];
  const [anchor, heading] = c[4][section] || [null, ""];
  return {
    title: c[0],
    path: c[1],
    collection: c[2],
    anchor,
    heading,
    excerpt: fallback ? fallback.excerpt : c[3],
    marks: fallback ? fallback.marks : null,
  };
}

/** The first section a term occurs in on a page: the lowest bit of its mask there. */
function firstSection(data, page) {
  const { pages, masks } = data.postings;
  let lo = 0, hi = pages.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pages[mid] < page) lo = mid + 1;
    else hi = mid;
  }
  if (pages[lo] !== page) return 0;
  const m = masks[lo];
  return 31 - Math.clz32(m & -m);
}

export async function facetCounts(index, hits) {
  const data = await index.facetData();
  const counts = new Map();
  for (const h of hits) for (const f of data.pages[h.page]) counts.set(f, (counts.get(f) || 0) + 1);
  return { data, counts };
}

// ---------------------------------------------------------------------------------------------
// The page: search box shortcuts everywhere, the results page where it exists.

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

/** An excerpt as DOM text nodes, with the matched words in <mark>; never innerHTML. */
function excerptNode(text, marks, queryWords) {
  const p = el("p", { class: "search-excerpt" });
  let ranges = marks;
  if (!ranges) {
    ranges = [];
    for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
      const f = fold(m[0]);
      if (queryWords.some((q) => f === q || (q.length >= 3 && f.startsWith(q)))) ranges.push([m.index, m.index + m[0].length]);
    }
  }
  let pos = 0;
  for (const [a, b] of ranges) {
    if (a < pos) continue;
    p.append(document.createTextNode(text.slice(pos, a)), el("mark", {}, text.slice(a, b)));
    pos = b;
  }
  p.append(document.createTextNode(text.slice(pos)));
  return p;
}

function setupShortcuts(input) {
  document.addEventListener("keydown", (ev) => {
    const typing = ev.target instanceof HTMLElement && (ev.target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(ev.target.tagName));
    if ((ev.key === "/" && !typing) || (ev.key === "k" && (ev.ctrlKey || ev.metaKey))) {
      ev.preventDefault();
      input.focus();
      input.select();
    }
  });
}

/**
 * The search page's text `key` from the theme's string tables (the page's data-strings), with a
 * count `n` choosing singular or plural and `{name}` replaced by `params`.
 */
export function translate(strings, key, n, params = {}) {
  let text = strings[key] ?? key;
  if (typeof text === "object") text = n === 1 ? text.one : text.other;
  if (n !== undefined) text = text.replaceAll("{n}", String(n));
  for (const [name, value] of Object.entries(params)) text = text.replaceAll(`{${name}}`, value);
  return text;
}

function setupResultsPage(root, index, base, collections) {
  const strings = JSON.parse(root.dataset.strings || "{}");
  const language = root.dataset.language || document.documentElement.lang || undefined;
  const tr = (key, n, params) => translate(strings, key, n, params);
  const input = root.querySelector("input[type=search]");
  const status = root.querySelector("[data-search-status]");
  const list = root.querySelector("[data-search-results]");
  const facetBox = root.querySelector("[data-search-facets]");
  const more = root.querySelector("[data-search-more]");
  for (const n of document.querySelectorAll("[data-search-nojs]")) n.hidden = true;
  root.hidden = false;

  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  // Arriving with a query from another page of the site (its header search box): the reader goes
  // on in the field, and ArrowDown leads from it to the results. Opened any other way (a shared
  // link, a bookmark), the page keeps the usual start, with the skip link first.
  const fromSite = document.referrer.startsWith(location.origin + "/") && new URL(document.referrer).pathname !== location.pathname;
  if (input.value && fromSite && document.activeElement === document.body) {
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }
  let filters = params.getAll("f");
  let shown = PAGE_SIZE;
  let generation = 0;
  let current = null;

  async function run() {
    const mine = ++generation;
    const q = input.value;
    const url = new URL(location.href);
    url.searchParams.delete("q");
    url.searchParams.delete("f");
    if (q.trim()) url.searchParams.set("q", q);
    for (const f of filters) url.searchParams.append("f", f);
    history.replaceState(null, "", url);
    if (!q.trim()) {
      list.replaceChildren();
      facetBox.replaceChildren();
      status.textContent = tr("prompt");
      more.hidden = true;
      return;
    }
    const facetIds = await filterIds();
    const results = await search(index, q, facetIds);
    if (mine !== generation) return;
    current = results;
    await render(results, mine);
  }

  async function filterIds() {
    if (filters.length === 0) return [];
    const data = await index.facetData();
    return filters
      .map((f) => {
        const [field, value] = f.split(":");
        return data.values.findIndex(([fi, v]) => data.fields[fi][0] === field && v === value);
      })
      .filter((i) => i >= 0);
  }

  async function render(results, mine) {
    const hits = top(results, shown);
    const cards = await Promise.all(hits.map((h) => card(index, results, h)));
    if (mine !== generation) return;
    const queryWords = results.words.flatMap((w) => [w.word, ...w.forms]);
    const items = cards.map((c) => {
      const href = base + c.path + (c.anchor ? "#" + c.anchor : "");
      const meta = [collections[c.collection], c.heading].filter(Boolean).join(" › ");
      return el(
        "li",
        { class: "search-result" },
        el("h3", {}, el("a", { href }, c.title)),
        meta ? el("p", { class: "search-meta" }, meta) : "",
        excerptNode(c.excerpt || "", c.marks, queryWords),
      );
    });
    list.replaceChildren(...items);
    const total = results.hits.length;
    if (total === 0) {
      status.textContent = tr("none", undefined, { query: input.value.trim() });
    } else {
      status.textContent = tr("results", total) + (results.partial ? " " + tr("partial") : "");
    }
    more.hidden = total <= shown;
    renderFacets(results);
  }

  async function renderFacets(results) {
    const { data, counts } = await facetCounts(index, results.hits);
    const groups = data.fields.map(([name, label], fi) => {
      const values = data.values
        .map((v, vi) => ({ vi, field: v[0], value: v[1], label: v[2] }))
        .filter((v) => v.field === fi && (counts.get(v.vi) || filters.includes(`${name}:${v.value}`)));
      if (values.length === 0) return null;
      values.sort((a, b) => (counts.get(b.vi) || 0) - (counts.get(a.vi) || 0) || a.label.localeCompare(b.label, language));
      const fs = el("fieldset", { class: "facet" }, el("legend", {}, name === "collection" ? tr("collection_facet") : label));
      for (const v of values) {
        const key = `${name}:${v.value}`;
        const id = `facet-${fi}-${v.vi}`;
        const box = el("input", { type: "checkbox", id, value: key });
        box.checked = filters.includes(key);
        box.addEventListener("change", () => {
          filters = box.checked ? [...filters, key] : filters.filter((f) => f !== key);
          shown = PAGE_SIZE;
          run();
        });
        fs.append(el("div", { class: "facet-option" }, box, el("label", { for: id }, `${v.label} (${counts.get(v.vi) || 0})`)));
      }
      return fs;
    });
    facetBox.replaceChildren(...groups.filter(Boolean));
  }

  // Compile the Unicode regular expressions now rather than on the reader's first keystroke.
  parse("Één");
  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    shown = PAGE_SIZE;
    timer = setTimeout(run, 120);
  });
  root.querySelector("form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearTimeout(timer);
    run();
  });
  more.addEventListener("click", () => {
    shown += PAGE_SIZE;
    if (current) render(current, generation);
  });
  // Arrow keys move between the search box and the results.
  root.addEventListener("keydown", (ev) => {
    if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp") return;
    const links = [...list.querySelectorAll("a")];
    if (links.length === 0) return;
    const at = links.indexOf(document.activeElement);
    let next = null;
    if (ev.key === "ArrowDown") next = document.activeElement === input ? links[0] : links[at + 1];
    else next = at <= 0 ? input : links[at - 1];
    if (next) {
      ev.preventDefault();
      next.focus();
    }
  });
  run();
}

function start() {
  const header = document.querySelector("[data-search-box]");
  const root = document.querySelector("[data-search-page]");
  const input = (root && root.querySelector("input[type=search]")) || (header && header.querySelector("input"));
  if (input) setupShortcuts(input);
  if (root) {
    const parts = root.dataset.parts ? root.dataset.parts.split(" ") : [];
    const index = new Index(root.dataset.searchIndex, parts, Number(root.dataset.pages || 0));
    const collections = JSON.parse(root.dataset.collections || "[]");
    setupResultsPage(root, index, root.dataset.base, collections);
  }
}

if (typeof document !== "undefined") start();
