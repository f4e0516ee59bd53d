//! Precompressed copies for web servers that serve them as they are (nginx `gzip_static`,
//! Apache with a rewrite rule): next to each text file of at least [`MIN_SIZE`] bytes the
//! build writes `<file>.gz` when that is clearly smaller (under 90 % of the file). Like every
//! other file, a copy whose file did not change is hard-linked from the previous build instead
//! of compressed again. Offline builds (a folder, no server) write none.

use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write as _;

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

/// The gzip copy of `bytes` (level 1: on the pages of the 10,000-page corpus level 4 takes 40 %
/// more CPU time for files 7 % smaller; see BENCHMARKS.md), or `None` when it would not be
/// clearly smaller. The header holds no time and no name, so the same input gives the same
/// bytes.
pub fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut enc = GzEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::new(1));
    enc.write_all(bytes).ok()?;
    let out = enc.finish().ok()?;
    (out.len() * 10 < bytes.len() * 9).then_some(out)
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
}
