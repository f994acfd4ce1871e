//! The canvas at scale, driven as a user would (egui_kittest): a generated channel of about 2,000
//! parties opens fitted whole, its customers collapsed into counted badges with no label over
//! another; a click on a badge flies into its customers; the search finds a party by name and
//! flies to it; a finding clicked in the list brings its link into view. At 10,000 parties: fitted,
//! the far view; zoomed in on a reseller, a new breaking purchase is drawn red at once.

// Not every test file uses every helper.
#[allow(dead_code)]
mod common;

use common::app;
use csp_explorer::generate::{GenerateOptions, generate};
use csp_explorer::model::PartyKind;
use csp_explorer::ui::canvas::{READING_ZOOM, Selection};
use csp_explorer::ui::{ExplorerApp, Launch};
use egui::{Rect, Shape};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// The app on a generated channel of about 2,000 parties (saved to a temporary file and opened).
fn big_channel(dir: &std::path::Path) -> Harness<'static, ExplorerApp> {
    opened(&two_thousand_parties(0.03), &dir.join("channel.ron"))
}

/// A generated channel of 2,008 parties, `break_rate` of its links broken.
fn two_thousand_parties(break_rate: f64) -> csp_explorer::model::Scenario {
    generate(&GenerateOptions {
        providers: 4,
        resellers: 200,
        direct_bill: 3,
        customers: 1_800,
        seed: 11,
        break_rate,
    })
    .expect("valid options")
}

/// The app on `s`, saved to `path` and opened from there.
fn opened(
    s: &csp_explorer::model::Scenario,
    path: &std::path::Path,
) -> Harness<'static, ExplorerApp> {
    csp_explorer::io::save(s, path).expect("saves");
    app(Launch {
        open: Some(path.to_owned()),
        ..Launch::default()
    })
}

/// The app on a generated channel of about 10,000 parties (saved as `.cspx` and opened), with the
/// scenario it opened.
fn ten_thousand_parties(
    dir: &std::path::Path,
) -> (csp_explorer::model::Scenario, Harness<'static, ExplorerApp>) {
    let s = generate(&GenerateOptions {
        providers: 6,
        resellers: 1_000,
        direct_bill: 5,
        customers: 9_000,
        seed: 7,
        break_rate: 0.02,
    })
    .expect("valid options");
    let harness = opened(&s, &dir.join("channel.cspx"));
    (s, harness)
}

/// Every text painted on the canvas this frame, with where it is.
fn canvas_texts(harness: &Harness<'static, ExplorerApp>) -> Vec<(String, Rect)> {
    fn walk(shape: &Shape, canvas: Rect, out: &mut Vec<(String, Rect)>) {
        match shape {
            Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, canvas, out)),
            Shape::Text(t) => {
                let r = t.galley.rect.translate(t.pos.to_vec2());
                if canvas.contains_rect(r) && !t.galley.text().trim().is_empty() {
                    out.push((t.galley.text().to_owned(), r));
                }
            }
            _ => {}
        }
    }
    let canvas = harness.state().view.rect;
    let mut out = Vec::new();
    for clipped in &harness.output().shapes {
        if clipped.clip_rect == canvas || canvas.contains_rect(clipped.clip_rect) {
            walk(&clipped.shape, canvas, &mut out);
        }
    }
    out
}

/// A distributor's counts are read at a glance: the status bar and the findings' groups separate
/// thousands ("2,008 parties"), as the slide and `check` do.
#[test]
fn the_status_bar_and_the_findings_groups_separate_thousands() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let s = two_thousand_parties(0.9);
    let harness = opened(&s, &dir.path().join("channel.cspx"));
    let thousands = csp_explorer::text::thousands;
    harness.get_by_label_contains(&format!(
        "{} parties, {} links",
        thousands(s.party_count()),
        thousands(s.link_count())
    ));
    let counts = csp_explorer::rules::Checker::new(&s).counts();
    let violations = counts.of(csp_explorer::rules::Severity::Violation);
    assert!(
        violations >= 1_000,
        "{violations}: a count with a separator"
    );
    harness.get_by_label_contains(&format!("{} violations", thousands(violations)));
    // The largest group of findings is counted with a separator too.
    assert!(
        harness
            .query_by(|node| node
                .label()
                .is_some_and(|l| l.starts_with('▼') && l.ends_with(')') && l.contains(',')))
            .is_some(),
        "a group header of more than 999 findings"
    );
}

#[test]
fn a_big_channel_fits_whole_with_customers_counted_and_no_label_over_another() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = big_channel(dir.path());
    drawn_anew(&mut harness);
    let state = harness.state();
    let canvas = state.view.rect;
    let doc = state.document();
    assert!(doc.scenario().party_count() > 1_900);
    for id in doc.positions().keys() {
        let at = state.screen_pos(id.as_str()).unwrap();
        assert!(canvas.contains(at), "{id} at {at:?} is outside {canvas:?}");
    }
    let texts = canvas_texts(&harness);
    let badges: Vec<&String> = texts
        .iter()
        .map(|(t, _)| t)
        .filter(|t| t.ends_with(" customers"))
        .collect();
    assert!(!badges.is_empty(), "no counted badge among {texts:?}");
    for (i, (a, ra)) in texts.iter().enumerate() {
        for (b, rb) in &texts[i + 1..] {
            assert!(
                !ra.shrink(0.5).intersects(rb.shrink(0.5)),
                "{a:?} at {ra:?} overlaps {b:?} at {rb:?}"
            );
        }
    }
}

#[test]
fn clicking_a_badge_flies_into_its_customers() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = big_channel(dir.path());
    // The first reseller with several customers: its customers are in one badge.
    let s = harness.state().document().scenario().clone();
    let s = &s;
    let (seller, customer) = s
        .parties_of_kind(PartyKind::IndirectReseller)
        .find_map(|r| {
            let mine: Vec<_> = s
                .parties_of_kind(PartyKind::Customer)
                .filter(|c| csp_explorer::layout::home_seller(s, c.id.as_str()) == Some(&r.id))
                .map(|c| c.id)
                .collect();
            (mine.len() >= 4).then(|| (r.id, mine[0]))
        })
        .expect("a reseller with customers");
    let at = harness.state().screen_pos(customer.as_str()).unwrap();
    let zoom = harness.state().view.zoom;
    harness.hover_at(at);
    harness.run();
    // A press and a release on the spot: a click.
    harness.drag_at(at);
    harness.drop_at(at);
    harness.run();
    let view = &harness.state().view;
    assert!(!view.is_flying(), "the flight has landed");
    assert!(
        view.zoom > zoom * 2.0,
        "zoomed in from {zoom} to {}",
        view.zoom
    );
    assert!(
        view.rect
            .contains(harness.state().screen_pos(customer.as_str()).unwrap())
    );
    assert_eq!(
        harness.state().selection(),
        None,
        "a badge click selects nothing"
    );
    // Now the customers are drawn one by one, with their names where they fit.
    let names: Vec<&str> = s
        .parties_of_kind(PartyKind::Customer)
        .filter(|c| csp_explorer::layout::home_seller(s, c.id.as_str()) == Some(&seller))
        .map(|c| c.name.as_str())
        .collect();
    let texts = canvas_texts(&harness);
    assert!(
        !texts.iter().any(|(t, _)| t.ends_with(" customers")),
        "still collapsed: {texts:?}"
    );
    assert!(
        texts.iter().any(|(t, _)| names.contains(&t.as_str())),
        "none of {seller}'s customers is named: {texts:?}"
    );
}

#[test]
fn the_search_finds_a_party_by_name_and_flies_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = big_channel(dir.path());
    let target = harness
        .state()
        .document()
        .scenario()
        .parties_of_kind(PartyKind::IndirectReseller)
        .last()
        .expect("a reseller")
        .clone();
    let (id, name) = (target.id, target.name.clone());
    // Ctrl+F puts the keyboard in the field; part of the name, in another case, finds it.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run();
    let query = name.to_uppercase();
    let field = harness.get_by(|n| n.placeholder() == Some("Find a party (Ctrl+F)"));
    assert!(field.is_focused(), "Ctrl+F focuses the search");
    field.type_text(&query);
    harness.run();
    let country = target.country.map(String::from).unwrap_or_default();
    let item = format!("{name} — indirect reseller · {country}");
    harness.get_by_label(&item).click();
    harness.run();
    let state = harness.state();
    assert_eq!(state.selection(), Some(&Selection::Party(id)));
    assert!(!state.view.is_flying());
    assert!(state.view.zoom >= READING_ZOOM * 0.99);
    // In the middle of the view, clear of the legend (one party has room there).
    let at = state.screen_pos(id.as_str()).unwrap();
    let view = state.view.rect;
    let legend = state.view.legend.expect("the legend is shown");
    assert!(
        (at - view.center()).length() < 14.0 && !legend.contains(at),
        "{id} at {at:?} is not in the middle of {view:?}, clear of the legend {legend:?}"
    );
    // Where it landed, its name is written beside it: a party's name claims its place before
    // the words and counts on the links around it (the reseller's fan of sales used to take it),
    // on a side of it (or a corner) its links leave free.
    let texts = canvas_texts(&harness);
    let near = 2.0 * csp_explorer::ui::canvas::PARTY_RADIUS * state.view.zoom + 12.0;
    assert!(
        texts
            .iter()
            .any(|(t, r)| t == &name && r.distance_to_pos(at) < near),
        "{name} at {at:?} is not named beside it (within {near}): {texts:?}"
    );
}

#[test]
fn clicking_a_finding_brings_its_link_into_view() {
    use csp_explorer::rules::Subject;
    let dir = tempfile::tempdir().unwrap();
    let mut harness = big_channel(dir.path());
    let ctx = harness.ctx.clone();
    let finding = harness
        .state()
        .document()
        .checker()
        .sorted()
        .into_iter()
        .find(|f| matches!(f.subject, Subject::Link(_)))
        .expect("a finding about a link");
    let Subject::Link(link) = finding.subject.clone() else {
        unreachable!()
    };
    harness
        .state_mut()
        .execute(&ctx, csp_explorer::ui::app::Command::Explain(finding));
    harness.run();
    let state = harness.state();
    let l = state.document().scenario().link(link.as_str()).unwrap();
    for party in [&l.from, &l.to] {
        let at = state.screen_pos(party.as_str()).unwrap();
        assert!(
            state.view.rect.contains(at),
            "{party} of {link} is off screen"
        );
    }
    let mid = state.link_screen_pos(link.as_str()).expect("drawn");
    assert!(
        state.view.rect.contains(mid),
        "{link}'s middle is off screen"
    );
    // Zoomed in to read it, unless its parties are too far apart for that.
    let (a, b) = (
        state.screen_pos(l.from.as_str()).unwrap(),
        state.screen_pos(l.to.as_str()).unwrap(),
    );
    assert!(
        state.view.zoom >= READING_ZOOM * 0.99 || a.distance(b) > state.view.rect.width() * 0.4,
        "zoom {} for {link}",
        state.view.zoom
    );
}

/// Has every frame draw the far view anew, so that its shapes can be read (a frame that changes
/// nothing otherwise adds the picture an earlier one drew, as one mesh: see the test below), and
/// draws one.
fn drawn_anew(harness: &mut Harness<'static, ExplorerApp>) {
    harness.state_mut().view.keep_picture = false;
    harness.step();
}

/// The canvas's part of this frame as egui tessellates it for the GPU, triangle by triangle (each
/// as its three vertices, in the order drawn), and how many shapes were painted on the canvas.
fn canvas_triangles(
    harness: &Harness<'static, ExplorerApp>,
) -> (Vec<[egui::epaint::Vertex; 3]>, usize) {
    let canvas = harness.state().view.rect;
    let output = harness.output();
    let shapes: Vec<egui::epaint::ClippedShape> = output
        .shapes
        .iter()
        .filter(|c| c.clip_rect == canvas)
        .cloned()
        .collect();
    let count = shapes.len();
    let mut triangles = Vec::new();
    for primitive in harness.ctx.tessellate(shapes, output.pixels_per_point) {
        if let egui::epaint::Primitive::Mesh(mesh) = primitive.primitive {
            for t in mesh.indices.chunks_exact(3) {
                triangles.push([t[0], t[1], t[2]].map(|i| mesh.vertices[i as usize]));
            }
        }
    }
    (triangles, count)
}

/// The texts of this frame outside the canvas (its tooltips, say) that name `name`.
fn texts_naming(harness: &Harness<'static, ExplorerApp>, name: &str) -> Vec<String> {
    fn walk(shape: &Shape, name: &str, out: &mut Vec<String>) {
        match shape {
            Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, name, out)),
            Shape::Text(t) if t.galley.text().contains(name) => {
                out.push(t.galley.text().to_owned());
            }
            _ => {}
        }
    }
    let canvas = harness.state().view.rect;
    let mut out = Vec::new();
    for clipped in harness
        .output()
        .shapes
        .iter()
        .filter(|c| c.clip_rect != canvas)
    {
        walk(&clipped.shape, name, &mut out);
    }
    out
}

/// Fitted on a big channel, a frame that changes nothing (idle, or the pointer moving) adds the far
/// view's picture that an earlier frame drew, as one mesh, instead of painting every mark, trunk and
/// name again: egui tessellates it to the very vertices of the frame drawn anew, hovering a provider
/// shows the same tooltip, and AccessKit still finds the parties drawn as themselves.
#[test]
fn fitted_an_unchanged_frame_reuses_the_far_views_picture_and_looks_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let (s, mut harness) = ten_thousand_parties(dir.path());
    let zoom = harness.state().view.zoom;
    assert!(zoom * 30.0 < 2.5, "fitted at zoom {zoom}");
    let provider = s
        .parties_of_kind(PartyKind::IndirectProvider)
        .next()
        .expect("a provider");
    let at = harness.state().screen_pos(provider.id.as_str()).unwrap();
    harness.hover_at(at);
    // The tooltip shows once the pointer has rested for egui's delay (four 0.25 s frames; run()
    // would stop before).
    drawn_anew(&mut harness);
    harness.run_steps(4);
    let (anew, painted) = canvas_triangles(&harness);
    let tooltip = texts_naming(&harness, &provider.name);
    let told = told_of(&harness, &s);
    assert!(!tooltip.is_empty(), "no tooltip names {}", provider.name);
    harness.state_mut().view.keep_picture = true;
    // One frame draws the picture, the next ones reuse it.
    harness.run_steps(4);
    let (reused, reusing) = canvas_triangles(&harness);
    assert!(
        reusing * 10 < painted,
        "{reusing} shapes painted reusing the picture, {painted} drawing it anew"
    );
    assert_eq!(anew.len(), reused.len(), "triangles");
    if let Some(i) = (0..anew.len()).find(|&i| anew[i] != reused[i]) {
        panic!(
            "triangle {i} of {} differs: {:?} drawn anew, {:?} reused",
            anew.len(),
            anew[i],
            reused[i]
        );
    }
    assert_eq!(texts_naming(&harness, &provider.name), tooltip);
    assert!(
        !told.0.is_empty() || told.1.is_some(),
        "AccessKit is told of no party"
    );
    assert_eq!(told_of(&harness, &s), told, "what AccessKit is told");
}

/// The parties drawn as themselves in the far view (Microsoft, providers, direct-bill partners)
/// that AccessKit is told of, by the words it is told, and the summary of the rest it is told.
fn told_of(
    harness: &Harness<'static, ExplorerApp>,
    s: &csp_explorer::model::Scenario,
) -> (Vec<String>, Option<String>) {
    let parties = s
        .parties()
        .filter(|p| {
            matches!(
                p.kind,
                PartyKind::Microsoft | PartyKind::IndirectProvider | PartyKind::DirectBill
            )
        })
        .map(|p| format!("{} ({})", p.name, p.kind.label()))
        .filter(|label| harness.query_by_label(label).is_some())
        .collect();
    let summary = harness
        .query_by(|node| {
            node.role() == egui::accesskit::Role::Label
                && node
                    .value()
                    .is_some_and(|v| v.contains("drawn here without"))
        })
        .and_then(|node| node.value());
    (parties, summary)
}

/// Fitted on a big channel, AccessKit is told each party whose name is drawn, as itself, and how
/// many more the far view draws without their names, in one node: not one nameless node per
/// provider and direct-bill partner (they grew with the channel, 376 at 300,000 parties), whether
/// the frame draws the far view anew or reuses its picture.
#[test]
fn fitted_accesskit_is_told_the_named_parties_and_how_many_more_are_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let (s, mut harness) = ten_thousand_parties(dir.path());
    // A small window: fitted, the senior parties are closer together than their names are wide.
    harness.set_size(egui::vec2(700.0, 520.0));
    harness.run_steps(4);
    let zoom = harness.state().view.zoom;
    assert!(zoom * 30.0 < 2.5, "fitted at zoom {zoom}");
    let senior = |kind: PartyKind| {
        matches!(
            kind,
            PartyKind::Microsoft | PartyKind::IndirectProvider | PartyKind::DirectBill
        )
    };
    let canvas = harness.state().view.rect;
    let drawn: Vec<&csp_explorer::model::Party> = s
        .parties()
        .filter(|p| senior(p.kind))
        .filter(|p| {
            harness
                .state()
                .screen_pos(p.id.as_str())
                .is_some_and(|at| canvas.contains(at))
        })
        .collect();
    drawn_anew(&mut harness);
    harness.run_steps(3);
    let names: Vec<String> = canvas_texts(&harness).into_iter().map(|t| t.0).collect();
    let told = told_of(&harness, &s);
    for party in &drawn {
        let label = format!("{} ({})", party.name, party.kind.label());
        let is_named = names.iter().any(|n| n.contains(party.name.as_str()));
        assert_eq!(told.0.contains(&label), is_named, "{label} told, named");
    }
    assert!(!told.0.is_empty(), "no party told of among {}", drawn.len());
    let unnamed = drawn.len() - told.0.len();
    assert!(unnamed > 0, "all {} named: nothing to count", drawn.len());
    assert_eq!(
        told.1,
        Some(csp_explorer::ui::canvas::unnamed_words(unnamed))
    );
    // A frame reusing the picture tells the same.
    harness.state_mut().view.keep_picture = true;
    harness.run_steps(3);
    assert_eq!(told_of(&harness, &s), told);
}

/// Every shape painted on the canvas this frame but the meshes, and the quads of the meshes (the
/// far view's marks) with their colours.
fn canvas_shapes(harness: &Harness<'static, ExplorerApp>) -> (usize, Vec<(Rect, egui::Color32)>) {
    fn walk(shape: &Shape, shapes: &mut usize, quads: &mut Vec<(Rect, egui::Color32)>) {
        match shape {
            Shape::Vec(list) => list.iter().for_each(|s| walk(s, shapes, quads)),
            Shape::Mesh(mesh) => {
                for quad in mesh.vertices.chunks(4) {
                    let r = Rect::from_points(&quad.iter().map(|v| v.pos).collect::<Vec<_>>());
                    quads.push((r, quad[0].color));
                }
            }
            _ => *shapes += 1,
        }
    }
    let canvas = harness.state().view.rect;
    let (mut shapes, mut quads) = (0, Vec::new());
    for clipped in &harness.output().shapes {
        if clipped.clip_rect == canvas {
            walk(&clipped.shape, &mut shapes, &mut quads);
        }
    }
    (shapes, quads)
}

#[test]
fn fitted_a_link_the_far_view_keeps_apart_is_one_straight_stroke() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut harness) = ten_thousand_parties(dir.path());
    drawn_anew(&mut harness);
    let zoom = harness.state().view.zoom;
    assert!(zoom * 30.0 < 2.5, "fitted at zoom {zoom}");
    // Where parties are marks, no link is drawn one by one (routed, as a polyline with its
    // arrow): each is a straight stroke like a trunk's. Party outlines are closed paths.
    fn open_paths(shape: &Shape) -> usize {
        match shape {
            Shape::Vec(list) => list.iter().map(open_paths).sum(),
            Shape::Path(path) => usize::from(!path.closed),
            _ => 0,
        }
    }
    let canvas = harness.state().view.rect;
    let drawn_one_by_one: usize = harness
        .output()
        .shapes
        .iter()
        .filter(|c| c.clip_rect == canvas)
        .map(|c| open_paths(&c.shape))
        .sum();
    assert_eq!(drawn_one_by_one, 0, "links drawn one by one at fit");
}

#[test]
fn zoomed_far_out_a_big_channel_draws_what_the_screen_holds_and_a_new_break_shows_red() {
    use csp_explorer::edit::Edit;
    use csp_explorer::model::{Link, LinkKind};
    use csp_explorer::rules::Severity;
    use csp_explorer::ui::app::Command;
    use csp_explorer::ui::style::severity_color;
    let dir = tempfile::tempdir().unwrap();
    let (s, mut harness) = ten_thousand_parties(dir.path());
    drawn_anew(&mut harness);
    // Fitted, a party is under a pixel wide: the far view.
    let zoom = harness.state().view.zoom;
    assert!(zoom * 30.0 < 2.5, "fitted at zoom {zoom}");
    let (shapes, quads) = canvas_shapes(&harness);
    let links = s.link_count();
    assert!(links > 30_000, "{links} links");
    // What is drawn follows the screen, not the channel: a few thousand shapes at most, and one
    // mark per cell of a few pixels.
    assert!(shapes < 3_000, "{shapes} shapes for {links} links");
    let canvas = harness.state().view.rect;
    assert!(
        quads.len() as f32 <= canvas.area() / 9.0,
        "{} marks",
        quads.len()
    );
    let red = severity_color(Severity::Violation);
    let mark_at = |quads: &[(Rect, egui::Color32)], p: egui::Pos2| {
        // A mark covers four fifths of its cell, centred.
        quads
            .iter()
            .find(|(r, _)| r.expand(r.width() * 0.125 + 0.01).contains(p))
            .map(|q| q.1)
    };
    assert!(
        quads.iter().any(|(_, c)| *c == red),
        "the channel's breaks show red"
    );
    // Zoomed out, a customer is drawn in the mark of its seller's customers: at the middle of
    // their box (of its own place, when it is its seller's only customer). A seller with a few
    // customers: their box is a few pixels wide, a mark (a bigger one is a badge of its own).
    let group_mark = |harness: &Harness<'static, ExplorerApp>, customer: &str| {
        let state = harness.state();
        let s = state.document().scenario();
        let home = csp_explorer::layout::home_seller(s, customer).cloned();
        let places: Vec<egui::Pos2> = s
            .parties_of_kind(PartyKind::Customer)
            .filter(|c| {
                c.id.as_str() == customer
                    || (home.is_some()
                        && csp_explorer::layout::home_seller(s, c.id.as_str()) == home.as_ref())
            })
            .map(|c| state.screen_pos(c.id.as_str()).unwrap())
            .collect();
        (places.len() <= 4).then(|| Rect::from_points(&places).center())
    };
    // A customer in a mark that is not red, and a reseller that is no longer enrolled: a purchase
    // between them breaks a rule, and the mark turns red.
    let customer = s
        .parties_of_kind(PartyKind::Customer)
        .step_by(97)
        .find(|c| {
            group_mark(&harness, c.id.as_str())
                .and_then(|at| mark_at(&quads, at))
                .is_some_and(|color| color != red)
        })
        .expect("a customer in a mark with nothing wrong")
        .id;
    let seller = s
        .parties_of_kind(PartyKind::IndirectReseller)
        .find(|r| !r.enrolled)
        .expect("a reseller not enrolled")
        .id;
    let purchase = Link::new(
        "purchase-new-break",
        LinkKind::Purchase,
        seller,
        customer,
        "2024-05-01".parse().unwrap(),
    );
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .execute(&ctx, Command::Edit(Edit::AddLink(purchase)));
    harness.run();
    assert_eq!(
        harness
            .state()
            .document()
            .checker()
            .worst_for_link("purchase-new-break"),
        Some(Severity::Violation)
    );
    let (_, quads) = canvas_shapes(&harness);
    let at = group_mark(&harness, customer.as_str()).expect("still a few customers");
    assert_eq!(
        mark_at(&quads, at),
        Some(red),
        "{customer}'s mark at {at:?}"
    );
}

#[test]
fn zoomed_in_on_a_reseller_a_new_breaking_purchase_is_drawn_red_at_once_and_undo_takes_it_away() {
    use csp_explorer::edit::Edit;
    use csp_explorer::model::{Link, LinkKind};
    use csp_explorer::rules::Severity;
    use csp_explorer::ui::app::Command;
    use csp_explorer::ui::style::severity_color;
    let dir = tempfile::tempdir().unwrap();
    let (s, mut harness) = ten_thousand_parties(dir.path());
    let reseller = s
        .parties_of_kind(PartyKind::IndirectReseller)
        .nth(300)
        .expect("a reseller");
    let region = |p: &csp_explorer::model::Party| {
        p.country
            .as_deref()
            .and_then(|c| csp_explorer::model::markets().region_of(c))
            .map(|r| r.id.clone())
    };
    let customer = s
        .parties_of_kind(PartyKind::Customer)
        .find(|c| region(c) != region(reseller))
        .expect("a customer of another region")
        .id;
    {
        let state = harness.state_mut();
        let mut view = state.view.clone();
        view.bring_party_into_view(state.document(), reseller.id.as_str());
        view.finish_flight();
        state.view = view;
    }
    harness.run();
    let red = severity_color(Severity::Violation);
    // Red strokes that end at the reseller's outline (a dashed broken link is many segments).
    let red_at_reseller = |harness: &Harness<'static, ExplorerApp>| {
        fn walk(shape: &Shape, at: egui::Pos2, red: egui::Color32, n: &mut usize) {
            match shape {
                Shape::Vec(list) => list.iter().for_each(|s| walk(s, at, red, n)),
                Shape::LineSegment { points, stroke } if stroke.color == red => {
                    *n += usize::from(points.iter().any(|p| p.distance(at) < 40.0));
                }
                _ => {}
            }
        }
        let at = harness.state().screen_pos(reseller.id.as_str()).unwrap();
        let mut n = 0;
        for clipped in &harness.output().shapes {
            walk(&clipped.shape, at, red, &mut n);
        }
        n
    };
    let before = red_at_reseller(&harness);
    let (shapes, _) = canvas_shapes(&harness);
    assert!(shapes < 3_000, "{shapes} shapes zoomed in");
    let ctx = harness.ctx.clone();
    harness.state_mut().execute(
        &ctx,
        Command::Edit(Edit::AddLink(Link::new(
            "purchase-across-regions",
            LinkKind::Purchase,
            reseller.id,
            customer,
            "2024-05-01".parse().unwrap(),
        ))),
    );
    harness.run();
    assert_eq!(
        harness
            .state()
            .document()
            .checker()
            .worst_for_link("purchase-across-regions"),
        Some(Severity::Violation)
    );
    assert!(
        red_at_reseller(&harness) > before,
        "the new purchase is drawn red from the reseller"
    );
    harness.state_mut().execute(&ctx, Command::Undo);
    harness.run();
    assert_eq!(red_at_reseller(&harness), before, "undo takes it away");
}
