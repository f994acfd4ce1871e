//! Words for people: a count with its noun in the singular or the plural ("1 party", "3 parties"),
//! so that no message says "party(ies)" or "violation(s)"; and text from outside (a cell, a file's
//! name) made safe to quote. Must not import the rest of the crate: the model uses it.

/// `n` followed by `one` when `n` is 1 and by `many` otherwise ("0 notes", "1 note", "2 notes").
/// Both forms are given, as English plurals are not all made with an -s ("party", "parties").
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// What a check found, counted by severity: "1 violation, 2 warnings, 0 notes".
pub fn severities(violations: usize, warnings: usize, notes: usize) -> String {
    format!(
        "{}, {}, {}",
        count(violations, "violation", "violations"),
        count(warnings, "warning", "warnings"),
        count(notes, "note", "notes")
    )
}

/// "column" or "columns", for a list of column names that follows.
pub fn columns(n: usize) -> &'static str {
    if n == 1 { "column" } else { "columns" }
}

/// A count with its thousands separated by commas ("1,000,000"), as the README writes numbers.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// `s` safe to print in a message: control characters (ESC, NUL, a line break inside a cell or a
/// file's name), line separators and the invisible bidi controls that reorder what follows shown
/// escaped as `\u{1b}` rather than sent to the terminal, and cut after `max` characters with `…`,
/// so a cell or a file's first line can be quoted without forging lines or colours.
pub fn escaped(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if hides(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a character changes what a terminal or a reader shows instead of being shown.
fn hides(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// A file's path as messages show it: [`escaped`] whole (a newline in a file name cannot start a
/// line of its own), and bytes that are not UTF-8 as `�` (the file is still read by its own name).
pub fn path(path: &std::path::Path) -> String {
    escaped(&path.to_string_lossy(), usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::{count, escaped};

    #[test]
    fn control_characters_are_shown_escaped_and_long_text_is_cut() {
        assert_eq!(escaped("a\u{1b}[31mb\nc\0", 100), "a\\u{1b}[31mb\\nc\\u{0}");
        assert_eq!(escaped("Müller", 3), "Mül…");
        assert_eq!(escaped("Müller", 6), "Müller");
        assert_eq!(escaped("\u{202e}evil", 100), "\\u{202e}evil");
        assert_eq!(super::thousands(300_000_000), "300,000,000");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1_000), "1,000");
        assert_eq!(
            super::path(std::path::Path::new("dir/a\nerror: forged.ron")),
            "dir/a\\nerror: forged.ron"
        );
    }

    #[test]
    fn one_takes_the_singular_and_every_other_count_the_plural() {
        assert_eq!(count(0, "party", "parties"), "0 parties");
        assert_eq!(count(1, "party", "parties"), "1 party");
        assert_eq!(count(2, "quick fix", "quick fixes"), "2 quick fixes");
        assert_eq!(count(21, "note", "notes"), "21 notes");
        assert_eq!(
            super::severities(1, 0, 2),
            "1 violation, 0 warnings, 2 notes"
        );
        assert_eq!(super::columns(1), "column");
        assert_eq!(super::columns(3), "columns");
    }
}
