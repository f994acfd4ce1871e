//! PNG: the SVG drawing rasterised with resvg, within limits on its size known before it is drawn.
//! Owns the rasteriser, its limits and the PNG encoding; must not lay out or draw anything itself.
//!
//! Memory while rasterising is bounded by the limits: the pixels are at most [`MAX_PNG_PIXELS`]
//! × 4 bytes (256 MB), encoded row by row into the file's bytes (no second copy), plus the parsed
//! drawing (usvg reads at most a million nodes).

use super::ExportError;
use super::{Background, ExportOptions};

/// The widest and tallest PNG this app renders, in pixels.
pub const MAX_PNG_SIDE: u32 = 16_384;

/// The most pixels a PNG this app renders has: 64 megapixels (8192 × 8192), 256 MB while drawn.
/// Ample for a slide or a poster; beyond it the picture is refused with the scale that fits.
pub const MAX_PNG_PIXELS: u64 = 1 << 26;

/// The largest `--scale` at which a picture of `width` × `height` pixels (at `scale`) fits in
/// [`MAX_PNG_SIDE`] and [`MAX_PNG_PIXELS`], rounded down to two significant digits, for a message.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FittingScale(pub f32);

impl FittingScale {
    pub(super) fn of(width: f32, height: f32, scale: f32) -> Self {
        let (width, height) = (width.max(1.0), height.max(1.0));
        let by_side = MAX_PNG_SIDE as f32 / width.max(height);
        // A little under the area, so that rounding each side up cannot cross it.
        let by_area = (0.99 * MAX_PNG_PIXELS as f32 / (width * height)).sqrt();
        let fit = scale * by_side.min(by_area);
        let unit = 10f32.powf(fit.log10().floor() - 1.0);
        FittingScale((fit / unit).floor() * unit)
    }
}

/// Page units per text unit in a PNG at `scale`: below scale 1 the header and the findings list are
/// drawn at their size at scale 1 (a 26-pixel title, 13-pixel list), whatever the drawing's scale,
/// so a whole large channel still has a readable title, legend and list.
pub(crate) fn text_zoom(scale: f32) -> f32 {
    (1.0 / scale).max(1.0)
}

/// How a PNG's page grows with its scale, known before anything is placed: a drawing that scales,
/// and a header and list drawn at no less than their size at scale 1 (see [`text_zoom`]). The
/// text part is the most it can be at any scale below the one asked (the list wrapped at the
/// narrowest page), so the scale [`Sizing::fitting`] finds draws the first time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Sizing {
    /// The drawing's most width (with its margins) and height, in page units.
    pub drawing: (f32, f32),
    /// The header's least width and the most height of the header, gaps and list, in text units.
    pub text: (f32, f32),
}

impl Sizing {
    /// The picture's most width and height in pixels at `scale` (a unit more on each side for the
    /// rounding of the page's size).
    pub(crate) fn pixels(&self, scale: f32) -> (f32, f32) {
        let text = scale * text_zoom(scale);
        (
            (scale * (self.drawing.0 + 1.0))
                .max(text * (self.text.0 + 1.0))
                .ceil(),
            (scale * (self.drawing.1 + 1.0) + text * (self.text.1 + 1.0)).ceil(),
        )
    }

    /// Whether the picture at `scale` is within the limits.
    fn fits(&self, scale: f32) -> bool {
        let (w, h) = self.pixels(scale);
        within(w, h)
    }

    /// The largest scale, in two significant digits, at which the picture is within the limits;
    /// `None` when even the header and list alone are not (every finding of thousands listed).
    /// The pixels only grow with the scale, so it is found by halving the interval.
    pub(crate) fn fitting(&self) -> Option<FittingScale> {
        if !self.fits(1e-4) {
            return None;
        }
        let (mut fits, mut too_large) = (1e-4f32, 16.0f32);
        if self.fits(too_large) {
            return Some(FittingScale(too_large));
        }
        for _ in 0..40 {
            let mid = (fits + too_large) / 2.0;
            if self.fits(mid) {
                fits = mid;
            } else {
                too_large = mid;
            }
        }
        // Rounded down to two digits, as the message writes it and the command line reads it
        // back, and lowered a digit at a time should the rounding have crossed the limit.
        let unit = 10f32.powf(fits.log10().floor() - 1.0);
        let mut steps = (fits / unit).floor();
        loop {
            let scale = FittingScale(steps * unit);
            let read_back: f32 = scale.to_string().parse().unwrap_or(scale.0);
            if self.fits(read_back) || steps <= 1.0 {
                return Some(FittingScale(read_back));
            }
            steps -= 1.0;
        }
    }
}

/// Whether a picture of `w` × `h` pixels is within [`MAX_PNG_SIDE`] and [`MAX_PNG_PIXELS`].
fn within(w: f32, h: f32) -> bool {
    w <= MAX_PNG_SIDE as f32 && h <= MAX_PNG_SIDE as f32 && w * h <= MAX_PNG_PIXELS as f32
}

impl std::fmt::Display for FittingScale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Two significant digits, without float noise (0.11, not 0.10999999).
        let digits = (1.0 - self.0.log10().floor()).max(0.0) as usize;
        write!(f, "{:.*}", digits, self.0)
    }
}

/// A scale the rasteriser accepts: above 0, at most 16.
pub(super) fn check_scale(scale: f32) -> Result<(), ExportError> {
    if scale > 0.0 && scale <= 16.0 {
        Ok(())
    } else {
        Err(ExportError::BadScale(scale))
    }
}

/// Refuses a page of `width` × `height` (SVG units) that at `scale` exceeds the PNG limits,
/// naming the scale that fits.
pub(super) fn fits(width: f32, height: f32, scale: f32) -> Result<(), ExportError> {
    let (w, h) = ((width * scale).ceil(), (height * scale).ceil());
    if !within(w, h) {
        return Err(ExportError::TooLarge(
            w.min(u32::MAX as f32) as u32,
            h.min(u32::MAX as f32) as u32,
            FittingScale::of(w, h, scale),
        ));
    }
    Ok(())
}

/// The SVG as usvg reads it, with the fonts and fallback chain it was measured with
/// (crate::fonts), so labels keep the room the layout gave them.
fn parse(svg: &str) -> Result<resvg::usvg::Tree, ExportError> {
    use resvg::usvg;
    let opt = crate::fonts::Fonts::shared().usvg_options();
    usvg::Tree::from_str(svg, &opt).map_err(|e| match e {
        // usvg reads at most a million elements and XML nodes (for safety; not configurable).
        usvg::Error::ElementsLimitReached
        | usvg::Error::ParsingFailed(usvg::roxmltree::Error::NodesLimitReached) => {
            ExportError::TooManyShapes
        }
        e => ExportError::Render(e.to_string()),
    })
}

/// The SVG with every text turned into outlines of the glyphs the PNG draws (`--text-as-paths`):
/// a slide that looks the same in any renderer, with or without the fonts.
pub(super) fn outlined(svg: &str) -> Result<String, ExportError> {
    let tree = parse(svg)?;
    Ok(tree.to_string(&resvg::usvg::WriteOptions {
        // Tenths of a unit, as the drawing is written; eight digits would double the file.
        coordinates_precision: 2,
        indent: resvg::usvg::Indent::None,
        ..Default::default()
    }))
}

/// Rasterises an SVG with resvg at `options.scale`.
pub(super) fn render(svg: &str, options: &ExportOptions) -> Result<Vec<u8>, ExportError> {
    use resvg::tiny_skia;
    let scale = options.scale;
    check_scale(scale)?;
    let tree = parse(svg)?;
    let size = tree.size();
    fits(size.width(), size.height(), scale)?;
    let (w, h) = (
        (size.width() * scale).ceil() as u32,
        (size.height() * scale).ceil() as u32,
    );
    let mut pixmap = tiny_skia::Pixmap::new(w, h)
        .ok_or_else(|| ExportError::Render(format!("no memory for {w}×{h} pixels")))?;
    if options.background == Background::White {
        pixmap.fill(tiny_skia::Color::WHITE);
    }
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    drop(tree);
    encode(&pixmap).map_err(|e| ExportError::Render(e.to_string()))
}

/// The pixels as PNG bytes, a row at a time (tiny-skia's own encoder copies the whole picture to
/// undo the premultiplied alpha first: 256 MB more at the limit).
fn encode(pixmap: &resvg::tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    use std::io::Write as _;
    let (w, h) = (pixmap.width(), pixmap.height());
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    {
        let mut writer = encoder.write_header()?;
        let mut stream = writer.stream_writer()?;
        let mut row = Vec::with_capacity(w as usize * 4);
        for pixels in pixmap.pixels().chunks(w as usize) {
            row.clear();
            for p in pixels {
                let c = p.demultiply();
                row.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
            }
            stream.write_all(&row)?;
        }
        stream.finish()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The size message names a scale that fits, in two digits; the area counts as well as the
    /// sides.
    #[test]
    fn a_too_large_png_names_the_scale_that_fits() {
        let fit = FittingScale::of(156_192.0, 284_738.0, 1.0);
        assert!(284_738.0 * fit.0 <= MAX_PNG_SIDE as f32, "{fit}");
        assert!(
            (156_192.0 * fit.0).ceil() * (284_738.0 * fit.0).ceil() <= MAX_PNG_PIXELS as f32,
            "{fit}"
        );
        assert_eq!(fit.to_string(), "0.038");
        // A wide strip: the side limits it.
        assert_eq!(FittingScale::of(40_000.0, 900.0, 2.0).to_string(), "0.81");
        let err = ExportError::TooLarge(156_192, 284_738, fit).to_string();
        assert!(err.contains("--scale 0.038"), "{err}");
        for (w, h) in [
            (20_000.0, 20_000.0),
            (8_319.0, 16_286.0),
            (1_000.0, 70_000.0),
        ] {
            let fit = FittingScale::of(w, h, 1.0);
            assert!(fits(w, h, fit.0).is_ok(), "{w}×{h} at {fit}");
            assert!(
                fits(w, h, fit.0 * 1.1).is_err(),
                "{w}×{h} at {fit} is close"
            );
        }
    }

    /// A drawing beyond the rasteriser's million nodes gets a message saying what to do, not the
    /// XML parser's words.
    #[test]
    fn a_png_of_too_many_shapes_says_so() {
        let mut svg =
            String::from(r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">"#);
        svg.push_str(&"<g/>".repeat(1_000_001));
        svg.push_str("</svg>");
        let err = render(&svg, &ExportOptions::default()).unwrap_err();
        assert!(matches!(err, ExportError::TooManyShapes), "{err}");
        assert!(err.to_string().contains("export SVG instead"), "{err}");
    }

    /// The PNG written row by row decodes to the pixels drawn, transparency included.
    #[test]
    fn the_encoded_png_has_the_drawn_pixels() {
        use resvg::tiny_skia;
        let mut pixmap = tiny_skia::Pixmap::new(3, 2).unwrap();
        pixmap.fill(tiny_skia::Color::from_rgba8(200, 100, 50, 128));
        let bytes = encode(&pixmap).unwrap();
        let back = tiny_skia::Pixmap::decode_png(&bytes).unwrap();
        assert_eq!((back.width(), back.height()), (3, 2));
        assert_eq!(back.data(), pixmap.data());
    }
}
