// Range requests (RFC 9110, 14) for the test and benchmark servers, as nginx answers them: one
// range as 206 with Content-Range, several as 206 multipart/byteranges, an unsatisfiable one
// as 416, no Range header as 200. Only the ranges asked for are read from the file.
import { closeSync, openSync, readSync, readFileSync, statSync } from "node:fs";

/** The ranges of a `Range` header as [first, last] (inclusive), or null for a malformed one. */
export function parseRange(header, size) {
  const m = /^bytes=(.+)$/.exec(header || "");
  if (!m) return null;
  const ranges = [];
  for (const spec of m[1].split(",")) {
    const r = /^\s*(\d*)-(\d*)\s*$/.exec(spec);
    if (!r || (r[1] === "" && r[2] === "")) return null;
    let first, last;
    if (r[1] === "") [first, last] = [Math.max(0, size - Number(r[2])), size - 1];
    else [first, last] = [Number(r[1]), r[2] === "" ? size - 1 : Math.min(Number(r[2]), size - 1)];
    if (first <= last && first < size) ranges.push([first, last]);
  }
  return ranges;
}

/** The bytes `first` to `last` (inclusive) of an open file. */
function readRange(fd, first, last) {
  const out = Buffer.alloc(last - first + 1);
  readSync(fd, out, 0, out.length, first);
  return out;
}

/** Answer a GET for `file`, honouring its Range header; `headers` go on every answer. */
export function sendRanged(req, res, file, headers) {
  const size = statSync(file).size;
  const ranges = req.headers.range ? parseRange(req.headers.range, size) : null;
  if (ranges === null) {
    res.writeHead(200, { ...headers, "Accept-Ranges": "bytes", "Content-Length": size }).end(readFileSync(file));
    return;
  }
  if (ranges.length === 0) {
    res.writeHead(416, { ...headers, "Content-Range": `bytes */${size}` }).end();
    return;
  }
  const fd = openSync(file, "r");
  try {
    if (ranges.length === 1) {
      const [first, last] = ranges[0];
      res.writeHead(206, { ...headers, "Content-Range": `bytes ${first}-${last}/${size}`, "Content-Length": last - first + 1 });
      res.end(readRange(fd, first, last));
      return;
    }
    const boundary = "00000000000000000001";
    const type = headers["Content-Type"] || "application/octet-stream";
    const chunks = [];
    for (const [first, last] of ranges) {
      chunks.push(Buffer.from(`\r\n--${boundary}\r\nContent-Type: ${type}\r\nContent-Range: bytes ${first}-${last}/${size}\r\n\r\n`));
      chunks.push(readRange(fd, first, last));
    }
    chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`));
    const all = Buffer.concat(chunks);
    res.writeHead(206, { ...headers, "Content-Type": `multipart/byteranges; boundary=${boundary}`, "Content-Length": all.length });
    res.end(all);
  } finally {
    closeSync(fd);
  }
}
