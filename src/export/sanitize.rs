//! Owns: cleaning and escaping every text that leaves the app, one function per target syntax.
//! Must not: decide what a format writes (each exporter does); no exporter escapes on its own.
//!
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
    Xml(text).to_string()
}

/// [`xml`] written straight into a document (`write!(out, "{}", Xml(name))`): what a large
/// diagram writes hundreds of thousands of times, without a `String` made and freed for each.
/// The runs of characters kept as they are go out in one piece each.
#[derive(Clone, Copy, Debug)]
pub struct Xml<'a>(pub &'a str);

impl std::fmt::Display for Xml<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Byte by byte: every character written other than as it is starts with an ASCII byte or
        // one of two lead bytes (which never occur inside another character), so each run kept is
        // whole characters, and plain text is scanned without decoding it.
        let text = self.0;
        let bytes = text.as_bytes();
        let (mut kept, mut at) = (0, 0);
        while at < bytes.len() {
            let (replacement, len) = match bytes[at] {
                b'&' => ("&amp;", 1),
                b'<' => ("&lt;", 1),
                b'>' => ("&gt;", 1),
                b'"' => ("&quot;", 1),
                b'\'' => ("&apos;", 1),
                b'\t' => ("&#9;", 1),
                b'\n' => ("&#10;", 1),
                b'\r' => ("&#13;", 1),
                // What `clean` makes of the other controls: a space, or nothing.
                0x0B | 0x0C => (" ", 1),
                0x00..=0x1F | 0x7F => ("", 1),
                // The C1 controls, U+0080 to U+009F: C2 80 to C2 9F.
                0xC2 if matches!(bytes.get(at + 1), Some(0x80..=0x9F)) => ("", 2),
                // U+FFFE and U+FFFF: EF BF BE and EF BF BF.
                0xEF if bytes.get(at + 1) == Some(&0xBF)
                    && matches!(bytes.get(at + 2), Some(0xBE | 0xBF)) =>
                {
                    ("", 3)
                }
                _ => {
                    at += 1;
                    continue;
                }
            };
            f.write_str(&text[kept..at])?;
            f.write_str(replacement)?;
            at += len;
            kept = at;
        }
        f.write_str(&text[kept..])
    }
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

/// Text for one line of Markdown (a heading, a list item) that reads as the text it is: cleaned,
/// with tabs and line breaks as spaces so a name cannot end the heading or the item it sits in;
/// every character Markdown reads as inline syntax anywhere in a line (`*`, `_`, `[`, `]`, `` ` ``,
/// `#`, `|`, `~`, `\`) escaped with a backslash (with no `[` a name cannot start a link, so its
/// brackets and dots stay as written); and `<`, `>` and `&` as HTML entities, so a name like `<script>` is never raw HTML
/// in a renderer that passes HTML through.
pub fn markdown_line(text: &str) -> Cow<'_, str> {
    let text = clean(text);
    let special = |c: char| {
        matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '#'
                | '|'
                | '~'
                | '<'
                | '>'
                | '&'
                | '\t'
                | '\n'
                | '\r'
        )
    };
    if !text.contains(special) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if special(c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Text as a Markdown code span: fenced with one more backtick than the longest run inside it (and
/// padded when it starts or ends with one), so an id holding backticks cannot close it early.
pub fn markdown_code(text: &str) -> String {
    let text = clean(text).replace(['\t', '\n', '\r'], " ");
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A CSV cell that a spreadsheet shows as text, never runs: cleaned, and a cell starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return (what Excel, LibreOffice and Google Sheets start a
/// formula with) gets a leading `'`, the spreadsheet convention for "this is text" (OWASP's advice
/// against CSV injection). The csv writer adds the quoting.
///
/// A reader that splits on another separator than the file's (German Excel opening a
/// comma-separated file splits on `;`) starts a cell after each `;`, `,` or tab inside this one,
/// where the writer's quoting does not protect: a `'` goes before a formula character there too
/// (`x;=1+1` becomes `x;'=1+1`).
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    let text = clean(text);
    let formula = |s: &str| {
        s.trim_start_matches(' ')
            .starts_with(['=', '+', '-', '@', '\t', '\r'])
    };
    let inner = text
        .match_indices([';', ',', '\t'])
        .any(|(at, sep)| formula(&text[at + sep.len()..]));
    if !inner && !text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 4);
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        out.push('\'');
    }
    let mut rest = text.as_ref();
    while let Some(at) = rest.find([';', ',', '\t']) {
        let sep = rest[at..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&rest[..at + sep]);
        rest = &rest[at + sep..];
        let spaces = rest.len() - rest.trim_start_matches(' ').len();
        out.push_str(&rest[..spaces]);
        rest = &rest[spaces..];
        if rest.starts_with(['=', '+', '-', '@', '\r']) {
            out.push('\'');
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The separator Excel expects in a CSV file for a locale (`de_DE.UTF-8`, `fr-FR`, `en`): the
/// locale's list separator, `;` where the decimal separator is a comma (most of continental Europe,
/// Latin America, Russia, Turkey, Indonesia), `,` elsewhere (English, Japanese, Chinese, Korean, …).
pub fn excel_separator(locale: &str) -> u8 {
    let language = locale
        .split(['_', '-', '.', '@'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    const SEMICOLON: &[&str] = &[
        "de", "fr", "es", "it", "nl", "pt", "ru", "pl", "cs", "sk", "da", "sv", "nb", "nn", "no",
        "fi", "tr", "el", "hu", "ro", "bg", "hr", "sl", "sr", "uk", "lt", "lv", "et", "id", "vi",
        "is", "ca", "eu", "gl", "be", "kk", "az",
    ];
    if SEMICOLON.contains(&language.as_str()) {
        b';'
    } else {
        b','
    }
}

/// The user's locale as the environment says it (`LC_ALL`, `LC_NUMERIC`, then `LANG`), for the
/// separator of a CSV file for Excel; `None` when none is set (or only `C`/`POSIX`).
pub fn environment_locale() -> Option<String> {
    ["LC_ALL", "LC_NUMERIC", "LANG"]
        .into_iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|v| !v.is_empty() && v != "C" && v != "POSIX" && !v.starts_with("C."))
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

    /// The escaper written into a document writes what the cleaning and escaping one by one
    /// would: every awkward character, and text with nothing to escape.
    #[test]
    fn xml_written_in_place_is_the_cleaned_text_escaped() {
        let by_steps = |text: &str| {
            clean(text)
                .chars()
                .map(|c| match c {
                    '&' => "&amp;".to_owned(),
                    '<' => "&lt;".to_owned(),
                    '>' => "&gt;".to_owned(),
                    '"' => "&quot;".to_owned(),
                    '\'' => "&apos;".to_owned(),
                    '\t' => "&#9;".to_owned(),
                    '\n' => "&#10;".to_owned(),
                    '\r' => "&#13;".to_owned(),
                    c => c.to_string(),
                })
                .collect::<String>()
        };
        for text in [
            awkward_name(),
            String::new(),
            "Contoso Ltd".to_owned(),
            "a\u{0B}b\u{0C}c\u{0}d&".to_owned(),
            "\u{85}x\u{FFFF}".to_owned(),
            // Their neighbours are kept: a no-break space, U+FFFD, a character ending in BF BE.
            "\u{A0}\u{FFFD}\u{FFBE}\u{EFFF}\u{7FE}é".to_owned(),
        ] {
            assert_eq!(Xml(&text).to_string(), by_steps(&text), "{text:?}");
        }
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

    /// A reader splitting on `;` (or `,`) starts a cell after each separator inside a cell; none of
    /// those may start with a formula character either.
    #[test]
    fn cells_a_semicolon_splitting_reader_would_start_with_a_formula_become_text() {
        assert_eq!(csv_cell("x;=1+1;"), "x;'=1+1;");
        assert_eq!(csv_cell("a; +1, -2\t@SUM(A1)"), "a; '+1, '-2\t'@SUM(A1)");
        assert_eq!(csv_cell("=a;=b"), "'=a;'=b");
        assert_eq!(
            csv_cell("Contoso; Fabrikam, Adatum"),
            "Contoso; Fabrikam, Adatum"
        );
        for cell in ["x;=1+1;", "p,@x", "n;  -3"] {
            let guarded = csv_cell(cell);
            for piece in guarded.split([';', ',']) {
                assert!(
                    !piece.trim_start().starts_with(['=', '+', '-', '@']),
                    "{cell:?} → {guarded:?}: {piece:?}"
                );
            }
        }
    }

    #[test]
    fn markdown_lines_escape_html_and_markdown_syntax() {
        let line = markdown_line("<script>alert(1)</script> *bold* [x](y) `c` #1 a&b");
        assert!(!line.contains('<') && !line.contains('>'), "{line}");
        assert!(
            line.starts_with("&lt;script&gt;alert(1)&lt;/script&gt; \\*bold\\*"),
            "{line}"
        );
        assert!(line.contains("\\[x\\](y) \\`c\\` \\#1 a&amp;b"), "{line}");
        assert!(matches!(markdown_line("Contoso GmbH"), Cow::Borrowed(_)));
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`x"), "`` `x ``");
        assert_eq!(markdown_code("plain"), "`plain`");
    }

    #[test]
    fn excel_separators_follow_the_locale() {
        assert_eq!(excel_separator("de_DE.UTF-8"), b';');
        assert_eq!(excel_separator("fr-FR"), b';');
        assert_eq!(excel_separator("pt_BR"), b';');
        assert_eq!(excel_separator("en_US.UTF-8"), b',');
        assert_eq!(excel_separator("ja_JP"), b',');
    }
}
