//! Small text helpers shared by several stages: slugs and diacritic folding.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower case with diacritics removed: `Súdwest-Fryslân` → `súdwest-fryslân` → `sudwest-fryslan`.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ß' => 's',
            'ø' => 'o',
            'æ' => 'a',
            'ł' => 'l',
            'đ' => 'd',
            'ı' => 'i',
            other => other,
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_headings_become_readable_ids() {
        assert_eq!(slugify("Súdwest-Fryslân"), "sudwest-fryslan");
        assert_eq!(
            slugify("Kampen: omgekeerd interveniëren"),
            "kampen-omgekeerd-intervenieren"
        );
        assert_eq!(slugify("Wat leren de 3D's?"), "wat-leren-de-3ds");
        assert_eq!(slugify("  --  "), "");
    }

    #[test]
    fn fold_removes_accents_and_case() {
        assert_eq!(fold("SÚDWEST vóór"), "sudwest voor");
    }
}
