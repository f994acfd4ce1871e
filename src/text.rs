//! Words for people: a count with its noun in the singular or the plural ("1 party", "3 parties"),
//! so that no message says "party(ies)" or "violation(s)".

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

/// `s` safe to print in a message: control characters (ESC, NUL, a line break inside a cell) shown
/// escaped as `\u{1b}` rather than sent to the terminal, and cut after `max` characters with `…`,
/// so a cell or a file's first line can be quoted without forging lines or colours.
pub fn escaped(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{count, escaped};

    #[test]
    fn control_characters_are_shown_escaped_and_long_text_is_cut() {
        assert_eq!(escaped("a\u{1b}[31mb\nc\0", 100), "a\\u{1b}[31mb\\nc\\u{0}");
        assert_eq!(escaped("Müller", 3), "Mül…");
        assert_eq!(escaped("Müller", 6), "Müller");
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
