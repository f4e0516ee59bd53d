// kennisbank search: the browser half of the search. Plain ES module, no dependencies.
//
// It runs the query algorithm of src/search/query.rs on the files of src/search/export.rs, so a
// query gives the same pages in the same order as `kennisbank search`. Keep the two in step.
//
// On every page: `/` or Ctrl+K focuses the search box. On the search page (an element with
// data-search-results): results as you type, facet filters with counts, the query in the URL.

const EXACT = 4, PREFIX = 3, FUZZY_1 = 2, FUZZY_2 = 1;
const MAX_EXPANSIONS = 50, MIN_PREFIX = 3, CARDS_PER_CHUNK = 64, PAGE_SIZE = 10;

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

/** Loads and caches the index files under one base URL. */
export class Index {
  constructor(base, fetcher = (url) => fetch(url)) {
    this.base = base;
    this.fetcher = fetcher;
    this.shards = new Map();
    this.chunks = new Map();
    this.facets = null;
  }

  async json(path, missing) {
    const res = await this.fetcher(this.base + path);
    if (res.status === 404) return missing;
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return res.json();
  }

  shard(key) {
    if (!this.shards.has(key)) {
      const load = this.json(`s/${shardFile(key)}.json`, { w: [], t: [] }).then((raw) => {
        const index = new Map(raw.w);
        const terms = raw.t.map(([df, flat, head]) => ({ df, flat, head }));
        return { words: raw.w, index, terms };
      });
      this.shards.set(key, load);
    }
    return this.shards.get(key);
  }

  chunk(n) {
    if (!this.chunks.has(n)) this.chunks.set(n, this.json(`c/${n}.json`, []));
    return this.chunks.get(n);
  }

  facetData() {
    if (!this.facets) this.facets = this.json("facets.json", { fields: [], values: [], pages: [] });
    return this.facets;
  }
}

/** The terms one query word stands for, as in `expand()` of query.rs. */
async function expand(index, word, isLastPrefix) {
  const shard = await index.shard(shardKey(word));
  const slot = shard.index.get(word);
  if (slot === -1) return null; // a stop word
  const terms = new Map(); // slot → weight
  const forms = [];
  const add = (s, w) => terms.set(s, Math.max(terms.get(s) || 0, w));
  if (slot !== undefined) {
    add(slot, EXACT);
    forms.push(word);
  }
  const len = [...word].length;
  if (isLastPrefix && len >= MIN_PREFIX) {
    const cands = shard.words.filter(([v, s]) => v !== word && s >= 0 && v.startsWith(word));
    cands.sort((a, b) => shard.terms[b[1]].df - shard.terms[a[1]].df || byCodePoint(a[0], b[0]));
    for (const [v, s] of cands.slice(0, MAX_EXPANSIONS)) {
      add(s, PREFIX);
      forms.push(v);
    }
  }
  if (terms.size === 0 && len >= 5) {
    const max = len >= 9 ? 2 : 1;
    const cands = [];
    for (const [v, s] of shard.words) {
      if (s < 0) continue;
      const d = editDistance(word, v, max);
      if (d <= max) cands.push([v, s, d]);
    }
    cands.sort((a, b) => a[2] - b[2] || shard.terms[b[1]].df - shard.terms[a[1]].df || byCodePoint(a[0], b[0]));
    for (const [v, s, d] of cands.slice(0, MAX_EXPANSIONS)) {
      add(s, d === 1 ? FUZZY_1 : FUZZY_2);
      forms.push(v);
    }
  }
  return { word, shard, terms: [...terms], forms };
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
  const acc = new Map(); // page → {score, matched, masks}
  qwords.forEach((qw, wi) => {
    const best = new Map();
    for (const [slot, weight] of qw.terms) {
      const flat = qw.shard.terms[slot].flat;
      let page = 0;
      for (let k = 0; k < flat.length; k += 3) {
        page += flat[k];
        const e = best.get(page) || [0, 0];
        e[0] = Math.max(e[0], flat[k + 1] * weight);
        e[1] = (e[1] | flat[k + 2]) >>> 0;
        best.set(page, e);
      }
    }
    for (const [page, [score, mask]] of best) {
      let e = acc.get(page);
      if (!e) {
        e = { score: 0, matched: 0, masks: new Array(qwords.length).fill(0) };
        acc.set(page, e);
      }
      e.score += score;
      e.matched += 1;
      e.masks[wi] = mask;
    }
  });
  let pageFacets = null;
  if (filters.length > 0) pageFacets = (await index.facetData()).pages;
  const keep = (page) => filters.every((f) => pageFacets[page].includes(f));
  const all = [];
  for (const [page, e] of acc) {
    if (!keep(page)) continue;
    all.push({ page, score: e.score, matched: e.matched, section: bestSection(e.masks) });
  }
  const complete = all.filter((h) => h.matched === qwords.length);
  let hits = complete.length > 0 ? complete : all;
  const partial = complete.length === 0 && hits.length > 0;
  hits.sort((a, b) => b.matched - a.matched || b.score - a.score || a.page - b.page);
  return { words: qwords, hits, partial };
}

/** What a result shows: title, link, collection, heading and excerpt. */
export async function card(index, results, hit) {
  let fallback = null;
  for (const qw of results.words) {
    for (const [slot] of qw.terms) {
      for (const e of qw.shard.terms[slot].head) {
        if (e[0] !== hit.page) continue;
        const entry = { title: e[1], path: e[2], collection: e[3], anchor: e[4], heading: e[5], excerpt: e[6], marks: e[7] };
        const section = firstSection(qw.shard.terms[slot].flat, hit.page);
        if (section === hit.section) return entry;
        fallback = fallback || entry;
      }
    }
  }
  const chunk = await index.chunk(Math.floor(hit.page / CARDS_PER_CHUNK));
  const c = chunk[hit.page % CARDS_PER_CHUNK];
  const [anchor, heading] = c[4][hit.section] || [null, ""];
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

function firstSection(flat, page) {
  let p = 0;
  for (let k = 0; k < flat.length; k += 3) {
    p += flat[k];
    if (p === page) return 31 - Math.clz32(flat[k + 2] & -flat[k + 2]);
    if (p > page) break;
  }
  return 0;
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

function setupResultsPage(root, index, base, collections) {
  const input = root.querySelector("input[type=search]");
  const status = root.querySelector("[data-search-status]");
  const list = root.querySelector("[data-search-results]");
  const facetBox = root.querySelector("[data-search-facets]");
  const more = root.querySelector("[data-search-more]");
  for (const n of document.querySelectorAll("[data-search-nojs]")) n.hidden = true;
  root.hidden = false;

  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
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
      status.textContent = "Typ een of meer woorden om te zoeken.";
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
    const hits = results.hits.slice(0, shown);
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
      status.textContent = `Niets gevonden voor „${input.value.trim()}”. Controleer de spelling of gebruik minder woorden.`;
    } else {
      const partial = results.partial ? " Geen pagina bevat alle woorden; dit zijn pagina's met een deel ervan." : "";
      status.textContent = `${total} ${total === 1 ? "resultaat" : "resultaten"}.${partial}`;
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
      values.sort((a, b) => (counts.get(b.vi) || 0) - (counts.get(a.vi) || 0) || a.label.localeCompare(b.label, "nl"));
      const fs = el("fieldset", { class: "facet" }, el("legend", {}, label));
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
    const index = new Index(root.dataset.searchIndex);
    const collections = JSON.parse(root.dataset.collections || "[]");
    setupResultsPage(root, index, root.dataset.base, collections);
  }
}

if (typeof document !== "undefined") start();
