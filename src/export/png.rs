//! PNG: the SVG drawing rasterised with resvg, and the size checks that refuse a picture too large
//! to render. Owns the rasteriser and its limits; must not lay out or draw anything itself.

use super::{Background, svg};
use super::{ExportError, ExportOptions, drawn_positions, in_area};
use crate::model::Scenario;

/// The widest and tallest PNG this app renders, in pixels.
pub const MAX_PNG_SIDE: u32 = 16_384;

/// The largest `--scale` at which a picture of `width` × `height` pixels (at `scale`) fits in
/// [`MAX_PNG_SIDE`], rounded down to two significant digits, for a message.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FittingScale(pub f32);

impl FittingScale {
    pub(super) fn of(width: f32, height: f32, scale: f32) -> Self {
        let fit = scale * MAX_PNG_SIDE as f32 / width.max(height).max(1.0);
        let unit = 10f32.powf(fit.log10().floor() - 1.0);
        FittingScale((fit / unit).floor() * unit)
    }
}

impl std::fmt::Display for FittingScale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Two significant digits, without float noise (0.11, not 0.10999999).
        let digits = (1.0 - self.0.log10().floor()).max(0.0) as usize;
        write!(f, "{:.*}", digits, self.0)
    }
}

/// Refuses a PNG whose parties alone spread beyond [`MAX_PNG_SIDE`] pixels at `options.scale`: the
/// page is at least the parties' extent plus their shapes and the margins, whatever the labels add.
pub(super) fn check_size(scenario: &Scenario, options: &ExportOptions) -> Result<(), ExportError> {
    let scale = options.scale;
    if !(scale > 0.0 && scale <= 16.0) {
        return Err(ExportError::BadScale(scale));
    }
    let positions = match &options.drawn {
        Some(drawn) => in_area(drawn.positions.clone(), options.area),
        None => drawn_positions(scenario, options.area),
    };
    let mut xs = positions.values().map(|p| p.x);
    let Some(first) = xs.next() else {
        return Ok(());
    };
    let (x0, x1) = xs.fold((first, first), |(lo, hi), x| (lo.min(x), hi.max(x)));
    let (y0, y1) = positions
        .values()
        .map(|p| p.y)
        .fold((f32::MAX, f32::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
    let (w, h) = svg::least_page_size(x1 - x0, y1 - y0);
    let (w, h) = ((w * scale).ceil(), (h * scale).ceil());
    if w > MAX_PNG_SIDE as f32 || h > MAX_PNG_SIDE as f32 {
        return Err(ExportError::TooLarge(
            w.min(u32::MAX as f32) as u32,
            h.min(u32::MAX as f32) as u32,
            FittingScale::of(w, h, scale),
        ));
    }
    Ok(())
}

/// Rasterises an SVG with resvg at `options.scale`.
pub(super) fn render(svg: &str, options: &ExportOptions) -> Result<Vec<u8>, ExportError> {
    use resvg::{tiny_skia, usvg};
    let scale = options.scale;
    if !(scale > 0.0 && scale <= 16.0) {
        return Err(ExportError::BadScale(scale));
    }
    // The fonts and fallback chain the SVG was measured with (crate::fonts), so labels keep the
    // room the layout gave them.
    let opt = crate::fonts::Fonts::shared().usvg_options();
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| match e {
        // usvg reads at most a million elements and XML nodes (for safety; not configurable).
        usvg::Error::ElementsLimitReached
        | usvg::Error::ParsingFailed(usvg::roxmltree::Error::NodesLimitReached) => {
            ExportError::TooManyShapes
        }
        e => ExportError::Render(e.to_string()),
    })?;
    let size = tree.size();
    let (w, h) = (
        (size.width() * scale).ceil() as u32,
        (size.height() * scale).ceil() as u32,
    );
    let too_large = || ExportError::TooLarge(w, h, FittingScale::of(w as f32, h as f32, scale));
    if w > MAX_PNG_SIDE || h > MAX_PNG_SIDE {
        return Err(too_large());
    }
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or_else(too_large)?;
    if options.background == Background::White {
        pixmap.fill(tiny_skia::Color::WHITE);
    }
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| ExportError::Render(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The size message names a scale that fits, in two digits.
    #[test]
    fn a_too_large_png_names_the_scale_that_fits() {
        let fit = FittingScale::of(156_192.0, 284_738.0, 1.0);
        assert_eq!(fit.to_string(), "0.057");
        assert!(284_738.0 * fit.0 <= MAX_PNG_SIDE as f32, "{fit}");
        assert_eq!(FittingScale::of(40_000.0, 900.0, 2.0).to_string(), "0.81");
        let err = ExportError::TooLarge(156_192, 284_738, fit).to_string();
        assert!(err.contains("--scale (at most 0.057 here)"), "{err}");
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
}
