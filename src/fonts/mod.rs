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
//!
//! This file owns the chain and the measuring memo; `shape.rs` shapes a line run by run, `fit.rs`
//! cuts and wraps to a width, `system.rs` picks system faces, `render.rs` hands the chain to resvg
//! and egui. Must not draw: the canvas and the exports do, with what this measures.

mod fit;
mod render;
mod shape;
mod system;

use resvg::usvg::fontdb::{self, Database};
use shape::{Face, joins_previous};
use std::sync::{Arc, Mutex, OnceLock};
use system::system_fallbacks;

/// Bold for exports and canvas labels: DejaVu Sans Bold, subset (see `assets/fonts/LICENSE-DejaVu.txt`).
pub const BUNDLED_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold-subset.ttf");
/// The scripts egui's Ubuntu Light lacks (Arabic, Hebrew, symbols): DejaVu Sans, subset.
pub const BUNDLED_SCRIPTS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-scripts.ttf");

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

    /// The font database (every face of the chain).
    pub fn database(&self) -> Arc<Database> {
        self.db.clone()
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
