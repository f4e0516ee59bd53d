//! Small text helpers shared by every stage: slugs, diacritic folding, escaping, and the checks
//! of slugs and site paths.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower case with diacritics removed, the one fold of the whole program: slugs, sorting and
/// search (and `fold()` in `themes/default/static/search.js`, which must stay identical).
/// `Súdwest-Fryslân` → `sudwest-fryslan`; letters that are two letters in Dutch spelling become
/// those two: `ß` → `ss`, `æ` → `ae`, `œ` → `oe`, `ĳ` → `ij`.
pub fn fold(text: &str) -> String {
    // Most words are plain ASCII: no decomposition, no marks, no special letters.
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for c in text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
    {
        match c {
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ĳ' => out.push_str("ij"),
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'đ' => out.push('d'),
            'ı' => out.push('i'),
            c => out.push(c),
        }
    }
    out
}

/// The segments of `rel` resolved against the folder `dir` (both `/`-separated): `.` and empty
/// segments dropped, `..` taking one back; `None` when `..` climbs above the root of `dir`.
/// `resolve_segments("guides/x", "../y/./z.png")` → `["guides", "y", "z.png"]`.
pub fn resolve_segments<'a>(dir: &'a str, rel: &'a str) -> Option<Vec<&'a str>> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts)
}

/// A readable, URL-safe id: folded, ASCII letters and digits, words joined by `-`.
/// `Súdwest-Fryslân en de Expeditie` → `sudwest-fryslan-en-de-expeditie`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in fold(text).chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c);
        } else if c == '\'' || c == '’' {
            // "3D's" → "3ds": an apostrophe joins, it does not split.
        } else {
            pending_dash = true;
        }
    }
    out
}

/// Normalise a text to Unicode NFC, the form all content is compared in.
pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// Escape text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A slug: 1–120 characters of a-z, 0-9, `-` and `_`, not starting with `-` or `_`.
pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 120
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !s.starts_with(['-', '_'])
}

const WINDOWS_RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A relative site path that stays inside the output folder and that every file system can hold.
pub fn check_site_path(path: &str) -> Result<(), String> {
    if path.starts_with('/') || path.starts_with('\\') || path.contains(':') {
        return Err("absolute paths are not allowed; write a path relative to the site".into());
    }
    for seg in path.split(['/', '\\']) {
        if seg == ".." || seg == "." {
            return Err("the path would leave the output folder (`..` or `.` segments)".into());
        }
        if seg
            .chars()
            .any(|c| c.is_control() || "<>:\"|?*".contains(c))
        {
            return Err(format!(
                "`{seg}` contains a character that Windows cannot hold in a name (<>:\"|?* or a control character)"
            ));
        }
        let stem = seg.split('.').next().unwrap_or(seg).to_ascii_lowercase();
        if WINDOWS_RESERVED.contains(&stem.as_str()) || seg.ends_with('.') || seg.ends_with(' ') {
            return Err(format!("`{seg}` is a name Windows cannot hold"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_fold_for_dutch_frisian_and_borrowed_letters() {
        assert_eq!(fold("Súdwest-Fryslân"), "sudwest-fryslan");
        assert_eq!(fold("Ĳsselmonde"), "ijsselmonde");
        assert_eq!(fold("ĳs"), "ijs");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Cæsar"), "caesar");
        assert_eq!(fold("Œuvre"), "oeuvre");
        // Frisian: â, ê, ô, û, ú.
        assert_eq!(
            fold("Wâldwei Fean Hôf Ûtein Skúrren"),
            "waldwei fean hof utein skurren"
        );
        assert_eq!(
            slugify("Ĳsselmonde en de Ælmere-Straße"),
            "ijsselmonde-en-de-aelmere-strasse"
        );
    }

    #[test]
    fn site_paths_cannot_escape_or_break_windows() {
        assert!(check_site_path("oud/pad/").is_ok());
        assert!(check_site_path("../../etc").is_err());
        assert!(check_site_path("/etc/passwd").is_err());
        assert!(check_site_path("a/con/b").is_err());
        assert!(check_site_path("a?b").is_err());
    }

    #[test]
    fn dutch_headings_become_readable_ids() {
        assert_eq!(slugify("Súdwest-Fryslân"), "sudwest-fryslan");
        assert_eq!(
            slugify("Zwolle: omgekeerd interveniëren"),
            "zwolle-omgekeerd-intervenieren"
        );
        assert_eq!(slugify("Wat leren de 3D's?"), "wat-leren-de-3ds");
        assert_eq!(slugify("  --  "), "");
    }

    #[test]
    fn fold_removes_accents_and_case() {
        assert_eq!(fold("SÚDWEST vóór"), "sudwest voor");
    }
}
