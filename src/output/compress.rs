//! Precompressed copies for web servers that serve them as they are (nginx `gzip_static`,
//! Apache with a rewrite rule): next to each text file of at least [`MIN_SIZE`] bytes the
//! build writes `<file>.gz` when that is clearly smaller (under 90 % of the file). Like every
//! other file, a copy whose file did not change is hard-linked from the previous build instead
//! of compressed again. Offline builds (a folder, no server) write none.

use flate2::{Compress, Compression, Crc, FlushCompress, Status};
use std::cell::RefCell;

/// Smaller files gain nothing worth a second file.
pub const MIN_SIZE: usize = 1024;

/// The extensions of the files that get a `.gz` copy: text, and the search index's parts.
const TEXT: [&str; 10] = [
    "html", "css", "js", "json", "xml", "svg", "txt", "csv", "bin", "map",
];

/// Whether a file of the site gets a compressed copy (before knowing whether it pays).
pub fn wanted(path: &str, size: usize) -> bool {
    size >= MIN_SIZE
        && path
            .rsplit_once('.')
            .is_some_and(|(_, ext)| TEXT.contains(&ext))
}

/// The gzip header: no name, no time (so the same input gives the same bytes), `xfl` 4 (fastest
/// level; 0 for [`Effort::Search`]), operating system unknown.
const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 0xff];

/// How hard to compress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    /// Level 1, for pages and assets: on the pages of the 10,000-page corpus level 4 takes 40 %
    /// more CPU time for files 7 % smaller (BENCHMARKS.md).
    Fast,
    /// Level 2, for the search index's parts and lists, which a query fetches as they are: on
    /// the parts of the 10,000-page corpus 20 % smaller than level 1 (zlib-rs's level 1 is its
    /// quick strategy) for 0.1 s more CPU time; level 6 is another 4 % smaller for 0.12 s more.
    Search,
}

thread_local! {
    /// One compressor per thread and effort, reset between files: setting one up clears a few
    /// hundred KB of tables, which at 12,000 files cost more than compressing them.
    static FAST: RefCell<Compress> = RefCell::new(Compress::new(Compression::new(1), false));
    static SEARCH: RefCell<Compress> = RefCell::new(Compress::new(Compression::new(2), false));
}

/// The gzip copy of `bytes` (level 1, [`Effort::Fast`]), or `None` when it would not be
/// clearly smaller.
pub fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let gz = gzip_member(bytes, Effort::Fast)?;
    pays(gz.len(), bytes.len()).then_some(gz)
}

/// Whether a gzip copy of `compressed` bytes is worth writing next to a file of `original`.
pub fn pays(compressed: usize, original: usize) -> bool {
    compressed * 10 < original * 9
}

/// `bytes` as one gzip member, whatever its size (the search pack holds one per file).
pub fn gzip_member(bytes: &[u8], effort: Effort) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() / 3 + 64);
    out.extend_from_slice(&HEADER);
    let compressor = match effort {
        Effort::Fast => &FAST,
        Effort::Search => {
            out[8] = 0;
            &SEARCH
        }
    };
    compressor.with_borrow_mut(|deflate| deflate_all(deflate, bytes, &mut out))?;
    let mut crc = Crc::new();
    crc.update(bytes);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    Some(out)
}

/// Deflate all of `bytes` onto the end of `out` with a fresh stream: the input first, then the
/// end of the stream (as flate2's `GzEncoder` does, so the copies stay byte for byte the same).
fn deflate_all(deflate: &mut Compress, bytes: &[u8], out: &mut Vec<u8>) -> Option<()> {
    deflate.reset();
    while (deflate.total_in() as usize) < bytes.len() {
        make_room(out);
        let read = deflate.total_in() as usize;
        deflate
            .compress_vec(&bytes[read..], out, FlushCompress::None)
            .ok()?;
    }
    loop {
        make_room(out);
        if deflate.compress_vec(&[], out, FlushCompress::Finish).ok()? == Status::StreamEnd {
            return Some(());
        }
    }
}

/// `compress_vec` writes only into spare capacity.
fn make_room(out: &mut Vec<u8>) {
    if out.capacity() - out.len() < 1024 {
        out.reserve(out.capacity().max(4096));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    #[test]
    fn text_files_above_the_minimum_get_a_copy_that_unpacks_to_them() {
        assert!(wanted("guides/x/index.html", 5000));
        assert!(wanted("search/p/3.bin", 5000));
        assert!(!wanted("guides/x/index.html", 100));
        assert!(!wanted("kaart.png", 50_000));
        assert!(!wanted("LICENSE", 50_000));
        let html = "<p>Een gemeente die decentraliseert, leert.</p>\n".repeat(100);
        let gz = gzip(html.as_bytes()).unwrap();
        assert!(gz.len() < html.len() / 5);
        assert_eq!(gzip(html.as_bytes()).unwrap(), gz, "deterministic");
        let mut back = String::new();
        flate2::read::GzDecoder::new(gz.as_slice())
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, html);
        // random bytes do not shrink: no copy
        let mut x: u32 = 2_463_534_242;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        assert!(gzip(&noise).is_none());
    }

    #[test]
    fn the_reused_compressor_writes_what_a_fresh_gzip_encoder_writes() {
        use std::io::Write as _;
        // several files in a row on one thread: each must be a whole, fresh stream
        for n in [50, 2000, 40_000, 300] {
            let text = format!("<p>Kampen, Borne en Breda: les {n}.</p>\n").repeat(n);
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), Compression::new(1));
            enc.write_all(text.as_bytes()).unwrap();
            assert_eq!(gzip(text.as_bytes()).unwrap(), enc.finish().unwrap(), "{n}");
        }
    }
}
