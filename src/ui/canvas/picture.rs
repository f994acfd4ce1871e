//! The far view's picture, kept from one frame to the next: what a fitted frame painted (marks,
//! trunks, the few parties drawn as themselves and their names), tessellated once into one mesh,
//! with what the pointer can hover in it. Must not read the document: the canvas draws the picture
//! and hands it here.
//!
//! Why: fitted on 300,000 parties, a frame painted tens of thousands of marks and thousands of
//! trunks and placed the names of hundreds of providers, and egui tessellated all of it again, on
//! every frame of an idle window, of a hover and of a pan: 14 ms of the UI thread against 1.1 ms
//! for 1,000 parties (`cargo bench --bench ui_frame`). Profiled, the cost was spread over making
//! the shapes, placing the names and tessellating; none of it depends on the pointer or the pan.
//! So the picture is made once per document revision and view (zoom, canvas size, selection,
//! theme), tessellated by egui's own tessellator exactly as it would be in the frame (so it looks
//! the same), and a frame that changes none of that adds the one mesh; a hover looks up what is
//! under the pointer in a grid of the picture's hover targets. A pan moves the mesh while the pan
//! goes on (when the whole channel is in the picture: nothing at its edges was left out), and the
//! first frame after it stops draws the picture anew, so names at the canvas's edges are placed
//! for where the view came to rest. A raster of the picture as a texture would make a frame
//! cheaper still, but it would be drawn by our own rasteriser rather than egui's, and look
//! different (anti-aliasing, text).

use super::Gathered;
use egui::epaint::{ClippedShape, Mesh, TessellationOptions, Tessellator, TextureAtlas, TextureId};
use egui::{Galley, LayerId, Pos2, Rect, Shape, Vec2, layers::ShapeIdx, pos2, vec2};
use petgraph::stable_graph::NodeIndex;
use std::sync::Arc;

use crate::model::PartyId;
use crate::rules::Severity;

/// What a far-view picture shows besides the pan: when any of it changes, it is drawn anew.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Key {
    pub document: u64,
    pub revision: u64,
    pub updates: u32,
    /// Zoom, the canvas rectangle, pixels per point and the label scale, bit for bit.
    pub view: [u32; 7],
    /// The legend's size, when it is shown (its place decides where names go).
    pub legend: Option<[u32; 2]>,
    pub selected: Option<PartyId>,
    pub highlight: Vec<PartyId>,
    pub light: bool,
    pub hide_findings: bool,
    /// The font atlas's size: the mesh's text coordinates are fractions of it.
    pub font_image: [usize; 2],
}

/// Something the pointer can hover in the picture, in screen coordinates of the pan it was drawn
/// at, in the order drawn (a later one is drawn over an earlier one, and its hover text wins).
#[derive(Clone, Copy, Debug)]
pub(super) enum Target {
    /// A trunk or a bundle, hovered within [`STROKE_REACH`] of its stroke.
    Stroke { a: Pos2, z: Pos2, what: Gathered },
    /// A customer group's badge.
    Group { rect: Rect, number: u32 },
    /// A party drawn as itself.
    Party {
        centre: Pos2,
        radius: f32,
        node: NodeIndex,
    },
}

/// How near a trunk's stroke the pointer hovers it, in pixels (as the frame tests it).
pub(super) const STROKE_REACH: f32 = 6.0;

impl Target {
    fn hit(&self, p: Pos2) -> bool {
        match *self {
            Target::Stroke { a, z, .. } => super::distance_to_segment(p, a, z) < STROKE_REACH,
            Target::Group { rect, .. } => rect.contains(p),
            Target::Party { centre, radius, .. } => p.distance(centre) <= radius,
        }
    }

    /// The screen box within which the pointer can hit it.
    fn reach(&self) -> Rect {
        match *self {
            Target::Stroke { a, z, .. } => Rect::from_two_pos(a, z).expand(STROKE_REACH),
            Target::Group { rect, .. } => rect,
            Target::Party { centre, radius, .. } => {
                Rect::from_center_size(centre, Vec2::splat(radius * 2.0))
            }
        }
    }
}

/// A party the picture drew and named, told to AccessKit again on every frame that reuses the
/// picture (its words are worked out once, while AccessKit is on).
#[derive(Clone, Debug)]
pub(super) struct Exposed {
    pub id: egui::Id,
    pub rect: Rect,
    pub node: NodeIndex,
    pub worst: Option<Severity>,
    pub words: Option<(String, String)>,
}

/// What a frame drawing a picture notes down besides its shapes.
#[derive(Default)]
pub(super) struct Recorder {
    pub targets: Vec<Target>,
    pub exposed: Vec<Exposed>,
    /// How many parties it drew without their names (told to AccessKit as one count).
    pub unnamed: usize,
}

/// Side of a hover grid cell, in pixels.
const HOVER_CELL: f32 = 32.0;

/// The picture's hover targets by screen cell: a pointer looks at one cell's few targets, not at
/// every trunk of the channel.
struct HoverGrid {
    origin: Pos2,
    columns: usize,
    rows: usize,
    /// Per cell, the targets that reach into it, in drawing order.
    cells: Vec<Vec<u32>>,
}

impl HoverGrid {
    fn new(area: Rect, targets: &[Target]) -> Self {
        let columns = (area.width() / HOVER_CELL).ceil().max(1.0) as usize;
        let rows = (area.height() / HOVER_CELL).ceil().max(1.0) as usize;
        let mut grid = HoverGrid {
            origin: area.min,
            columns,
            rows,
            cells: vec![Vec::new(); columns * rows],
        };
        for (i, target) in targets.iter().enumerate() {
            match *target {
                // A long stroke crosses many cells of its box without reaching them: it is put
                // in the cells around points along it, close enough that every point within its
                // reach is in one of them.
                Target::Stroke { a, z, .. } => {
                    let step = HOVER_CELL / 2.0;
                    let samples = (a.distance(z) / step).ceil().max(1.0) as usize;
                    let half = Vec2::splat(STROKE_REACH + step / 2.0);
                    for k in 0..=samples {
                        let at = a.lerp(z, k as f32 / samples as f32);
                        grid.insert(Rect::from_min_max(at - half, at + half), i as u32);
                    }
                }
                _ => grid.insert(target.reach(), i as u32),
            }
        }
        grid
    }

    /// The cells `area` covers, clamped to the grid (none when it lies outside).
    fn cells_of(
        &self,
        area: Rect,
    ) -> Option<(
        std::ops::RangeInclusive<usize>,
        std::ops::RangeInclusive<usize>,
    )> {
        let lo = (area.min - self.origin) / HOVER_CELL;
        let hi = (area.max - self.origin) / HOVER_CELL;
        if hi.x < 0.0 || hi.y < 0.0 || lo.x >= self.columns as f32 || lo.y >= self.rows as f32 {
            return None;
        }
        let clamp = |v: f32, n: usize| (v.max(0.0) as usize).min(n - 1);
        Some((
            clamp(lo.x, self.columns)..=clamp(hi.x, self.columns),
            clamp(lo.y, self.rows)..=clamp(hi.y, self.rows),
        ))
    }

    fn insert(&mut self, area: Rect, target: u32) {
        let Some((xs, ys)) = self.cells_of(area) else {
            return;
        };
        for y in ys {
            for x in xs.clone() {
                let cell = &mut self.cells[y * self.columns + x];
                if cell.last() != Some(&target) {
                    cell.push(target);
                }
            }
        }
    }

    /// The targets of the cell holding `p`, in drawing order.
    fn at(&self, p: Pos2) -> &[u32] {
        match self.cells_of(Rect::from_min_max(p, p)) {
            Some((xs, ys)) => &self.cells[ys.start() * self.columns + xs.start()],
            None => &[],
        }
    }
}

/// A far-view frame's picture, tessellated, and what it needs to be reused.
pub(super) struct Picture {
    key: Key,
    /// The pan it was drawn at.
    pan: Vec2,
    /// Nothing of the channel was left out at the canvas's edges, so the picture may be moved
    /// for a pan in progress.
    movable: bool,
    mesh: Arc<Mesh>,
    targets: Vec<Target>,
    hover: HoverGrid,
    pub exposed: Vec<Exposed>,
    /// How many parties it drew without their names.
    pub unnamed: usize,
    /// Where the legend went (the frame chose its corner from what was drawn).
    pub legend_corner: super::paint::Corner,
    /// A galley laid out on every frame: egui hands back the same one until it rebuilds its
    /// fonts (and its atlas, where the mesh's text is), which makes the picture stale.
    probe: Arc<Galley>,
    /// The tessellator it was made with and what that was made for (pixels per point, options),
    /// handed on to the next picture: making one prepares the atlas's discs (small filled
    /// circles are drawn with them) from a copy of the atlas.
    tessellator: (Tessellator, f32, TessellationOptions),
    /// The mesh moved for a pan in progress (see [`Moved`]).
    moved: Moved,
}

/// Copies of a picture's mesh moved for a pan in progress, each used again once egui lets go of
/// it: a frame of the pan rewrites the vertices' positions of a copy it already has instead of
/// copying the whole mesh (vertices and indices) into a fresh allocation and moving it. Why: at
/// 300,000 parties the mesh is 122,000 vertices and 398,000 indices, and the copy made a pan's
/// frame cost half as much again as an idle one (1.0 against 0.6 ms of the UI thread), three
/// times and more a frame at 1,000 parties. Two copies, taken in turn: the frame that drew one
/// may still hold it while the next is made (egui_kittest keeps the last frame's output; eframe
/// has tessellated it by then).
#[derive(Default)]
struct Moved {
    copies: std::sync::Mutex<[Option<Arc<Mesh>>; 2]>,
}

impl Moved {
    /// `mesh` moved by `delta`, in a copy nobody else holds if there is one.
    fn of(&self, mesh: &Mesh, delta: Vec2) -> Arc<Mesh> {
        let mut copies = self
            .copies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let free = copies
            .iter_mut()
            .find(|copy| copy.as_ref().is_none_or(|c| Arc::strong_count(c) == 1));
        let Some(free) = free else {
            let mut moved = mesh.clone();
            moved.translate(delta);
            return Arc::new(moved);
        };
        let copy = free.get_or_insert_with(|| Arc::new(mesh.clone()));
        match Arc::get_mut(copy) {
            Some(moved) => {
                for (vertex, original) in moved.vertices.iter_mut().zip(&mesh.vertices) {
                    vertex.pos = original.pos + delta;
                }
            }
            None => {
                let mut moved = mesh.clone();
                moved.translate(delta);
                *copy = Arc::new(moved);
            }
        }
        copy.clone()
    }
}

/// Where the canvas keeps its picture between frames.
fn slot(ui: &egui::Ui) -> (egui::Id, egui::Id) {
    (ui.id().with("far-picture"), ui.id().with("far-picture-pan"))
}

/// The galley whose identity tells whether egui's fonts were rebuilt since a picture was drawn.
pub(super) fn probe(painter: &egui::Painter) -> Arc<Galley> {
    painter.layout_no_wrap(
        "0".to_owned(),
        egui::FontId::proportional(11.0),
        egui::Color32::WHITE,
    )
}

/// What a frame does with the far view's picture.
pub(super) enum Use {
    /// Add this picture, moved by this much.
    Reuse(Arc<Picture>, Vec2),
    /// Draw the frame, noting down what a picture needs (the previous picture, if any, for what
    /// it can hand on).
    Draw(Option<Arc<Picture>>),
}

/// Whether the picture kept by the canvas shows this frame, given its key and pan: the same key,
/// and the same pan, or a pan in progress (the pan moved since the last frame) over a movable
/// picture.
pub(super) fn lookup(ui: &egui::Ui, key: &Key, pan: Vec2, probe: &Arc<Galley>) -> Use {
    let (picture_id, pan_id) = slot(ui);
    let (kept, last_pan) = ui.data_mut(|d| {
        let last_pan = d.get_temp::<Vec2>(pan_id);
        d.insert_temp(pan_id, pan);
        (d.get_temp::<Arc<Picture>>(picture_id), last_pan)
    });
    let Some(picture) = kept else {
        return Use::Draw(None);
    };
    let current = picture.key == *key && Arc::ptr_eq(&picture.probe, probe);
    let delta = pan - picture.pan;
    let panning = last_pan.is_some_and(|last| last != pan);
    if current && (delta == Vec2::ZERO || (picture.movable && panning)) {
        Use::Reuse(picture, delta)
    } else {
        Use::Draw(Some(picture))
    }
}

/// Forgets the kept picture (a frame that draws no far view): its mesh is not held in memory.
pub(super) fn forget(ui: &egui::Ui) {
    let (picture_id, pan_id) = slot(ui);
    ui.data_mut(|d| {
        d.remove::<Arc<Picture>>(picture_id);
        d.remove::<Vec2>(pan_id);
    });
}

/// What [`keep`] needs to know about the frame just drawn.
pub(super) struct Drawn<'a> {
    pub key: Key,
    pub pan: Vec2,
    /// The canvas's painter, and the markers added before and after the picture's shapes.
    pub painter: &'a egui::Painter,
    pub start: ShapeIdx,
    pub end: ShapeIdx,
    /// Every party of the channel was in the area the frame looked up.
    pub whole: bool,
    pub recorder: Recorder,
    pub legend_corner: super::paint::Corner,
    pub probe: Arc<Galley>,
    pub previous: Option<Arc<Picture>>,
}

/// Tessellates the shapes the frame painted between `start` and `end` into one mesh, puts the
/// mesh in their place in the frame (so they are not tessellated twice) and keeps it as the
/// picture for the next frames. Shapes a mesh cannot hold (another texture, a callback, another
/// clip) leave the frame as it is and keep no picture.
pub(super) fn keep(ui: &egui::Ui, drawn: Drawn) {
    let ctx = ui.ctx();
    let layer: LayerId = drawn.painter.layer_id();
    let range = drawn.start.0 + 1..drawn.end.0;
    let clip = drawn.painter.clip_rect();
    // Shapes a mesh cannot hold (another texture, a callback) leave the frame as it is.
    let fits = ctx.graphics(|g| {
        g.get(layer).is_some_and(|list| {
            list.all_entries().len() >= range.end
                && list
                    .all_entries()
                    .skip(range.start)
                    .take(range.len())
                    .all(|s| s.clip_rect == clip && one_texture(&s.shape))
        })
    });
    if !fits {
        forget(ui);
        return;
    }
    // Taken out of the frame (not copied): the mesh goes in their place.
    let shapes: Vec<ClippedShape> = ctx.graphics_mut(|g| {
        let list = g.entry(layer);
        range
            .clone()
            .map(|i| {
                let mut taken = ClippedShape {
                    clip_rect: clip,
                    shape: Shape::Noop,
                };
                list.mutate_shape(ShapeIdx(i), |s| std::mem::swap(s, &mut taken));
                taken
            })
            .collect()
    });
    let movable = drawn.whole
        && shapes
            .iter()
            .all(|s| clip.contains_rect(s.shape.visual_bounding_rect()));
    let pixels_per_point = ctx.pixels_per_point();
    let options = ctx.tessellation_options(|o| *o);
    let font_image = drawn.key.font_image;
    let mut tessellator = match drawn.previous.as_ref() {
        Some(previous)
            if previous.key.font_image == font_image
                && previous.tessellator.1 == pixels_per_point
                && previous.tessellator.2 == options =>
        {
            previous.tessellator.0.clone()
        }
        _ => {
            // A fresh atlas of the same size and text options has its discs where egui's has.
            let text_options = ctx.fonts(|f| *f.options());
            let discs = TextureAtlas::new(font_image, text_options).prepared_discs();
            Tessellator::new(pixels_per_point, options, font_image, discs)
        }
    };
    let template = tessellator.clone();
    let mut mesh = Mesh::default();
    for shape in shapes {
        tessellator.set_clip_rect(shape.clip_rect);
        tessellator.tessellate_shape(shape.shape, &mut mesh);
    }
    let mesh = Arc::new(mesh);
    ctx.graphics_mut(|g| {
        g.entry(layer)
            .set(drawn.start, clip, with_separator(Shape::Mesh(mesh.clone())));
    });
    let area = drawn.painter.clip_rect();
    let hover = HoverGrid::new(area, &drawn.recorder.targets);
    let picture = Picture {
        key: drawn.key,
        pan: drawn.pan,
        movable,
        mesh,
        targets: drawn.recorder.targets,
        hover,
        exposed: drawn.recorder.exposed,
        unnamed: drawn.recorder.unnamed,
        legend_corner: drawn.legend_corner,
        probe: drawn.probe,
        tessellator: (template, pixels_per_point, options),
        moved: Moved::default(),
    };
    let (picture_id, _) = slot(ui);
    ui.data_mut(|d| d.insert_temp(picture_id, Arc::new(picture)));
}

/// The picture followed by an empty mesh of another texture, which ends egui's output mesh there:
/// the shapes after it (the legend) start one of their own. Appended to the picture's, each
/// made egui grow a vector of hundreds of thousands of vertices (a quarter of a reusing frame at
/// 300,000 parties went to copying it). Being empty, it draws nothing and is dropped.
fn with_separator(picture: Shape) -> Shape {
    let separator = Mesh::with_texture(TextureId::User(u64::MAX));
    Shape::Vec(vec![picture, Shape::mesh(separator)])
}

/// Whether a shape tessellates into a mesh of egui's own texture (the font atlas).
fn one_texture(shape: &Shape) -> bool {
    match shape {
        Shape::Vec(shapes) => shapes.iter().all(one_texture),
        Shape::Mesh(mesh) => mesh.texture_id == TextureId::default(),
        Shape::Callback(_) => false,
        _ => true,
    }
}

impl Picture {
    /// The picture as one shape, moved by `delta`.
    pub fn shape(&self, delta: Vec2) -> Shape {
        with_separator(if delta == Vec2::ZERO {
            Shape::Mesh(self.mesh.clone())
        } else {
            Shape::Mesh(self.moved.of(&self.mesh, delta))
        })
    }

    /// What the pointer at `p` hovers in the picture moved by `delta`: the last drawn of the
    /// targets it hits.
    pub fn hovered(&self, p: Pos2, delta: Vec2) -> Option<Target> {
        hovered(&self.hover, &self.targets, p - delta)
    }
}

/// The last drawn of `targets` that `p` hits, looked up in their grid.
fn hovered(grid: &HoverGrid, targets: &[Target], p: Pos2) -> Option<Target> {
    grid.at(p)
        .iter()
        .rev()
        .map(|&i| targets[i as usize])
        .find(|t| t.hit(p))
}

/// The area a far-view frame at `zoom` looks up, in canvas units, holds every party's centre
/// (with its radius): the picture then holds the whole channel.
pub(super) fn holds_everything(
    visible: Rect,
    bounds: Option<(crate::model::Position, crate::model::Position)>,
) -> bool {
    bounds.is_none_or(|(min, max)| {
        visible.contains_rect(
            Rect::from_min_max(pos2(min.x, min.y), pos2(max.x, max.y))
                .expand2(vec2(super::PARTY_RADIUS, super::PARTY_RADIUS)),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pan's frames move the mesh in the two copies they take in turn, each used again once the
    /// frame before last lets go of it, and every frame gets the mesh moved by its own delta.
    #[test]
    fn a_pan_moves_the_mesh_in_two_copies_taken_in_turn() {
        let mut mesh = Mesh::default();
        mesh.add_colored_rect(
            Rect::from_min_size(pos2(10.0, 20.0), vec2(30.0, 5.0)),
            egui::Color32::RED,
        );
        mesh.add_colored_rect(
            Rect::from_min_size(pos2(-4.0, 2.0), vec2(1.0, 9.0)),
            egui::Color32::BLUE,
        );
        let moved = Moved::default();
        let expected = |delta: Vec2| {
            let mut m = mesh.clone();
            m.translate(delta);
            m
        };
        // The frame before last's output is let go when the next frame is drawn.
        let mut held: std::collections::VecDeque<Arc<Mesh>> = Default::default();
        let mut allocations: Vec<*const Mesh> = Vec::new();
        for frame in 0..8 {
            let delta = vec2(frame as f32 * 3.0, -(frame as f32));
            let got = moved.of(&mesh, delta);
            assert_eq!(*got, expected(delta), "frame {frame}");
            if !allocations.contains(&Arc::as_ptr(&got)) {
                allocations.push(Arc::as_ptr(&got));
            }
            held.push_back(got);
            if held.len() > 1 {
                held.pop_front();
            }
        }
        assert_eq!(allocations.len(), 2, "copies made in 8 frames");
        // Held elsewhere too, both copies: a fresh one, moved all the same.
        let (a, b) = (
            moved.of(&mesh, vec2(1.0, 1.0)),
            moved.of(&mesh, vec2(2.0, 2.0)),
        );
        let c = moved.of(&mesh, vec2(5.0, 6.0));
        assert_eq!(*c, expected(vec2(5.0, 6.0)));
        assert!(!Arc::ptr_eq(&a, &c) && !Arc::ptr_eq(&b, &c));
    }

    /// The grid answers what testing every target in drawing order answers: strokes long and
    /// short, at any angle, badges and parties, over and beside each other, at the canvas's edges.
    #[test]
    fn the_hover_grid_finds_what_testing_every_target_finds() {
        let area = Rect::from_min_size(pos2(40.0, 30.0), vec2(700.0, 500.0));
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as f32 / (1u64 << 31) as f32
        };
        let mut at = |margin: f32| {
            pos2(
                area.min.x - margin + next() * (area.width() + 2.0 * margin),
                area.min.y - margin + next() * (area.height() + 2.0 * margin),
            )
        };
        let mut targets = Vec::new();
        for i in 0..300u32 {
            let (a, z) = (at(50.0), at(50.0));
            targets.push(Target::Stroke {
                a,
                z,
                what: Gathered::Trunk(i),
            });
        }
        for number in 0..60 {
            let c = at(10.0);
            targets.push(Target::Group {
                rect: Rect::from_center_size(c, vec2(14.0, 9.0)),
                number,
            });
        }
        for n in 0..80 {
            targets.push(Target::Party {
                centre: at(5.0),
                radius: 5.0,
                node: NodeIndex::new(n),
            });
        }
        let grid = HoverGrid::new(area, &targets);
        let key = |t: Option<Target>| {
            t.map(|t| match t {
                Target::Stroke {
                    what: Gathered::Trunk(i),
                    ..
                } => (0, i),
                Target::Stroke { .. } => (0, u32::MAX),
                Target::Group { number, .. } => (1, number),
                Target::Party { node, .. } => (2, node.index() as u32),
            })
        };
        let mut hits = 0;
        for _ in 0..20_000 {
            let p = at(0.0);
            let every = targets.iter().rev().copied().find(|t| t.hit(p));
            hits += usize::from(every.is_some());
            assert_eq!(key(hovered(&grid, &targets, p)), key(every), "at {p:?}");
        }
        assert!(hits > 1_000, "only {hits} points hit anything");
    }
}
