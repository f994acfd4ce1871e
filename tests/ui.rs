//! The explorer driven as a user would, headless (egui_kittest): palette, connect gesture, live
//! findings, quick fixes, undo/redo, the scenario library, and a broken save file.

mod common;

use common::{app, scenario};
use csp_explorer::model::PartyKind;
use csp_explorer::rules::Severity;
use csp_explorer::ui::canvas::{Selection, Tool};
use csp_explorer::ui::{ExplorerApp, Launch};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// Drags with the primary button from one party to another, in small steps like a hand would.
fn drag(harness: &mut Harness<'static, ExplorerApp>, from: &str, to: &str) {
    let a = harness.state().screen_pos(from).expect("source on screen");
    let b = harness.state().screen_pos(to).expect("target on screen");
    harness.hover_at(a);
    harness.run();
    harness.drag_at(a);
    harness.run();
    for i in 1..=5 {
        harness.hover_at(a + (b - a) * (i as f32 / 5.0));
        harness.run();
    }
    harness.drop_at(b);
    harness.run();
}

#[test]
fn the_library_opens_a_builtin_scenario() {
    let mut harness = app(Launch::default());
    harness.get_by_label("Scenario library");
    let open = harness
        .get_all_by_label("Open")
        .nth(1)
        .expect("an Open button per scenario");
    open.scroll_to_me();
    open.click();
    harness.run();
    let title = harness.state().document().scenario().meta.title.clone();
    assert_eq!(title, "Partner types: the indirect reseller");
    assert_eq!(harness.state().document().scenario().party_count(), 4);
}

#[test]
fn palette_adds_parties_and_undo_redo_take_them_back() {
    let mut harness = app(scenario("sample-1"));
    let before = harness.state().document().scenario().party_count();
    harness.get_by_label("■ customer").click();
    harness.run();
    harness.get_by_label("■ indirect reseller").click();
    harness.run();
    let doc = harness.state().document();
    assert_eq!(doc.scenario().party_count(), before + 2);
    assert!(
        doc.scenario()
            .parties()
            .any(|p| p.kind == PartyKind::IndirectReseller && p.id.as_str() == "reseller")
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(
        harness.state().document().scenario().party_count(),
        before + 1
    );
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    assert_eq!(
        harness.state().document().scenario().party_count(),
        before + 2
    );
}

#[test]
fn dragging_a_link_recolours_it_and_a_quick_fix_repairs_it() {
    let mut harness = app(scenario("sample-1"));
    harness.get_by_label("➝ Connect (C)").click();
    harness.run();
    assert_eq!(harness.state().tool, Tool::Connect);
    drag(&mut harness, "fabrikam", "tailspin");
    let pending = harness
        .state()
        .pending_link()
        .expect("the kind chooser is open");
    assert_eq!(pending.from.as_str(), "fabrikam");
    assert_eq!(pending.to.as_str(), "tailspin");
    // The pointer rests on Tailspin, but no party tooltip covers the chooser. A tooltip appears
    // only after the pointer has rested for egui's tooltip delay: four 0.25 s frames are needed
    // here (a fixed count on purpose; run() would stop before the delay is over).
    let rest = harness.state().screen_pos("tailspin").unwrap() + egui::vec2(1.0, 1.0);
    harness.hover_at(rest);
    harness.run_steps(4);
    let tooltips = harness.ctx.memory(|m| {
        m.areas()
            .visible_layer_ids()
            .into_iter()
            .filter(|l| l.order == egui::Order::Tooltip)
            .count()
    });
    assert_eq!(tooltips, 0, "a tooltip is shown over the link-kind chooser");
    // Fabrikam has no reseller relationship with Tailspin: a purchase would break a rule.
    harness.get_by_label("✖ purchase").click();
    harness.run();
    let id = match harness.state().selection() {
        Some(Selection::Link(id)) => id.clone(),
        other => panic!("the new link is selected, not {other:?}"),
    };
    let doc = harness.state().document();
    assert_eq!(
        doc.checker().worst_for_link(id.as_str()),
        Some(Severity::Violation)
    );
    assert_eq!(
        doc.checker().for_link(id.as_str())[0].rule.key(),
        "no_reseller_relationship"
    );

    // The inspector's entry (the findings list below has the rule's group too).
    harness
        .get_all_by_label_contains("No reseller relationship with the customer")
        .next()
        .expect("the inspector names the finding")
        .click();
    harness.run();
    assert!(harness.state().explained().is_some());
    harness
        .get_by_label_contains("🔧 Add a reseller relationship")
        .click();
    harness.run();
    assert_eq!(
        harness
            .state()
            .document()
            .checker()
            .worst_for_link(id.as_str()),
        None
    );

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(
        harness
            .state()
            .document()
            .checker()
            .worst_for_link(id.as_str()),
        Some(Severity::Violation),
        "undoing the quick fix brings the finding back"
    );
}

#[test]
fn dragging_a_party_moves_it_in_one_undo_step() {
    let mut harness = app(scenario("sample-1"));
    let before = harness.state().document().position("tailspin").unwrap();
    let a = harness.state().screen_pos("tailspin").unwrap();
    harness.drag_at(a);
    harness.run();
    for i in 1..=4 {
        harness.hover_at(a + egui::vec2(20.0 * i as f32, 0.0));
        harness.run();
    }
    harness.drop_at(a + egui::vec2(80.0, 0.0));
    harness.run();
    let after = harness.state().document().position("tailspin").unwrap();
    assert!(after.x > before.x + 20.0, "{before:?} -> {after:?}");
    assert_eq!(harness.state().document().history().len(), 1);
}

#[test]
fn a_broken_save_file_is_refused_and_the_open_scenario_stays() {
    let mut harness = app(scenario("sample-4-forbidden"));
    let before = harness.state().document().scenario().clone();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ron");
    std::fs::write(
        &bad,
        "(\n  version: 1,\n  title: \"x\",\n  links: [ (id: 3) ],\n)\n",
    )
    .unwrap();
    harness.state_mut().open_path(&bad);
    harness.run();
    let error = harness
        .state()
        .error()
        .expect("an error is shown")
        .to_owned();
    assert!(error.contains("nothing was changed"), "{error}");
    assert!(error.contains("bad.ron:4:"), "{error}");
    assert_eq!(*harness.state().document().scenario(), before);
    harness.get_by_label_contains("Could not open the scenario");
    harness.get_by_label("Dismiss").click();
    harness.run();
    assert!(harness.state().error().is_none());
}

#[test]
fn saving_and_reopening_round_trips_through_the_app() {
    let mut harness = app(scenario("sample-2-multi-partner"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("saved.ron");
    harness.state_mut().save_as(&path);
    common::finish_jobs(&mut harness);
    assert!(!harness.state().document().is_dirty());
    let mut reopened = app(Launch {
        open: Some(path),
        ..Launch::default()
    });
    reopened.run();
    assert_eq!(
        reopened.state().document().scenario(),
        harness.state().document().scenario()
    );
}

#[test]
fn export_writes_the_open_scenario_and_reports_failures() {
    use csp_explorer::export::ExportFormat;
    let mut harness = app(scenario("sample-8-forbidden"));
    let dir = tempfile::tempdir().unwrap();
    harness
        .state_mut()
        .export_to(&dir.path().join("diagram"), ExportFormat::Svg);
    let svg = std::fs::read_to_string(dir.path().join("diagram.svg"))
        .expect("written with its extension");
    assert!(svg.contains("partnership-adatum-litware-br"));
    harness
        .state_mut()
        .export_to(&dir.path().join("diagram"), ExportFormat::Drawio);
    let drawio = std::fs::read_to_string(dir.path().join("diagram.drawio")).unwrap();
    assert!(drawio.contains("<mxGraphModel") && drawio.contains("party-litware-br"));
    harness
        .state_mut()
        .export_to(&dir.path().join("findings"), ExportFormat::Csv);
    let csv = std::fs::read(dir.path().join("findings.csv")).unwrap();
    assert!(
        csv.starts_with(b"\xEF\xBB\xBFseverity,"),
        "the window's CSV opens right in Excel"
    );
    harness
        .state_mut()
        .export_to(&dir.path().join("no-such").join("x.png"), ExportFormat::Png);
    assert!(
        harness
            .state()
            .error()
            .is_some_and(|e| e.contains("no file was written"))
    );
}

/// An untouched window costs nothing: every main screen stops asking for frames once it has drawn
/// (an app that repaints every frame burns a core in front of a room). `try_run` fails with the
/// repaint causes when the step limit is reached instead.
#[test]
fn every_main_screen_settles_when_idle() {
    use csp_explorer::ui::app::Command;
    use csp_explorer::ui::training::TrainingCommand;
    use csp_explorer::ui::whatif::{CompareMode, WhatIfCommand};
    let lesson = |key: &str, presenter: bool| Launch {
        lesson: Some(key.to_owned()),
        presenter,
        ..Launch::default()
    };
    let settle = |harness: &mut Harness<'static, ExplorerApp>, screen: &str| {
        if let Err(e) = harness.try_run() {
            panic!("the {screen} screen keeps repainting while idle: {e}");
        }
    };
    let mut explorer = app(scenario("sample-1"));
    settle(&mut explorer, "explorer");
    // Hovering and leaving the canvas (tooltips) must settle too.
    let at = explorer.state().screen_pos("tailspin").expect("on screen");
    explorer.hover_at(at);
    settle(&mut explorer, "explorer after a hover");

    let first = csp_explorer::training::LESSONS[0].key;
    settle(&mut app(lesson(first, false)), "lesson");
    settle(&mut app(lesson(first, true)), "presenter");

    let mut compare = app(scenario("sample-1"));
    let ctx = compare.ctx.clone();
    compare
        .state_mut()
        .execute(&ctx, Command::WhatIf(WhatIfCommand::Fork));
    compare.state_mut().execute(
        &ctx,
        Command::WhatIf(WhatIfCommand::Mode(CompareMode::SideBySide)),
    );
    settle(&mut compare, "compare");

    let mut quiz = app(scenario("sample-1"));
    let ctx = quiz.ctx.clone();
    quiz.state_mut()
        .execute(&ctx, Command::Training(TrainingCommand::QuizHere));
    settle(&mut quiz, "quiz");
}

/// The side panel keeps its width whatever is selected, so the canvas does not jump when a trainer
/// clicks a party, a link or nothing.
#[test]
fn the_side_panel_keeps_its_width_whatever_is_selected() {
    use csp_explorer::ui::app::Command;
    let mut harness = app(scenario("sample-7-forbidden"));
    let canvas = |h: &Harness<'static, ExplorerApp>| h.state().view.rect;
    let before = canvas(&harness);
    let ctx = harness.ctx.clone();
    let first_link = harness
        .state()
        .document()
        .scenario()
        .links()
        .next()
        .expect("a link")
        .id
        .clone();
    for selection in [
        Some(Selection::Party("tailspin-jp".into())),
        Some(Selection::Link(first_link)),
        None,
    ] {
        harness
            .state_mut()
            .execute(&ctx, Command::Select(selection.clone(), Vec::new()));
        harness.run();
        assert_eq!(canvas(&harness), before, "after selecting {selection:?}");
    }
}

#[test]
fn file_export_offers_every_format() {
    use csp_explorer::export::ExportFormat;
    let mut harness = app(scenario("sample-7-forbidden"));
    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label_contains("Save As");
    harness.get_by_label("Export visible area…");
    harness.get_by_label("Export ⏵").click();
    harness.run();
    for format in ExportFormat::ALL {
        harness.get_by_label(&format!("{}…", format.label()));
    }
    harness.get_by_label("draw.io diagram (keep editing it)…");
    harness.get_by_label("GEXF (Gephi)…");
}

/// Dialogs that can never be shown, like rfd on a desktop with no file-dialog portal and no zenity.
struct BrokenDialogs {
    folder: std::path::PathBuf,
    failed: Option<csp_explorer::ui::files::DialogFailure>,
}

impl csp_explorer::ui::FileDialogs for BrokenDialogs {
    fn request(
        &mut self,
        purpose: csp_explorer::ui::files::DialogPurpose,
        _: &std::path::Path,
        file_name: &str,
        _: &egui::Context,
    ) {
        self.failed = Some(csp_explorer::ui::files::DialogFailure {
            purpose,
            suggested: self.folder.join(file_name),
        });
    }
    fn poll(
        &mut self,
    ) -> Option<(
        csp_explorer::ui::files::DialogPurpose,
        Option<std::path::PathBuf>,
    )> {
        None
    }
    fn is_open(&self) -> bool {
        false
    }
    fn take_failure(&mut self) -> Option<csp_explorer::ui::files::DialogFailure> {
        self.failed.take()
    }
}

/// A file dialog that cannot be shown says so and offers a path field; the save goes through it.
#[test]
fn a_missing_file_dialog_is_explained_and_a_path_field_stands_in() {
    let dir = tempfile::tempdir().unwrap();
    let dialogs = BrokenDialogs {
        folder: dir.path().to_owned(),
        failed: None,
    };
    let mut harness = common::app_with(scenario("sample-1"), Box::new(dialogs));
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    harness.run();
    let error = harness
        .state()
        .error()
        .expect("an error is shown")
        .to_owned();
    assert!(error.contains("could not be shown"), "{error}");
    assert!(harness.state().path_prompt().is_some());
    harness.get_by_label("Type the file's path:");
    harness.get_by_label("Save").click();
    common::finish_jobs(&mut harness);
    assert!(harness.state().path_prompt().is_none());
    let saved: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(
        saved.len(),
        1,
        "the scenario was saved where the field said"
    );
    assert!(!harness.state().document().is_dirty());
}

/// The findings list reads as a list of problems: grouped by rule under its plain title with a
/// count, filters that stay above it, and a click that explains a finding and lights its path.
#[test]
fn findings_are_grouped_by_rule_filtered_and_explained_on_click() {
    let mut harness = app(scenario("sample-7-forbidden"));
    let findings = harness.state().document().checker().sorted();
    let worst = findings[0].clone();
    let title = worst.rule.info().title;
    let same_rule = findings.iter().filter(|f| f.rule == worst.rule).count();
    harness.get_by_label_contains(&format!("{title} ({same_rule})"));
    // No raw rule ids in the entries themselves: they sit in the details line and tooltip.
    harness.get_by_label(&worst.message).click();
    harness.run();
    assert_eq!(
        harness.state().explained().map(|f| f.message.clone()),
        Some(worst.message.clone())
    );
    assert_eq!(harness.state().highlight(), worst.path.as_slice());
    // Folding the group hides its entries (the explanation card still quotes the message);
    // unfolding brings them back.
    let shown = |h: &Harness<'static, ExplorerApp>| h.get_all_by_label(&worst.message).count();
    let unfolded = shown(&harness);
    harness
        .get_by_label_contains(&format!("{title} ({same_rule})"))
        .click();
    harness.run();
    assert_eq!(shown(&harness), unfolded - 1);
    harness
        .get_by_label_contains(&format!("{title} ({same_rule})"))
        .click();
    harness.run();
    assert_eq!(shown(&harness), unfolded);
    // Hiding the violations hides that group.
    harness.get_by_label("✖ violations").click();
    harness.run();
    assert!(
        harness
            .query_by_label_contains(&format!("{title} ({same_rule})"))
            .is_none()
    );
    if findings.iter().all(|f| f.severity == Severity::Violation) {
        harness.get_by_label_contains("No finding matches the filters");
    } else {
        harness.get_by_label_contains("Showing");
    }
}

/// A party's inspector summarises the findings of its links: its links are red, so it never reads
/// as valid.
#[test]
fn a_party_inspector_summarises_its_links_findings() {
    use csp_explorer::ui::app::Command;
    let mut harness = app(scenario("sample-7-forbidden"));
    let doc = harness.state().document();
    let (party, rule) = doc
        .scenario()
        .links()
        .find_map(|l| {
            doc.checker()
                .for_link(l.id.as_str())
                .first()
                .map(|f| (l.from.clone(), f.rule))
        })
        .expect("a link with a finding");
    let ctx = harness.ctx.clone();
    harness.state_mut().execute(
        &ctx,
        Command::Select(Some(Selection::Party(party)), Vec::new()),
    );
    harness.run();
    harness.get_by_label_contains("On its links");
    harness.get_by_label_contains(&format!("{} on ", rule.info().title));
    assert!(harness.query_by_label_contains("No finding").is_none());
}

/// One rule can find the same fault twice on a link (a cross-region sale, seen from the seller
/// and from the provider billing it): the inspector's two lines say whom each is about instead of
/// reading the same.
#[test]
fn the_inspector_tells_apart_two_findings_of_one_rule_on_a_link() {
    use csp_explorer::ui::app::Command;
    let mut harness = app(scenario("sample-7-forbidden"));
    let link = "purchase-tailspin-jp-m365";
    let doc = harness.state().document();
    let about: Vec<String> = doc
        .checker()
        .for_link(link)
        .iter()
        .filter(|f| f.rule.key() == "cross_region_sale")
        .map(|f| {
            let id = f.first_named().expect("the message names a party");
            doc.scenario()
                .party(id)
                .expect("a known party")
                .name
                .clone()
        })
        .collect();
    assert_eq!(about.len(), 2, "two cross-region findings: {about:?}");
    assert_ne!(about[0], about[1]);
    let ctx = harness.ctx.clone();
    harness.state_mut().execute(
        &ctx,
        Command::Select(Some(Selection::Link(link.into())), Vec::new()),
    );
    harness.run();
    for name in &about {
        harness.get_by_label(&format!("✖ Sale across CSP regions: {name}"));
    }
}

/// The country picker names countries and finds them by name or by code; its search box takes the
/// typing as soon as it opens.
#[test]
fn the_country_picker_searches_by_name_and_by_code() {
    use csp_explorer::ui::app::Command;
    let mut harness = app(scenario("sample-7-forbidden"));
    let ctx = harness.ctx.clone();
    harness.state_mut().execute(
        &ctx,
        Command::Select(Some(Selection::Party("tailspin-jp".into())), Vec::new()),
    );
    harness.run();
    harness.get_by_label_contains("Japan (JP) — ").click();
    harness.run();
    harness.event(egui::Event::Text("germ".to_owned()));
    harness.run();
    assert!(harness.query_by_label_contains("France (FR)").is_none());
    harness.get_by_label_contains("Germany (DE) — ").click();
    harness.run();
    let country = |h: &Harness<'static, ExplorerApp>| {
        h.state()
            .document()
            .scenario()
            .party("tailspin-jp")
            .and_then(|p| p.country.clone())
    };
    assert_eq!(country(&harness).as_deref(), Some("DE"));
    // By code: "fr" then Enter picks France.
    harness.get_by_label_contains("Germany (DE) — ").click();
    harness.run();
    harness.event(egui::Event::Text("fr".to_owned()));
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(country(&harness).as_deref(), Some("FR"));
}

/// File dialogs that answer at once with one path, as a user choosing it would.
struct AnsweringDialogs {
    path: std::path::PathBuf,
    answer: Option<csp_explorer::ui::files::DialogPurpose>,
}

impl csp_explorer::ui::FileDialogs for AnsweringDialogs {
    fn request(
        &mut self,
        purpose: csp_explorer::ui::files::DialogPurpose,
        _: &std::path::Path,
        _: &str,
        _: &egui::Context,
    ) {
        self.answer = Some(purpose);
    }
    fn poll(
        &mut self,
    ) -> Option<(
        csp_explorer::ui::files::DialogPurpose,
        Option<std::path::PathBuf>,
    )> {
        self.answer.take().map(|p| (p, Some(self.path.clone())))
    }
    fn is_open(&self) -> bool {
        self.answer.is_some()
    }
}

/// The unsaved-changes prompt offers Save, Don't save and Cancel; Save on a scenario with no file yet
/// goes through Save As and then does what was asked.
#[test]
fn the_unsaved_changes_prompt_saves_then_goes_on() {
    use csp_explorer::ui::app::Command;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kept.ron");
    let dialogs = AnsweringDialogs {
        path: path.clone(),
        answer: None,
    };
    let mut harness = common::app_with(scenario("sample-1"), Box::new(dialogs));
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .execute(&ctx, Command::AddParty(PartyKind::Customer));
    harness.run();
    assert!(harness.state().document().is_dirty());
    let parties = harness.state().document().scenario().party_count();
    harness.state_mut().execute(&ctx, Command::New);
    harness.run();
    harness.get_by_label("Don't save");
    harness.get_by_label("Cancel").click();
    harness.run();
    assert_eq!(
        harness.state().document().scenario().party_count(),
        parties,
        "Cancel keeps everything"
    );
    harness.state_mut().execute(&ctx, Command::New);
    harness.run();
    harness.get_by_label("Save").click();
    common::finish_jobs(&mut harness);
    let saved = csp_explorer::io::load(&path).expect("saved before going on");
    assert_eq!(saved.party_count(), parties);
    assert_eq!(
        harness.state().document().scenario().party_count(),
        0,
        "then the new scenario opened"
    );
}

/// A new party lands inside the visible canvas, wherever the view was panned, and not on top of
/// another party.
#[test]
fn new_parties_are_placed_in_the_visible_canvas() {
    use csp_explorer::ui::app::Command;
    let mut harness = app(scenario("sample-1"));
    let ctx = harness.ctx.clone();
    for pan in [egui::vec2(0.0, 0.0), egui::vec2(-2500.0, 1800.0)] {
        harness.state_mut().view.pan += pan;
        harness.run();
        for kind in [
            PartyKind::Customer,
            PartyKind::IndirectReseller,
            PartyKind::Customer,
        ] {
            harness.state_mut().execute(&ctx, Command::AddParty(kind));
            harness.run();
            let Some(Selection::Party(id)) = harness.state().selection().cloned() else {
                panic!("the new party is selected");
            };
            let at = harness.state().screen_pos(id.as_str()).expect("placed");
            let view = harness.state().view.rect;
            assert!(
                view.contains(at),
                "{id} at {at:?} is outside the canvas {view:?}"
            );
            let doc = harness.state().document();
            let mine = doc.position(id.as_str()).unwrap();
            let crowded = doc
                .positions()
                .iter()
                .filter(|(other, _)| **other != id)
                .any(|(_, p)| (p.x - mine.x).abs() < 1.0 && (p.y - mine.y).abs() < 1.0);
            assert!(!crowded, "{id} sits on another party");
        }
    }
}

/// The presentation theme's canvas labels are at least 1.5 times their size in the light theme,
/// on screen, for the same window and channel.
#[test]
fn presentation_labels_are_half_again_as_large_on_screen() {
    use csp_explorer::ui::app::Command;
    use csp_explorer::ui::style::Theme;
    let label_px = |theme: Theme| {
        let mut harness = app(scenario("sample-1"));
        let ctx = harness.ctx.clone();
        harness.state_mut().execute(&ctx, Command::Theme(theme));
        harness.run();
        let zoom = harness.state().view.zoom;
        csp_explorer::ui::canvas::label_size(&ctx, 15.0, zoom) * ctx.zoom_factor()
    };
    let normal = label_px(Theme::Light);
    let presentation = label_px(Theme::Presentation);
    assert!(
        presentation >= 1.5 * normal,
        "presentation labels are {presentation:.1} px, light ones {normal:.1} px"
    );
}

/// The findings panel's audit reading lists a sale whose partnership came only after it, which the
/// ordinary reading (chains as of the as-of date) accepts.
#[test]
fn the_audit_toggle_checks_each_sales_chain_on_its_own_date() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("late-partnership.ron");
    let text = csp_explorer::scenarios::builtin("sample-1")
        .unwrap()
        .text
        .to_owned();
    let mut s = csp_explorer::io::scenario_from_ron(&text, "sample-1").unwrap();
    let mut late = s
        .links()
        .find(|l| l.kind == csp_explorer::model::LinkKind::Partnership)
        .unwrap()
        .clone();
    let sale_day = s
        .links()
        .filter(|l| l.kind == csp_explorer::model::LinkKind::Purchase && l.from == late.to)
        .map(|l| l.date)
        .min()
        .unwrap();
    late.date = sale_day.succ_opt().unwrap();
    s.replace_link(late).unwrap();
    csp_explorer::io::save(&s, &file).unwrap();
    let mut harness = app(Launch {
        open: Some(file),
        ..Launch::default()
    });
    assert!(
        harness
            .query_by_label_contains("Seller has no path to Microsoft")
            .is_none(),
        "the ordinary reading accepts the sale"
    );
    harness
        .get_by_label("Audit: chains on each sale's own date")
        .click();
    harness.run();
    harness.get_by_label_contains("Seller has no path to Microsoft");
    harness
        .get_by_label("Audit: chains on each sale's own date")
        .click();
    harness.run();
    assert!(
        harness
            .query_by_label_contains("Seller has no path to Microsoft")
            .is_none()
    );
}

/// Someone changes the open file on disk behind the app's back: Ctrl+S asks (Overwrite, Save as…,
/// Reload from disk, Cancel) instead of saving over their work, and each answer does what it says.
#[test]
fn a_file_changed_on_disk_is_not_overwritten_without_asking() {
    use csp_explorer::ui::app::Command;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.ron");
    let other = dir.path().join("mine.ron");
    let dialogs = AnsweringDialogs {
        path: other.clone(),
        answer: None,
    };
    let mut harness = common::app_with(scenario("sample-1"), Box::new(dialogs));
    let ctx = harness.ctx.clone();
    harness.state_mut().save_as(&path);
    common::finish_jobs(&mut harness);
    let add_party = |harness: &mut Harness<'static, ExplorerApp>| {
        harness
            .state_mut()
            .execute(&ctx, Command::AddParty(PartyKind::Customer));
        harness.run();
        assert!(harness.state().document().is_dirty());
    };
    let save = |harness: &mut Harness<'static, ExplorerApp>| {
        harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
        common::finish_jobs(harness);
    };
    // Their version: another title, written the way most programs save (a new file renamed over).
    let theirs = |title: &str| {
        let mut s = csp_explorer::io::load(&path).unwrap();
        s.meta.title = title.to_owned();
        csp_explorer::io::save(&s, &path).unwrap();
        s
    };
    let mine = harness.state().document().scenario().party_count();

    // Cancel: nothing is written, the work stays open and unsaved.
    add_party(&mut harness);
    let their = theirs("Their version");
    save(&mut harness);
    harness.get_by_label("The file changed on disk");
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(harness.query_by_label("The file changed on disk").is_none());
    assert_eq!(csp_explorer::io::load(&path).unwrap(), their);
    assert!(harness.state().document().is_dirty());

    // Overwrite: ours replaces theirs; a second Ctrl+S then saves without asking.
    save(&mut harness);
    harness.get_by_label("Overwrite").click();
    common::finish_jobs(&mut harness);
    assert_eq!(
        csp_explorer::io::load(&path).unwrap().party_count(),
        mine + 1
    );
    assert!(!harness.state().document().is_dirty());
    add_party(&mut harness);
    save(&mut harness);
    assert!(harness.query_by_label("The file changed on disk").is_none());
    assert_eq!(
        csp_explorer::io::load(&path).unwrap().party_count(),
        mine + 2
    );

    // Reload from disk, after a change in place of the same size (only the time tells).
    add_party(&mut harness);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replacen("Sample", "Simple", 1);
    assert_eq!(edited.len(), text.len());
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, edited.as_bytes()))
        .unwrap();
    save(&mut harness);
    harness.get_by_label("Reload from disk").click();
    harness.run();
    let doc = harness.state().document();
    assert_eq!(doc.scenario(), &csp_explorer::io::load(&path).unwrap());
    assert!(
        doc.scenario().meta.title.starts_with("Simple"),
        "{}",
        doc.scenario().meta.title
    );
    assert!(!doc.is_dirty());

    // Save as…: theirs stays as they left it, ours goes to the new file, which the document
    // now belongs to.
    add_party(&mut harness);
    let their = theirs("Theirs again");
    save(&mut harness);
    harness.get_by_label("Save as…").click();
    common::finish_jobs(&mut harness);
    assert_eq!(csp_explorer::io::load(&path).unwrap(), their);
    assert_eq!(
        csp_explorer::io::load(&other).unwrap(),
        *harness.state().document().scenario()
    );
    assert_eq!(
        harness.state().document().path.as_deref(),
        Some(other.as_path())
    );
    assert!(!harness.state().document().is_dirty());
}

/// Save As onto a device or a folder is refused with a message saying what the path is, the work
/// stays open and unsaved, and the device stays a device.
#[cfg(unix)]
#[test]
fn saving_onto_a_device_or_folder_explains_and_keeps_the_work() {
    use csp_explorer::ui::app::Command;
    let mut harness = app(scenario("sample-1"));
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .execute(&ctx, Command::AddParty(PartyKind::Customer));
    harness.run();
    harness
        .state_mut()
        .save_as(std::path::Path::new("/dev/null"));
    common::finish_jobs(&mut harness);
    let error = harness
        .state()
        .error()
        .expect("an error is shown")
        .to_owned();
    assert_eq!(
        error,
        "The scenario was not saved (your work is still open): /dev/null is a device, not a file: choose a file name to save to"
    );
    harness.get_by_label_contains("/dev/null is a device");
    assert!(harness.state().document().is_dirty());
    assert!(harness.state().document().path.is_none());
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    let dir = tempfile::tempdir().unwrap();
    harness.state_mut().save_as(dir.path());
    common::finish_jobs(&mut harness);
    let error = harness
        .state()
        .error()
        .expect("an error is shown")
        .to_owned();
    assert!(
        error.ends_with("is a folder, not a file: choose a file name to save to"),
        "{error}"
    );
}

/// A party's tenant type (CSP or customer) sits on its own row: beside the tenant ID field it ran
/// past the inspector's edge, where it could be neither seen nor clicked.
#[test]
fn the_tenant_type_is_visible_and_can_be_changed() {
    use csp_explorer::model::TenantType;
    use csp_explorer::ui::app::Command;
    let mut harness = app(scenario("sample-7-forbidden"));
    let ctx = harness.ctx.clone();
    harness.state_mut().execute(
        &ctx,
        Command::Select(Some(Selection::Party("tailspin-jp".into())), Vec::new()),
    );
    harness.run();
    let width = harness.ctx.content_rect().width();
    let csp = harness.get_by_label("CSP");
    assert!(
        csp.rect().max.x <= width,
        "the tenant type toggle ends at {} in a window {width} wide",
        csp.rect().max.x
    );
    let tenant_type = |h: &Harness<'static, ExplorerApp>| {
        h.state()
            .document()
            .scenario()
            .party("tailspin-jp")
            .map(|p| p.tenant_type)
    };
    assert_eq!(tenant_type(&harness), Some(TenantType::Customer));
    csp.click();
    harness.run();
    assert_eq!(tenant_type(&harness), Some(TenantType::Csp));
}

/// A date the inspector cannot read says so in full: beside the field the message ran past the
/// panel's edge and was cut off mid-word.
#[test]
fn a_bad_date_in_the_inspector_explains_itself_within_the_panel() {
    use csp_explorer::ui::app::Command;
    let mut harness = app(scenario("sample-7-forbidden"));
    let ctx = harness.ctx.clone();
    harness.state_mut().execute(
        &ctx,
        Command::Select(Some(Selection::Party("tailspin-jp".into())), Vec::new()),
    );
    harness.run();
    // Its MCA date, with a stray character typed after it.
    let field = harness.get_by(|n| {
        n.role() == egui::accesskit::Role::TextInput && n.value().as_deref() == Some("2020-03-01")
    });
    field.focus();
    field.type_text("x");
    harness.run();
    let width = harness.ctx.content_rect().width();
    let message = harness.get_by_label_contains("write the date as YYYY-MM-DD");
    assert!(
        message.rect().max.x <= width,
        "the message ends at {} in a window {width} wide",
        message.rect().max.x
    );
}

/// The toolbar stays one row: from 1,600 points down to 1,000 it says less (short labels, then the
/// palette as a menu) instead of wrapping. In the default 1,500-point window "Today" used to wrap
/// onto a row of its own.
#[test]
fn the_toolbar_fits_in_one_row_and_says_less_when_narrow() {
    for width in [1600.0, 1500.0, 1300.0, 1000.0] {
        let mut harness = Harness::builder()
            .with_size(egui::vec2(width, 900.0))
            .build_eframe(|cc| {
                ExplorerApp::new(
                    cc,
                    scenario("sample-7-forbidden"),
                    Box::new(common::NoDialogs),
                )
            });
        harness.step();
        common::finish_jobs(&mut harness);
        let select = harness.get_by_label_contains("⬉ Select").rect();
        let today = harness.get_by_label("Today").rect();
        assert!(
            (today.center().y - select.center().y).abs() < 1.0 && today.max.x <= width,
            "at {width} points \"Today\" is at {today:?}, the first tool at {select:?}"
        );
        let parties =
            |h: &Harness<'static, ExplorerApp>| h.state().document().scenario().party_count();
        let before = parties(&harness);
        if width >= 1500.0 {
            // The palette in full, as the tests and the README name it.
            harness.get_by_label("■ indirect reseller").click();
        } else if width >= 1300.0 {
            harness.get_by_label("■ reseller").click();
        } else {
            // Folded into a menu, which has room for the full names.
            assert!(harness.query_by_label_contains("reseller").is_none());
            harness.get_by_label("➕ Add party").click();
            harness.run();
            harness.get_by_label("■ indirect reseller").click();
        }
        harness.run();
        assert_eq!(parties(&harness), before + 1, "at {width} points");
    }
}
