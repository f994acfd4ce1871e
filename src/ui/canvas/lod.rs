//! Level of detail: what is worth drawing at a given zoom.

use egui::FontId;

/// Below this zoom the short kind name beside each link is left out: it would not be readable.
pub(super) const LINK_LABEL_MIN_ZOOM: f32 = 0.55;

/// Whether links are labelled with their kind at `zoom`.
pub(super) fn link_labels(zoom: f32) -> bool {
    zoom > LINK_LABEL_MIN_ZOOM
}

/// A label font that grows slower than the zoom (projector-readable when zoomed out, not huge
/// when zoomed in).
pub(super) fn label_font(size: f32, zoom: f32) -> FontId {
    FontId::proportional((size * zoom.sqrt()).clamp(10.0, 26.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_stay_readable_at_any_zoom() {
        assert!(!link_labels(0.3) && link_labels(1.0));
        assert_eq!(label_font(15.0, 0.01).size, 10.0);
        assert_eq!(label_font(15.0, 100.0).size, 26.0);
    }
}
