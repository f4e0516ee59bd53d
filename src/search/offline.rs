//! The search files of an offline build (`kennisbank build --offline`). Browsers refuse
//! `fetch()` of a local file, but run a script file beside the page; so each file of the
//! export (`search/p/3.bin`) is also written as a script (`search/p/3.bin.js`) that registers
//! its content under its name in `window.__kb_search`: JSON as it is, binary parts as base64.
//! `search.js` loads those scripts when the page comes from `file:`, and the files themselves
//! otherwise, so the same folder searches the same way from a web server.
//!
//! The page paths in the export name their file (`guides/x/index.html`), since a link to a
//! folder shows the folder, not the page, from `file:`.

use super::SearchModel;
use super::export::{Export, export as export_files};
use crate::output::{Data, OutputFile};

/// The global the scripts register their data in, read by `search.js`.
pub const REGISTRY: &str = "__kb_search";

/// The search files of an offline build: [`export_files`] with page paths that name their
/// file, each file also as a script.
pub fn export(model: &mut SearchModel, collections: &[String]) -> Export {
    let folders: Vec<bool> = model
        .pages
        .iter()
        .map(|p| p.path.is_empty() || p.path.ends_with('/'))
        .collect();
    for (page, &folder) in model.pages.iter_mut().zip(&folders) {
        if folder {
            page.path.push_str("index.html");
        }
    }
    let mut exported = export_files(model, collections, false);
    for (page, &folder) in model.pages.iter_mut().zip(&folders) {
        if folder {
            page.path.truncate(page.path.len() - "index.html".len());
        }
    }
    let scripts: Vec<OutputFile> = exported.files.iter().filter_map(script_of).collect();
    exported.files.extend(scripts);
    exported
}

/// A search file as a script that registers its content.
fn script_of(f: &OutputFile) -> Option<OutputFile> {
    let name = f.path.strip_prefix("search/")?;
    let Data::Bytes(bytes) = &f.data else {
        return None;
    };
    let key = serde_json::to_string(name).ok()?;
    let value = if name.ends_with(".json") {
        String::from_utf8(bytes.to_vec()).ok()?
    } else {
        format!("\"{}\"", base64(bytes))
    };
    let js = format!("(window.{REGISTRY} = window.{REGISTRY} || {{}})[{key}] = {value};\n");
    Some(OutputFile::bytes(format!("{}.js", f.path), js.into_bytes()))
}

/// Standard base64 with padding, as `atob` reads it.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_the_standard_one() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(&[0xff, 0xfe, 0x00, 0x01]), "//4AAQ==");
    }

    #[test]
    fn each_search_file_is_also_a_script_that_registers_it() {
        let json = OutputFile::bytes("search/c/0.json".into(), b"[[\"a\"]]".to_vec());
        let bin = OutputFile::bytes("search/p/1.bin".into(), vec![1, 2, 3]);
        let text = |f: OutputFile| match f.data {
            Data::Bytes(b) => (f.path, String::from_utf8(b.to_vec()).unwrap()),
            Data::Copy(_) => unreachable!(),
        };
        assert_eq!(
            text(script_of(&json).unwrap()),
            (
                "search/c/0.json.js".into(),
                "(window.__kb_search = window.__kb_search || {})[\"c/0.json\"] = [[\"a\"]];\n"
                    .into()
            )
        );
        assert_eq!(
            text(script_of(&bin).unwrap()).1,
            "(window.__kb_search = window.__kb_search || {})[\"p/1.bin\"] = \"AQID\";\n"
        );
    }
}
