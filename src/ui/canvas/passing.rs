//! Links passing through a zoomed-in view (both their parties off screen), gathered into counted
//! strokes. Must not paint or change the scene: it tells the frame which strokes to draw.
//!
//! Links passing through a zoomed-in view: both their parties off screen.
//!
//! Zoomed in on one reseller of a 300,000-party channel, thousands of long links cross the window
//! (providers' partnerships with resellers far away, supplies, reseller relationships), none of
//! whose parties is in view. Drawing each one (its path, its dashes, its tessellation) cost
//! hundreds of milliseconds per frame, and the result was a hatching of faint lines that lead
//! nowhere visible. Such links are instead gathered: those of one kind that enter and leave the
//! view through the same stretches of its border (every [`BORDER_PX`] pixels of it) become one
//! stroke from where they enter to where they leave, on average, with a count in its hover text
//! and a red core when any of them is broken. A stroke of one link is drawn as that link, and a
//! view crossed by only a few passing links ([`ONE_BY_ONE_MAX`]) draws them one by one, so small
//! channels look as they always did.
//!
//! Links with a party on screen are never gathered: a trainer sees every link of what is in view,
//! routed, dashed and coloured by its finding.

use super::scene::Scene;
use crate::model::LinkKind;
use crate::rules::Severity;
use crate::ui::document::Document;
use egui::{Pos2, Rect, Vec2, pos2};
use petgraph::stable_graph::EdgeIndex;

/// Up to this many passing links in view, each is drawn as itself.
pub(super) const ONE_BY_ONE_MAX: usize = 48;

/// The stretch of the view's border (pixels) within which passing links enter or leave to be
/// gathered together.
pub(super) const BORDER_PX: f32 = 64.0;

/// Passing links of one kind through the same two stretches of the border.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct PassingStroke {
    /// Where they enter and leave the view, on average (screen).
    pub a: Pos2,
    pub z: Pos2,
    pub kind: LinkKind,
    pub count: u32,
    /// How many of them have a violation.
    pub broken: u32,
    /// How many exist at the as-of date.
    pub current: u32,
    pub worst: Option<Severity>,
    /// The link, when it is the only one (then it is drawn as itself).
    pub single: Option<EdgeIndex>,
}

/// The links a zoomed-in frame found near the view, sorted by how they are drawn.
#[derive(Clone, Debug, Default)]
pub(super) struct Sorted {
    /// Drawn one by one: a party on screen, kept (selected, lit, dragged), or few passing links.
    pub one_by_one: Vec<EdgeIndex>,
    /// Passing links gathered (with more than one link each).
    pub gathered: Vec<PassingStroke>,
}

/// Sorts `edges` (links near the view rectangle `rect`, screen) into those drawn one by one and
/// the passing ones gathered. `to_screen` turns canvas positions into screen ones; `radius` is a
/// party's radius on screen (a party whose disc meets the view is on screen); `keep` names links
/// always drawn as themselves. A passing link whose path does not cross the view is left out: it
/// would draw nothing.
pub(super) fn sort(
    doc: &Document,
    scene: &Scene,
    to_screen: impl Fn(Pos2) -> Pos2,
    rect: Rect,
    radius: f32,
    edges: &[EdgeIndex],
    keep: impl Fn(EdgeIndex) -> bool,
) -> Sorted {
    let s = doc.scenario();
    let g = s.graph();
    let as_of = s.as_of();
    let shown = rect.expand(radius);
    let mut sorted = Sorted::default();
    let mut passing: Vec<(EdgeIndex, Pos2, Pos2)> = Vec::new();
    for &e in edges {
        let Some((from, control, to)) = scene.route_points(g, e) else {
            continue;
        };
        let (from, control, to) = (to_screen(from), to_screen(control), to_screen(to));
        if keep(e) || shown.contains(from) || shown.contains(to) {
            sorted.one_by_one.push(e);
        } else if let Some((a, z)) = crossing(from, control, to, rect) {
            passing.push((e, a, z));
        }
    }
    if passing.len() <= ONE_BY_ONE_MAX {
        sorted.one_by_one.extend(passing.iter().map(|(e, _, _)| *e));
        return sorted;
    }
    // Gathered by kind and the two stretches of border, whichever way round the link runs.
    let mut sums: super::scene::FastMap<(LinkKind, u32, u32), (PassingStroke, Vec2, Vec2)> =
        Default::default();
    for (e, a, z) in passing {
        let Some(link) = g.edge_weight(e) else {
            continue;
        };
        let (ta, tz) = (border_stretch(rect, a), border_stretch(rect, z));
        let (ta, tz, a, z) = if ta <= tz {
            (ta, tz, a, z)
        } else {
            (tz, ta, z, a)
        };
        let worst = scene.link_worst(e);
        let (stroke, sum_a, sum_z) = sums.entry((link.kind, ta, tz)).or_insert_with(|| {
            (
                PassingStroke {
                    a,
                    z,
                    kind: link.kind,
                    count: 0,
                    broken: 0,
                    current: 0,
                    worst: None,
                    single: Some(e),
                },
                Vec2::ZERO,
                Vec2::ZERO,
            )
        });
        stroke.count += 1;
        stroke.broken += u32::from(worst == Some(Severity::Violation));
        stroke.current += u32::from(link.exists_at(as_of));
        stroke.worst = stroke.worst.max(worst);
        *sum_a += a.to_vec2();
        *sum_z += z.to_vec2();
    }
    let mut strokes: Vec<PassingStroke> = sums
        .into_values()
        .map(|(mut stroke, sum_a, sum_z)| {
            if stroke.count > 1 {
                stroke.a = (sum_a / stroke.count as f32).to_pos2();
                stroke.z = (sum_z / stroke.count as f32).to_pos2();
                stroke.single = None;
            }
            stroke
        })
        .collect();
    for stroke in &strokes {
        if let Some(e) = stroke.single {
            sorted.one_by_one.push(e);
        }
    }
    strokes.retain(|s| s.single.is_none());
    // A steady order from frame to frame (the map's is not).
    strokes.sort_by(|x, y| {
        (x.a.x, x.a.y, x.z.x, x.z.y, x.kind as u8)
            .partial_cmp(&(y.a.x, y.a.y, y.z.x, y.z.y, y.kind as u8))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    sorted.one_by_one.sort();
    sorted.gathered = strokes;
    sorted
}

/// Which stretch of `rect`'s border `p` (a point on it) is in, counted clockwise from the top-left
/// corner in [`BORDER_PX`] steps.
fn border_stretch(rect: Rect, p: Pos2) -> u32 {
    let (w, h) = (rect.width(), rect.height());
    let sides = [
        ((p.y - rect.min.y).abs(), p.x - rect.min.x),
        ((p.x - rect.max.x).abs(), w + p.y - rect.min.y),
        ((p.y - rect.max.y).abs(), w + h + rect.max.x - p.x),
        ((p.x - rect.min.x).abs(), 2.0 * w + h + rect.max.y - p.y),
    ];
    let along = sides
        .into_iter()
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map_or(0.0, |(_, t)| t);
    (along.max(0.0) / BORDER_PX) as u32
}

/// Where the quadratic curve `from`–`control`–`to` first enters `rect` and last leaves it, if it
/// crosses it at all (a straight link exactly; a curve through 16 chords).
pub(super) fn crossing(from: Pos2, control: Pos2, to: Pos2, rect: Rect) -> Option<(Pos2, Pos2)> {
    let mid = from + (to - from) / 2.0;
    let straight = (control - mid).length_sq() < 1e-4;
    if straight {
        return clip_segment(from, to, rect);
    }
    let at = |t: f32| {
        let u = 1.0 - t;
        pos2(
            u * u * from.x + 2.0 * u * t * control.x + t * t * to.x,
            u * u * from.y + 2.0 * u * t * control.y + t * t * to.y,
        )
    };
    // The curve stays in the triangle of its three points: most pass nowhere near.
    if !Rect::from_points(&[from, control, to]).intersects(rect) {
        return None;
    }
    // The chords the canvas draws the curve with (`hit::screen_points`): with 16 of its own, a
    // long curve grazing a corner of the view was counted as crossing it while the 24 drawn
    // chords passed 11 pixels outside (the layout's wider top rows made one on a test channel).
    let chords = ((from.distance(to) / 20.0) as usize).clamp(4, 24);
    let mut first = None;
    let mut last = None;
    let mut p = from;
    for i in 1..=chords {
        let q = at(i as f32 / chords as f32);
        if let Some((a, z)) = clip_segment(p, q, rect) {
            first.get_or_insert(a);
            last = Some(z);
        }
        p = q;
    }
    first.zip(last)
}

/// The part of the segment `a`–`b` inside `rect`, if any: screen points over the layout's
/// Liang–Barsky clipping (`layout::clip_segment`, which the dashing and the exports use too).
fn clip_segment(a: Pos2, b: Pos2, rect: Rect) -> Option<(Pos2, Pos2)> {
    let at = |p: Pos2| crate::model::Position { x: p.x, y: p.y };
    let (t0, t1) = crate::layout::clip_segment(
        at(a),
        at(b),
        [rect.min.x, rect.min.y],
        [rect.max.x, rect.max.y],
    )?;
    let d = b - a;
    Some((a + d * t0, a + d * t1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PartyKind, Position};
    use crate::ui::canvas::PARTY_RADIUS;
    use crate::ui::canvas::view::CanvasView;
    use egui::vec2;

    use crate::ui::canvas::test_channel as channel;

    /// A 1500×950 window zoomed in (as the search flies) on the `nth` reseller.
    fn on_reseller(doc: &Document, nth: usize) -> CanvasView {
        let mut view = CanvasView {
            rect: Rect::from_min_size(pos2(0.0, 0.0), vec2(1500.0, 950.0)),
            ..CanvasView::default()
        };
        view.fit(doc);
        let reseller = doc
            .scenario()
            .parties_of_kind(PartyKind::IndirectReseller)
            .nth(nth)
            .expect("a reseller");
        view.bring_party_into_view(doc, reseller.id.as_str());
        view.finish_flight();
        view
    }

    /// What a frame of `view` finds near it, and how it sorts them.
    fn frame(doc: &Document, view: &CanvasView) -> (Vec<EdgeIndex>, Sorted) {
        let scene = doc.scene();
        let mut found = Vec::new();
        let visible = view.visible_canvas().expand(90.0 / view.zoom);
        scene.links.query(visible, &mut found);
        let edges: Vec<EdgeIndex> = found.iter().map(|&h| EdgeIndex::new(h as usize)).collect();
        let sorted = sort(
            doc,
            scene,
            |p| view.to_screen(Position { x: p.x, y: p.y }),
            view.rect,
            PARTY_RADIUS * view.zoom,
            &edges,
            |_| false,
        );
        (edges, sorted)
    }

    #[test]
    fn a_segment_is_clipped_to_where_it_crosses_and_a_curve_to_its_first_entry_and_last_exit() {
        let rect = Rect::from_min_max(pos2(0.0, 0.0), pos2(100.0, 50.0));
        let (a, z) = clip_segment(pos2(-50.0, 25.0), pos2(150.0, 25.0), rect).unwrap();
        assert_eq!((a, z), (pos2(0.0, 25.0), pos2(100.0, 25.0)));
        assert_eq!(
            clip_segment(pos2(-50.0, 60.0), pos2(150.0, 60.0), rect),
            None
        );
        // Its box meets the view, the line does not (a long diagonal past a corner).
        assert_eq!(
            crossing(
                pos2(-100.0, 40.0),
                pos2(0.0, 120.0),
                pos2(100.0, 200.0),
                rect
            ),
            None
        );
        // A curve bowing up through the view enters on the left and leaves on the right.
        let (a, z) = crossing(
            pos2(-50.0, 100.0),
            pos2(50.0, -60.0),
            pos2(150.0, 100.0),
            rect,
        )
        .expect("it crosses");
        assert!(a.x.abs() < 1e-3 || a.y >= 49.9, "{a:?}");
        assert!(z.x > a.x, "{a:?} → {z:?}");
        assert!(rect.expand(1e-3).contains(a) && rect.expand(1e-3).contains(z));
    }

    #[test]
    fn each_link_near_the_view_is_drawn_once_or_counted_in_one_stroke_and_broken_ones_stay_red() {
        let doc = channel(2_400);
        let scene = doc.scene();
        let g = doc.scenario().graph();
        // A reseller whose view hundreds of links pass through, some of them broken (which one
        // depends on how the links are routed around parties).
        let view = on_reseller(&doc, 30);
        let (edges, sorted) = frame(&doc, &view);
        let shown = view.rect.expand(PARTY_RADIUS * view.zoom);
        let screen = |n: petgraph::stable_graph::NodeIndex| {
            let p = scene.pos[n.index()];
            view.to_screen(Position { x: p.x, y: p.y })
        };
        // Worked out independently of `sort`: from the link's drawn polyline.
        let mut passing = Vec::new();
        for &e in &edges {
            let (a, b) = g.edge_endpoints(e).unwrap();
            let drawn_once = sorted.one_by_one.iter().filter(|&&x| x == e).count();
            if shown.contains(screen(a)) || shown.contains(screen(b)) {
                assert_eq!(
                    drawn_once, 1,
                    "a link with a party on screen is drawn as itself"
                );
                continue;
            }
            let points = super::super::hit::link_path(&doc, &view, scene, e, None).unwrap();
            let crosses = points
                .windows(2)
                .any(|w| clip_segment(w[0], w[1], view.rect).is_some());
            if crosses {
                passing.push(e);
            } else {
                assert_eq!(drawn_once, 0, "a link that misses the view draws nothing");
            }
        }
        assert!(
            passing.len() > 2 * ONE_BY_ONE_MAX,
            "the view is crossed by {} passing links",
            passing.len()
        );
        assert!(!sorted.gathered.is_empty());
        let alone: Vec<_> = passing
            .iter()
            .filter(|e| sorted.one_by_one.contains(e))
            .collect();
        let gathered: u32 = sorted.gathered.iter().map(|s| s.count).sum();
        assert_eq!(
            alone.len() + gathered as usize,
            passing.len(),
            "each passing link is drawn alone or counted in a stroke, once"
        );
        assert!(
            sorted
                .gathered
                .iter()
                .all(|s| s.count > 1 && s.single.is_none())
        );
        assert!(
            sorted.gathered.len() * 4 < passing.len(),
            "{} strokes for {} passing links",
            sorted.gathered.len(),
            passing.len()
        );
        // Per kind and per finding, the strokes hold what passes.
        for kind in LinkKind::ALL {
            let of_kind = |e: &&EdgeIndex| g[**e].kind == kind;
            let in_strokes = sorted.gathered.iter().filter(|s| s.kind == kind);
            let gathered_links = passing.iter().filter(of_kind).count()
                - alone.iter().filter(|e| g[***e].kind == kind).count();
            assert_eq!(
                in_strokes.clone().map(|s| s.count as usize).sum::<usize>(),
                gathered_links
            );
            let broken = passing
                .iter()
                .filter(of_kind)
                .filter(|e| !alone.contains(e))
                .filter(|&&e| scene.link_worst(e) == Some(Severity::Violation))
                .count();
            assert_eq!(
                in_strokes.clone().map(|s| s.broken as usize).sum::<usize>(),
                broken,
                "{kind:?}"
            );
        }
        // A stroke holding a broken link is drawn with a red core (its worst is the violation).
        assert!(
            sorted
                .gathered
                .iter()
                .filter(|s| s.broken > 0)
                .all(|s| s.worst == Some(Severity::Violation))
        );
        assert!(
            sorted.gathered.iter().any(|s| s.broken > 0),
            "some red passes"
        );
    }

    #[test]
    fn the_built_in_scenarios_draw_every_link_as_itself_at_any_zoom() {
        for builtin in crate::scenarios::BUILTIN {
            let doc = Document::new(builtin.load().expect("loads"));
            let mut view = CanvasView {
                rect: Rect::from_min_size(pos2(0.0, 0.0), vec2(1500.0, 950.0)),
                ..CanvasView::default()
            };
            view.fit(&doc);
            for (zoom, dx, dy) in [(1.0, 0.0, 0.0), (4.0, 300.0, -200.0), (8.0, -500.0, 400.0)] {
                let mut v = view.clone();
                v.zoom *= zoom;
                v.pan = v.pan * zoom + vec2(dx, dy);
                let (edges, sorted) = frame(&doc, &v);
                assert!(sorted.gathered.is_empty(), "{}", builtin.slug);
                assert!(sorted.one_by_one.iter().all(|e| edges.contains(e)));
            }
        }
    }

    #[test]
    fn what_a_zoomed_in_frame_draws_stays_about_the_same_when_the_channel_is_four_times_bigger() {
        // Zoomed in halfway between the first provider and its resellers, where its
        // partnerships pass: four times the channel, two to four times the links in view.
        let drawn = |customers: usize| {
            let doc = channel(customers);
            let s = doc.scenario();
            let provider = s
                .parties_of_kind(PartyKind::IndirectProvider)
                .next()
                .expect("a provider");
            let at = doc.position(provider.id.as_str()).unwrap();
            let resellers: Vec<Position> = s
                .parties_of_kind(PartyKind::IndirectReseller)
                .filter_map(|r| doc.position(r.id.as_str()))
                .collect();
            let below = resellers.iter().map(|p| p.y).sum::<f32>() / resellers.len() as f32;
            let mut view = CanvasView {
                rect: Rect::from_min_size(pos2(0.0, 0.0), vec2(1500.0, 950.0)),
                zoom: 0.5,
                ..CanvasView::default()
            };
            view.pan = -vec2(at.x, (at.y + below) / 2.0) * view.zoom;
            let (edges, sorted) = frame(&doc, &view);
            (
                sorted.one_by_one.len() + sorted.gathered.len(),
                sorted
                    .gathered
                    .iter()
                    .map(|s| s.count as usize)
                    .sum::<usize>()
                    + sorted.one_by_one.len(),
                edges.len(),
            )
        };
        let (small, small_links, small_near) = drawn(2_400);
        let (big, big_links, big_near) = drawn(9_600);
        assert!(big_near > 2 * small_near);
        assert!(
            big_links >= 2 * small_links,
            "{big_links} links pass, {small_links} at 1×"
        );
        assert!(
            big <= small * 2,
            "{big} shapes at 4× the channel, {small} at 1×"
        );
    }
}
