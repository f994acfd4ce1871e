//! Owns the SVG picture's steps and measures (placement, page layout, writing, in that order);
//! must not rasterise (`png.rs`) nor route links (`layout::routes`).
//!
//! The diagram as SVG: parties by kind, links by kind and finding, a legend, a title with the as-of
//! date, numbered callouts on broken links and the findings list below the drawing.
//!
//! Every text is measured with the fonts resvg draws it with ([`crate::fonts`]), and every label,
//! callout and legend entry is placed on a board of the boxes already taken (party shapes first),
//! so nothing overlaps: a party's name goes below its shape, or above, right or left of it (whichever
//! is free and crossed by the fewest links), a callout slides along its link to a free spot, and a
//! link's kind label is left out (it stays in the link's tooltip) where there is no room for it.
//! Labels sit on a white plate above the links, so no dashed line runs through a word. Long names are
//! wrapped on two lines and ellipsised; the full name is in the party's `<title>` tooltip.

//!
//! The work is in three rooms: [`placement`] puts every label on a free spot (over the indexes of
//! [`board`]), [`layout`] numbers the findings and lays out the page around the drawing, [`writing`]
//! writes the markup.

mod board;
mod layout;
mod placement;
mod writing;

use super::{Detail, FindingsList, Sheet};
use crate::fonts::TextStyle;
use crate::layout::routes;
use crate::progress::Progress;

const RADIUS: f32 = 30.0;
const MARGIN: f32 = 70.0;
/// Room kept around every placed box (the white plate behind a label is this much larger).
const PAD: f32 = 3.0;
/// The widest a party name may run before it wraps.
const NAME_WIDTH: f32 = 180.0;
const NAME: TextStyle = TextStyle {
    size: 15.0,
    bold: true,
};
const DETAIL: TextStyle = TextStyle {
    size: 12.0,
    bold: false,
};
const KIND: TextStyle = TextStyle {
    size: 11.0,
    bold: false,
};
const LEGEND: TextStyle = TextStyle {
    size: 12.0,
    bold: false,
};
const LIST: TextStyle = TextStyle {
    size: 13.0,
    bold: false,
};
const LIST_BOLD: TextStyle = TextStyle {
    size: 13.0,
    bold: true,
};
const CALLOUT_R: f32 = 11.0;

/// The smallest page a drawing whose party centres span `width` × `height` can get: the shapes and
/// margins around them, and the header above (labels and the findings list only add to it).
pub(crate) fn least_page_size(width: f32, height: f32) -> (f32, f32) {
    (
        (width + 2.0 * (RADIUS + 1.0) + 2.0 * MARGIN).max(960.0),
        height + 88.0,
    )
}

/// How many parties or links are placed between two looks at the progress (and Cancel).
const PROGRESS_EVERY: usize = 2_048;

/// Counts the placement's steps (parties' labels, then callouts and link labels) for the progress
/// bar, and looks at Cancel every [`PROGRESS_EVERY`] steps.
struct Steps<'p> {
    progress: &'p Progress,
    total: f32,
    placed: usize,
}

impl Steps<'_> {
    /// The indexes are built: placing begins.
    fn begin(&self) {
        self.progress.set(0.1);
    }

    /// One more party or link placed; `None` when the export was cancelled.
    fn step(&mut self) -> Option<()> {
        self.placed += 1;
        if self.placed.is_multiple_of(PROGRESS_EVERY) {
            if self.progress.is_cancelled() {
                return None;
            }
            self.progress
                .set(0.1 + 0.8 * self.placed as f32 / self.total);
        }
        Some(())
    }
}

/// How a picture is drawn: its background, which labels and which list of findings.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Look {
    /// No white page behind the drawing (a PNG with `--transparent`).
    pub transparent: bool,
    /// How the findings are listed below the drawing.
    pub findings: FindingsList,
    /// Which labels are drawn (never [`Detail::Auto`]: the caller has chosen).
    pub detail: Detail,
}

impl Look {
    /// The SVG's look for `options`: everything, on a white page.
    pub(crate) fn svg(options: &crate::export::ExportOptions) -> Self {
        Look {
            transparent: false,
            findings: options.findings,
            detail: match options.detail {
                Detail::Auto => Detail::Full,
                chosen => chosen,
            },
        }
    }
}

/// Renders the sheet as a standalone SVG document in `look`. Reports to `progress` while placing
/// labels; `None` when it is cancelled.
pub(crate) fn render_with(sheet: &Sheet, look: &Look, progress: &Progress) -> Option<String> {
    let s = sheet.scenario;
    let positions = sheet.positions();
    let all_routes = routes(s, &positions, RADIUS);
    let mut steps = Steps {
        progress,
        // Parties' labels, then callouts and link labels: the share of the work each step is.
        total: (s.party_count() + 2 * all_routes.len()).max(1) as f32,
        placed: 0,
    };
    let numbering = layout::Numbering::of(sheet, &positions);
    let placed = placement::place_all(
        sheet,
        &positions,
        &all_routes,
        &numbering,
        look.detail,
        &mut steps,
    )?;
    let page = layout::page(sheet, &placed, &all_routes, &numbering, look.findings);
    let out = writing::write(
        sheet,
        &positions,
        &all_routes,
        &numbering,
        &placed,
        &page,
        look.transparent,
    );
    progress.set(1.0);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Position;

    /// The PNG size check refuses by [`least_page_size`]: it must never exceed the real page.
    #[test]
    fn the_least_page_size_is_never_more_than_the_page() {
        for b in crate::scenarios::BUILTIN {
            let s = b.load().unwrap();
            let sheet = crate::export::Sheet::new(&s, None);
            let positions = sheet.positions();
            let span = |f: fn(&Position) -> f32| {
                let values = positions.values().map(f);
                values.clone().fold(f32::MIN, f32::max) - values.fold(f32::MAX, f32::min)
            };
            let (w, h) = least_page_size(span(|p| p.x), span(|p| p.y));
            let look = Look::svg(&crate::export::ExportOptions::default());
            let svg = render_with(&sheet, &look, &Progress::none()).unwrap();
            let attr = |name: &str| -> f32 {
                let at = svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
                svg[at..at + svg[at..].find('"').unwrap()].parse().unwrap()
            };
            assert!(w <= attr("width"), "{}: {w} > {}", b.slug, attr("width"));
            assert!(h <= attr("height"), "{}: {h} > {}", b.slug, attr("height"));
        }
    }
}
