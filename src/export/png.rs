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
    render_over(svg, options, None)
}

/// Rasterises an SVG with resvg at `options.scale` over `hairlines` (a slide's thin links, left
/// out of the SVG, drawn on the background first: they are under everything else).
pub(super) fn render_over(
    svg: &str,
    options: &ExportOptions,
    hairlines: Option<&Hairlines>,
) -> Result<Vec<u8>, ExportError> {
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
    if let Some(hairlines) = hairlines {
        hairlines.draw(&mut pixmap);
    }
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    drop(tree);
    encode(&pixmap).map_err(|e| ExportError::Render(e.to_string()))
}

/// The thin links of a whole channel on a slide, drawn straight into the pixels rather than
/// through usvg and tiny-skia: on a 100,000-party slide its 250,000 solid links under a pixel wide
/// were nine tenths of an 18-second PNG, as usvg stroked each link's curve at full size once to
/// bound it and tiny-skia drew it as a hairline, one pipeline run per pixel it touches. Here each
/// link's pixels are blended as tiny-skia blends a hairline's (see [`Hairlines::draw`]), so the
/// picture is the one it drew, dashes included (each dash its own short line).
#[derive(Debug, Default)]
pub(crate) struct Hairlines {
    /// Drawing units to slide pixels: the zoom and offset of the slide's `drawing` group.
    zoom: f32,
    offset: (f32, f32),
    /// The links in the order they are drawn.
    links: Vec<Hairline>,
}

/// One thin link: its curve in drawing units and the premultiplied colour its stroke lays.
#[derive(Clone, Copy, Debug)]
struct Hairline {
    start: (f32, f32),
    control: (f32, f32),
    end: (f32, f32),
    ink: [u8; 4],
    /// Its dashes (ink, gap) in drawing units; `None` for a solid line.
    dash: Option<(f32, f32)>,
}

impl Hairlines {
    /// No links yet, for a drawing shown at `zoom` slide pixels per unit, shifted by `offset`.
    pub(crate) fn new(zoom: f32, offset: (f32, f32)) -> Self {
        Hairlines {
            zoom,
            offset,
            links: Vec::new(),
        }
    }

    /// The premultiplied colour a stroke of `color` (`#rrggbb`) and `width` units, dashed
    /// `dash` (ink, gap) if any, lays on the slide, when it is under a pixel wide and its dashes
    /// repeat within a tenth of a pixel; `None` otherwise (drawn as a stroke by tiny-skia, whose
    /// fixed-point hairline lays dashes of a fraction of a pixel unlike this). tiny-skia draws
    /// such a stroke as a hairline of its width's opacity, kept to 256ths, in 8-bit
    /// premultiplied colour (`tiny_skia::painter::treat_as_hairline`).
    pub(crate) fn ink(&self, color: &str, width: f32, dash: Option<(f32, f32)>) -> Option<[u8; 4]> {
        let coverage = width * self.zoom;
        if coverage >= 1.0 || dash.is_some_and(|(on, off)| (on + off) * self.zoom >= 0.1) {
            return None;
        }
        let alpha = (255 * (coverage * 256.0) as i32) >> 8;
        let premultiplied = |c: u8| (f32::from(c) * alpha as f32 / 255.0 + 0.5) as u8;
        let [r, g, b] = rgb(color);
        Some([
            premultiplied(r),
            premultiplied(g),
            premultiplied(b),
            alpha as u8,
        ])
    }

    /// Adds a link from `start` through `control` to `end` (drawing units), of `ink` (from
    /// [`Hairlines::ink`]), dashed `dash` (ink, gap; drawing units) if any.
    pub(crate) fn add(
        &mut self,
        ink: [u8; 4],
        dash: Option<(f32, f32)>,
        (start, control, end): ((f32, f32), (f32, f32), (f32, f32)),
    ) {
        self.links.push(Hairline {
            start,
            control,
            end,
            ink,
            dash: dash.filter(|(on, off)| *on > 0.0 && *off > 0.0),
        });
    }

    /// Draws the links onto `pixmap` in the order added, each a line a pixel wide along its
    /// curve (within a fifth of a pixel of it), its coverage in each pixel blended as tiny-skia's
    /// 8-bit pipeline blends it (`scale_u8` then `source_over`, with its rounding): a link of a
    /// 100,000-party channel is about a 255th of its colour, and a bundle of hundreds darkens
    /// as it did.
    pub(crate) fn draw(&self, pixmap: &mut resvg::tiny_skia::Pixmap) {
        let (w, h) = (pixmap.width() as usize, pixmap.height() as usize);
        let pixels = pixmap.pixels_mut();
        for link in &self.links {
            let at =
                |(x, y): (f32, f32)| (x * self.zoom + self.offset.0, y * self.zoom + self.offset.1);
            let (a, c, b) = (at(link.start), at(link.control), at(link.end));
            let bulge = ((a.0 - 2.0 * c.0 + b.0).hypot(a.1 - 2.0 * c.1 + b.1)) / 4.0;
            let pieces = ((bulge / 0.2).sqrt().ceil() as usize).clamp(1, 64);
            let mut from = a;
            // Where in its dash pattern the link is, in drawing units.
            let mut phase = 0.0f32;
            for i in 1..=pieces {
                let t = i as f32 / pieces as f32;
                let u = 1.0 - t;
                let to = (
                    u * u * a.0 + 2.0 * u * t * c.0 + t * t * b.0,
                    u * u * a.1 + 2.0 * u * t * c.1 + t * t * b.1,
                );
                let mut touch = |p: (f32, f32), q: (f32, f32)| {
                    line(p, q, (w, h), |i, coverage| {
                        blend(&mut pixels[i], link.ink, coverage)
                    });
                };
                match link.dash {
                    None => touch(from, to),
                    Some((on, off)) => {
                        // Each dash its own mark, as tiny-skia dashes the path before drawing
                        // it: a dash far under a pixel still darkens a pixel's 8 bits. A dash
                        // repeats within a tenth of a pixel here (`Hairlines::ink`), so each is
                        // laid in the row or column its middle is in, by its length along it
                        // (a line per dash was two fifths of a 100,000-party slide).
                        let length = (to.0 - from.0).hypot(to.1 - from.1) / self.zoom;
                        let (du, dv) = ((to.0 - from.0) / length, (to.1 - from.1) / length);
                        let steep = dv.abs() > du.abs();
                        let along = if steep { dv.abs() } else { du.abs() };
                        let mut done = 0.0f32;
                        while done < length {
                            let inked = phase < on;
                            let until = if inked { on } else { on + off };
                            let step = (until - phase).min(length - done).max(1e-3);
                            if inked {
                                let middle = done + step / 2.0;
                                let (x, y) = (from.0 + du * middle, from.1 + dv * middle);
                                dot((x, y), step * along, steep, (w, h), |i, coverage| {
                                    blend(&mut pixels[i], link.ink, coverage)
                                });
                            }
                            done += step;
                            phase += step;
                            if phase >= on + off {
                                phase -= on + off;
                            }
                        }
                    }
                }
                from = to;
            }
        }
    }
}

/// Calls `touch` with the index and coverage (of 255) of the two pixels nearest `(x, y)` across
/// the longer axis of a line (`steep`: the vertical one), covered `part` of a pixel along it: a
/// piece of a hairline within one row or column, as [`line`] lays each.
fn dot(
    (x, y): (f32, f32),
    part: f32,
    steep: bool,
    (w, h): (usize, usize),
    mut touch: impl FnMut(usize, u8),
) {
    let (u, v, long, across) = if steep { (y, x, h, w) } else { (x, y, w, h) };
    if u < 0.0 || u >= long as f32 {
        return;
    }
    let v = v - 0.5;
    let below = floor(v);
    let share = v - below;
    for (k, weight) in [(below, 1.0 - share), (below + 1.0, share)] {
        let coverage = (255.0 * part * weight) as u8;
        if k < 0.0 || k >= across as f32 || coverage == 0 {
            continue;
        }
        let (u, k) = (u as usize, k as usize);
        touch(if steep { u * w + k } else { k * w + u }, coverage);
    }
}

/// `v.floor()`, the same value for every `v`, without a call: the build's baseline x86-64 has no
/// rounding instruction, so `f32::floor` is a call into the maths library, and [`dot`] takes one
/// per dash of every link (7% of a 100,000-party slide PNG, perf). Below 2^23 a float's whole
/// part is exact as an `i32`; from there on every float is whole (or infinite, or NaN) and
/// `floor` keeps it.
#[inline]
fn floor(v: f32) -> f32 {
    if v.abs() < 8_388_608.0 {
        let whole = v as i32 as f32;
        // (`copysign`: -0.0 stays -0.0, as `floor` keeps it.)
        if whole > v {
            whole - 1.0
        } else {
            whole.copysign(v)
        }
    } else {
        v.floor()
    }
}

/// tiny-skia's 8-bit division by 255 (`lowp::div255`): rounds up what it should round.
fn div255(v: u16) -> u16 {
    (v + 255) >> 8
}

/// `ink` at `coverage` (of 255) over the pixel, as tiny-skia's 8-bit pipeline lays it.
fn blend(pixel: &mut resvg::tiny_skia::PremultipliedColorU8, ink: [u8; 4], coverage: u8) {
    let [r, g, b, a] = ink.map(|v| div255(u16::from(v) * u16::from(coverage)));
    let keep = 255 - a;
    let over = |src: u16, dst: u8| (src + div255(u16::from(dst) * keep)).min(255) as u8;
    let alpha = over(a, pixel.alpha());
    let mixed = resvg::tiny_skia::PremultipliedColorU8::from_rgba(
        over(r, pixel.red()).min(alpha),
        over(g, pixel.green()).min(alpha),
        over(b, pixel.blue()).min(alpha),
        alpha,
    );
    if let Some(mixed) = mixed {
        *pixel = mixed;
    }
}

/// `#rrggbb` as its three bytes (black for anything else: the colours are the app's own).
fn rgb(color: &str) -> [u8; 3] {
    let byte = |i: usize| {
        color
            .get(1 + 2 * i..3 + 2 * i)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    [byte(0), byte(1), byte(2)]
}

/// Calls `touch` with the index and coverage (of 255) of each pixel of a `w` × `h` picture that
/// the line from `a` to `b` (pixels) covers, as an antialiased hairline does: along its longer
/// axis every pixel row or column it spans is covered once, split between the two pixels
/// nearest the line, the end ones by the part of them it reaches.
fn line(a: (f32, f32), b: (f32, f32), (w, h): (usize, usize), mut touch: impl FnMut(usize, u8)) {
    let steep = (b.1 - a.1).abs() > (b.0 - a.0).abs();
    // Along the longer axis `u`, across it `v`.
    let (mut a, mut b) = if steep {
        ((a.1, a.0), (b.1, b.0))
    } else {
        (a, b)
    };
    if a.0 > b.0 {
        std::mem::swap(&mut a, &mut b);
    }
    let long = if steep { h } else { w };
    let slope = if b.0 > a.0 {
        (b.1 - a.1) / (b.0 - a.0)
    } else {
        0.0
    };
    let first = a.0.floor().max(0.0) as usize;
    let last = (b.0.ceil().max(0.0) as usize).min(long);
    for u in first..last {
        let (left, right) = (u as f32, u as f32 + 1.0);
        let (from, to) = (a.0.max(left), b.0.min(right));
        if to <= from {
            continue;
        }
        let middle = (from + to) / 2.0;
        let v = a.1 + slope * (middle - a.0);
        let at = if steep { (v, middle) } else { (middle, v) };
        dot(at, to - from, steep, (w, h), &mut touch);
    }
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

    /// The hairlines' `floor` is `f32::floor` bit for bit: around every whole number a slide's
    /// pixels reach and beyond, for both signs, at the edges of its fast path, and for the
    /// values that are not numbers.
    #[test]
    fn the_hairlines_floor_is_the_maths_librarys() {
        let mut values = vec![
            0.0,
            -0.0,
            f32::MIN_POSITIVE,
            -f32::MIN_POSITIVE,
            8_388_607.5,
            -8_388_607.5,
            8_388_608.0,
            -8_388_608.0,
            16_777_217.0,
            f32::MAX,
            f32::MIN,
            f32::INFINITY,
            f32::NEG_INFINITY,
        ];
        for whole in -5_000..5_000 {
            let w = whole as f32;
            values.extend([w, w + 0.5, w.next_up(), w.next_down(), w * 997.0 + 0.25]);
        }
        for v in values {
            assert_eq!(floor(v).to_bits(), v.floor().to_bits(), "floor({v:e})");
        }
        assert!(floor(f32::NAN).is_nan());
    }

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

    /// Thin links drawn by [`Hairlines`] lay the ink tiny-skia lays drawing them from the SVG,
    /// where it lays it: one link, a bundle of five hundred and dashed ones, at the zoom of a
    /// 100,000-party slide and at larger ones up to where a slide draws arrows (the total ink of solid links within 3% and of
    /// dashed ones within 15%, its centre within a third of a pixel).
    #[test]
    fn hairlines_lay_the_ink_tiny_skia_lays() {
        use resvg::tiny_skia::{Color, Pixmap};
        // Its ink (darkness summed) and the ink's centre.
        let ink = |p: &Pixmap| {
            let (mut sum, mut x, mut y) = (0.0, 0.0, 0.0);
            for (i, c) in p.pixels().iter().enumerate() {
                let v = 255.0 - f64::from(c.green());
                sum += v;
                x += v * (i % p.width() as usize) as f64;
                y += v * (i / p.width() as usize) as f64;
            }
            (sum, x / sum.max(1.0), y / sum.max(1.0))
        };
        for zoom in [0.0055f32, 0.012, 0.025, 0.05, 0.07] {
            for (dash, copies) in [
                (None, 1),
                (None, 500),
                (Some((3u8, 4u8)), 20),
                (Some((2, 6)), 20),
            ] {
                let dasharray = dash.map_or(String::new(), |(on, off)| {
                    format!(r#" stroke-dasharray="{on} {off}""#)
                });
                let mut svg = format!(
                    r##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400"><g transform="matrix({zoom} 0 0 {zoom} 10.5 10)"><g fill="none" stroke="#4a5a6a" stroke-width="2"{dasharray}>"##
                );
                let mut hairlines = Hairlines::new(zoom, (10.5, 10.0));
                let dash_units = dash.map(|(on, off)| (f32::from(on), f32::from(off)));
                let Some(link_ink) = hairlines.ink("#4a5a6a", 2.0, dash_units) else {
                    assert!(dash.is_some() && zoom > 0.012, "zoom {zoom}: under a pixel");
                    continue;
                };
                for k in 0..copies {
                    let k = (k * 7) as f32;
                    svg.push_str(&format!(r#"<path d="M{k},0 q300,500 800,1200"/>"#));
                    hairlines.add(
                        link_ink,
                        dash_units,
                        ((k, 0.0), (300.0 + k, 500.0), (800.0 + k, 1200.0)),
                    );
                }
                svg.push_str("</g></g></svg>");
                let drawn =
                    Pixmap::decode_png(&render(&svg, &ExportOptions::default()).unwrap()).unwrap();
                let mut ours = Pixmap::new(400, 400).unwrap();
                ours.fill(Color::WHITE);
                hairlines.draw(&mut ours);
                let (theirs, ours) = (ink(&drawn), ink(&ours));
                let at = format!("zoom {zoom}, dash {dash:?}, {copies}: {theirs:?} {ours:?}");
                if theirs.0 == 0.0 {
                    // Dashes whose 8-bit ink rounds away entirely, in both.
                    assert!(dash.is_some() && ours.0 == 0.0, "{at}");
                    continue;
                }
                // Dashes far under a pixel are where its fixed-point hairline and this differ.
                let within = if dash.is_some() { 0.15 } else { 0.03 };
                assert!((ours.0 / theirs.0 - 1.0).abs() < within, "{at}");
                assert!(
                    (ours.1 - theirs.1).abs() < 0.35 && (ours.2 - theirs.2).abs() < 0.35,
                    "{at}"
                );
            }
        }
        assert_eq!(
            Hairlines::new(0.5, (0.0, 0.0)).ink("#4a5a6a", 2.0, None),
            None,
            "a pixel wide"
        );
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
