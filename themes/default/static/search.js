// kennisbank search: the browser half of the search. Plain ES module, no dependencies.
//
// It runs the query algorithm of src/search/query.rs on the files of src/search/export.rs, so a
// query gives the same pages in the same order as `kennisbank search`. Keep the two in step.
//
// On every page: `/` or Ctrl+K focuses the search box. On the search page (an element with
// data-search-results): results as you type, facet filters with counts, the query in the URL.

const EXACT = 4, PREFIX = 3, COMPOUND = 3, FUZZY_1 = 2, FUZZY_2 = 1;
const MAX_EXPANSIONS = 50, EXPANSION_POSTINGS = 12000, EXPANSION_PARTS = 2, MIN_PREFIX = 3, MIN_PART = 4, MIN_TYPO = 5;
const HEAD = 10, CARDS_PER_CHUNK = 8, PAGE_SIZE = 10;

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

/** A word's last three characters: its file of dictionary words, as `ending_key()` in export.rs. */
export function endingKey(word) {
  return [...word].slice(-3).join("");
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

/**
 * Decode a part file (see src/search/export.rs): its words (and synonyms), its terms with their
 * best pages and postings, and the cards of those pages.
 */
function decodePart(buffer) {
  const bytes = new Uint8Array(buffer);
  const headerLength = new DataView(buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength)));
  const part = { split: new Set(), groups: new Map(), words: new Map(), synonyms: new Map(), terms: new Map(), cards: new Map() };
  for (const g of header.g) {
    if (typeof g === "string") part.split.add(g);
    else {
      part.split.add(g[0]);
      part.groups.set(g[0], g[1]);
    }
  }
  for (const [word, term, shown] of header.w) {
    part.words.set(word, term);
    if (shown) part.synonyms.set(word, shown);
  }
  for (const c of header.c) part.cards.set(c[0], c);
  let pos = 4 + headerLength;
  for (const [term, df, scale, top] of header.t) {
    const start = pos;
    for (let k = 0; k < df; k++) {
      while (bytes[pos++] & 0x80);
      pos++;
    }
    let decoded = null, masks = null;
    part.terms.set(term, {
      df,
      top,
      part,
      get postings() {
        return (decoded ||= decodePostings(bytes, start, df, scale));
      },
      /** The section mask of a page among the term's best pages, else 0. */
      topMask(page) {
        masks ||= new Map(top.map((e) => [e[0], e[1]]));
        return masks.get(page) || 0;
      },
    });
  }
  return part;
}

/** `df` postings from `pos`: a LEB128 varint page delta and a byte impact / scale each. */
function decodePostings(bytes, pos, df, scale) {
  const pages = new Uint32Array(df), impacts = new Uint32Array(df);
  let page = 0;
  for (let k = 0; k < df; k++) {
    let b = bytes[pos++], v = b & 0x7f;
    for (let shift = 7; b & 0x80; shift += 7) {
      b = bytes[pos++];
      // a shift is cheaper than a power; past 28 bits it would overflow an int32
      v += (b & 0x7f) * (shift < 28 ? 1 << shift : 2 ** shift);
    }
    pages[k] = page += v;
    impacts[k] = bytes[pos++] * scale;
  }
  return { pages, impacts };
}

const SLUG_SPECIAL = { "ß": "s", "ø": "o", "æ": "a", "ł": "l", "đ": "d", "ı": "i" };

/** A heading's or title's slug, as `slugify()` in src/text.rs: how cards leave out anchors and paths. */
export function slugify(text) {
  const folded = text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/[ßøæłđı]/g, (c) => SLUG_SPECIAL[c]);
  let out = "", dash = false;
  for (const c of folded) {
    if (/[a-z0-9]/.test(c)) {
      if (dash && out) out += "-";
      dash = false;
      out += c;
    } else if (c !== "'" && c !== "’") dash = true;
  }
  return out;
}

/**
 * Where each file of the search pack lies (the search page's data-pack-members; see `Pack` in
 * src/search/export.rs): path → [offset, length] of its gzip copy in the pack.
 */
export function packDirectory(members) {
  const dir = new Map();
  let offset = 0, part = 0;
  for (const token of members.split(" ")) {
    if (token === "") continue;
    const eq = token.indexOf("=");
    const path = eq < 0 ? `p/${part++}.bin` : `${token[0]}/${token.slice(1, eq)}.json`;
    const size = parseInt(eq < 0 ? token : token.slice(eq + 1), 36);
    dir.set(path, [offset, size]);
    offset += size;
  }
  return dir;
}

/**
 * The ranges of a 206 answer as [first byte, bytes]: one range (its Content-Range), or several
 * in a multipart/byteranges body (RFC 9110, 14.6), each with its own Content-Range.
 */
export function byteRanges(contentType, contentRange, body) {
  const boundary = /^multipart\/byteranges;.*boundary=("?)([^";]+)\1/i.exec(contentType || "");
  if (!boundary) {
    const range = /^bytes (\d+)-\d+\//.exec(contentRange || "");
    if (!range) throw new Error("pack: a 206 answer without Content-Range");
    return [[Number(range[1]), body]];
  }
  // One character per byte, so that string positions are byte positions.
  const text = new TextDecoder("windows-1252").decode(body);
  const marker = `--${boundary[2]}`;
  const out = [];
  for (let at = text.indexOf(marker); at >= 0 && !text.startsWith("--", at + marker.length); ) {
    const headEnd = text.indexOf("\r\n\r\n", at);
    const range = headEnd < 0 ? null : /content-range:\s*bytes\s+(\d+)-(\d+)/i.exec(text.slice(at, headEnd));
    if (!range) throw new Error("pack: a part of the answer without Content-Range");
    const first = Number(range[1]), from = headEnd + 4, to = from + Number(range[2]) - first + 1;
    out.push([first, body.subarray(from, to)]);
    at = text.indexOf(marker, to);
  }
  return out;
}

/**
 * A file of the pack: a gzip member, unpacked, or (under 1 KB) the file as it is. Written into
 * the stream at once (three times faster than piping a Blob's stream through it); an error
 * shows in the result.
 */
function unpack(bytes) {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes.slice().buffer;
  const stream = new DecompressionStream("gzip");
  const writer = stream.writable.getWriter();
  writer.write(bytes).catch(() => {});
  writer.close().catch(() => {});
  return new Response(stream.readable).arrayBuffer();
}

/**
 * Run `task` once the current task and its microtasks are done, ahead of other waiting tasks
 * where the browser can (a timer may wait behind a long task).
 */
function soon(task) {
  if (typeof scheduler !== "undefined" && scheduler.postTask) scheduler.postTask(task, { priority: "user-blocking" });
  else setTimeout(task, 0);
}

/**
 * Loads and caches the search files under one base URL. Files asked for in the same turn go
 * out together: one alone as a plain request, several from the pack in one multi-range
 * request, so that a query costs a request per round trip, not per file. A server that does
 * not answer ranges (200) is asked for the files one by one from then on.
 */
export class Index {
  /**
   * `parts`: the first words of the parts but the first (the search page's data-parts);
   * `pages`: how many pages are searchable; `stopWords`: the words the analyzer drops;
   * `pack`: `{ file, members }` of the search page's data-pack, or null.
   */
  constructor(base, parts, pages, stopWords = [], pack = null) {
    this.base = base;
    this.parts = parts;
    this.pages = pages;
    this.stopWords = new Set(stopWords);
    this.files = new Map();
    this.facets = null;
    this.queue = [];
    const usable = pack && pack.file && typeof DecompressionStream !== "undefined";
    this.packed = usable ? packDirectory(pack.members) : null;
    this.packUrl = usable ? base + pack.file : null;
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
    const bytes = await this.load(path);
    if (bytes === null) return missing;
    return kind === "bytes" ? bytes : JSON.parse(new TextDecoder().decode(bytes));
  }

  /** A file's bytes (null: there is none), with the other files asked for in this turn. */
  load(path) {
    if (this.packed && /^[pvr]\//.test(path) && !this.packed.has(path)) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.queue.push({ path, resolve, reject });
      if (this.queue.length === 1) soon(() => this.flush());
    });
  }

  /** Send what was asked for so far (also called as soon as a query's words have asked). */
  flush() {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    const fromPack = this.packUrl ? batch.filter((x) => this.packed.has(x.path)) : [];
    const alone = fromPack.length > 1 ? batch.filter((x) => !fromPack.includes(x)) : batch;
    for (const x of alone) this.plain(x.path).then(x.resolve, x.reject);
    if (fromPack.length > 1) this.fromPack(fromPack);
  }

  async plain(path) {
    const res = await fetch(this.base + path);
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return res.arrayBuffer();
  }

  /** Several files in one request for their ranges of the pack; one by one when that fails. */
  async fromPack(batch) {
    let bytes;
    try {
      bytes = await this.ranges(batch.map((x) => this.packed.get(x.path)));
    } catch {
      this.packUrl = null;
      for (const x of batch) this.plain(x.path).then(x.resolve, x.reject);
      return;
    }
    batch.forEach((x, i) => x.resolve(bytes[i]));
  }

  /** The files at `spans` ([offset, length] of the pack), unpacked, all or none. */
  async ranges(spans) {
    const sorted = [...spans].sort((a, b) => a[0] - b[0]);
    const controller = new AbortController();
    const res = await fetch(this.packUrl, {
      headers: { Range: `bytes=${sorted.map(([at, n]) => `${at}-${at + n - 1}`).join(",")}` },
      signal: controller.signal,
    });
    if (res.status !== 206) {
      controller.abort(); // the whole pack is on its way: stop it
      throw new Error(`pack: HTTP ${res.status}`);
    }
    const got = byteRanges(res.headers.get("Content-Type"), res.headers.get("Content-Range"), new Uint8Array(await res.arrayBuffer()));
    return Promise.all(
      spans.map(([at, n]) => {
        const piece = got.find(([first, b]) => first <= at && at + n <= first + b.length);
        if (!piece) throw new Error("pack: the answer lacks a range");
        return unpack(piece[1].subarray(at - piece[0], at - piece[0] + n));
      }),
    );
  }

  /** A file, fetched once. */
  file(path, missing, kind) {
    if (!this.files.has(path)) this.files.set(path, this.get(path, missing, kind));
    return this.files.get(path);
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
    const path = `p/${n}.bin`;
    if (!this.files.has(path)) {
      const empty = { split: new Set(), groups: new Map(), words: new Map(), synonyms: new Map(), terms: new Map(), cards: new Map() };
      this.files.set(path, this.get(path, null, "bytes").then((b) => (b ? decodePart(b) : empty)));
    }
    return this.files.get(path);
  }

  /** A group's words as [word, term, doc_freq], for words the vocabulary does not know. */
  group(key) {
    return this.file(`v/${shardFile(key)}.json`, []);
  }

  /** The words of the dictionary ending in `key`, as [word, term]. */
  ending(key) {
    return this.file(`r/${shardFile(key)}.json`, []);
  }

  /** A term's data, from the part that holds `word` (a word of that term). */
  async term(word, term) {
    return (await this.part(this.partOf(word))).terms.get(term);
  }

  chunk(n) {
    return this.file(`c/${n}.json`, []);
  }

  facetData() {
    if (!this.facets) this.facets = this.get("facets.json", { fields: [], values: [], pages: [] });
    return this.facets;
  }
}

/**
 * The words of a word's group as [word, term, doc_freq], for a word the vocabulary does not
 * know, when they are at hand: from the word's part, when the group does not span parts or the
 * candidates cannot lie outside it (`kind` "prefix": words the word begins; "head": words that
 * begin the word; else any word of the group), or from the part's copy of the group's list;
 * else null.
 */
function groupAtHand(index, word, part, n, kind) {
  const key = shardKey(word);
  let local = !part.split.has(key);
  if (!local && kind === "prefix") {
    const next = index.parts[n];
    local = !(next !== undefined && next.startsWith(word));
  }
  if (!local && kind === "head") {
    local = n === 0 || byCodePoint(index.parts[n - 1], [...word].slice(0, MIN_PART).join("")) <= 0;
  }
  if (!local) return part.groups.get(key) || null;
  const out = [];
  for (const [v, t] of part.words) if (t >= 0 && shardKey(v) === key) out.push([v, t, part.terms.get(t).df]);
  return out;
}

/** The words of a word's group as [word, term, doc_freq]: at hand, or from the group's file. */
async function groupWords(index, word, part, n, kind) {
  return groupAtHand(index, word, part, n, kind) || index.group(shardKey(word));
}

/** Add candidates (best first) to a word as one slot, as `take_expansions()` in query.rs, and load their terms. */
async function takeExpansions(index, qw, n, cands, weightOf, how) {
  const slot = [];
  const parts = [n];
  let postings = 0;
  for (const c of cands.slice(0, MAX_EXPANSIONS)) {
    const [v, t, df] = c;
    const known = slot.find((x) => x.id === t);
    if (known) {
      known.weight = Math.max(known.weight, weightOf(c));
      qw.forms.push(v);
      continue;
    }
    const p = index.partOf(v);
    if (!parts.includes(p) && parts.length >= EXPANSION_PARTS) continue;
    if (slot.length > 0 && postings + df > EXPANSION_POSTINGS) break;
    postings += df;
    slot.push({ id: t, word: v, weight: weightOf(c) });
    if (!parts.includes(p)) parts.push(p);
    qw.forms.push(v);
  }
  if (slot.length === 0) return;
  await Promise.all(slot.map(async (x) => (x.data = await index.term(x.word, x.id))));
  qw.slots.push(slot);
  qw.shown = [...qw.forms];
  qw.how = how;
}

/**
 * A word the vocabulary does not know as two words of the dictionary, as `split()` in
 * query.rs: [first, its term, second, its term], or null. The second words come from the file
 * of words with the same ending; the first words from the word's group (none: no split).
 */
async function split(index, word, part, n) {
  const chars = [...word];
  const len = chars.length;
  if (!splittable(word, len)) return null;
  const heads = new Map();
  for (const [v, t] of await groupWords(index, word, part, n, "head")) {
    const l = [...v].length;
    if (l >= MIN_PART && l <= len - MIN_PART && word.startsWith(v)) heads.set(v, t);
  }
  if (heads.size === 0) return null;
  const tails = new Map(await index.ending(endingKey(word)));
  for (let h = len - MIN_PART; h >= MIN_PART; h--) {
    const rest = chars.slice(h).join("");
    const tail = ["", "s", "e"]
      .filter((link) => rest.startsWith(link))
      .map((link) => rest.slice(link.length))
      .find((t) => [...t].length >= MIN_PART && tails.has(t));
    if (tail === undefined) continue;
    const head = chars.slice(0, h).join("");
    const term = heads.get(head);
    if (term === undefined) continue;
    return [head, term, tail, tails.get(tail)];
  }
  return null;
}

/**
 * Ask at once for the lists an unknown word may need (its group's words, the words with its
 * ending), so that they come in one request, not one after the other: a query then takes at
 * most three round trips (parts; lists; the parts of what the word is taken as).
 */
function askForLists(index, word, part, n, isLastPrefix) {
  const len = [...word].length;
  // a partly typed word and a typo draw on the group; so does a compound, which is longer
  if ((isLastPrefix && len >= MIN_PREFIX) || len >= MIN_TYPO) groupWords(index, word, part, n, "any");
  if (splittable(word, len)) index.ending(endingKey(word));
}

/** Whether a word of `len` characters may be two words: letters only, long enough for both. */
function splittable(word, len) {
  return len >= 2 * MIN_PART && /^\p{Alphabetic}+$/u.test(word);
}

/** The terms one query word stands for, as in `expand()` of query.rs; null for a stop word. */
async function expand(index, word, isLastPrefix) {
  if (index.stopWords.has(word)) return null;
  const n = index.partOf(word);
  const part = await index.part(n);
  const qw = { word, slots: [], forms: [], how: null, shown: [] };
  const own = part.words.get(word);
  if (own === -1) return null;
  if (own !== undefined) {
    qw.slots.push([{ id: own, word, weight: EXACT, data: part.terms.get(own) }]);
    qw.forms.push(word);
    const synonym = part.synonyms.get(word);
    if (synonym) {
      qw.how = "synonym";
      qw.shown = synonym;
      qw.forms.push(...synonym.flatMap((x) => x.split(" ")));
    }
    return qw;
  }
  const len = [...word].length;
  askForLists(index, word, part, n, isLastPrefix);
  if (isLastPrefix && len >= MIN_PREFIX) {
    const cands = (await groupWords(index, word, part, n, "prefix")).filter(([v]) => v.startsWith(word));
    cands.sort((a, b) => b[2] - a[2] || byCodePoint(a[0], b[0]));
    await takeExpansions(index, qw, n, cands, () => PREFIX, "prefix");
  }
  if (qw.slots.length === 0) {
    const found = await split(index, word, part, n);
    if (found) {
      const [head, h, tail, t] = found;
      const [hd, td] = await Promise.all([index.term(head, h), index.term(tail, t)]);
      qw.slots = [[{ id: h, word: head, weight: COMPOUND, data: hd }], [{ id: t, word: tail, weight: COMPOUND, data: td }]];
      qw.forms = [head, tail];
      qw.shown = [head, tail];
      qw.how = "compound";
    }
  }
  if (qw.slots.length === 0 && len >= MIN_TYPO) {
    const max = len >= 9 ? 2 : 1;
    const cands = [];
    for (const [v, t, df] of await groupWords(index, word, part, n, "any")) {
      const d = editDistance(word, v, max);
      if (d <= max) cands.push([v, t, df, d]);
    }
    cands.sort((a, b) => a[3] - b[3] || b[2] - a[2] || byCodePoint(a[0], b[0]));
    await takeExpansions(index, qw, n, cands, (c) => (c[3] === 1 ? FUZZY_1 : FUZZY_2), "typo");
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

/**
 * The scores of the pages with every slot of one query word (the mean of each slot's best
 * impact × weight), added into `score`, and their count of words into `matched`. The hot
 * loops are functions of their own: a browser compiles a small function sooner than one long
 * loop in a large one, which on a cold page took 20 ms longer at 10,000 pages.
 */
function scoreWord(qw, acc) {
  const touched = [];
  for (const slot of qw.slots) {
    const named = [];
    for (const { weight, data } of slot) if (data) bestOf(data.postings, weight, acc.best, named);
    addSlot(named, acc, touched);
  }
  addWord(touched, qw.slots.length, acc);
}

/** Each page's best impact × weight over a slot's terms into `best`; each page, once, into `named`. */
function bestOf({ pages, impacts }, weight, best, named) {
  for (let i = 0; i < pages.length; i++) {
    const p = pages[i], s = impacts[i] * weight;
    if (s <= best[p]) continue;
    if (best[p] === 0) named.push(p);
    best[p] = s;
  }
}

/** A slot's best into each page's sum, counted, and cleared; a word's pages into `touched`. */
function addSlot(named, { best, sum, filled }, touched) {
  for (let j = 0; j < named.length; j++) {
    const p = named[j];
    if (filled[p] === 0) touched.push(p);
    sum[p] += best[p];
    filled[p]++;
    best[p] = 0;
  }
}

/** The mean of a word's `k` slots for the pages with all of them; the sums cleared. */
function addWord(touched, k, { sum, filled, score, matched }) {
  for (let j = 0; j < touched.length; j++) {
    const p = touched[j];
    if (filled[p] === k) {
      score[p] += Math.floor(sum[p] / k);
      matched[p]++;
    }
    sum[p] = 0;
    filled[p] = 0;
  }
}

/** The hits with `words` words (in page order), or when there are none, those with some. */
function collectHits({ score, matched }, inTop, words, keep) {
  const hits = [], some = [];
  for (let p = 0; p < matched.length; p++) {
    if (matched[p] === 0 || !keep(p)) continue;
    const hit = { page: p, score: score[p], matched: matched[p], top: inTop[p] };
    if (hit.matched === words) hits.push(hit);
    else if (hits.length === 0) some.push(hit);
  }
  return hits.length > 0 ? { hits, partial: false } : { hits: some, partial: some.length > 0 };
}

/** Run a query: the same hits, in the same order, as `search()` in query.rs. */
export async function search(index, query, filters = []) {
  const parsed = parse(query);
  const n = parsed.words.length;
  const expanding = Promise.all(parsed.words.map((w, i) => expand(index, w, parsed.prefix && i + 1 === n)));
  index.flush(); // every word has asked for its part
  const qwords = (await expanding).filter((q) => q !== null);
  if (qwords.length === 0) return { words: qwords, hits: [], partial: false };
  // Dense accumulators, one place per page; only the pages a word's postings name are visited.
  const pages = index.pages;
  const acc = {
    score: new Float64Array(pages),
    matched: new Uint8Array(pages),
    best: new Float64Array(pages),
    sum: new Float64Array(pages),
    filled: new Uint8Array(pages),
  };
  for (const qw of qwords) scoreWord(qw, acc);
  let pageFacets = null;
  if (filters.length > 0) pageFacets = (await index.facetData()).pages;
  const keep = (page) => pageFacets === null || filters.every((f) => pageFacets[page].includes(f));
  // The pages among the best pages of some term of the query.
  const inTop = new Uint8Array(pages);
  for (const qw of qwords) for (const slot of qw.slots) for (const { data } of slot) if (data) for (const e of data.top) inTop[e[0]] = 1;
  return { words: qwords, ...collectHits(acc, inTop, qwords.length, keep) };
}

/**
 * Ranking order: most query words, then among the best pages of a query term, then highest
 * score, then the page that comes first.
 */
function before(a, b) {
  return b.matched - a.matched || b.top - a.top || b.score - a.score || a.page - b.page;
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

/** Every loaded term of the query's words. */
function* queryTerms(results) {
  for (const qw of results.words) for (const slot of qw.slots) for (const x of slot) if (x.data) yield x.data;
}

/**
 * The section of a hit's page where most query words occur, by the masks of the terms whose
 * best pages it is among (as `section_of()` in query.rs), worked out only for shown hits.
 */
export function sectionOf(results, hit) {
  const masks = results.words.map((qw) => {
    let m = 0;
    for (const slot of qw.slots) for (const { data } of slot) if (data) m |= data.topMask(hit.page);
    return m >>> 0;
  });
  return bestSection(masks);
}

/** What a result shows: title, link, collection, heading and excerpt. */
export async function card(index, results, hit) {
  const section = sectionOf(results, hit);
  let found = null, entry = null, fallback = null;
  const sections = new Map();
  for (const data of queryTerms(results)) {
    const c = data.part.cards.get(hit.page);
    if (c) {
      found ||= c;
      for (const [k, heading, anchor] of c[5]) sections.set(k, [anchor === undefined ? slugify(heading) : anchor, heading]);
    }
    for (const e of data.top.slice(0, HEAD)) {
      if (e[0] !== hit.page) continue;
      const excerpt = { excerpt: e[3], marks: e[4] };
      if (e[2] === section) entry ||= excerpt;
      fallback ||= excerpt;
    }
  }
  let title, path, collection, summary;
  if (found) {
    [, title, path, collection, summary] = found;
    path = path.replace("*", () => slugify(title) + "/");
  } else {
    const chunk = await index.chunk(Math.floor(hit.page / CARDS_PER_CHUNK));
    [title, path, collection, summary] = chunk[hit.page % CARDS_PER_CHUNK];
  }
  const [anchor, heading] = sections.get(section) || [null, ""];
  const excerpt = entry || fallback || { excerpt: summary, marks: null };
  return { title, path, collection, anchor, heading, excerpt: excerpt.excerpt, marks: excerpt.marks };
}

/**
 * What the query was searched as, for the line above the results: each word, or what it was
 * interpreted as (alternatives joined by `or`, the two words of a compound by a space); null
 * when every word was searched as typed.
 */
export function interpretation(results, or) {
  if (!results.words.some((w) => w.how)) return null;
  return results.words
    .map((w) => {
      if (!w.how) return w.word;
      if (w.how === "compound") return w.shown.join(" ");
      const shown = w.shown.slice(0, 3).join(` ${or} `);
      return w.shown.length > 3 ? shown + " …" : shown;
    })
    .join(" ");
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
    const searchedAs = interpretation(results, tr("or"));
    if (searchedAs !== null) {
      // "Results for {query}.", the query emphasised: the text around it from the string table.
      const [lead, tail = ""] = tr("interpreted").split("{query}");
      status.append(" " + lead, el("em", {}, searchedAs), tail);
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
    const stopWords = root.dataset.stopWords ? root.dataset.stopWords.split(" ") : [];
    const pack = { file: root.dataset.pack || "", members: root.dataset.packMembers || "" };
    const index = new Index(root.dataset.searchIndex, parts, Number(root.dataset.pages || 0), stopWords, pack);
    const collections = JSON.parse(root.dataset.collections || "[]");
    setupResultsPage(root, index, root.dataset.base, collections);
  }
}

if (typeof document !== "undefined") start();
