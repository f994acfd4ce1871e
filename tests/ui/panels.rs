//! The panels: findings grouped and explained, the inspector and its fields, the audit toggle,
//! the side panel's width and the toolbar's one row.

use crate::common;
use crate::common::app;
use crate::common::scenario;
use csp_explorer::rules::Severity;
use csp_explorer::ui::ExplorerApp;
use csp_explorer::ui::Launch;
use csp_explorer::ui::canvas::Selection;
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

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
        .id;
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
    let mut harness = app(scenario("sample-7-forbidden"));
    let doc = harness.state().document();
    let (party, rule) = doc
        .scenario()
        .links()
        .find_map(|l| {
            doc.checker()
                .for_link(l.id.as_str())
                .first()
                .map(|f| (l.from, f.rule))
        })
        .expect("a link with a finding");
    common::select(&mut harness, Selection::Party(party));
    harness.get_by_label_contains("On its links");
    harness.get_by_label_contains(&format!("{} on ", rule.info().title));
    assert!(harness.query_by_label_contains("No finding").is_none());
}

/// One rule can find the same fault twice on a link (no reseller relationship, for the seller and
/// for the provider billing it): the inspector's two lines say whom each is about instead of
/// reading the same.
#[test]
fn the_inspector_tells_apart_two_findings_of_one_rule_on_a_link() {
    use csp_explorer::edit::Edit;
    use csp_explorer::ui::app::Command;
    // Sample 1's indirect sale without its two reseller relationships: `no_reseller_relationship`
    // for the seller and for the provider billing it. (Sample 7's two cross-region findings on one
    // purchase are one since issue 22.)
    let mut harness = app(scenario("sample-1"));
    let ctx = harness.ctx.clone();
    harness.state_mut().execute(
        &ctx,
        Command::Edit(Edit::Batch(vec![
            Edit::RemoveLink("reseller-contoso-tailspin".into()),
            Edit::RemoveLink("reseller-adatum-tailspin".into()),
        ])),
    );
    harness.run();
    let link = "purchase-tailspin-azure";
    let doc = harness.state().document();
    let about: Vec<String> = doc
        .checker()
        .for_link(link)
        .iter()
        .filter(|f| f.rule.key() == "no_reseller_relationship")
        .map(|f| {
            let id = f.first_named().expect("the message names a party");
            doc.scenario()
                .party(id)
                .expect("a known party")
                .name
                .clone()
        })
        .collect();
    assert_eq!(about.len(), 2, "two findings of one rule: {about:?}");
    assert_ne!(about[0], about[1]);
    common::select(&mut harness, Selection::Link(link.into()));
    for name in &about {
        harness.get_by_label(&format!(
            "✖ No reseller relationship with the customer: {name}"
        ));
    }
}

/// Tailspin Japan's country as the open scenario holds it: the country picker
/// tests read the model back, not the row they clicked.
fn tailspin_country(h: &Harness<'static, ExplorerApp>) -> Option<String> {
    h.state()
        .document()
        .scenario()
        .party("tailspin-jp")
        .and_then(|p| p.country.map(String::from))
}

/// The country picker names countries and finds them by name or by code; its search box takes the
/// typing as soon as it opens.
#[test]
fn the_country_picker_searches_by_name_and_by_code() {
    let mut harness = app(scenario("sample-7-forbidden"));
    common::select(&mut harness, Selection::Party("tailspin-jp".into()));
    harness.get_by_label_contains("Japan (JP) — ").click();
    harness.run();
    harness.event(egui::Event::Text("germ".to_owned()));
    harness.run();
    assert!(harness.query_by_label_contains("France (FR)").is_none());
    harness.get_by_label_contains("Germany (DE) — ").click();
    harness.run();
    assert_eq!(tailspin_country(&harness).as_deref(), Some("DE"));
    // By code: "fr" then Enter picks France.
    harness.get_by_label_contains("Germany (DE) — ").click();
    harness.run();
    harness.event(egui::Event::Text("fr".to_owned()));
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(tailspin_country(&harness).as_deref(), Some("FR"));
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

/// A party's tenant type (CSP or customer) sits on its own row: beside the tenant ID field it ran
/// past the inspector's edge, where it could be neither seen nor clicked.
#[test]
fn the_tenant_type_is_visible_and_can_be_changed() {
    use csp_explorer::model::TenantType;
    let mut harness = app(scenario("sample-7-forbidden"));
    common::select(&mut harness, Selection::Party("tailspin-jp".into()));
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
    let mut harness = app(scenario("sample-7-forbidden"));
    common::select(&mut harness, Selection::Party("tailspin-jp".into()));
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

/// A long country name is cut to the inspector's width, its ⏷ still there to click, and shown
/// whole on hover: "United Kingdom of Great Britain and Northern Ireland (GB) — Europe" ran past
/// the panel's edge.
#[test]
fn a_long_country_name_stays_within_the_inspector() {
    use csp_explorer::ui::app::Command;
    let mut harness = app(scenario("sample-7-forbidden"));
    let ctx = harness.ctx.clone();
    harness.state_mut().execute(
        &ctx,
        Command::Select(Some(Selection::Party("tailspin-jp".into())), Vec::new()),
    );
    harness.run();
    // Chosen the way a user does: the picker, searched by code.
    harness.get_by_label_contains("Japan (JP) — ").click();
    harness.run();
    harness.event(egui::Event::Text("gb".to_owned()));
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(tailspin_country(&harness).as_deref(), Some("GB"));
    let width = harness.ctx.content_rect().width();
    let row = harness.get_by_label_contains("United Kingdom");
    assert!(
        row.rect().max.x <= width,
        "the country ends at {} in a window {width} wide",
        row.rect().max.x
    );
    row.hover();
    harness.run();
    use egui_kittest::kittest::NodeT;
    let tip = harness.get_by_label_contains("Choose the country");
    let whole = tip.accesskit_node().value().unwrap_or_default();
    assert!(
        whole.contains("Northern Ireland (GB) — "),
        "the tooltip says {whole:?}"
    );
}

/// A link's ends are offered by name and kind, each said once: the list read "Microsoft
/// (Microsoft)" and "Fabrikam (direct-bill) (direct-bill partner)".
#[test]
fn a_links_ends_are_offered_by_name_and_kind_said_once() {
    use csp_explorer::ui::app::Command;
    let mut harness = app(scenario("sample-6-forbidden"));
    let ctx = harness.ctx.clone();
    harness.state_mut().execute(
        &ctx,
        Command::Select(
            Some(Selection::Link("partnership-adatum-contoso".into())),
            Vec::new(),
        ),
    );
    harness.run();
    // The canvas names its parties to screen readers its own way: only what the list adds counts.
    let repeated = |h: &Harness<'static, ExplorerApp>| {
        h.query_all_by_label_contains("(Microsoft)").count()
            + h.query_all_by_label_contains(") (").count()
    };
    let before = repeated(&harness);
    harness
        .get_by(|n| {
            n.role() == egui::accesskit::Role::ComboBox
                && n.value().as_deref() == Some("Adatum Distribution")
        })
        .click();
    harness.run();
    harness.get_by_label("Fabrikam (direct-bill) · direct-bill partner");
    assert_eq!(repeated(&harness), before);
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
            assert!(
                harness
                    .query_by(|n| n
                        .label()
                        .is_some_and(|l| l.starts_with('■') && l.contains("reseller")))
                    .is_none()
            );
            harness.get_by_label("➕ Add party").click();
            harness.run();
            harness.get_by_label("■ indirect reseller").click();
        }
        harness.run();
        assert_eq!(parties(&harness), before + 1, "at {width} points");
    }
}

/// Sample 7 with a channel in Japan (the lesson's step 2): the sale's explanation card links to
/// the page the rule comes from, opened in the browser, and its quick fix moves the whole sale,
/// purchase and reseller relationships, to the Japanese reseller and provider (issue 22).
#[test]
fn the_card_links_its_source_and_fixes_a_cross_region_sale_whole() {
    use csp_explorer::edit::Edit;
    use csp_explorer::model::{Link, LinkKind, Party, PartyKind};
    use csp_explorer::ui::app::Command;
    let mut harness = app(scenario("sample-7-forbidden"));
    let ctx = harness.ctx.clone();
    let day = "2020-02-01".parse().unwrap();
    let chain = Edit::Batch(vec![
        Edit::AddParty(
            Party::new("adatum-jp", PartyKind::IndirectProvider)
                .named("Adatum Japan")
                .in_country("JP")
                .mpa(day),
        ),
        Edit::AddParty(
            Party::new("contoso-jp", PartyKind::IndirectReseller)
                .named("Contoso Japan")
                .in_country("JP")
                .mpa(day)
                .ready(),
        ),
        Edit::AddLink(Link::new(
            "supply-adatum-jp",
            LinkKind::Supply,
            "microsoft",
            "adatum-jp",
            day,
        )),
        Edit::AddLink(Link::new(
            "partnership-adatum-jp-contoso-jp",
            LinkKind::Partnership,
            "adatum-jp",
            "contoso-jp",
            day,
        )),
    ]);
    harness.state_mut().execute(&ctx, Command::Edit(chain));
    harness.run();
    harness.state_mut().execute(
        &ctx,
        Command::Select(
            Some(Selection::Link("purchase-tailspin-jp-m365".into())),
            Vec::new(),
        ),
    );
    harness.run();
    harness
        .get_all_by_label_contains("Sale across CSP regions")
        .next()
        .expect("the inspector names the finding")
        .click();
    harness.run();
    assert!(harness.state().explained().is_some());
    harness
        .get_by_label_contains("🔗 Learn how partners can work with other partners")
        .click();
    harness.step();
    let opened: Vec<String> = harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::OpenUrl(open) => Some(open.url.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        opened,
        [
            "https://learn.microsoft.com/en-us/partner-center/enroll/csp-supported-partner-relationships#supported-partner-transactions-in-the-csp-program"
        ]
    );
    harness.run();
    harness
        .get_by_label_contains("🔧 Sell from Contoso Japan (JP) instead, billed by Adatum Japan")
        .click();
    harness.run();
    let doc = harness.state().document();
    assert_eq!(
        doc.checker().counts().violation,
        0,
        "{:#?}",
        doc.checker().sorted()
    );
    let sale = doc.scenario().link("purchase-tailspin-jp-m365").unwrap();
    assert_eq!(sale.from.as_str(), "contoso-jp");
}

/// Presses and types `text` key by key, as a keyboard does (a key press, its text, its release),
/// without running a frame: the keys all arrive in the next one.
fn type_keys(harness: &Harness<'static, ExplorerApp>, text: &str) {
    for ch in text.chars() {
        let key = Key::from_name(&ch.to_uppercase().to_string());
        let press = |pressed| egui::Event::Key {
            key: key.expect("a letter"),
            physical_key: None,
            pressed,
            repeat: false,
            modifiers: egui::Modifiers::NONE,
        };
        if key.is_some() {
            harness.event(press(true));
        }
        harness.event(egui::Event::Text(ch.to_string()));
        if key.is_some() {
            harness.event(press(false));
        }
    }
}

/// Ctrl+F puts the keyboard in the search field at once: the keys typed right after it, even in
/// the same frame (a slow frame of a big channel gathers several), land in the field, and none of
/// them works the canvas. Before, "c" switched on Connect and "Tailspin" became "spin".
#[test]
fn ctrl_f_then_typing_lands_in_the_search_field() {
    use csp_explorer::ui::canvas::Tool;
    let mut harness = app(scenario("sample-1"));
    common::select(&mut harness, Selection::Party("tailspin".into()));
    let parties = harness.state().document().scenario().party_count();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::F);
    type_keys(&harness, "Tailspin c");
    harness.run();
    // The field with the keyboard: the search field (its placeholder is gone once it holds text).
    let field = |h: &Harness<'static, ExplorerApp>| {
        let field = h.get_by(|n| n.role() == egui::accesskit::Role::TextInput && n.is_focused());
        let search = h.state().view.rect.top() > field.rect().bottom();
        (search, field.value().unwrap_or_default())
    };
    assert_eq!(
        field(&harness),
        (true, "Tailspin c".to_owned()),
        "Ctrl+F focuses the search (in the toolbar) and the keys land in it"
    );
    assert_eq!(
        harness.state().tool,
        Tool::Select,
        "C did not switch on Connect"
    );
    // A frame later, the keys still go to the field: F does not fit, Backspace deletes a letter
    // and not the selected party.
    let view = (harness.state().view.zoom, harness.state().view.pan);
    type_keys(&harness, "f");
    for _ in 0..3 {
        harness.key_press(Key::Backspace);
    }
    harness.run();
    assert_eq!(field(&harness), (true, "Tailspin".to_owned()));
    let state = harness.state();
    assert_eq!(state.document().scenario().party_count(), parties);
    assert_eq!((state.view.zoom, state.view.pan), view);
    assert_eq!(state.tool, Tool::Select);
}

/// Ctrl+Z while a text field has the keyboard takes back what was typed in it, never the
/// document's last change under it; with the keyboard back on the canvas, it undoes the document.
/// Before, typing a name in the search field and pressing Ctrl+Z removed the party just added.
#[test]
fn ctrl_z_in_a_text_field_undoes_the_typing_not_the_document() {
    use csp_explorer::model::PartyKind;
    use csp_explorer::ui::app::Command;
    let mut harness = app(scenario("sample-1"));
    let ctx = harness.ctx.clone();
    let parties = harness.state().document().scenario().party_count();
    harness
        .state_mut()
        .execute(&ctx, Command::AddParty(PartyKind::Customer));
    harness.run();
    let count = |h: &Harness<'static, ExplorerApp>| h.state().document().scenario().party_count();
    assert_eq!(count(&harness), parties + 1);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::F);
    harness.run();
    type_keys(&harness, "Tailspin");
    harness.run();
    let typed = |h: &Harness<'static, ExplorerApp>| {
        h.query_by(|n| n.role() == egui::accesskit::Role::TextInput && n.is_focused())
            .map(|n| n.value().unwrap_or_default())
    };
    assert_eq!(typed(&harness).as_deref(), Some("Tailspin"));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(
        count(&harness),
        parties + 1,
        "the party added before the typing is still there"
    );
    assert_eq!(
        typed(&harness).as_deref(),
        Some(""),
        "the field took back what was typed"
    );
    // Escape gives the keyboard back; Ctrl+Z then undoes the document.
    harness.key_press(Key::Escape);
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(count(&harness), parties);
}

/// The toolbar's as-of date field ("Checked as of", or "As of" in a narrower window).
fn is_as_of_field(n: &egui_kittest::kittest::AccessKitNode<'_>) -> bool {
    n.role() == egui::accesskit::Role::TextInput
        && n.label()
            .is_some_and(|l| l.to_lowercase().ends_with("as of"))
}

/// The as-of date field's text.
fn as_of_field(h: &Harness<'static, ExplorerApp>) -> String {
    h.get_by(is_as_of_field).value().unwrap_or_default()
}

/// The as-of date is typed like any text: what is typed applies on Enter (or when the field is
/// left), a text that is not a date stays as typed without being applied, Escape puts the date in
/// force back, and the arrows step it by a day, a month (Shift) or a year (Ctrl). Before, every
/// keystroke was parsed: deleting one digit of 2020-01-31 applied 2020-01-03.
#[test]
fn the_as_of_date_is_typed_applied_on_enter_and_escape_restores_it() {
    let mut harness = app(scenario("sample-1"));
    let as_of =
        |h: &Harness<'static, ExplorerApp>| h.state().document().scenario().as_of().to_string();
    let field = as_of_field;
    let before = as_of(&harness);
    harness.get_by(is_as_of_field).focus();
    harness.run();
    // Ctrl+A selects it all; what is typed replaces it, and nothing applies until Enter.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    type_keys(&harness, "2020-01-3");
    harness.run();
    assert_eq!(field(&harness), "2020-01-3");
    assert_eq!(as_of(&harness), before, "a half-typed date applies nothing");
    type_keys(&harness, "1");
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(as_of(&harness), "2020-01-31");
    // Deleting a digit and leaving the field: not a date, kept as typed, nothing applied.
    harness.get_by(is_as_of_field).focus();
    harness.run();
    harness.key_press(Key::End);
    harness.key_press(Key::Backspace);
    harness.run();
    harness.key_press(Key::Tab);
    harness.run();
    assert_eq!(
        field(&harness),
        "2020-01-3",
        "an invalid date is not reverted"
    );
    assert_eq!(as_of(&harness), "2020-01-31", "nor applied");
    // Escape puts back the date in force.
    harness.get_by(is_as_of_field).focus();
    harness.run();
    harness.key_press(Key::Escape);
    harness.run();
    assert_eq!(field(&harness), "2020-01-31");
    // The arrows: a day, a month with Shift, a year with Ctrl; each applies at once.
    harness.get_by(is_as_of_field).focus();
    harness.run();
    harness.key_press(Key::ArrowUp);
    harness.run();
    assert_eq!(as_of(&harness), "2020-02-01");
    harness.key_press_modifiers(egui::Modifiers::SHIFT, Key::ArrowDown);
    harness.run();
    assert_eq!(as_of(&harness), "2020-01-01");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::ArrowUp);
    harness.run();
    assert_eq!(as_of(&harness), "2021-01-01");
    assert_eq!(field(&harness), "2021-01-01");
}

/// The calendar beside the as-of field picks a date: opened, a day clicked and saved, the channel
/// is checked as of it.
#[test]
fn the_calendar_picks_the_as_of_date() {
    let mut harness = app(scenario("sample-1"));
    let ctx = harness.ctx.clone();
    harness.state_mut().execute(
        &ctx,
        csp_explorer::ui::app::Command::Edit(csp_explorer::edit::Edit::SetAsOf(
            csp_explorer::ui::app::parse_date("2020-06-30"),
        )),
    );
    harness.run();
    harness.get_by_label_contains("📆").click();
    harness.run();
    harness.get_by_label("15").click();
    harness.run();
    harness.get_by_label("Save").click();
    harness.run();
    assert_eq!(
        harness.state().document().scenario().as_of().to_string(),
        "2020-06-15"
    );
}
