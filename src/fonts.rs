//! One font path for the canvas and every export: which fonts draw a text, how wide it is, and where
//! it must be wrapped or cut.
//!
//! The base faces are bundled, so Latin text is laid out the same on every machine: egui's Ubuntu
//! Light for regular text and a subset of DejaVu Sans Bold for bold (egui ships no bold, and a bold
//! asked of a light-only family came out light). Characters the base face lacks fall back, in this
//! order, to the bundled DejaVu subset (Arabic, Hebrew, symbols), then to one system face per script
//! found through `fontdb` (CJK, Thai, Devanagari, …, where the system has a font), then to egui's
//! emoji and symbol fonts. The SVG and PNG exports measure with [`Fonts::measure`] and resvg renders
//! with [`Fonts::usvg_options`], which resolves fonts by the same chain, so what was measured is what
//! is drawn; the canvas gets the same chain as egui font families ([`Fonts::egui_definitions`]).
//!
//! Text that no face covers is reported by [`Fonts::missing`] (the CLI warns about it) rather than
//! drawn as empty boxes unnoticed.

use resvg::usvg;
use resvg::usvg::fontdb::{self, Database, ID};
use std::sync::{Arc, Mutex, OnceLock};

/// Bold for exports and canvas labels: DejaVu Sans Bold, subset (see `assets/fonts/LICENSE-DejaVu.txt`).
pub const BUNDLED_BOLD: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold-subset.ttf");
/// The scripts egui's Ubuntu Light lacks (Arabic, Hebrew, symbols): DejaVu Sans, subset.
pub const BUNDLED_SCRIPTS: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-scripts.ttf");

/// The `font-family` of regular text in an SVG: the bundled face first, then what a viewer without
/// it most likely has.
pub const SVG_REGULAR: &str = "Ubuntu, DejaVu Sans, Arial, Helvetica, sans-serif";
/// The `font-family` of bold text in an SVG (with `font-weight="bold"`).
pub const SVG_BOLD: &str = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";

/// The egui font family of bold text on the canvas.
pub const EGUI_BOLD: &str = "bold";

/// Set this environment variable to `bundled` to use only the bundled fonts (reproducible output,
/// no scan of the system's font folders).
pub const FONTS_ENV: &str = "CSP_EXPLORER_FONTS";

/// A size and weight of text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextStyle {
    /// Font size in pixels (SVG user units).
    pub size: f32,
    /// Bold (the bundled DejaVu Sans Bold) or regular (Ubuntu Light).
    pub bold: bool,
}

impl TextStyle {
    /// Regular text of a size.
    pub fn regular(size: f32) -> Self {
        TextStyle { size, bold: false }
    }

    /// Bold text of a size.
    pub fn bold(size: f32) -> Self {
        TextStyle { size, bold: true }
    }
}

/// How much room a line of text takes, relative to its start on the baseline.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Extent {
    /// Advance width.
    pub width: f32,
    /// Height above the baseline (the tallest face used).
    pub ascent: f32,
    /// Depth below the baseline, positive (the deepest face used).
    pub descent: f32,
}

impl Extent {
    /// Ascent plus descent.
    pub fn height(&self) -> f32 {
        self.ascent + self.descent
    }
}

/// One face of the chain, parsed once.
struct Face {
    id: ID,
    face: rustybuzz::Face<'static>,
    data: &'static [u8],
    index: u32,
    /// A name for egui's font table and for messages.
    name: String,
    /// Drawn with outlines (egui cannot draw colour-bitmap emoji fonts).
    outlines: bool,
    /// Found on the system rather than bundled.
    system: bool,
    /// Shaping plans made so far, by the text properties they were made for (see [`shape_width`]).
    plans: Mutex<Vec<(PlanKey, Arc<rustybuzz::ShapePlan>)>>,
}

/// What a shaping plan depends on besides the face: direction, script and language.
type PlanKey = (
    rustybuzz::Direction,
    Option<rustybuzz::Script>,
    Option<rustybuzz::Language>,
);

impl Face {
    fn covers(&self, c: char) -> bool {
        self.face.glyph_index(c).is_some()
    }
}

/// The fonts, their fallback chain and a text measurer. Build once: [`Fonts::shared`].
pub struct Fonts {
    db: Arc<Database>,
    regular: usize,
    bold: usize,
    /// Every face: `regular` and `bold` first, then the fallbacks in order.
    faces: Vec<Face>,
    /// Texts measured lately, by style (see [`Fonts::measure`]).
    memo: Mutex<Memo>,
}

/// Measured texts by style (size bits, bold), then by text.
type Memo = Vec<((u32, bool), foldhash::HashMap<String, Extent>)>;

/// How many texts of one style [`Fonts::measure`] remembers before it starts over (a few
/// megabytes; the words and detail lines of a channel's labels repeat well within that).
const MEMO_TEXTS: usize = 65_536;

/// A character from every script the fallback chain looks for on the system (the first system face
/// with a glyph for it joins the chain).
const PROBES: &[(char, &str)] = &[
    ('日', "Han"),
    ('あ', "Japanese kana"),
    ('한', "Hangul"),
    ('ع', "Arabic"),
    ('א', "Hebrew"),
    ('क', "Devanagari"),
    ('ক', "Bengali"),
    ('க', "Tamil"),
    ('ก', "Thai"),
    ('ა', "Georgian"),
    ('Ա', "Armenian"),
    ('አ', "Ethiopic"),
    ('Ж', "Cyrillic"),
    ('Ω', "Greek"),
    ('😀', "emoji"),
];

/// Characters that belong to the character before them (combining marks, joiners, variation
/// selectors, skin tones): they are shaped with that character's face.
fn joins_previous(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED
        | 0x200C | 0x200D | 0xFE00..=0xFE0F | 0x1F3FB..=0x1F3FF | 0xE0020..=0xE007F)
}

impl Fonts {
    /// Only the bundled fonts: the same output on every machine (tests, CI).
    pub fn bundled() -> Self {
        Self::build(false)
    }

    /// The bundled fonts, then one system face per script the bundled ones lack.
    pub fn with_system() -> Self {
        Self::build(true)
    }

    /// The fonts of this process, built on first use: with the system's unless
    /// `CSP_EXPLORER_FONTS=bundled`.
    pub fn shared() -> &'static Fonts {
        static FONTS: OnceLock<Fonts> = OnceLock::new();
        FONTS.get_or_init(|| {
            if std::env::var(FONTS_ENV).is_ok_and(|v| v == "bundled") {
                Fonts::bundled()
            } else {
                Fonts::with_system()
            }
        })
    }

    fn build(system: bool) -> Self {
        let mut db = Database::new();
        let mut faces = Vec::new();
        let bundled: [(&str, &'static [u8]); 6] = [
            ("Ubuntu-Light", epaint_default_fonts::UBUNTU_LIGHT),
            ("csp-bold", BUNDLED_BOLD),
            ("csp-scripts", BUNDLED_SCRIPTS),
            (
                "NotoEmoji-Regular",
                epaint_default_fonts::NOTO_EMOJI_REGULAR,
            ),
            ("emoji-icon-font", epaint_default_fonts::EMOJI_ICON),
            ("Hack", epaint_default_fonts::HACK_REGULAR),
        ];
        let mut bundled_faces = Vec::new();
        for (name, data) in bundled {
            let ids = db.load_font_source(fontdb::Source::Binary(Arc::new(data)));
            if let (Some(&id), Some(face)) = (ids.first(), rustybuzz::Face::from_slice(data, 0)) {
                bundled_faces.push(Face {
                    id,
                    face,
                    data,
                    index: 0,
                    name: name.to_owned(),
                    outlines: true,
                    system: false,
                    plans: Mutex::default(),
                });
            }
        }
        // Ubuntu Light, DejaVu Bold, DejaVu scripts first; emoji, icons and Hack after the system's.
        let tail = bundled_faces.split_off(3.min(bundled_faces.len()));
        faces.extend(bundled_faces);
        if system {
            let mut sys = Database::new();
            sys.load_system_fonts();
            faces.extend(system_fallbacks(&sys, &mut db, &faces));
        }
        faces.extend(tail);
        db.set_sans_serif_family("Ubuntu");
        db.set_serif_family("Ubuntu");
        let find = |name: &str| faces.iter().position(|f| f.name == name).unwrap_or(0);
        let (regular, bold) = (find("Ubuntu-Light"), find("csp-bold"));
        Fonts {
            db: Arc::new(db),
            regular,
            bold,
            faces,
            memo: Mutex::default(),
        }
    }

    /// The base face of a style, then the rest of the chain.
    fn chain(&self, bold: bool) -> impl Iterator<Item = &Face> {
        // Regular text never falls back to the bold face (Arabic would come out bold).
        let base = if bold { self.bold } else { self.regular };
        let skip = self.bold;
        std::iter::once(&self.faces[base]).chain(
            self.faces
                .iter()
                .enumerate()
                .filter(move |(i, _)| *i != base && *i != skip)
                .map(|(_, f)| f),
        )
    }

    fn face_for(&self, c: char, bold: bool) -> Option<&Face> {
        self.chain(bold).find(|f| f.covers(c))
    }

    /// How wide and tall one line of text is, shaped (rustybuzz, as resvg does) face by face along
    /// the fallback chain. Characters no face has take the base face's missing-glyph advance.
    ///
    /// Remembered per text and style: laying out a channel's labels measures the same words, kind
    /// names and detail lines again and again (wrapping, ellipsising, then the label's box).
    pub fn measure(&self, text: &str, style: TextStyle) -> Extent {
        let key = (style.size.to_bits(), style.bold);
        let known = |memo: &Memo| {
            memo.iter()
                .find(|(k, _)| *k == key)
                .and_then(|(_, texts)| texts.get(text).copied())
        };
        if let Some(extent) = known(&self.memo.lock().unwrap_or_else(|e| e.into_inner())) {
            return extent;
        }
        let extent = self.shape_extent(text, style);
        let mut memo = self.memo.lock().unwrap_or_else(|e| e.into_inner());
        let texts = match memo.iter().position(|(k, _)| *k == key) {
            Some(i) => &mut memo[i].1,
            None => {
                memo.push((key, foldhash::HashMap::default()));
                &mut memo.last_mut().expect("just pushed").1
            }
        };
        if texts.len() >= MEMO_TEXTS {
            texts.clear();
        }
        texts.insert(text.to_owned(), extent);
        extent
    }

    /// [`Fonts::measure`] without the memo.
    fn shape_extent(&self, text: &str, style: TextStyle) -> Extent {
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

    /// The width of a line of text (see [`Fonts::measure`]).
    pub fn width(&self, text: &str, style: TextStyle) -> f32 {
        self.measure(text, style).width
    }

    /// The characters of `text` no font here can draw (shown as empty boxes), each once.
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = Vec::new();
        for c in text.chars() {
            if !c.is_whitespace()
                && !c.is_control()
                && !joins_previous(c)
                && self.face_for(c, false).is_none()
                && !out.contains(&c)
            {
                out.push(c);
            }
        }
        out
    }

    /// A warning naming the texts with characters no font here draws (they would be blank in a PNG
    /// and on the canvas), or `None` when every character has a font.
    pub fn coverage_warning<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> Option<String> {
        let mut missing: Vec<char> = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        for text in texts {
            let m = self.missing(text);
            if !m.is_empty() {
                names.push(text);
                for c in m {
                    if !missing.contains(&c) {
                        missing.push(c);
                    }
                }
            }
        }
        if missing.is_empty() {
            return None;
        }
        let shown: String = missing.iter().take(12).collect();
        let more = if missing.len() > 12 { "…" } else { "" };
        Some(format!(
            "no font on this system draws {shown}{more} (in {}); those characters are left blank. \
             Install a font for that script (on Debian: fonts-noto-cjk for Chinese, Japanese and \
             Korean, fonts-noto-core for most others) and export again.",
            names
                .iter()
                .take(3)
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }

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

    /// The font database (every face of the chain).
    pub fn database(&self) -> Arc<Database> {
        self.db.clone()
    }

    /// usvg options that draw text with these fonts and this chain: resvg renders exactly what
    /// [`Fonts::measure`] measured.
    pub fn usvg_options(&'static self) -> usvg::Options<'static> {
        usvg::Options {
            fontdb: self.database(),
            font_resolver: usvg::FontResolver {
                select_font: Box::new(move |font, _db| {
                    let bold = font.weight() >= 600;
                    Some(self.faces[if bold { self.bold } else { self.regular }].id)
                }),
                select_fallback: Box::new(move |c, used, db| {
                    let bold = used
                        .first()
                        .and_then(|id| db.face(*id))
                        .is_some_and(|f| f.weight.0 >= 600);
                    self.chain(bold)
                        .find(|f| !used.contains(&f.id) && f.covers(c))
                        .map(|f| f.id)
                }),
            },
            ..usvg::Options::default()
        }
    }

    /// egui font definitions with this chain: the proportional family is Ubuntu Light then every
    /// fallback (system faces with outlines only: egui cannot draw colour-bitmap emoji), and a
    /// [`EGUI_BOLD`] family starts with the bundled bold.
    pub fn egui_definitions(&self) -> egui::FontDefinitions {
        let mut defs = egui::FontDefinitions::default();
        let mut fallbacks = Vec::new();
        for face in &self.faces {
            if !face.outlines {
                continue;
            }
            if !defs.font_data.contains_key(&face.name) {
                let mut data = egui::FontData::from_static(face.data);
                data.index = face.index;
                defs.font_data.insert(face.name.clone(), Arc::new(data));
            }
            if face.name != "Ubuntu-Light" && face.name != "csp-bold" {
                fallbacks.push(face.name.clone());
            }
        }
        let proportional: Vec<String> = std::iter::once("Ubuntu-Light".to_owned())
            .chain(fallbacks.iter().cloned())
            .collect();
        let bold: Vec<String> = ["csp-bold".to_owned(), "Ubuntu-Light".to_owned()]
            .into_iter()
            .chain(fallbacks.iter().cloned())
            .collect();
        defs.families
            .insert(egui::FontFamily::Proportional, proportional);
        defs.families
            .insert(egui::FontFamily::Name(EGUI_BOLD.into()), bold);
        if let Some(mono) = defs.families.get_mut(&egui::FontFamily::Monospace) {
            for name in &fallbacks {
                if !mono.contains(name) {
                    mono.push(name.clone());
                }
            }
        }
        defs
    }

    /// The system faces in the chain, with the scripts they were picked for (for logs and docs).
    pub fn system_faces(&self) -> Vec<&str> {
        self.faces
            .iter()
            .filter(|f| f.system)
            .map(|f| f.name.as_str())
            .collect()
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

/// One regular, upright system face per probed script the faces so far lack, loaded into `db`.
/// Prefers sans faces of normal weight; skips monospace faces.
fn system_fallbacks(sys: &Database, db: &mut Database, have: &[Face]) -> Vec<Face> {
    let mut wanted: Vec<char> = PROBES
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| !have.iter().any(|f| f.covers(*c)))
        .collect();
    let mut candidates: Vec<&fontdb::FaceInfo> = sys
        .faces()
        .filter(|f| f.style == fontdb::Style::Normal && !f.monospaced)
        .filter(|f| (350..=500).contains(&f.weight.0))
        .collect();
    // Sans before serif, then by name, so the pick does not depend on the folder scan order.
    candidates.sort_by_key(|f| {
        let family = f
            .families
            .first()
            .map(|(n, _)| n.clone())
            .unwrap_or_default();
        (!family.contains("Sans"), family, f.index)
    });
    let mut out = Vec::new();
    for info in candidates {
        if wanted.is_empty() {
            break;
        }
        let covered: Vec<char> = sys
            .with_face_data(info.id, |data, index| {
                let face = ttf_parser_face(data, index)?;
                Some(
                    wanted
                        .iter()
                        .copied()
                        .filter(|c| face.glyph_index(*c).is_some())
                        .collect::<Vec<char>>(),
                )
            })
            .flatten()
            .unwrap_or_default();
        if covered.is_empty() {
            continue;
        }
        let path = match &info.source {
            fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => p.clone(),
            fontdb::Source::Binary(_) => continue,
        };
        // Loaded once per process and kept: the measurer, resvg and egui all read it for the
        // lifetime of the app.
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let data: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        let Some(face) = rustybuzz::Face::from_slice(data, info.index) else {
            continue;
        };
        let ids = db.load_font_source(fontdb::Source::Binary(Arc::new(data)));
        let Some(id) = ids.get(info.index as usize).or(ids.first()).copied() else {
            continue;
        };
        let tables = face.tables();
        let outlines = tables.glyf.is_some() || tables.cff.is_some() || tables.cff2.is_some();
        wanted.retain(|c| !covered.contains(c));
        out.push(Face {
            id,
            face,
            data,
            index: info.index,
            name: format!(
                "{} ({})",
                info.families
                    .first()
                    .map_or("system font", |(n, _)| n.as_str()),
                path.display()
            ),
            outlines,
            system: true,
            plans: Mutex::default(),
        });
    }
    out
}

fn ttf_parser_face(data: &[u8], index: u32) -> Option<rustybuzz::ttf_parser::Face<'_>> {
    rustybuzz::ttf_parser::Face::parse(data, index).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> &'static Fonts {
        static F: OnceLock<Fonts> = OnceLock::new();
        F.get_or_init(Fonts::bundled)
    }

    #[test]
    fn wider_text_measures_wider_and_bold_is_another_face() {
        let f = bundled();
        let short = f.width("Contoso", TextStyle::regular(15.0));
        let long = f.width("Contoso Deutschland", TextStyle::regular(15.0));
        assert!(short > 30.0 && long > short * 2.0, "{short} {long}");
        let bold = f.width("Contoso", TextStyle::bold(15.0));
        assert!(
            bold > short * 1.1,
            "bold is the wider DejaVu Bold: {bold} vs {short}"
        );
        let narrow = f.width("iiiiiiii", TextStyle::regular(15.0));
        let wide = f.width("WWWWWWWW", TextStyle::regular(15.0));
        assert!(
            wide > narrow * 2.5,
            "measured, not counted: {narrow} {wide}"
        );
        let m = f.measure("Contoso", TextStyle::regular(20.0));
        assert!(
            m.ascent > 10.0 && m.descent > 2.0 && m.height() < 30.0,
            "{m:?}"
        );
    }

    #[test]
    fn bundled_fonts_cover_arabic_hebrew_greek_cyrillic_and_emoji_but_not_cjk() {
        let f = bundled();
        assert!(f.missing("شركة القاهرة").is_empty());
        assert!(f.missing("אביב").is_empty());
        assert!(f.missing("Αθήνα Москва Müller ß").is_empty());
        assert!(f.missing("☁ 🚀").is_empty());
        assert_eq!(f.missing("東京 東"), vec!['東', '京']);
        let warning = f
            .coverage_warning(["Contoso", "東京ソフト"])
            .expect("CJK is not bundled");
        assert!(
            warning.contains("東京ソフト") && warning.contains("fonts-noto-cjk"),
            "{warning}"
        );
        assert!(!warning.contains("Contoso"), "{warning}");
        assert_eq!(f.coverage_warning(["Contoso", "شركة"]), None);
        let arabic = f.width("شركة", TextStyle::regular(15.0));
        assert!(
            arabic > 10.0,
            "Arabic is shaped with the bundled DejaVu: {arabic}"
        );
        let bold_arabic = f.width("شركة", TextStyle::bold(15.0));
        assert!(bold_arabic > 10.0);
    }

    #[test]
    fn ellipsis_and_wrap_fit_the_width() {
        let f = bundled();
        let style = TextStyle::bold(15.0);
        let name = "Contoso Deutschland Vertriebsgesellschaft mit beschränkter Haftung";
        let cut = f.ellipsize(name, style, 120.0);
        assert!(cut.ends_with('…') && f.width(&cut, style) <= 120.0, "{cut}");
        assert_eq!(f.ellipsize("Contoso", style, 120.0), "Contoso");
        let lines = f.wrap(name, style, 160.0, 2);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines.iter().all(|l| f.width(l, style) <= 160.0),
            "{lines:?}"
        );
        assert!(lines[1].ends_with('…'), "{lines:?}");
        let lines = f.wrap("Adatum Deutschland", style, 400.0, 2);
        assert_eq!(lines, vec!["Adatum Deutschland".to_owned()]);
        let lines = f.wrap(
            "Averyveryverylongwordwithoutspaces and more",
            style,
            90.0,
            3,
        );
        assert!(lines.iter().all(|l| f.width(l, style) <= 90.0), "{lines:?}");
    }

    #[test]
    fn system_fonts_only_add_to_the_bundled_chain() {
        // Whatever this machine has installed (CI has nothing), the bundled coverage and the base
        // faces stay: Latin is laid out the same everywhere.
        let system = Fonts::with_system();
        let style = TextStyle::bold(15.0);
        assert_eq!(
            system.width("Contoso", style),
            bundled().width("Contoso", style)
        );
        assert!(system.missing("شركة אביב Ωмü 🚀").is_empty());
        for name in system.system_faces() {
            assert!(!name.is_empty());
        }
    }

    #[test]
    fn egui_gets_the_chain_and_a_bold_family() {
        let defs = bundled().egui_definitions();
        let bold = &defs.families[&egui::FontFamily::Name(EGUI_BOLD.into())];
        assert_eq!(bold.first().map(String::as_str), Some("csp-bold"));
        let prop = &defs.families[&egui::FontFamily::Proportional];
        assert_eq!(prop.first().map(String::as_str), Some("Ubuntu-Light"));
        for name in ["csp-scripts", "NotoEmoji-Regular", "Hack"] {
            assert!(prop.iter().any(|n| n == name), "{name} in {prop:?}");
            assert!(defs.font_data.contains_key(name));
        }
    }
}
