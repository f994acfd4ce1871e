//! Shaping one line of text along the fallback chain: which face draws each character (as resvg
//! picks them), and the advance of each run. Must not cache whole texts: `Fonts::measure` does.

use super::{Extent, Fonts, TextStyle};
use resvg::usvg::fontdb::ID;
use std::sync::{Arc, Mutex};

/// One face of the chain, parsed once.
pub(super) struct Face {
    pub(super) id: ID,
    pub(super) face: rustybuzz::Face<'static>,
    pub(super) data: &'static [u8],
    pub(super) index: u32,
    /// A name for egui's font table and for messages.
    pub(super) name: String,
    /// Drawn with outlines (egui cannot draw colour-bitmap emoji fonts).
    pub(super) outlines: bool,
    /// Found on the system rather than bundled.
    pub(super) system: bool,
    /// Shaping plans made so far, by the text properties they were made for (see [`shape_width`]).
    pub(super) plans: Mutex<Vec<(PlanKey, Arc<rustybuzz::ShapePlan>)>>,
}

/// What a shaping plan depends on besides the face: direction, script and language.
type PlanKey = (
    rustybuzz::Direction,
    Option<rustybuzz::Script>,
    Option<rustybuzz::Language>,
);

impl Face {
    pub(super) fn covers(&self, c: char) -> bool {
        self.face.glyph_index(c).is_some()
    }
}

/// Characters that belong to the character before them (combining marks, joiners, variation
/// selectors, skin tones): they are shaped with that character's face.
pub(super) fn joins_previous(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED
        | 0x200C | 0x200D | 0xFE00..=0xFE0F | 0x1F3FB..=0x1F3FF | 0xE0020..=0xE007F)
}

impl Fonts {
    /// The most height [`Fonts::measure`] can give a line of text at `size`, whatever its
    /// characters: the highest ascent and the deepest descent of any face of the chain. Sizes a
    /// list of texts not yet known (a PNG refused before the rules are checked).
    pub fn tallest(&self, size: f32) -> f32 {
        let (mut ascent, mut descent) = (0.0f32, 0.0f32);
        for face in &self.faces {
            let m = metrics(face, size);
            ascent = ascent.max(m.ascent);
            descent = descent.max(m.descent);
        }
        ascent + descent
    }

    /// [`Fonts::measure`] without the memo.
    pub(super) fn shape_extent(&self, text: &str, style: TextStyle) -> Extent {
        let base = &self.faces[if style.bold { self.bold } else { self.regular }];
        let mut extent = metrics(base, style.size);
        let chars: Vec<char> = text.chars().collect();
        // Each character's face: the first of the chain that has it. Marks stay with their base;
        // a space or punctuation inside a right-to-left phrase of one fallback face stays in that
        // face (as resvg's shaping does, so an Arabic phrase is one run of the Arabic face).
        // As resvg does: the base face first; then, for the first character still missing, the
        // first unused face of the chain that has it, which takes every missing character it has.
        let mut chosen: Vec<Option<&Face>> = chars
            .iter()
            .map(|c| base.covers(*c).then_some(base))
            .collect();
        let mut used: Vec<&Face> = vec![base];
        while let Some(i) = chosen.iter().position(Option::is_none) {
            let c = chars[i];
            let fallback = self
                .chain(style.bold)
                .find(|f| !used.iter().any(|u| std::ptr::eq(*u, *f)) && f.covers(c));
            match fallback {
                Some(f) => {
                    used.push(f);
                    for (j, slot) in chosen.iter_mut().enumerate() {
                        if slot.is_none() && f.covers(chars[j]) {
                            *slot = Some(f);
                        }
                    }
                }
                None => chosen[i] = Some(base),
            }
        }
        let mut faces: Vec<&Face> = chosen.into_iter().map(|f| f.unwrap_or(base)).collect();
        for i in 0..chars.len() {
            let c = chars[i];
            if i > 0 && joins_previous(c) {
                faces[i] = faces[i - 1];
            } else if i > 0 && (c.is_whitespace() || c.is_ascii_punctuation()) {
                let prev = faces[i - 1];
                let next = chars[i + 1..]
                    .iter()
                    .position(|n| !(n.is_whitespace() || n.is_ascii_punctuation()))
                    .map(|j| faces[i + 1 + j]);
                // resvg shapes a right-to-left phrase as one bidi run, spaces included.
                let rtl = |c: char| matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFEFF);
                if next.is_some_and(|n| std::ptr::eq(n, prev))
                    && prev.covers(c)
                    && rtl(chars[i - 1])
                {
                    faces[i] = prev;
                }
            }
        }
        let mut width = 0.0;
        let mut start = 0;
        let mut byte = 0;
        let mut run_start_byte = 0;
        for i in 0..=chars.len() {
            if i == chars.len() || (i > start && !std::ptr::eq(faces[i], faces[start])) {
                if i > start {
                    width += shape_width(faces[start], &text[run_start_byte..byte], style.size);
                    let m = metrics(faces[start], style.size);
                    extent.ascent = extent.ascent.max(m.ascent);
                    extent.descent = extent.descent.max(m.descent);
                }
                start = i;
                run_start_byte = byte;
            }
            if i < chars.len() {
                byte += chars[i].len_utf8();
            }
        }
        extent.width = width;
        extent
    }
}

fn metrics(face: &Face, size: f32) -> Extent {
    let scale = size / face.face.units_per_em() as f32;
    Extent {
        width: 0.0,
        ascent: face.face.ascender() as f32 * scale,
        descent: -(face.face.descender() as f32) * scale,
    }
}

fn shape_width(face: &Face, text: &str, size: f32) -> f32 {
    if text.is_empty() {
        return 0.0;
    }
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    // Making a plan costs more than shaping a short label with it: a plan is made once per face
    // and (direction, script, language), and kept (what `rustybuzz::shape` would remake each time).
    // (The buffer reports "no script guessed" as `UNKNOWN`, which guessing never picks.)
    let script = Some(buffer.script()).filter(|s| *s != rustybuzz::script::UNKNOWN);
    let key = (buffer.direction(), script, buffer.language());
    let plan = {
        let mut plans = face.plans.lock().unwrap_or_else(|e| e.into_inner());
        match plans.iter().find(|(k, _)| *k == key) {
            Some((_, plan)) => Arc::clone(plan),
            None => {
                let plan = Arc::new(rustybuzz::ShapePlan::new(
                    &face.face,
                    key.0,
                    key.1,
                    key.2.as_ref(),
                    &[],
                ));
                plans.push((key, Arc::clone(&plan)));
                plan
            }
        }
    };
    let glyphs = rustybuzz::shape_with_plan(&face.face, &plan, buffer);
    let advance: i32 = glyphs.glyph_positions().iter().map(|p| p.x_advance).sum();
    advance as f32 * size / face.face.units_per_em() as f32
}
