//! Selecting at scale and the what-if operations, as a user does it: a lasso around a group, a
//! query that narrows it, Change provider from the selection with its preview (on the worker
//! thread), and one undo.

use super::common::{self, app, scenario};
use csp_explorer::model::{LinkKind, PartyId};
use csp_explorer::ui::ExplorerApp;
use egui::{Event, Modifiers, Pos2, Rect};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::collections::BTreeSet;

/// Draws a lasso with Ctrl held: the rectangle `area` (screen points), walked corner to corner in
/// small steps like a hand would.
fn lasso(harness: &mut Harness<'static, ExplorerApp>, area: Rect) {
    let corners = [
        area.left_top(),
        area.right_top(),
        area.right_bottom(),
        area.left_bottom(),
        area.left_top() + egui::vec2(2.0, 2.0),
    ];
    harness.event(Event::ModifiersChanged(Modifiers::COMMAND));
    harness.hover_at(corners[0]);
    harness.run();
    harness.drag_at(corners[0]);
    harness.run();
    for pair in corners.windows(2) {
        for i in 1..=4 {
            harness.hover_at(pair[0] + (pair[1] - pair[0]) * (i as f32 / 4.0));
            harness.run();
        }
    }
    harness.drop_at(corners[4]);
    harness.run();
    harness.event(Event::ModifiersChanged(Modifiers::NONE));
    harness.run();
}

/// Types `text` into the empty field whose hint is `hint`.
fn type_into(harness: &mut Harness<'static, ExplorerApp>, hint: &'static str, text: &str) {
    harness
        .get_by(move |n| n.placeholder() == Some(hint))
        .focus();
    harness.run();
    harness
        .get_by(move |n| n.placeholder() == Some(hint))
        .type_text(text);
    harness.run();
}

fn ids(set: &BTreeSet<PartyId>) -> Vec<&str> {
    set.iter().map(PartyId::as_str).collect()
}

#[test]
fn a_lasso_and_a_query_select_a_reseller_whose_provider_changes_in_one_undo_step() {
    let mut harness = app(scenario("sample-6-forbidden"));
    // The resellers' row and the customer under it; the providers' row stays outside.
    let at =
        |h: &Harness<'static, ExplorerApp>, id: &str| h.state().screen_pos(id).expect("on screen");
    let group = ["contoso", "litware", "contoso-own"];
    let points: Vec<Pos2> = group.iter().map(|id| at(&harness, id)).collect();
    let area = Rect::from_points(&points).expand(45.0);
    for outside in ["adatum", "wingtip", "fabrikam", "microsoft"] {
        assert!(
            !area.contains(at(&harness, outside)),
            "{outside} is outside"
        );
    }
    lasso(&mut harness, area);
    assert_eq!(
        ids(harness.state().selected()),
        ["contoso", "contoso-own", "litware"]
    );
    // The status bar and the selection card count them by kind.
    assert_eq!(
        harness
            .get_all_by_label("3 selected: 2 indirect resellers, 1 customer")
            .count(),
        2
    );

    // Select by query: Adatum's parties whose name has "lit" in it.
    harness.get_by_label("Select by query").click();
    harness.run();
    type_into(&mut harness, "anyone's (id or exact name)", "adatum");
    type_into(&mut harness, "any name", "lit");
    harness.get_by_label("1 party match.");
    harness.get_by_label("Select").click();
    harness.run();
    assert_eq!(ids(harness.state().selected()), ["litware"]);

    // Change provider, filled from the selection: Litware leaves Adatum, for Wingtip.
    harness.get_by_label("Change provider…").click();
    harness.run();
    // A combo box reads as its shown choice.
    harness
        .get_by(|n| n.value().as_deref() == Some("choose a provider…"))
        .click();
    harness.run();
    harness.get_by_label("Wingtip Distribution (US)").click();
    harness.run();
    harness.get_by_label("🔍 Preview").click();
    // The preview is worked out on the worker thread, with its progress window: the frame that
    // asks for it does not wait for it (seconds on a large channel).
    harness.step();
    assert_eq!(
        harness.state().job_status().map(|(title, ..)| title),
        Some("Previewing Change provider"),
        "the preview runs as a job"
    );
    common::finish_jobs(&mut harness);
    harness.get_by_label_contains("Litware Solutions (`litware`) leaves Adatum Distribution");
    harness.get_by_label_contains("Findings as of");
    harness.get_by_label("✔ Apply as one step").click();
    common::finish_jobs(&mut harness);

    let base = harness
        .state()
        .whatif
        .base
        .as_ref()
        .expect("a what-if was forked for it")
        .doc
        .scenario()
        .clone();
    let doc = harness.state().document();
    let s = doc.scenario();
    let on = s.as_of();
    assert!(
        s.link("partnership-adatum-litware")
            .is_some_and(|l| l.ended == Some(on)),
        "the old partnership ends on the day"
    );
    assert!(
        s.links_to("litware")
            .any(|l| l.kind == LinkKind::Partnership
                && l.from.as_str() == "wingtip"
                && l.date == on)
    );
    assert!(
        s.links_to("contoso-own")
            .any(|l| l.kind == LinkKind::Purchase
                && l.via.as_ref().is_some_and(|v| v.as_str() == "wingtip")),
        "the sale is billed by the new provider"
    );
    let label = doc.history().undo_label().expect("one step to undo");
    assert!(
        label.starts_with("Litware Solutions (`litware`) leaves"),
        "{label}"
    );
    assert_eq!(doc.history().len(), 1, "the operation is one undo step");
    // The compare card reads the impact by rule.
    harness.get_by_label("By rule");

    harness.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
    common::finish_jobs(&mut harness);
    assert_eq!(
        harness.state().document().scenario(),
        &base,
        "one undo takes the whole operation back"
    );
}
