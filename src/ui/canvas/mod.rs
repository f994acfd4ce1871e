//! The canvas: one frame of parties and links drawn by kind and coloured by their worst finding, with
//! an overlay. Must not change the document: gestures come out as commands (one file: see below).
//!
//! Why one file: a frame is one pass in a fixed order (what is in view, then groups and bundles, links,
//! parties, labels claiming their place, overlays, then hit and hover), and each step reads what the
//! step before found on screen this frame; the helpers it leans on each have a file of their own
//! (`view`, `gestures`, `hit`, `scene`, `far`, `passing`, `lod`, `paint`, `tooltip`, `verdict`).
//!
//! The canvas: parties and links drawn by kind and coloured by their worst finding, with zoom, pan,
//! fit-to-view, selection, drag-to-move and drag-to-connect.
//!
//! It paints the scenario's petgraph directly with egui's `Painter` rather than through egui_graphs'
//! `GraphView`: the canvas needs per-edge colours and dash styles from the findings, projector-sized
//! labels at any zoom, positions that come only from the scenario (`GraphView`'s layouts overwrite
//! saved positions), links that bend around parties, training and what-if overlays, and a connect
//! gesture that `GraphView` does not have. egui_graphs still does the physics of the force layout
//! (`layout::force_positions`).
//!
//! The pieces live apart so that each is testable without a window: `view` (the zoom/pan transform,
//! fit and animated flights), `gestures` (pointer events in, view changes and commands out), `hit`
//! (what is under a point, where links run on screen), `scene` (what is derived once per change:
//! spatial indexes, customer groups, link bundles), `spatial` (the grid index), `lod` (what is
//! worth drawing at a zoom, and where labels fit), `paint` (shapes, badges, legend), `tooltip`
//! (hover texts) and `verdict` (how a link being connected would fare).
//!
//! A frame costs what is on screen, not what the channel holds: parties, links, groups and bundles
//! are looked up in the scene's spatial index by the visible rectangle. Zoomed out, a seller's
//! customers collapse into one counted badge coloured by their worst finding, links into them
//! bundle by kind with a count, and labels are drawn only where they overlap nothing.

pub(crate) mod drawn;
mod far;
mod gestures;
mod hit;
pub mod lasso;
mod lod;
mod paint;
mod passing;
mod picture;
pub(crate) mod scene;
mod spatial;
mod tooltip;
mod verdict;
mod view;

pub use hit::link_screen_pos;
pub use lasso::SelectMode;
pub use verdict::{
    Verdict, best_verdict, best_verdict_in_place, link_offers_in_place, trial_link,
    trial_link_in_place,
};
pub use view::{CanvasView, READING_ZOOM};

use hit::{distance_to_polyline, distance_to_segment, link_path, marker_at, party_at, scene_of};
use paint::{
    ADDED, CHANGED, badge, circle_points, draw_legend, draw_party_shape, legend_size, quiz_marker,
    visible_runs,
};
use scene::End;
use tooltip::{
    bundle_tooltip, group_tooltip, link_tooltip, mark_tooltip, party_tooltip, passing_tooltip,
    trunk_tooltip,
};
use view::Drag;

use super::document::Document;
use super::style::{
    label_scale, link_color, link_short, party_fill, severity_color, severity_symbol,
};
use crate::model::{Link, LinkKind, PartyId, PartyKind, Position};
use crate::rules::{Severity, chain_kinds};
use crate::training::QuizResult;
use crate::whatif::{ChangeKind, ScenarioDiff};
use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Shape, Stroke, Vec2, pos2, vec2};
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Links drawn as one stroke with a count: a bundle into a collapsed group, or a far-view trunk.
struct Aggregate {
    /// Its ends on screen.
    a: Pos2,
    z: Pos2,
    kind: LinkKind,
    count: u32,
    /// How many of them have a violation.
    broken: u32,
    current: u32,
    worst: Option<Severity>,
    from_afar: bool,
    what: Gathered,
}

/// Which bundle or trunk an [`Aggregate`] is (for its hover text).
#[derive(Clone, Copy, Debug)]
enum Gathered {
    Bundle(u32),
    Trunk(u32),
    /// Links passing through a zoomed-in view (index into this frame's passing strokes).
    Passing(u32),
}

/// What a frame's sorting of the links near the view depends on (see `passing`).
#[derive(Clone, PartialEq)]
struct PassingKey {
    document: u64,
    revision: u64,
    updates: u32,
    /// Zoom, pan and the canvas rectangle, bit for bit.
    view: [u32; 7],
    selected: Option<EdgeIndex>,
    lit: Vec<(NodeIndex, NodeIndex)>,
}

/// What the canvas shows beyond the scenario and its findings: the training and what-if layers.
#[derive(Clone, Copy, Debug, Default)]
pub struct Overlay<'a> {
    /// Quiz: links and parties are not coloured by their findings.
    pub hide_findings: bool,
    /// Quiz: the links the trainee marked as broken.
    pub marks: Option<&'a BTreeSet<String>>,
    /// Quiz: the judged answer (right, wrong and missed links).
    pub quiz: Option<&'a QuizResult>,
    /// Role lens or presenter spotlight: the parties kept bright; the rest is dimmed.
    pub focus: Option<&'a BTreeSet<PartyId>>,
    /// Compare overlay: what the open what-if changed from its base.
    pub diff: Option<&'a ScenarioDiff>,
    /// Compare overlay: links and parties of the base that the what-if removed, drawn as ghosts
    /// (canvas positions of the link's ends, or of the party, with a label).
    pub ghosts: &'a [Ghost],
    /// Side-by-side compare: the base is shown, not edited.
    pub read_only: bool,
    /// No hover tooltips (the link-kind chooser is open where the pointer is).
    pub no_tooltips: bool,
    /// The parties selected together (a lasso, a query, Ctrl+A): each is ringed.
    pub selected: Option<&'a BTreeSet<PartyId>>,
}

/// The on-screen size, in points, of a canvas label of `size` at the view's zoom.
pub fn label_size(ctx: &egui::Context, size: f32, view_zoom: f32) -> f32 {
    lod::label_font(size, view_zoom).size * label_scale(ctx)
}

/// Something the what-if removed, drawn faintly where the base had it.
#[derive(Clone, Debug, PartialEq)]
pub enum Ghost {
    /// A removed party.
    Party(Position, String),
    /// A removed link between two positions.
    Link(Position, Position, String),
}

/// Radius of a party, in canvas units.
pub const PARTY_RADIUS: f32 = 30.0;

/// Below this radius (pixels) a party is too small to draw as itself: a dot when zoomed in, a mark
/// in the far view (Microsoft, providers and direct-bill partners are then drawn at this size).
const TINY_RADIUS: f32 = 2.5;

/// The radius (pixels) of Microsoft, providers and direct-bill partners in the far view.
const TOP_RADIUS: f32 = 5.0;

/// A dragged party's links are all drawn following it up to this many; beyond, only those to
/// parties in view.
const MOVING_LINKS_MAX: usize = 2_000;

/// What the primary drag does on a party.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tool {
    /// Drag moves parties; click selects.
    #[default]
    Select,
    /// Drag from one party to another creates a link (Shift+drag does the same in Select).
    Connect,
}

/// What is selected on the canvas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// A party.
    Party(PartyId),
    /// A link.
    Link(crate::model::LinkId),
}

/// What the canvas asks the app to do.
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub enum CanvasCommand {
    /// Select something, or nothing.
    Select(Option<Selection>),
    /// A drag ended: record the party's new position as one undo step.
    MoveParty(PartyId, Position),
    /// A connect drag ended on another party: ask which kind of link to make.
    Connect {
        /// Where the drag started.
        from: PartyId,
        /// Where it ended.
        to: PartyId,
        /// The pointer, for the kind chooser.
        at: Pos2,
    },
    /// A lasso closed: select what its outline (canvas coordinates) holds.
    SelectArea {
        /// The outline.
        outline: Vec<Position>,
        /// Replace the selection, add to it or take from it.
        mode: SelectMode,
    },
    /// A party clicked with Ctrl (toggle) or Shift (add).
    SelectParty(PartyId, SelectMode),
}

/// Draws the canvas and turns gestures into commands.
#[allow(clippy::too_many_arguments)]
pub fn canvas_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    view: &mut CanvasView,
    selection: Option<&Selection>,
    highlight: &[PartyId],
    tool: Tool,
    light: bool,
    overlay: &Overlay,
) -> Vec<CanvasCommand> {
    let mut commands = Vec::new();
    // A read-only canvas still pans and zooms, but never moves or connects anything.
    let tool = if overlay.read_only {
        Tool::Select
    } else {
        tool
    };
    let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
    view.place(rect);
    // A narrow canvas (side-by-side compare) has no room to spare for the legend.
    let legend_size = (rect.width() >= LEGEND_MIN_WIDTH)
        .then(|| legend_size(overlay.hide_findings, view.legend_open));
    view.legend_room = legend_size.map(paint::legend_room);
    view.update_min_zoom(doc);
    if view.fit_requested {
        view.fit(doc);
        view.fit_requested = false;
    }
    let dt = ui.input(|i| i.stable_dt).min(0.25);
    if view.advance_flight(dt) {
        ui.ctx().request_repaint();
    }
    let scene = scene_of(doc, view);
    let painter = ui.painter_at(rect);
    let ink = if light {
        Color32::from_gray(20)
    } else {
        Color32::from_gray(235)
    };
    let background = if light {
        Color32::from_gray(250)
    } else {
        Color32::from_gray(24)
    };
    painter.rect_filled(rect, 0.0, background);
    let pointer = response.hover_pos();

    // Zoom, pan, move and connect: read the frame's pointer once, then apply it to the view.
    let events = gestures::PointerEvents::read(ui, &response);
    let (preview_move, gesture_commands) =
        gestures::apply(doc, view, &events, tool, overlay.read_only);
    commands.extend(gesture_commands);

    let s = doc.scenario();
    let graph = s.graph();
    let collapsed = lod::collapsed(view.zoom);
    let moving = preview_move
        .as_ref()
        .and_then(|(id, _)| s.party_index(id.as_str()));
    // The transform this frame is drawn with (a click may start a flight on `view`).
    let tf = view.clone();
    let position_of = |n: NodeIndex| -> Pos2 {
        match &preview_move {
            Some((_, at)) if Some(n) == moving => tf.to_screen(*at),
            _ => {
                let p = scene.pos[n.index()];
                tf.to_screen(Position { x: p.x, y: p.y })
            }
        }
    };
    let anchor_of = |end: End| -> Pos2 {
        match end {
            End::Party(n) => position_of(n),
            End::Group(_) => {
                let p = scene.anchor(end);
                tf.to_screen(Position { x: p.x, y: p.y })
            }
        }
    };

    // What is on screen: the visible rectangle (with room for labels and arrow heads), looked up
    // in the scene's indexes. Zoomed out, links come from the far view's trunks (see `far`), and
    // where parties are too small to draw one by one, they come as marks.
    let margin = 90.0 / view.zoom;
    let visible = view.visible_canvas().expand(margin);
    let level = collapsed.then(|| doc.far_level(view.zoom));
    let r = PARTY_RADIUS * view.zoom;
    let far_marks = level.is_some() && r < TINY_RADIUS;
    // In the far view, the few parties drawn as themselves are drawn large enough to see and aim at.
    let node_r = if far_marks { r.max(TOP_RADIUS) } else { r };
    // The far view's picture is made once and reused while nothing it shows changes (see
    // `picture`): not while a party is dragged, a link or a path is lit, a click is read, or an
    // overlay dims, marks or rings parties.
    let mut picture_drawing = None;
    if far_marks
        && tf.keep_picture
        && moving.is_none()
        && matches!(tf.drag, None | Some(Drag::Pan))
        && !response.clicked()
        && !matches!(selection, Some(Selection::Link(_)))
        && highlight.len() < 2
        && overlay.focus.is_none()
        && overlay.diff.is_none()
        && overlay.ghosts.is_empty()
        && overlay.selected.is_none_or(BTreeSet::is_empty)
    {
        let ctx = ui.ctx();
        let probe = picture::probe(&painter);
        let key = picture::Key {
            document: doc.id(),
            revision: doc.revision(),
            updates: scene.updates,
            view: [
                tf.zoom,
                rect.min.x,
                rect.min.y,
                rect.max.x,
                rect.max.y,
                ctx.pixels_per_point(),
                label_scale(ctx),
            ]
            .map(f32::to_bits),
            legend: legend_size.map(|size| [size.x.to_bits(), size.y.to_bits()]),
            selected: match selection {
                Some(Selection::Party(id)) => Some(*id),
                _ => None,
            },
            highlight: highlight.to_vec(),
            light,
            hide_findings: overlay.hide_findings,
            font_image: ctx.fonts(|f| f.font_image_size()),
        };
        match picture::lookup(ui, &key, tf.pan, &probe) {
            picture::Use::Reuse(kept, delta) => {
                let level = level.expect("the far view has a level");
                draw_picture(
                    ui,
                    doc,
                    view,
                    (&painter, &response),
                    (&kept, delta),
                    level,
                    legend_size,
                    (light, ink),
                    overlay,
                );
                return commands;
            }
            picture::Use::Draw(previous) => {
                let start = painter.add(Shape::Noop);
                picture_drawing = Some((key, previous, start, probe, picture::Recorder::default()));
            }
        }
    } else {
        picture::forget(ui);
    }
    let mut found = Vec::new();
    let mut edges: Vec<EdgeIndex> = Vec::new();
    // Zoomed in, links with both parties off screen are gathered (see `passing`); the selected
    // link, the lit path and the dragged party's links are always drawn as themselves. Sorting the
    // links near the view takes tens of milliseconds at 300,000 parties, so an unchanged frame
    // (hover, tooltip, the frames after an edit) reuses the last frame's.
    let selected_edge = match selection {
        Some(Selection::Link(id)) => s.link_index(id.as_str()),
        _ => None,
    };
    let lit: Vec<(NodeIndex, NodeIndex)> = highlight
        .windows(2)
        .filter_map(|w| Some((s.party_index(w[0].as_str())?, s.party_index(w[1].as_str())?)))
        .collect();
    let passing_key = PassingKey {
        document: doc.id(),
        revision: doc.revision(),
        updates: scene.updates,
        view: [
            tf.zoom, tf.pan.x, tf.pan.y, rect.min.x, rect.min.y, rect.max.x, rect.max.y,
        ]
        .map(f32::to_bits),
        selected: selected_edge,
        lit: lit.clone(),
    };
    let passing_id = ui.id().with("passing-links");
    let passing_cache = if moving.is_none() {
        ui.data(|d| d.get_temp::<std::sync::Arc<(PassingKey, passing::Sorted)>>(passing_id))
    } else {
        None
    };
    let mut passing_strokes = Vec::new();
    let mut bundles: Vec<u32> = Vec::new();
    let mut trunks: Vec<u32> = Vec::new();
    match level {
        Some(level) => {
            level.trunk_grid.query(visible, &mut found);
            for &h in &found {
                match level.trunks[h as usize].single {
                    // Where parties are marks, a link of its own is a stroke like a trunk's
                    // (coloured, dashed and faded as a link is): routed, with its arrow, hover
                    // path and accessible name, the thousands kept apart at fit made a frame of
                    // 300,000 parties cost twenty times one of 1,000.
                    Some(far::Part::Link(e)) if !far_marks => edges.push(e),
                    Some(far::Part::Bundle(b)) => bundles.push(b),
                    _ => trunks.push(h),
                }
            }
            // The biggest first: their counts get their labels first.
            trunks.sort_by_key(|&t| std::cmp::Reverse(level.trunks[t as usize].count));
            // The selected link and the lit path are drawn as themselves over the trunks.
            if let Some(Selection::Link(id)) = selection
                && let Some(e) = s.link_index(id.as_str())
            {
                edges.push(e);
            }
            for pair in highlight.windows(2) {
                if let (Some(a), Some(b)) = (
                    s.party_index(pair[0].as_str()),
                    s.party_index(pair[1].as_str()),
                ) {
                    edges.extend(graph.edges_connecting(a, b).map(|e| {
                        use petgraph::visit::EdgeRef;
                        e.id()
                    }));
                }
            }
        }
        None => match passing_cache.as_ref().filter(|c| c.0 == passing_key) {
            // The same view of the same scene as the last frame: what it sorted stands.
            Some(cached) => {
                edges.clone_from(&cached.1.one_by_one);
                passing_strokes.clone_from(&cached.1.gathered);
            }
            None => {
                scene.links.query(visible, &mut found);
                edges.extend(found.iter().map(|&h| EdgeIndex::new(h as usize)));
            }
        },
    }
    if let Some(n) = moving {
        // The dragged party's links follow it wherever it is previewed: all of them, or for a
        // party with thousands of links (a provider of a whole channel), those to parties in view.
        let mine = || {
            use petgraph::visit::EdgeRef;
            graph
                .edges_directed(n, petgraph::Direction::Outgoing)
                .chain(graph.edges_directed(n, petgraph::Direction::Incoming))
                .map(|e| {
                    (
                        e.id(),
                        if e.source() == n {
                            e.target()
                        } else {
                            e.source()
                        },
                    )
                })
        };
        let all = mine().take(MOVING_LINKS_MAX + 1).count() <= MOVING_LINKS_MAX;
        edges.extend(
            mine()
                .filter(|(_, other)| all || visible.contains(scene.pos[other.index()]))
                .map(|(e, _)| e),
        );
    }
    edges.sort();
    edges.dedup();
    if level.is_none() && !passing_cache.as_ref().is_some_and(|c| c.0 == passing_key) {
        let sorted = passing::sort(
            doc,
            scene,
            |p| tf.to_screen(Position { x: p.x, y: p.y }),
            rect,
            r,
            &edges,
            |e| {
                Some(e) == selected_edge
                    || graph.edge_endpoints(e).is_some_and(|(a, b)| {
                        moving.is_some_and(|m| m == a || m == b) || lit.contains(&(a, b))
                    })
            },
        );
        if moving.is_none() {
            ui.data_mut(|d| {
                d.insert_temp(
                    passing_id,
                    std::sync::Arc::new((passing_key, sorted.clone())),
                )
            });
        }
        edges = sorted.one_by_one;
        passing_strokes = sorted.gathered;
    }
    let segments: Vec<(EdgeIndex, &Link, Vec<Pos2>)> = edges
        .iter()
        .filter_map(|&e| {
            let link: &Link = graph.edge_weight(e)?;
            let points = link_path(doc, view, scene, e, preview_move.as_ref())?;
            Some((e, link, points))
        })
        .collect();
    found.clear();
    let mut nodes: Vec<NodeIndex> = match level {
        Some(level) if far_marks => level
            .tops
            .iter()
            .copied()
            .filter(|n| visible.contains(scene.pos[n.index()]))
            .collect(),
        _ => {
            let party_grid = if collapsed {
                &scene.loose
            } else {
                &scene.parties
            };
            party_grid.query(visible, &mut found);
            found.iter().map(|&h| NodeIndex::new(h as usize)).collect()
        }
    };
    if let Some(n) = moving
        && !nodes.contains(&n)
    {
        nodes.push(n);
    }
    let mut groups = Vec::new();
    let mut marks = Vec::new();
    match level {
        Some(level) if far_marks => {
            found.clear();
            level.badge_grid.query(visible, &mut found);
            groups.extend_from_slice(&found);
            level.mark_grid.query(visible, &mut marks);
        }
        Some(_) => scene.group_grid.query(visible, &mut groups),
        None => {}
    }

    if response.clicked()
        && let Some(p) = response.interact_pointer_pos()
    {
        let top = far_marks
            .then(|| {
                nodes
                    .iter()
                    .map(|&n| (n, position_of(n).distance(p)))
                    .filter(|(_, d)| *d <= node_r + 2.0)
                    .min_by(|x, y| x.1.total_cmp(&y.1))
                    .map(|(n, _)| graph[n].id)
            })
            .flatten();
        let hit = top
            .or_else(|| party_at(doc, view, p))
            .map(Selection::Party)
            .or_else(|| marker_at(&tf, p).map(Selection::Link))
            .or_else(|| {
                segments
                    .iter()
                    .map(|(_, l, points)| (l, distance_to_polyline(p, points)))
                    .filter(|(_, d)| *d < 8.0)
                    .min_by(|x, y| x.1.total_cmp(&y.1))
                    .map(|(l, _)| Selection::Link(l.id))
            })
            .or_else(|| {
                // A link of its own in the far view, drawn as a trunk's stroke.
                let level = level?;
                let at = |q: Pos2| tf.to_screen(Position { x: q.x, y: q.y });
                trunks
                    .iter()
                    .filter_map(|&t| {
                        let trunk = &level.trunks[t as usize];
                        let Some(far::Part::Link(e)) = trunk.single else {
                            return None;
                        };
                        let d = distance_to_segment(p, at(trunk.from.at), at(trunk.to.at));
                        Some((e, d))
                    })
                    .filter(|(_, d)| *d < 6.0)
                    .min_by(|x, y| x.1.total_cmp(&y.1))
                    .and_then(|(e, _)| graph.edge_weight(e))
                    .map(|l| Selection::Link(l.id))
            });
        // A click on a collapsed badge flies into its customers; one on a far-view mark flies
        // towards it.
        let c = view.to_canvas(p);
        let group = if hit.is_none() && collapsed {
            scene.group_at(pos2(c.x, c.y))
        } else {
            None
        };
        let mark = match level {
            Some(level) if far_marks && hit.is_none() && group.is_none() => {
                level.mark_at(pos2(c.x, c.y)).map(|m| m.centre)
            }
            _ => None,
        };
        match (group, mark) {
            (Some(number), _) => {
                let bounds = scene.groups[number as usize].bounds;
                let min = Position {
                    x: bounds.min.x,
                    y: bounds.min.y,
                };
                let max = Position {
                    x: bounds.max.x,
                    y: bounds.max.y,
                };
                let zoom = view
                    .zoom_to_fit(min, max)
                    .clamp(lod::COLLAPSE_ZOOM * 1.2, READING_ZOOM);
                view.fly_to(bounds.center(), zoom);
                ui.ctx().request_repaint();
            }
            (None, Some(centre)) => {
                view.fly_to(centre, (view.zoom * 8.0).min(lod::COLLAPSE_ZOOM * 1.2));
                ui.ctx().request_repaint();
            }
            // Ctrl+click toggles a party in the selection, Shift+click adds it.
            (None, None) => match hit {
                Some(Selection::Party(id)) if events.command && !overlay.read_only => {
                    commands.push(CanvasCommand::SelectParty(id, SelectMode::Toggle));
                }
                Some(Selection::Party(id)) if events.shift && !overlay.read_only => {
                    commands.push(CanvasCommand::SelectParty(id, SelectMode::Add));
                }
                hit => commands.push(CanvasCommand::Select(hit)),
            },
        }
    }

    // Which consecutive pairs of the highlighted path to light up.
    let path_pairs: HashSet<(&str, &str)> = highlight
        .windows(2)
        .map(|w| (w[0].as_str(), w[1].as_str()))
        .collect();
    let in_path: HashSet<&str> = highlight.iter().map(PartyId::as_str).collect();
    let as_of = s.as_of();
    let scale = label_scale(ui.ctx());
    let font = |size: f32| FontId::proportional(lod::label_font(size, tf.zoom).size * scale);
    let mut hovered_text: Option<String> = None;
    // Where labels went this frame: a label is drawn only where it overlaps nothing.
    let mut labels = lod::LabelSpace::default();
    // The legend, parties and badges claim their space first, so that no label covers one. The
    // legend goes in a corner where it hides no party and no link (fitting and flying leave it
    // one: see `view.rs`).
    let legend = legend_size.map(|size| {
        let covered = |area: Rect| {
            let parties = nodes
                .iter()
                .filter(|&&n| area.expand(node_r).contains(position_of(n)))
                .count();
            let (lo, hi) = ([area.min.x, area.min.y], [area.max.x, area.max.y]);
            let links = segments
                .iter()
                .filter(|(_, _, points)| {
                    points.windows(2).any(|w| {
                        let p = |q: Pos2| Position { x: q.x, y: q.y };
                        crate::layout::clip_segment(p(w[0]), p(w[1]), lo, hi).is_some()
                    })
                })
                .count();
            parties * 100 + links
        };
        view.legend_corner = paint::legend_corner(rect, size, view.legend_corner, covered);
        paint::legend_rect(rect, view.legend_corner, size)
    });
    view.legend = legend;
    if let Some(legend) = legend {
        labels.occupy(legend);
    }
    for &n in &nodes {
        let c = position_of(n);
        labels.occupy(Rect::from_center_size(c, vec2(node_r, node_r) * 2.0));
        // The corner where a finding's marker goes.
        labels.occupy(Rect::from_center_size(
            c + vec2(node_r, -node_r) * 0.8,
            vec2(18.0, 18.0),
        ));
    }
    let group_rect = |number: u32| -> Rect {
        let b = scene.groups[number as usize].bounds;
        let a = tf.to_screen(Position {
            x: b.min.x,
            y: b.min.y,
        });
        let z = tf.to_screen(Position {
            x: b.max.x,
            y: b.max.y,
        });
        let rect = Rect::from_two_pos(a, z).expand(r);
        Rect::from_center_size(rect.center(), rect.size().max(vec2(10.0, 10.0)))
    };
    for &number in &groups {
        labels.occupy(group_rect(number));
    }

    // Party names claim their place before any link word or count: a trainer zoomed in on a
    // reseller reads who is who first (the link kinds are in the legend and the tooltips). They
    // are drawn after the shapes, so they sit on top; the selected party and its path go first.
    let selected_node = match selection {
        Some(Selection::Party(id)) => s.party_index(id.as_str()),
        _ => None,
    };
    let (mut party_labels, named) = {
        let mut wanted: Vec<(u8, NodeIndex)> = nodes
            .iter()
            .filter(|&&n| rect.expand(node_r).contains(position_of(n)) || Some(n) == moving)
            .map(|&n| {
                let party = &graph[n];
                let first = selected_node == Some(n) || in_path.contains(party.id.as_str());
                (if first { 0 } else { 1 + party.kind.tier() }, n)
            })
            .collect();
        wanted.sort_unstable();
        let mut placed = Vec::new();
        let mut named = HashSet::new();
        // Up to this many parties every name is drawn: where no place is free, over whatever is
        // least in the way. Beyond, the level of detail decides.
        let every_name = s.party_count() <= EVERY_NAME_UP_TO;
        // The links drawn one by one: a name goes where none runs under its plate if it can.
        let mut runs = lod::LinkSpace::default();
        if !wanted.is_empty() {
            let clip = rect.expand(100.0);
            for (_, _, points) in &segments {
                runs.add(points, clip);
            }
        }
        for (_, n) in wanted {
            let party = &graph[n];
            let dimmed = overlay.focus.is_some_and(|f| !f.contains(&party.id));
            let party_ink = if dimmed {
                ink.gamma_multiply(0.25)
            } else {
                ink
            };
            let mut label = PartyLabel::lay_out(&painter, party, party_ink, &font);
            if label.place(rect, position_of(n), node_r, &mut labels, &runs, every_name) {
                placed.push(label);
                named.insert(n);
            }
        }
        (placed, named)
    };

    // Marks: a few pixels each, gathered into one mesh (no outlines, no anti-aliasing to
    // tessellate): tens of thousands of them cost less than a hundred stroked links.
    if let Some(level) = level.filter(|_| far_marks) {
        let side = (level.cell * tf.zoom * 0.8).max(2.0);
        let mut mesh = egui::Mesh::default();
        mesh.reserve_triangles(marks.len() * 2);
        mesh.reserve_vertices(marks.len() * 4);
        for &m in &marks {
            let mark = &level.marks[m as usize];
            let c = tf.to_screen(Position {
                x: mark.centre.x,
                y: mark.centre.y,
            });
            let worst = if overlay.hide_findings {
                None
            } else {
                mark.worst.filter(|w| *w != Severity::Note)
            };
            let fill = worst.map_or(party_fill(mark.kind()), severity_color);
            mesh.add_colored_rect(Rect::from_center_size(c, vec2(side, side)), fill);
        }
        painter.add(Shape::mesh(mesh));
    }

    // Links gathered into one stroke: bundles into collapsed groups (one per kind between the
    // same two ends) and the far view's trunks (links of one kind between the same two cells).
    let mut aggregates: Vec<Aggregate> = Vec::with_capacity(bundles.len() + trunks.len());
    for &b in &bundles {
        let bundle = &scene.bundles[b as usize];
        // Links into a group from anyone but its seller (a provider's reseller relationships with
        // the customers of its resellers) fan out across the channel.
        let from_afar = match (bundle.from, bundle.to) {
            (End::Party(n), End::Group(g)) | (End::Group(g), End::Party(n)) => {
                scene.groups[g as usize].head != n
            }
            _ => true,
        };
        aggregates.push(Aggregate {
            a: anchor_of(bundle.from),
            z: anchor_of(bundle.to),
            kind: bundle.kind,
            count: bundle.count,
            broken: bundle.broken(),
            current: bundle.current,
            worst: bundle.worst,
            from_afar,
            what: Gathered::Bundle(b),
        });
    }
    if let Some(level) = level {
        for &t in &trunks {
            let trunk = &level.trunks[t as usize];
            let at = |p: Pos2| tf.to_screen(Position { x: p.x, y: p.y });
            aggregates.push(Aggregate {
                a: at(trunk.from.at),
                z: at(trunk.to.at),
                kind: trunk.kind,
                count: trunk.count,
                broken: trunk.broken,
                current: trunk.current,
                worst: trunk.worst,
                from_afar: trunk.from_afar,
                what: Gathered::Trunk(t),
            });
        }
    }
    for (i, stroke) in passing_strokes.iter().enumerate() {
        aggregates.push(Aggregate {
            a: stroke.a,
            z: stroke.z,
            kind: stroke.kind,
            count: stroke.count,
            broken: stroke.broken,
            current: stroke.current,
            worst: stroke.worst,
            from_afar: true,
            what: Gathered::Passing(i as u32),
        });
    }
    // Broken ones last, so that red is on top.
    aggregates.sort_by_key(|g| g.worst.filter(|w| *w != Severity::Note));
    for gathered in &aggregates {
        let (a, z) = (gathered.a, gathered.z);
        if a.distance(z) < 2.0 {
            continue;
        }
        let worst = if overlay.hide_findings {
            None
        } else {
            gathered.worst
        };
        // Links from afar are drawn faint and thin unless one of them is broken, so that the
        // sellers' own bundles stay readable.
        let quiet =
            gathered.from_afar && !matches!(worst, Some(Severity::Violation | Severity::Warning));
        // In the far view they are left out altogether: hundreds of faint lines across the
        // channel still make a wall (and cost the rasteriser), and say only that providers have
        // reseller relationships with their resellers' customers.
        if quiet && far_marks {
            continue;
        }
        let mut color = link_color(gathered.kind, light);
        if gathered.count == 1 {
            // One link: drawn as a link is, coloured and dashed by its finding.
            if let Some(sev) = worst.filter(|w| *w != Severity::Note) {
                color = severity_color(sev);
            }
        }
        if gathered.current == 0 || quiet {
            color = color.gamma_multiply(0.3);
        }
        let width = if quiet || gathered.from_afar {
            1.0
        } else {
            (1.5 + (gathered.count as f32).log2() * 0.7).min(7.0)
        };
        let stroke = Stroke::new(width, color);
        let dashed = gathered.kind == LinkKind::Admin
            || (gathered.count == 1 && worst == Some(Severity::Violation));
        if dashed {
            painter.extend(Shape::dashed_line(&[a, z], stroke, 8.0, 5.0));
        } else {
            painter.line_segment([a, z], stroke);
        }
        // Several links: the stroke keeps their kind's colour, and a core in the finding's colour,
        // as wide as the broken ones are many, shows that (and roughly how much) is wrong in it:
        // a trunk of 5,000 partnerships with one violation is not drawn as 5,000 broken ones.
        if gathered.count > 1 {
            let core = match worst {
                Some(Severity::Violation) => Some((
                    severity_color(Severity::Violation),
                    (1.0 + (gathered.broken.max(1) as f32).log2() * 0.6).min(width.max(2.0)),
                )),
                Some(Severity::Warning) => Some((severity_color(Severity::Warning), 1.0)),
                _ => None,
            };
            if let Some((core_color, core_width)) = core {
                painter.line_segment([a, z], Stroke::new(core_width, core_color));
            }
        }
        let mid = a + (z - a) / 2.0;
        if gathered.count > 1 && !quiet {
            let text = crate::text::thousands(gathered.count as usize);
            let galley = painter.layout_no_wrap(text, FontId::proportional(11.0), Color32::WHITE);
            let plate = Rect::from_center_size(mid, galley.size() + vec2(8.0, 2.0));
            if labels.try_place(plate) {
                // White on the finding's colour, or on the kind's dark shade.
                let fill = match worst {
                    Some(sev) if sev != Severity::Note => severity_color(sev),
                    _ => link_color(gathered.kind, true),
                };
                painter.rect_filled(plate, 6.0, fill.gamma_multiply(0.9));
                painter.galley(plate.min + vec2(4.0, 1.0), galley, Color32::WHITE);
            }
        }
        if let Some((.., recorder)) = picture_drawing.as_mut() {
            recorder.targets.push(picture::Target::Stroke {
                a,
                z,
                what: gathered.what,
            });
        }
        if pointer.is_some_and(|p| distance_to_segment(p, a, z) < picture::STROKE_REACH) {
            hovered_text = Some(gathered_tooltip(
                doc,
                scene,
                level,
                &passing_strokes,
                gathered.what,
                overlay.hide_findings,
            ));
        }
    }

    // Links one by one.
    let link_labels = lod::link_labels(view.zoom);
    // Finding markers claim their place before any link word, violations first: a red link's ✖
    // says which of two links running side by side is the broken one, and it is what a trainee
    // aims at. Before, lesson 1's red purchase lost its ✖ and its word to the word of the reseller
    // relationship running beside it, and "click the red purchase" selected the relationship.
    // A purchase goes first (the sale is what lessons ask to select); where the middle of a link
    // is taken (a purchase and a reseller relationship between the same two parties run side by
    // side), the marker moves along it. Lesson 10's one ✖ between Litware and Contoso was the
    // reseller relationship's, and "select the purchase" selected it.
    //
    // Quiz marks and what-if changes claim their places in the same pass, after the findings and
    // at the size they are drawn: a judged quiz's badges (22 px) were put where an 18-px ✖ had
    // room, or in the middle of a link that had no finding, and two side by side overlapped
    // (quiz 18's Litware → Contoso pair, seen in a presenter walk-through).
    let mut with_marker: HashMap<EdgeIndex, Pos2> = HashMap::new();
    {
        let mut broken: Vec<_> = segments
            .iter()
            .filter_map(|(e, link, points)| {
                let worst = scene
                    .link_worst(*e)
                    .filter(|s| *s != Severity::Note && !overlay.hide_findings);
                let id = link.id.as_str();
                let marked = quiz_marker(overlay, id).is_some()
                    || overlay.diff.is_some_and(|d| d.link(id).is_some());
                let size = if marked { 22.0 } else { 18.0 };
                (worst.is_some() || marked).then_some((
                    worst,
                    link.kind != LinkKind::Purchase,
                    *e,
                    points,
                    size,
                ))
            })
            .collect();
        broken.sort_by_key(|(worst, later, e, _, _)| (std::cmp::Reverse(*worst), *later, *e));
        for (_, _, e, points, size) in broken {
            let marker = |at: Pos2| Rect::from_center_size(at, vec2(size, size));
            let n = points.len() - 1;
            let free = [n / 2, n * 3 / 8, n * 5 / 8, n / 4, n * 3 / 4]
                .into_iter()
                .map(|i| points[i])
                .find(|at| labels.try_place(marker(*at)));
            // Where every place along the link is taken (a small view: beside the presenter's
            // card, lesson 10's reseller relationship found none), the ✖ still goes on it, where
            // it covers least: a broken link without its ✖ cannot be told from the link beside it.
            let at = free.or_else(|| {
                let at = (1..n)
                    .map(|i| points[i])
                    .chain(std::iter::once(points[0].lerp(points[n], 0.5)))
                    .min_by(|a, b| {
                        labels
                            .overlap(marker(*a))
                            .total_cmp(&labels.overlap(marker(*b)))
                    })?;
                labels.occupy(marker(at));
                Some(at)
            });
            if let Some(at) = at {
                with_marker.insert(e, at);
            }
        }
    }
    // The words of the links with a marker go first, after the markers: lesson 1's second
    // purchase lost its "buys" to the words of the reseller relationships beside it.
    let mut marked_words: HashMap<EdgeIndex, Rect> = HashMap::new();
    if link_labels {
        for (e, link, points) in &segments {
            if let Some(at) = with_marker.get(e) {
                let size = painter
                    .layout_no_wrap(
                        link_short(link.kind).to_owned(),
                        FontId::proportional(11.0),
                        ink,
                    )
                    .size();
                let beside = segments
                    .iter()
                    .filter(|(other, l, _)| {
                        other != e
                            && ((l.from == link.from && l.to == link.to)
                                || (l.from == link.to && l.to == link.from))
                    })
                    .flat_map(|(_, _, p)| p.iter().copied())
                    .min_by(|a, b| a.distance(*at).total_cmp(&b.distance(*at)));
                if let Some(spot) =
                    word_spot(&mut labels, points, *at, size, MARKED_WORD_CLEAR, beside)
                {
                    marked_words.insert(*e, spot);
                }
            }
        }
    }
    view.markers = with_marker
        .iter()
        .filter_map(|(e, at)| Some((graph.edge_weight(*e)?.id, tf.to_canvas(*at))))
        .collect();
    // Markers are drawn over every link: drawn with their own, the links drawn after it ran over
    // it (four arrows into Tailspin hid the June purchase's ✖ in lesson 17).
    let mut badges: Vec<(Pos2, f32, Color32, &str, f32)> = Vec::new();
    for (e, link, points) in &segments {
        let end = points[points.len() - 1];
        let dir = (end - points[points.len() - 2]).normalized();
        let worst = if overlay.hide_findings {
            None
        } else {
            scene.link_worst(*e)
        };
        let future = !link.exists_at(as_of);
        let dimmed = overlay
            .focus
            .is_some_and(|f| !f.contains(&link.from) || !f.contains(&link.to));
        let selected = matches!(selection, Some(Selection::Link(id)) if *id == link.id);
        let lit = path_pairs.contains(&(link.from.as_str(), link.to.as_str()));
        let mut color = match worst {
            Some(sev) if sev != Severity::Note => severity_color(sev),
            _ => link_color(link.kind, light),
        };
        // A link only passing through the view (neither party on screen) is drawn faint and thin
        // unless it is broken, selected or lit: on a big channel, a provider's links to customers
        // far away would otherwise cover every view with lines that lead nowhere visible.
        let passing = !rect.contains(points[0])
            && !rect.contains(end)
            && !selected
            && !lit
            && !matches!(worst, Some(Severity::Violation | Severity::Warning));
        if future || dimmed || passing {
            color = color.gamma_multiply(if dimmed || passing { 0.15 } else { 0.3 });
        }
        let width = if passing {
            1.0
        } else {
            let base = match link.kind {
                LinkKind::Supply | LinkKind::Purchase => 3.0,
                _ => 2.0,
            };
            base * view.zoom.clamp(0.6, 1.5) + if selected || lit { 2.5 } else { 0.0 }
        };
        if selected || lit {
            painter.add(Shape::line(
                points.clone(),
                Stroke::new(width + 6.0, color.gamma_multiply(0.3)),
            ));
        }
        let stroke = Stroke::new(width, color);
        let dashed = matches!(worst, Some(Severity::Violation)) || link.kind == LinkKind::Admin;
        if dashed {
            let (dash, gap) = if worst == Some(Severity::Violation) {
                (10.0, 6.0)
            } else {
                (3.0, 4.0)
            };
            // Only the parts near the view: a link across a whole distributor is millions of
            // pixels long zoomed in.
            let clip = rect.expand(dash + gap + width);
            for run in visible_runs(points, clip, dash + gap) {
                painter.extend(Shape::dashed_line(&run, stroke, dash, gap));
            }
        } else {
            painter.add(Shape::line(points.clone(), stroke));
        }
        // Arrow head at the buying end (left out where the link is too short to carry one).
        let head = 10.0 + width;
        if points[0].distance(end) > head * 2.0 {
            let left = end - dir * head + dir.rot90() * head * 0.5;
            let right = end - dir * head - dir.rot90() * head * 0.5;
            painter.add(Shape::convex_polygon(
                vec![end, left, right],
                color,
                Stroke::NONE,
            ));
        }
        let mid = with_marker
            .get(e)
            .copied()
            .unwrap_or(points[points.len() / 2]);
        let id = link.id.as_str();
        let change = overlay.diff.and_then(|d| d.link(id));
        // At most one marker per link: a quiz mark, a what-if change, or the worst finding. A
        // finding's marker is left out where it would cover another (the link stays coloured and
        // dashed by its finding); quiz and what-if marks are always drawn.
        let finding_marker = worst
            .filter(|s| *s != Severity::Note)
            .filter(|_| with_marker.contains_key(e));
        let marked = if let Some((symbol, fill)) = quiz_marker(overlay, id) {
            badges.push((mid, 11.0, fill, symbol, 13.0));
            true
        } else if let Some(change) = change {
            let (symbol, fill) = match change {
                ChangeKind::Added => ("+", ADDED),
                ChangeKind::Removed => ("−", Color32::GRAY),
                ChangeKind::Changed(_) => ("~", CHANGED),
            };
            match worst.filter(|s| matches!(s, Severity::Violation | Severity::Warning)) {
                // A broken link the what-if added or changed keeps its colour, its dashes and its
                // ✖; the change is marked beside it (a green halo and a "+" in place of the ✖
                // said a broken purchase was fine).
                Some(sev) => {
                    badges.push((mid, 9.0, severity_color(sev), severity_symbol(sev), 11.0));
                    badges.push((mid + vec2(13.0, -13.0), 7.0, fill, symbol, 11.0));
                }
                None => {
                    painter.add(Shape::line(
                        points.clone(),
                        Stroke::new(width + 8.0, fill.gamma_multiply(0.35)),
                    ));
                    badges.push((mid, 10.0, fill, symbol, 14.0));
                }
            }
            true
        } else if let Some(sev) = finding_marker {
            badges.push((mid, 9.0, severity_color(sev), severity_symbol(sev), 11.0));
            true
        } else {
            false
        };
        // The kind is named beside the marker when there is one ("which of these red links is
        // the purchase?"), where it overlaps no other label (see `word_spot`).
        if link_labels && !passing {
            let galley = painter.layout_no_wrap(
                link_short(link.kind).to_owned(),
                FontId::proportional(11.0),
                color,
            );
            let spot = match marked_words.get(e) {
                Some(at) => Some(*at),
                None if with_marker.contains_key(e) => None,
                None => {
                    let clear = if marked {
                        MARKED_WORD_CLEAR
                    } else {
                        WORD_CLEAR
                    };
                    word_spot(&mut labels, points, mid, galley.size(), clear, None)
                }
            };
            if let Some(at) = spot {
                painter.galley(at.min, galley, color);
            }
        }
        if pointer.is_some_and(|p| distance_to_polyline(p, points) < 8.0) {
            hovered_text = Some(link_tooltip(doc, link, overlay.hide_findings));
        }
        if !passing {
            let bounds = points
                .iter()
                .fold(Rect::NOTHING, |b, p| {
                    b.union(Rect::from_center_size(*p, vec2(2.0, 2.0)))
                })
                .intersect(rect);
            expose(ui, ui.id().with(("link", link.id.as_str())), bounds, || {
                let name = |id: &PartyId| {
                    s.party(id.as_str())
                        .map_or_else(|| id.to_string(), |p| p.name.clone())
                };
                let label = format!(
                    "{}: {} → {}",
                    link.kind.label(),
                    name(&link.from),
                    name(&link.to)
                );
                (label, described(worst))
            });
        }
    }

    for (at, radius, fill, symbol, size) in badges {
        badge(&painter, at, radius, fill, symbol, size);
    }
    // The pointer on a marker tells of the marker's link, as a click there selects it.
    if let Some(link) = pointer
        .and_then(|p| marker_at(view, p))
        .and_then(|id| s.link(id.as_str()))
    {
        hovered_text = Some(link_tooltip(doc, link, overlay.hide_findings));
    }

    // What the what-if removed, where the base had it.
    for ghost in overlay.ghosts {
        let grey = ink.gamma_multiply(0.35);
        match ghost {
            Ghost::Link(a, b, label) => {
                let (a, b) = (view.to_screen(*a), view.to_screen(*b));
                painter.extend(Shape::dashed_line(
                    &[a, b],
                    Stroke::new(2.5, grey),
                    6.0,
                    6.0,
                ));
                let mid = a + (b - a) / 2.0;
                badge(&painter, mid, 10.0, Color32::GRAY, "−", 14.0);
                painter.text(
                    mid + vec2(0.0, 14.0),
                    Align2::CENTER_TOP,
                    label,
                    FontId::proportional(11.0),
                    grey,
                );
            }
            Ghost::Party(p, label) => {
                let c = view.to_screen(*p);
                painter.extend(Shape::dashed_line(
                    &circle_points(c, r),
                    Stroke::new(2.0, grey),
                    5.0,
                    5.0,
                ));
                painter.text(
                    c,
                    Align2::CENTER_CENTER,
                    format!("− {label}"),
                    font(13.0),
                    grey,
                );
            }
        }
    }

    // Collapsed groups: one badge over where the customers are, counted, coloured by the worst
    // finding among them; a badge holding a selected party is lit like one holding the party
    // clicked (looked up from the selection's side: a few thousand selected, not every member).
    let selected_groups: HashSet<u32> = match overlay.selected {
        Some(set) if !groups.is_empty() => set
            .iter()
            .filter_map(|id| s.party_index(id.as_str()))
            .filter_map(|n| scene.group_of.get(n.index()).copied())
            .collect(),
        _ => HashSet::new(),
    };
    for &number in &groups {
        let group = &scene.groups[number as usize];
        let at = group_rect(number);
        let worst = if overlay.hide_findings {
            None
        } else {
            group.worst.filter(|w| *w != Severity::Note)
        };
        let fill = worst.map_or(party_fill(PartyKind::Customer), severity_color);
        let holds_selection = selected_node.is_some_and(|n| scene.group_of[n.index()] == number)
            || selected_groups.contains(&number);
        if holds_selection {
            painter.rect_filled(
                at.expand(6.0),
                8.0,
                Color32::from_rgb(86, 180, 233).gamma_multiply(0.35),
            );
        }
        painter.rect(
            at,
            (at.height() / 2.0).min(10.0),
            fill.gamma_multiply(0.85),
            Stroke::new(1.5, ink.gamma_multiply(0.7)),
            egui::StrokeKind::Middle,
        );
        let text = group_badge(worst, group.members.len());
        let text_color = if worst.is_some() {
            Color32::WHITE
        } else {
            Color32::from_gray(20)
        };
        let galley = painter.layout_no_wrap(text, font(12.0), text_color);
        // A count much wider than its badge is left to the tooltip. The slack took the thousands'
        // comma in: at 40 px "✖ 6,325 customers" lost its place on the fitted 300k channel that
        // "✖ 6325 customers" had (a count put below goes only where no other label is).
        if galley.size().x <= at.width() + 2.0 * r + 48.0 {
            let plate = Rect::from_center_size(at.center(), galley.size() + vec2(6.0, 2.0));
            let under_legend = legend.is_some_and(|l| l.intersects(plate));
            if under_legend {
                // The badge is drawn; its count is in the tooltip.
            } else if at.width() >= plate.width() && at.height() >= plate.height() {
                painter.galley(plate.min + vec2(3.0, 1.0), galley, text_color);
            } else {
                // A badge too small for its count: the count goes under it, where there is room.
                let below = Rect::from_center_size(
                    at.center_bottom() + vec2(0.0, plate.height() / 2.0 + 2.0),
                    plate.size(),
                );
                if labels.try_place(below) {
                    painter.rect_filled(below, 3.0, fill.gamma_multiply(0.9));
                    painter.galley(below.min + vec2(3.0, 1.0), galley, text_color);
                }
            }
        }
        if let Some((.., recorder)) = picture_drawing.as_mut() {
            recorder
                .targets
                .push(picture::Target::Group { rect: at, number });
        }
        if pointer.is_some_and(|p| at.contains(p)) {
            hovered_text = Some(group_tooltip(doc, group, overlay.hide_findings));
        }
    }

    // Connect rubber band and target tints.
    // The line, the target's ring and the text under the pointer all show one verdict: that of
    // the kind the chooser will offer first (see `verdict.rs`).
    let mut connect_reason: Option<(Pos2, Verdict)> = None;
    let mut connect_target: Option<(PartyId, Color32)> = None;
    if let (Some(Drag::Connect { from }), Some(p)) = (
        tf.drag.as_ref(),
        pointer.or(response.interact_pointer_pos()),
    ) {
        if let Some(target) = party_at(doc, view, p).filter(|t| t != from) {
            connect_reason = view.verdict(doc, from, &target).map(|v| (p, v));
            let color = connect_reason
                .as_ref()
                .map_or(ink.gamma_multiply(0.7), |(_, v)| verdict_color(v));
            connect_target = Some((target, color));
        }
        if let Some(a) = s.party_index(from.as_str()).map(&position_of) {
            let broken = connect_reason
                .as_ref()
                .is_some_and(|(_, v)| v.worst == Some(Severity::Violation));
            let color = connect_target
                .as_ref()
                .map_or(ink.gamma_multiply(0.7), |(_, c)| *c);
            let stroke = Stroke::new(3.0, color);
            if broken {
                painter.extend(Shape::dashed_line(&[a, p], stroke, 10.0, 6.0));
            } else {
                painter.line_segment([a, p], stroke);
            }
        }
    }

    // The lasso being drawn: its outline so far, closed back to where it started.
    if let Some(Drag::Lasso { outline }) = tf.drag.as_ref()
        && outline.len() > 1
    {
        let points: Vec<Pos2> = outline.iter().map(|p| tf.to_screen(*p)).collect();
        let stroke = Stroke::new(2.0, Color32::from_rgb(86, 180, 233));
        painter.add(Shape::line(points.clone(), stroke));
        if let (Some(first), Some(last)) = (points.first(), points.last()) {
            painter.extend(Shape::dashed_line(&[*last, *first], stroke, 6.0, 4.0));
        }
    }

    // Parties: shapes first, labels after in order of importance, each only where it fits.
    let connecting_from = match &view.drag {
        Some(Drag::Connect { from }) => s.party(from.as_str()),
        _ => None,
    };
    // Zoomed out this far, the parties left to draw are the few senior ones (the rest are
    // marks), drawn at a size that can be seen.
    let r = node_r;
    let mut unnamed = 0;
    for &n in &nodes {
        let party = &graph[n];
        let c = position_of(n);
        if !rect.expand(r).contains(c) && Some(n) != moving {
            continue;
        }
        let selected = selected_node == Some(n);
        let dimmed = overlay.focus.is_some_and(|f| !f.contains(&party.id));
        if let Some(f) = connecting_from
            && f.id != party.id
        {
            // The target under the pointer is ringed by its verdict, boldly; the others by
            // whether any program chain joins the two kinds at all.
            match connect_target.as_ref().filter(|(t, _)| *t == party.id) {
                Some((_, color)) => {
                    painter.circle_stroke(c, r + 9.0, Stroke::new(6.0, *color));
                }
                None => {
                    let tint = if chain_kinds(f.kind, party.kind).is_empty() {
                        severity_color(Severity::Violation)
                    } else {
                        VALID
                    };
                    painter.circle_stroke(c, r + 8.0, Stroke::new(4.0, tint.gamma_multiply(0.8)));
                }
            }
        }
        if selected || in_path.contains(party.id.as_str()) {
            painter.circle_filled(
                c,
                r + 10.0,
                Color32::from_rgb(86, 180, 233).gamma_multiply(0.35),
            );
        }
        if overlay.selected.is_some_and(|set| set.contains(&party.id)) {
            painter.circle_stroke(
                c,
                r + 5.0,
                Stroke::new(3.0, Color32::from_rgb(86, 180, 233)),
            );
        }
        let party_ink = if dimmed {
            ink.gamma_multiply(0.25)
        } else {
            ink
        };
        if let Some(change) = overlay.diff.and_then(|d| d.party(party.id.as_str())) {
            let color = match change {
                ChangeKind::Changed(_) => CHANGED,
                _ => ADDED,
            };
            painter.circle_stroke(c, r + 7.0, Stroke::new(4.0, color));
            let symbol = if matches!(change, ChangeKind::Changed(_)) {
                "~"
            } else {
                "+"
            };
            let corner = c + vec2(-r * 0.8, -r * 0.8);
            badge(&painter, corner, 9.0, color, symbol, 13.0);
        }
        draw_party_shape(&painter, party, c, r, party_ink, dimmed);
        let worst = if overlay.hide_findings {
            None
        } else {
            scene.party_worst(n)
        };
        let mut exposed = picture::Exposed {
            id: ui.id().with(("party", party.id.as_str())),
            rect: Rect::from_center_size(c, vec2(r, r) * 2.0),
            node: n,
            worst,
            words: None,
        };
        // In the far view, a party is told to AccessKit where its name is drawn, and the rest
        // are counted in one summary (see `expose_unnamed`).
        let told = !far_marks || named.contains(&n);
        if told {
            exposed.words = expose_party(ui, &exposed, party, Vec2::ZERO);
        } else {
            unnamed += 1;
        }
        if let Some((.., recorder)) = picture_drawing.as_mut() {
            if told {
                recorder.exposed.push(exposed);
            }
            recorder.targets.push(picture::Target::Party {
                centre: c,
                radius: r,
                node: n,
            });
        }
        if let Some(sev) = worst {
            let corner = c + vec2(r * 0.8, -r * 0.8);
            // In the far view a full-size marker would hide the party it is about.
            let (radius, size) = if far_marks { (4.5, 7.0) } else { (9.0, 11.0) };
            badge(
                &painter,
                corner,
                radius,
                severity_color(sev),
                severity_symbol(sev),
                size,
            );
        }
        if pointer.is_some_and(|p| p.distance(c) <= r) {
            hovered_text = Some(party_tooltip(doc, party, overlay.hide_findings));
        }
    }
    // Leader lines first, under every plate: drawn with their label, a later label's line ran
    // across an earlier name.
    for label in &party_labels {
        label.paint_leader(&painter);
    }
    for label in party_labels.drain(..) {
        label.paint(&painter, background);
    }
    expose_unnamed(ui, rect, unnamed);
    if let Some((key, previous, start, probe, mut recorder)) = picture_drawing {
        recorder.unnamed = unnamed;
        let end = painter.add(Shape::Noop);
        picture::keep(
            ui,
            picture::Drawn {
                key,
                pan: tf.pan,
                painter: &painter,
                start,
                end,
                whole: picture::holds_everything(visible, doc.bounds()),
                recorder,
                legend_corner: view.legend_corner,
                probe,
                previous,
            },
        );
    }

    // Nothing else under the pointer in the far view: what the mark there holds.
    if hovered_text.is_none()
        && let (Some(level), Some(p)) = (level.filter(|_| far_marks), pointer)
    {
        let c = tf.to_canvas(p);
        if let Some(mark) = level.mark_at(pos2(c.x, c.y)) {
            hovered_text = Some(mark_tooltip(mark, overlay.hide_findings));
        }
    }

    if let Some((p, verdict)) = connect_reason {
        let color = verdict_color(&verdict);
        let text = match verdict.worst {
            None => format!("✔ {}", verdict.reason),
            Some(sev) => format!("{} {}", severity_symbol(sev), verdict.reason),
        };
        let galley = painter.layout(text, FontId::proportional(13.0), Color32::WHITE, 360.0);
        let bg = Rect::from_min_size(p + vec2(16.0, 16.0), galley.size() + vec2(12.0, 8.0));
        painter.rect_filled(bg, 4.0, color);
        painter.galley(bg.min + vec2(6.0, 4.0), galley, Color32::WHITE);
    } else if view.drag.is_none()
        && !overlay.no_tooltips
        && let (Some(text), Some(_)) = (hovered_text, pointer)
    {
        response.clone().on_hover_text_at_pointer(text);
    }

    if let Some(legend) = legend {
        legend_ui(
            ui,
            &painter,
            legend,
            view,
            light,
            ink,
            overlay.hide_findings,
        );
    }
    commands
}

/// The air kept around a link's word, so that two words side by side do not touch.
const WORD_AIR: f32 = 2.0;
/// How far a link's word keeps from its link, and from a marked link (clear of the marker: a
/// judged quiz's 22-px badge, with the word's air).
const WORD_CLEAR: f32 = 4.0;
const MARKED_WORD_CLEAR: f32 = 14.0;

/// Where a link's word of `size` goes beside the link's drawn path at `mid` (its marker or
/// middle): on whichever side overlaps no other label, `clear` pixels off the link. On one side
/// only, lesson 10's purchase and reseller relationship, running side by side, each had a ✖ and
/// neither a word, so the two ✖ could not be told apart; and lesson 1's "reseller" and "buys"
/// touched. `beside` is the nearest point of a link running beside this one between the same two
/// parties, if one does.
fn word_spot(
    labels: &mut lod::LabelSpace,
    points: &[Pos2],
    mid: Pos2,
    size: Vec2,
    clear: f32,
    beside: Option<Pos2>,
) -> Option<Rect> {
    let mut normal = direction_at(points, mid).rot90();
    // Away from a link running beside it first, so that both can carry their words.
    if beside.is_some_and(|b| (b - mid).dot(normal) > 0.0) {
        normal = -normal;
    }
    [normal, -normal]
        .into_iter()
        .map(|n| {
            // The half of the word's box that lies towards the link.
            let reach = n.x.abs() * size.x / 2.0 + n.y.abs() * size.y / 2.0;
            Rect::from_center_size(mid + n * (clear + reach), size)
        })
        .find(|at| labels.try_place(at.expand(WORD_AIR)))
}

/// Which way a drawn path runs at the point of it nearest `at` (its marker or middle): a curve's
/// word goes beside it there, not beside its end.
fn direction_at(points: &[Pos2], at: Pos2) -> Vec2 {
    let k = (0..points.len())
        .min_by(|a, b| points[*a].distance(at).total_cmp(&points[*b].distance(at)))
        .unwrap_or(0);
    let (before, after) = (
        points[k.saturating_sub(1)],
        points[(k + 1).min(points.len() - 1)],
    );
    let d = after - before;
    if d.length() > 0.0 {
        d.normalized()
    } else {
        Vec2::X
    }
}

/// The hover text of a bundle, a trunk (a link's, when it is one link) or a stroke of links
/// passing through.
fn gathered_tooltip(
    doc: &Document,
    scene: &scene::Scene,
    level: Option<&far::Level>,
    passing: &[passing::PassingStroke],
    what: Gathered,
    hide_findings: bool,
) -> String {
    match what {
        Gathered::Bundle(b) => {
            bundle_tooltip(doc, scene, &scene.bundles[b as usize], hide_findings)
        }
        Gathered::Trunk(t) => {
            let trunk = &level.expect("trunks come from a level").trunks[t as usize];
            match trunk.single.and_then(|part| match part {
                far::Part::Link(e) => doc.scenario().graph().edge_weight(e),
                far::Part::Bundle(_) => None,
            }) {
                Some(link) => link_tooltip(doc, link, hide_findings),
                None => trunk_tooltip(doc, trunk, hide_findings),
            }
        }
        Gathered::Passing(i) => passing_tooltip(&passing[i as usize], hide_findings),
    }
}

/// Tells AccessKit of a party drawn in `exposed.rect` moved by `delta`, in the words it was told
/// before if any, and answers with the words (none while AccessKit is off).
fn expose_party(
    ui: &egui::Ui,
    exposed: &picture::Exposed,
    party: &crate::model::Party,
    delta: Vec2,
) -> Option<(String, String)> {
    let mut fresh = None;
    expose(
        ui,
        exposed.id,
        exposed.rect.translate(delta),
        || match &exposed.words {
            Some(words) => words.clone(),
            None => {
                let label = format!("{} ({})", party.name, party.kind.label());
                let words = (label, described(exposed.worst));
                fresh = Some(words.clone());
                words
            }
        },
    );
    fresh
}

/// A far-view frame that reuses the picture kept from an earlier one (see `picture`), moved by
/// `delta` for a pan in progress: the mesh, the parties told to AccessKit, the hover text of what
/// the pointer is over (looked up in the picture's hover grid), and the legend.
#[allow(clippy::too_many_arguments)]
fn draw_picture(
    ui: &mut egui::Ui,
    doc: &Document,
    view: &mut CanvasView,
    (painter, response): (&egui::Painter, &egui::Response),
    (kept, delta): (&picture::Picture, Vec2),
    level: &far::Level,
    legend_size: Option<Vec2>,
    (light, ink): (bool, Color32),
    overlay: &Overlay,
) {
    let rect = painter.clip_rect();
    let scene = scene_of(doc, view);
    let graph = doc.scenario().graph();
    view.markers.clear();
    view.legend_corner = kept.legend_corner;
    let legend = legend_size.map(|size| paint::legend_rect(view.rect, kept.legend_corner, size));
    view.legend = legend;
    painter.add(kept.shape(delta));
    for exposed in &kept.exposed {
        if let Some(party) = graph.node_weight(exposed.node) {
            let _ = expose_party(ui, exposed, party, delta);
        }
    }
    expose_unnamed(ui, rect, kept.unnamed);
    let pointer = response.hover_pos().filter(|p| rect.contains(*p));
    let hide = overlay.hide_findings;
    let hovered_text = pointer.and_then(|p| match kept.hovered(p, delta) {
        Some(picture::Target::Stroke { what, .. }) => {
            Some(gathered_tooltip(doc, scene, Some(level), &[], what, hide))
        }
        Some(picture::Target::Group { number, .. }) => {
            Some(group_tooltip(doc, &scene.groups[number as usize], hide))
        }
        Some(picture::Target::Party { node, .. }) => graph
            .node_weight(node)
            .map(|party| party_tooltip(doc, party, hide)),
        None => {
            let c = view.to_canvas(p);
            level
                .mark_at(pos2(c.x, c.y))
                .map(|mark| mark_tooltip(mark, hide))
        }
    });
    if view.drag.is_none()
        && !overlay.no_tooltips
        && let Some(text) = hovered_text
    {
        response.clone().on_hover_text_at_pointer(text);
    }
    if let Some(legend) = legend {
        legend_ui(ui, painter, legend, view, light, ink, hide);
    }
}

/// Tells AccessKit (screen readers, and tests reading the window) about something drawn on the
/// canvas: a party or a link at `rect`, with its label and description from `text` (worked out only
/// while AccessKit is on). The canvas paints with egui's painter, so without this its parties and
/// links were invisible to both.
fn expose(ui: &egui::Ui, id: egui::Id, rect: Rect, text: impl FnOnce() -> (String, String)) {
    ui.ctx().accesskit_node_builder(id, |node| {
        let (label, description) = text();
        node.set_role(egui::accesskit::Role::Button);
        node.set_label(label);
        node.set_description(description);
        node.set_bounds(egui::accesskit::Rect {
            x0: rect.min.x.into(),
            y0: rect.min.y.into(),
            x1: rect.max.x.into(),
            y1: rect.max.y.into(),
        });
    });
}

/// Tells AccessKit, in one node over the canvas, how many parties the far view draws without
/// their names (none: nothing is told). Why: fitted on 300,000 parties the far view draws a few
/// hundred providers and direct-bill partners as themselves but names only the few that have
/// room; told one by one, a screen reader listed hundreds of nameless buttons that a sighted user
/// cannot tell apart either, and the nodes grew with the channel (376 at 300,000 parties, a
/// quarter of a fitted frame where AccessKit is on). What can be read on screen is told as
/// itself; the rest is where zooming in or the search reaches it.
fn expose_unnamed(ui: &egui::Ui, canvas: Rect, unnamed: usize) {
    if unnamed == 0 {
        return;
    }
    ui.ctx()
        .accesskit_node_builder(ui.id().with("unnamed-parties"), |node| {
            // A label's words are its value, in AccessKit.
            node.set_role(egui::accesskit::Role::Label);
            node.set_value(unnamed_words(unnamed));
            node.set_description(
                "providers and direct-bill partners too small to name at this zoom: zoom in, \
                 or find a party by name (Ctrl+F)",
            );
            node.set_bounds(egui::accesskit::Rect {
                x0: canvas.min.x.into(),
                y0: canvas.min.y.into(),
                x1: canvas.max.x.into(),
                y1: canvas.max.y.into(),
            });
        });
}

/// The summary AccessKit is told of the parties drawn without their names.
pub fn unnamed_words(unnamed: usize) -> String {
    match unnamed {
        1 => "1 more party drawn here without its name".to_owned(),
        n => format!(
            "{} more parties drawn here without their names",
            crate::text::thousands(n)
        ),
    }
}

/// What is said of a drawn party or link after its name: its worst finding.
fn described(worst: Option<Severity>) -> String {
    match worst {
        Some(sev) => format!("worst finding: {}", sev.key()),
        None => "no finding".to_owned(),
    }
}

/// The colour of a valid link being connected (the legend's green for added).
const VALID: Color32 = Color32::from_rgb(0, 158, 115);

/// The colour a connect verdict is shown in: green when valid, else its worst finding's.
fn verdict_color(verdict: &Verdict) -> Color32 {
    verdict.worst.map_or(VALID, severity_color)
}

/// The narrowest canvas that shows the legend (side-by-side compare has no room to spare for it).
const LEGEND_MIN_WIDTH: f32 = 760.0;

/// The legend in `at`, open or folded, with its fold button (which the View menu mirrors).
fn legend_ui(
    ui: &mut egui::Ui,
    painter: &egui::Painter,
    at: Rect,
    view: &mut CanvasView,
    light: bool,
    ink: Color32,
    hide_findings: bool,
) {
    if view.legend_open {
        draw_legend(painter, at, light, ink, hide_findings);
    }
    let (label, hover) = if view.legend_open {
        (
            paint::LEGEND_OPEN_LABEL,
            "Fold the legend away (View → Legend)",
        )
    } else {
        (
            paint::LEGEND_FOLDED_LABEL,
            "Show the legend (View → Legend)",
        )
    };
    let button = egui::Button::new(egui::RichText::new(label).size(12.0).color(ink))
        .frame(!view.legend_open);
    let spot = Rect::from_min_size(at.min + vec2(2.0, 2.0), vec2(80.0, 20.0));
    if ui.put(spot, button).on_hover_text(hover).clicked() {
        view.legend_open = !view.legend_open;
        ui.ctx().request_repaint();
    }
}

/// A generated channel of `customers` customers with a few providers and an eighth as many
/// resellers: what the far view's and the passing links' tests draw.
/// The words on a collapsed group of customers: its worst finding's symbol and how many it holds,
/// the thousands separated ("✖ 11,800 customers") as the status bar and the slides write counts;
/// a fitted distributor showed "11800 customers", to be counted digit by digit from the back row.
fn group_badge(worst: Option<Severity>, members: usize) -> String {
    let count = crate::ui::style::count(members, "customer", "customers");
    match worst {
        Some(severity) => format!("{} {count}", severity_symbol(severity)),
        None => count,
    }
}

#[cfg(test)]
fn test_channel(customers: usize) -> Document {
    Document::new(
        crate::generate::generate(&crate::generate::GenerateOptions {
            providers: 4,
            resellers: customers / 8,
            direct_bill: 3,
            customers,
            seed: 5,
            break_rate: 0.05,
        })
        .expect("valid options"),
    )
}

/// Up to this many parties in a channel, no party's name is ever left out (see
/// [`PartyLabel::place`]).
pub const EVERY_NAME_UP_TO: usize = 300;

/// A party's name and kind line beside its shape (under it where there is room), on a plate so that
/// links running under it never make it unreadable. Laid out before the links are drawn (to claim
/// its place first) and painted after the shapes (to sit on top).
struct PartyLabel {
    plate: Rect,
    /// Where the name's centred galley is anchored (the middle of its top edge).
    top: Pos2,
    name: std::sync::Arc<egui::Galley>,
    /// The name wrapped narrower (when that makes it narrower), tried where the name on its widest
    /// lines finds no place clear of other labels and links.
    narrow: Option<std::sync::Arc<egui::Galley>>,
    /// The kind and country, left out where only the name finds room.
    kind_line: Option<std::sync::Arc<egui::Galley>>,
    ink: Color32,
    /// The party's centre and radius, for a leader line to a label placed away from it.
    party: (Pos2, f32),
    /// The plate's margin around the text on every side (see [`plate_margin`]).
    margin: f32,
}

/// The plate's margin around a name in a font of `size` points: a quarter of the size, and never
/// under [`PLATE_MARGIN_MIN`]. With a pixel above the letters and four beside them, links ending
/// at a plate's edge ended at the letters, and OCR lost "Microsoft" under its three supply links
/// on sample 6 option 3 in the Presentation theme.
fn plate_margin(size: f32) -> f32 {
    (size / 4.0).max(PLATE_MARGIN_MIN)
}

/// The width, in ems of the name's type, a name is wrapped at when it has no place on its widest
/// lines: "Fabrikam (direct-bill)" on two lines fits between its neighbours on sample 6 in the
/// Presentation theme.
const NARROW_NAME_EMS: f32 = 7.0;

/// The least plate a party's name keeps clear of links on every side, in pixels.
pub const PLATE_MARGIN_MIN: f32 = 4.0;

impl PartyLabel {
    /// Lays out the label's text, not yet placed (see [`PartyLabel::place`]).
    fn lay_out(
        painter: &egui::Painter,
        party: &crate::model::Party,
        ink: Color32,
        font: &dyn Fn(f32) -> FontId,
    ) -> Self {
        let detail = match &party.country {
            Some(country) => format!("{} · {country}", party.kind.label()),
            None => party.kind.label().to_owned(),
        };
        // Names in the bundled bold (egui ships no bold), on at most two lines, ellipsised: the
        // full name is in the tooltip and the inspector.
        let name_font = super::style::bold_font(font(15.0).size);
        let mut job = egui::text::LayoutJob::simple(
            party.name.clone(),
            name_font.clone(),
            ink,
            name_font.size * 13.0,
        );
        // egui orders a right-to-left line correctly but wraps and ellipsises it from the wrong
        // end (the first word would go), so such names stay whole on one line.
        let rtl = party
            .name
            .chars()
            .any(|c| matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFEFF));
        if rtl {
            job.wrap.max_width = f32::INFINITY;
        }
        job.wrap.max_rows = 2;
        job.halign = egui::Align::Center;
        // The same name on two narrower lines, for where the wide one has no free place.
        let narrow = (!rtl).then(|| {
            let mut job = job.clone();
            job.wrap.max_width = name_font.size * NARROW_NAME_EMS;
            painter.layout_job(job)
        });
        let name = painter.layout_job(job);
        let narrow = narrow.filter(|n| n.rows.len() > name.rows.len());
        // Microsoft's kind is its name: said once.
        let kind_line = (detail != party.name)
            .then(|| painter.layout_no_wrap(detail, font(11.0), ink.gamma_multiply(0.75)));
        let mut label = PartyLabel {
            plate: Rect::NOTHING,
            top: Pos2::ZERO,
            name,
            narrow,
            kind_line,
            ink,
            party: (Pos2::ZERO, 0.0),
            margin: plate_margin(name_font.size),
        };
        label.plate = Rect::from_min_size(Pos2::ZERO, label.size());
        label
    }

    /// The plate's size: the name, and the kind line under it when it is kept.
    fn size(&self) -> egui::Vec2 {
        let (name, kind) = (
            self.name.size(),
            self.kind_line
                .as_ref()
                .map_or(egui::Vec2::ZERO, |k| k.size()),
        );
        let gap = if self.kind_line.is_some() { 1.0 } else { 0.0 };
        vec2(name.x.max(kind.x), name.y + kind.y + gap) + egui::Vec2::splat(2.0 * self.margin)
    }

    /// The places tried for a plate of `size` around a party drawn at `c` with radius `r`, best
    /// first: under it (where the eye looks for a name), over it, right and left of it, then a
    /// little further out diagonally under and over; each moved inside the `canvas` where it
    /// would run off its edge (a name beside a party at the edge of a fitted drawing did).
    fn spots(canvas: Rect, c: Pos2, r: f32, size: egui::Vec2) -> [Rect; 8] {
        let (w, h) = (size.x, size.y);
        let at = |x: f32, y: f32| {
            let x = x.min(canvas.max.x - w).max(canvas.min.x);
            let y = y.min(canvas.max.y - h).max(canvas.min.y);
            Rect::from_min_size(pos2(x, y), size)
        };
        let (below, above) = (c.y + r + 3.0, c.y - r - 4.0 - h);
        let (right, left) = (c.x + r + 6.0, c.x - r - 6.0 - w);
        [
            at(c.x - w / 2.0, below),
            at(c.x - w / 2.0, above),
            at(right, c.y - h / 2.0),
            at(left, c.y - h / 2.0),
            at(right, below),
            at(left, below),
            at(right, above),
            at(left, above),
        ]
    }

    /// Finds the label a place beside the party at `c` (radius `r`) where it covers no party and no
    /// label placed before: the full label if it fits somewhere, else the name alone. Of the free
    /// places, one that no link in `links` runs through wins (the plate is opaque: it would hide
    /// the link, and a link ending at its edge reads as part of the name), the full label before
    /// the name alone; where every free place is crossed, the one crossed least. With
    /// `every_name`, a name that finds no free place is put where it covers the least (labels
    /// first, then links): a party's name is never dropped for link words, counts or a
    /// neighbour's kind line. False when it is left out.
    fn place(
        &mut self,
        canvas: Rect,
        c: Pos2,
        r: f32,
        space: &mut lod::LabelSpace,
        links: &lod::LinkSpace,
        every_name: bool,
    ) -> bool {
        self.party = (c, r);
        let kind_line = self.kind_line.take();
        let wide = self.name.clone();
        let narrow = self.narrow.take();
        let names = std::iter::once(&wide).chain(narrow.as_ref());
        let tries: Vec<_> = names
            .flat_map(|name| [(name, true), (name, false)])
            .collect();
        let mut best: Option<(usize, usize, Rect)> = None;
        'tries: for (i, (name, keep_kind)) in tries.iter().enumerate() {
            self.name = (*name).clone();
            self.kind_line = if *keep_kind { kind_line.clone() } else { None };
            for spot in Self::spots(canvas, c, r, self.size()) {
                if space.collides(spot) {
                    continue;
                }
                let crossed = links.crossings(spot);
                if best.is_none_or(|(least, _, _)| crossed < least) {
                    best = Some((crossed, i, spot));
                }
                if crossed == 0 {
                    break 'tries;
                }
            }
        }
        if let Some((_, i, spot)) = best {
            let (name, keep_kind) = tries[i];
            self.name = name.clone();
            self.kind_line = if keep_kind { kind_line } else { None };
            space.occupy(spot);
            self.put(spot);
            return true;
        }
        self.name = wide;
        if !every_name {
            return false;
        }
        self.kind_line = None;
        let spot = Self::spots(canvas, c, r, self.size())
            .into_iter()
            .min_by(|a, b| {
                (space.overlap(*a), links.crossings(*a))
                    .partial_cmp(&(space.overlap(*b), links.crossings(*b)))
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
            .unwrap_or(Rect::NOTHING);
        space.occupy(spot);
        self.put(spot);
        true
    }

    fn put(&mut self, plate: Rect) {
        self.plate = plate;
        // The galley's rect is centred on its anchor only to the pixel: centred on the plate.
        self.top = pos2(
            plate.center().x - self.name.rect.center().x,
            plate.min.y + self.margin,
        );
    }

    /// A label that had to go away from its party (diagonally, or over others) is tied to it by a
    /// thin line, so that it is not read as a neighbour's.
    fn paint_leader(&self, painter: &egui::Painter) {
        let (c, r) = self.party;
        let near = self.plate.clamp(c);
        if near.distance(c) > r + 10.0 {
            let from = c + (near - c).normalized() * r;
            painter.line_segment([from, near], Stroke::new(1.0, self.ink.gamma_multiply(0.6)));
        }
    }

    fn paint(self, painter: &egui::Painter, background: Color32) {
        // An opaque plate: a link running under a name is hidden there rather than seen through
        // it (at 85 % a link still crossed the letters, and a projector's room or OCR misread
        // four names of the built-in scenarios in the Presentation theme).
        painter.rect_filled(self.plate, 3.0, background);
        // A centred galley's rect already runs from -width/2 to +width/2 around its position.
        painter.galley(self.top, self.name, self.ink);
        if let Some(kind_line) = self.kind_line {
            let kind_size = kind_line.size();
            painter.galley(
                pos2(
                    self.top.x - kind_size.x / 2.0,
                    self.plate.max.y - self.margin - kind_size.y,
                ),
                kind_line,
                self.ink,
            );
        }
    }
}

#[cfg(test)]
mod group_badge_tests {
    use super::*;

    #[test]
    fn a_group_badge_separates_thousands_and_leads_with_the_worst_finding() {
        assert_eq!(
            group_badge(Some(Severity::Violation), 11_800),
            "✖ 11,800 customers"
        );
        assert_eq!(group_badge(None, 1_000_000), "1,000,000 customers");
        assert_eq!(group_badge(Some(Severity::Warning), 12), "⚠ 12 customers");
        assert_eq!(group_badge(None, 1), "1 customer");
    }
}
