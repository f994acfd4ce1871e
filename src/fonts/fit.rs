//! Text cut or wrapped to a width: an ellipsis where it does not fit, lines broken at spaces. Must
//! not measure by itself: every width comes from `Fonts::width`, so what fits is what is drawn.

use super::{Fonts, TextStyle};

impl Fonts {
    /// `text` cut to fit `max_width`, ending in "…" when cut.
    pub fn ellipsize(&self, text: &str, style: TextStyle, max_width: f32) -> String {
        if self.width(text, style) <= max_width {
            return text.to_owned();
        }
        let chars: Vec<char> = text.chars().collect();
        // The longest prefix that fits with the ellipsis (binary search on the prefix length).
        let (mut lo, mut hi) = (0usize, chars.len());
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            let candidate: String = chars[..mid]
                .iter()
                .collect::<String>()
                .trim_end()
                .to_owned()
                + "…";
            if self.width(&candidate, style) <= max_width {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        chars[..lo].iter().collect::<String>().trim_end().to_owned() + "…"
    }

    /// `text` broken at spaces into lines no wider than `max_width`, at most `max_lines` of them
    /// (the last ellipsised when the text does not fit). A word wider than a line is ellipsised.
    pub fn wrap(
        &self,
        text: &str,
        style: TextStyle,
        max_width: f32,
        max_lines: usize,
    ) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        let mut line_width = 0.0;
        let space = self.width(" ", style);
        let words: Vec<&str> = text.split_whitespace().collect();
        for (i, word) in words.iter().enumerate() {
            // Each word is shaped once and widths are summed; only a line that comes within a
            // pixel of the limit is shaped whole (kerning across a space), so long texts wrap in
            // linear time.
            let word_width = self.width(word, style);
            let candidate = if line.is_empty() {
                (*word).to_owned()
            } else {
                format!("{line} {word}")
            };
            let estimate = line_width + space + word_width;
            let fits = estimate <= max_width - 1.0
                || (estimate <= max_width + 1.0 && self.width(&candidate, style) <= max_width);
            if line.is_empty() || fits {
                line_width = if line.is_empty() {
                    word_width
                } else {
                    estimate
                };
                line = candidate;
                continue;
            }
            lines.push(std::mem::take(&mut line));
            if lines.len() == max_lines {
                let rest = std::iter::once(lines.pop().unwrap_or_default())
                    .chain(words[i..].iter().map(|w| (*w).to_owned()))
                    .collect::<Vec<_>>()
                    .join(" ");
                lines.push(self.ellipsize(&rest, style, max_width));
                return lines;
            }
            line = (*word).to_owned();
            line_width = word_width;
        }
        if !line.is_empty() {
            lines.push(line);
        }
        if lines.len() > max_lines {
            let rest = lines.split_off(max_lines - 1).join(" ");
            lines.push(rest);
        }
        lines
            .into_iter()
            .map(|l| self.ellipsize(&l, style, max_width))
            .collect()
    }
}
