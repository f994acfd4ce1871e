//! The one sanitiser for every text that leaves the app.
//!
//! Names, titles and descriptions come from users and from spreadsheets, so they may hold anything: a
//! vertical tab pasted from a PDF imports without complaint, but XML 1.0 forbids it, and a single one
//! makes an SVG, a GraphML or a draw.io file unreadable (and the PNG export, which parses the SVG,
//! fails). A name like `=HYPERLINK("…")` is a formula to Excel. Every exporter therefore passes each
//! text through [`clean`] and then through the escaper of its format here, so the rules live in one
//! place and one test ([`tests`] below, and `tests/export/` for every format) holds them.
//!
//! What survives: every printable character, including emoji and right-to-left text, tabs and line
//! breaks. What goes: the control characters (C0 other than tab, line feed and carriage return,
//! DEL, and C1), which no name needs and XML forbids or discourages, and the two noncharacters
//! U+FFFE and U+FFFF, which XML forbids. A vertical tab or form feed, which separate words where they
//! occur, becomes a space; the others are dropped.

use std::borrow::Cow;

/// Whether `c` is kept as it is by [`clean`].
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || !(c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}')
}

/// The text without the characters XML forbids or that are invisible controls (see the module
/// documentation). Borrowed when there is nothing to remove, which is almost always.
pub fn clean(text: &str) -> Cow<'_, str> {
    if text.chars().all(allowed) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .filter_map(|c| match c {
                '\u{0B}' | '\u{0C}' => Some(' '),
                c if allowed(c) => Some(c),
                _ => None,
            })
            .collect(),
    )
}

/// Cleaned and escaped for XML, both as element text and as an attribute value (SVG, GraphML, GEXF,
/// draw.io). Tabs and line breaks become character references, so a parser's attribute
/// normalisation (which turns them into spaces) does not lose them.
pub fn xml(text: &str) -> String {
    let text = clean(text);
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// An XML name token (`xs:NMTOKEN`, what GraphML requires of a graph id) made from any text: letters,
/// digits, `-`, `_` and `.` are kept, runs of anything else become one `_`. Never empty.
pub fn name_token(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in clean(text).chars() {
        if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_');
    if trimmed.is_empty() {
        "graph".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// A Graphviz DOT string literal, quotes included: cleaned, with `"` and `\` escaped and line breaks
/// as DOT's centred-line escape `\n` (so no DOT escape sequence can be smuggled in by a name).
pub fn dot_string(text: &str) -> String {
    let text = clean(text);
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Mermaid label (inside quotes): cleaned, on one line, with the characters Mermaid reads as syntax
/// written as its `#code;` entities (`#` first, so a name cannot spell an entity itself).
pub fn mermaid(text: &str) -> String {
    let text = clean(text);
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '|' => out.push_str("#124;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text for one line of Markdown (a heading, a list item): cleaned, with tabs and line breaks as
/// spaces so a name cannot end the heading or the item it sits in.
pub fn markdown_line(text: &str) -> Cow<'_, str> {
    let text = clean(text);
    if text.contains(['\t', '\n', '\r']) {
        Cow::Owned(text.replace(['\t', '\n', '\r'], " "))
    } else {
        text
    }
}

/// A CSV cell that a spreadsheet shows as text, never runs: cleaned, and a cell starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return (what Excel, LibreOffice and Google Sheets start a
/// formula with) gets a leading `'`, the spreadsheet convention for "this is text" (OWASP's advice
/// against CSV injection). The csv writer adds the quoting.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    let text = clean(text);
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        text
    }
}

/// The UTF-8 byte order mark, which Excel on Windows needs to read a CSV file as UTF-8 rather than as
/// the machine's legacy code page (which garbles every non-ASCII name).
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A name holding every awkward character: each C0 control, DEL, C1 controls, the two XML
    /// noncharacters, markup and quote characters, a backslash, an emoji with a joiner, and
    /// right-to-left text with a bidi control.
    pub(crate) fn awkward_name() -> String {
        let mut name = String::from("=A&B <C> \"D\" 'E' \\ |F| #G ");
        name.extend((0u32..0x20).filter_map(char::from_u32));
        name.push('\u{7F}');
        name.push('\u{85}');
        name.push('\u{9F}');
        name.push('\u{FFFE}');
        name.push('\u{FFFF}');
        name.push_str(" 👩‍💻 שלום عربي \u{202E}x");
        name
    }

    #[test]
    fn clean_drops_what_xml_forbids_and_keeps_the_rest() {
        let cleaned = clean(&awkward_name()).into_owned();
        for c in cleaned.chars() {
            assert!(
                matches!(c, '\t' | '\n' | '\r') || !c.is_control(),
                "{c:?} survived"
            );
            assert!(c != '\u{FFFE}' && c != '\u{FFFF}');
        }
        for kept in [
            "=A&B <C> \"D\" 'E' \\",
            "👩‍💻",
            "שלום عربي",
            "\u{202E}x",
            "\t\n",
        ] {
            assert!(cleaned.contains(kept), "{kept:?} lost from {cleaned:?}");
        }
        assert_eq!(clean("a\u{0B}b\u{0C}c\u{0}d"), "a b cd");
        assert!(matches!(clean("plain Contoso"), Cow::Borrowed(_)));
    }

    #[test]
    fn xml_text_parses_back_to_the_cleaned_text() {
        let name = awkward_name();
        let doc = format!("<r a=\"{0}\">{0}</r>", xml(&name));
        let parsed = roxmltree::Document::parse(&doc).expect("well-formed");
        let root = parsed.root_element();
        assert_eq!(root.attribute("a"), Some(clean(&name).as_ref()));
        assert_eq!(root.text(), Some(clean(&name).as_ref()));
    }

    #[test]
    fn name_tokens_are_valid_and_never_empty() {
        assert_eq!(name_token("Sample 7: \"forbidden\""), "Sample_7_forbidden");
        assert_eq!(name_token("\u{0B}<>"), "graph");
        assert_eq!(name_token("Zürich-1.a"), "Zürich-1.a");
    }

    #[test]
    fn dot_strings_escape_quotes_backslashes_and_breaks() {
        assert_eq!(dot_string("a\"b\\c\nd\r\ne\u{0B}f"), r#""a\"b\\c\nd\ne f""#);
    }

    #[test]
    fn mermaid_labels_cannot_break_out_of_their_quotes() {
        let label = mermaid(&awkward_name());
        assert!(!label.contains(['"', '|', '<', '>', '\n']));
        assert!(label.starts_with("=A&B #lt;C#gt; #quot;D#quot;"));
        assert!(label.contains("#35;G"));
    }

    #[test]
    fn csv_cells_that_would_be_formulas_become_text() {
        for formula in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"] {
            let cell = csv_cell(formula);
            assert!(cell.starts_with('\''), "{formula:?} became {cell:?}");
        }
        assert_eq!(csv_cell("Contoso = good"), "Contoso = good");
        assert_eq!(csv_cell("\u{0B}=x"), " =x");
    }
}
