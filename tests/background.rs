//! Long work off the UI thread, driven as a user would (egui_kittest): the progress window shows how
//! far a job has got, Cancel stops it and leaves the open document as it was, and a finished job's
//! result lands (a channel opened from a `.cspx` file, an export, the visible part as SVG).

mod common;

use common::{app, finish_jobs, scenario};
use csp_explorer::generate::{GenerateOptions, generate};
use csp_explorer::progress::Progress;
use csp_explorer::ui::ExplorerApp;
use csp_explorer::ui::jobs::Outcome;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

fn wait_until(
    harness: &mut Harness<'static, ExplorerApp>,
    what: &str,
    done: impl Fn(&ExplorerApp) -> bool,
) {
    let start = Instant::now();
    while !done(harness.state()) {
        assert!(start.elapsed() < Duration::from_secs(60), "{what}");
        std::thread::sleep(Duration::from_millis(5));
        harness.step();
    }
    harness.step();
}

fn channel_of(customers: usize) -> csp_explorer::model::Scenario {
    generate(&GenerateOptions {
        providers: 2,
        resellers: customers / 10 + 1,
        direct_bill: 1,
        customers,
        seed: 5,
        break_rate: 0.05,
    })
    .expect("valid options")
}

#[test]
fn a_jobs_progress_shows_and_cancel_leaves_the_document_untouched() {
    let mut harness = app(scenario("sample-1"));
    let before = harness.state().document().scenario().clone();
    let ctx = harness.ctx.clone();
    let (saw_cancel, cancelled) = channel();
    let replacement = channel_of(30);
    let started = harness
        .state_mut()
        .start_job(&ctx, "Counting customers", move |p: &Progress| {
            p.part(0.0, 1.0, "Counting").set(0.4);
            while !p.is_cancelled() {
                std::thread::sleep(Duration::from_millis(2));
            }
            saw_cancel.send(()).expect("the test listens");
            // Whatever a cancelled job returns is dropped.
            Ok(Outcome::Open(Box::new(csp_explorer::ui::Document::new(
                replacement,
            ))))
        });
    assert!(started);
    wait_until(&mut harness, "the job reports 40 %", |app| {
        app.job_status().is_some_and(|(_, f, _)| f >= 0.4)
    });
    // While a job runs the window keeps redrawing (twice a second): step, not run.
    harness.step();
    harness.get_by_label("Counting customers");
    harness.get_by_label("Counting…");
    harness.get_by_label("40 % done");
    harness.get_by_label("Cancel").click();
    harness.step();
    assert!(!harness.state().is_busy(), "Cancel ends the job at once");
    cancelled
        .recv_timeout(Duration::from_secs(30))
        .expect("the worker is told to stop");
    for _ in 0..5 {
        std::thread::sleep(Duration::from_millis(5));
        harness.step();
    }
    assert_eq!(
        harness.state().document().scenario(),
        &before,
        "the open document is untouched"
    );
    assert!(
        harness.query_by_label("Counting customers").is_none(),
        "the progress window is gone"
    );
    harness.get_by_label_contains("Cancelled: Counting customers");
    assert!(
        harness.try_run().is_ok(),
        "the window settles once the job is gone"
    );
}

#[test]
fn opening_a_cspx_file_runs_in_the_background_and_a_bad_one_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let channel = channel_of(200);
    let path = dir.path().join("channel.cspx");
    csp_explorer::io::save(&channel, &path).unwrap();
    let mut harness = app(scenario("sample-1"));
    let ctx = harness.ctx.clone();
    harness.state_mut().open_in_background(&ctx, path.clone());
    assert!(harness.state().is_busy());
    finish_jobs(&mut harness);
    assert_eq!(harness.state().document().scenario(), &channel);
    assert_eq!(
        harness.state().document().path.as_deref(),
        Some(path.as_path())
    );

    // A damaged file: an error naming it, and the channel stays open.
    let bytes = std::fs::read(&path).unwrap();
    let broken = dir.path().join("broken.cspx");
    std::fs::write(&broken, &bytes[..bytes.len() / 3]).unwrap();
    harness.state_mut().open_in_background(&ctx, broken);
    finish_jobs(&mut harness);
    let error = harness
        .state()
        .error()
        .expect("an error is shown")
        .to_owned();
    assert!(
        error.starts_with("Could not open the scenario; nothing was changed.")
            && error.contains("broken.cspx"),
        "{error}"
    );
    assert_eq!(harness.state().document().scenario(), &channel);
}

#[test]
fn exports_run_in_the_background_and_the_visible_part_is_exported_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(scenario("sample-6-forbidden"));
    let whole = dir.path().join("whole.svg");
    exported_in_background(
        &mut harness,
        &whole,
        csp_explorer::export::ExportFormat::Svg,
        None,
    );
    harness.get_by_label_contains("Exported");
    let whole_svg = std::fs::read_to_string(&whole).expect("written");

    // Zoomed onto one party, the visible area holds it and not the others.
    let doc = harness.state().document();
    let (id, at) = doc
        .positions()
        .iter()
        .next()
        .map(|(id, p)| (*id, *p))
        .unwrap();
    let others: Vec<_> = doc
        .positions()
        .iter()
        .filter(|(_, p)| (p.x - at.x).abs() > 400.0 || (p.y - at.y).abs() > 300.0)
        .map(|(id, _)| *id)
        .collect();
    assert!(!others.is_empty(), "the scenario has parties far apart");
    let area = csp_explorer::export::Area {
        min: csp_explorer::model::Position {
            x: at.x - 200.0,
            y: at.y - 150.0,
        },
        max: csp_explorer::model::Position {
            x: at.x + 200.0,
            y: at.y + 150.0,
        },
    };
    let part = dir.path().join("part.svg");
    exported_in_background(
        &mut harness,
        &part,
        csp_explorer::export::ExportFormat::Svg,
        Some(area),
    );
    let part_svg = std::fs::read_to_string(&part).expect("written");
    assert!(
        part_svg.contains(&format!("id=\"party-{id}\"")),
        "the party in view is drawn"
    );
    for other in &others {
        assert!(whole_svg.contains(&format!("id=\"party-{other}\"")));
        assert!(
            !part_svg.contains(&format!("id=\"party-{other}\"")),
            "{other} is out of view"
        );
    }
    assert!(part_svg.contains("(part)"), "the title says it is a part");

    // The window's own visible area is the canvas in view.
    let visible = harness.state().visible_area().expect("the canvas is drawn");
    assert!(visible.max.x > visible.min.x && visible.max.y > visible.min.y);

    // An export is named after the document's title until it has a file, then after the file.
    let title = harness.state().document().scenario().meta.title.clone();
    let stem = harness.state().export_stem();
    assert!(
        !stem.is_empty()
            && stem
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
        "{stem}"
    );
    assert!(
        stem.starts_with(&title.to_lowercase()[..3]),
        "{stem} from {title}"
    );
    let saved = dir.path().join("big-channel.cspx");
    csp_explorer::io::save(harness.state().document().scenario(), &saved).unwrap();
    harness.state_mut().open_path(&saved);
    finish_jobs(&mut harness);
    assert_eq!(
        harness.state().document().path.as_deref(),
        Some(saved.as_path())
    );
    assert_eq!(harness.state().export_stem(), "big-channel");
}

#[test]
fn a_failed_export_reports_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(scenario("sample-1"));
    let path = dir.path().join("no-such-folder").join("x.svg");
    exported_in_background(
        &mut harness,
        &path,
        csp_explorer::export::ExportFormat::Svg,
        None,
    );
    let error = harness
        .state()
        .error()
        .expect("an error is shown")
        .to_owned();
    assert!(
        error.starts_with("The export failed; no file was written."),
        "{error}"
    );
    assert!(!path.exists());
}

/// A what-if is compared with its base on a thread of its own (seconds for a large channel, after
/// every edit): the card says "Comparing…" meanwhile, then shows the same comparison as before.
#[test]
fn a_what_if_comparison_runs_off_the_ui_thread_then_lands() {
    use csp_explorer::edit::Edit;
    use csp_explorer::model::PartyId;
    use csp_explorer::ui::app::Command;
    use csp_explorer::ui::whatif::WhatIfCommand;
    let mut harness = app(scenario("sample-6-forbidden"));
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .execute(&ctx, Command::WhatIf(WhatIfCommand::Fork));
    finish_jobs(&mut harness);
    harness.get_by_label_contains("No difference yet: change something on the canvas");
    let mut partnership = harness
        .state()
        .document()
        .scenario()
        .link("partnership-adatum-contoso")
        .unwrap()
        .clone();
    partnership.from = PartyId::from("wingtip");
    harness
        .state_mut()
        .execute(&ctx, Command::Edit(Edit::UpdateLink(partnership)));
    // The frame after the edit starts the comparison and says so; it does not wait for it.
    harness.step();
    harness.get_by_label_contains("Comparing…");
    finish_jobs(&mut harness);
    assert!(harness.query_by_label_contains("Comparing…").is_none());
    harness.get_by_label(
        "~ partnership Wingtip Distribution → Contoso Reseller: from adatum → wingtip",
    );
    harness.get_by_label_contains("Findings: 0 introduced, 3 resolved");
}

/// Two customers 20,000 units apart, saved in `dir`: too wide for a PNG at the window's 2×.
fn too_wide_for_a_png(
    dir: &std::path::Path,
) -> (csp_explorer::model::Scenario, std::path::PathBuf) {
    use csp_explorer::model::{Party, PartyKind, Scenario};
    let mut s = Scenario::new("Two far-apart customers");
    s.add_party(Party::new("left", PartyKind::Customer).at(0.0, 0.0))
        .unwrap();
    s.add_party(Party::new("right", PartyKind::Customer).at(20_000.0, 0.0))
        .unwrap();
    let saved = dir.join("wide.cspx");
    csp_explorer::io::save(&s, &saved).unwrap();
    (s, saved)
}

/// The window opened on `saved` (too wide, see [`too_wide_for_a_png`]) after File → Export → PNG
/// at its 2×: nothing is written to the PNG's path (returned), and the window offers what fits.
/// File → Export of `format` to `path` (of `area`, or the whole channel), waited for.
fn exported_in_background(
    harness: &mut Harness<'static, csp_explorer::ui::ExplorerApp>,
    path: &std::path::Path,
    format: csp_explorer::export::ExportFormat,
    area: Option<csp_explorer::export::Area>,
) {
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .export_in_background(&ctx, path, format, area);
    finish_jobs(harness);
}

fn exported_too_wide(
    saved: std::path::PathBuf,
    dir: &std::path::Path,
) -> (
    Harness<'static, csp_explorer::ui::ExplorerApp>,
    std::path::PathBuf,
) {
    let mut harness = app(csp_explorer::ui::Launch {
        open: Some(saved),
        ..csp_explorer::ui::Launch::default()
    });
    let png = dir.join("wide.png");
    exported_in_background(
        &mut harness,
        &png,
        csp_explorer::export::ExportFormat::Png,
        None,
    );
    assert!(!png.exists(), "nothing written at 2×");
    (harness, png)
}

/// File → Export → PNG of a channel too large at the window's 2×: nothing is written, and the
/// window says so with the scale the command line advises (no `--scale` words), offered as a
/// button; the PNG it then exports fits the limits the first time.
#[test]
fn a_png_too_large_for_the_window_is_offered_at_the_scale_that_fits() {
    use csp_explorer::export::{ExportError, ExportFormat, ExportOptions, export};
    let dir = tempfile::tempdir().unwrap();
    let (s, saved) = too_wide_for_a_png(dir.path());
    let cli = export(
        &s,
        ExportFormat::Png,
        &ExportOptions {
            scale: 2.0,
            ..ExportOptions::default()
        },
    );
    let Err(ExportError::TooLarge(_, _, advised)) = cli else {
        panic!("the command line refuses it at 2×");
    };
    let (mut harness, png) = exported_too_wide(saved, dir.path());
    assert!(harness.state().error().is_none(), "an offer, not an error");
    let offer = harness.state().png_offer().expect("the scale is offered");
    assert_eq!(offer.fit, advised, "the command line's advice");
    harness.get_by_label_contains("The picture is too large for a PNG");
    harness.get_by_label_contains("a PNG can have at most 16384 on a side");
    assert!(harness.query_by_label_contains("--scale").is_none());
    harness
        .get_by_label(&format!("Export at {advised}×"))
        .click();
    finish_jobs(&mut harness);
    assert!(harness.state().png_offer().is_none());
    let bytes = std::fs::read(&png).expect("exported at the offered scale");
    let side = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    let (w, h) = (side(16), side(20));
    assert!(w <= 16_384 && h <= 16_384, "{w}×{h}");
    assert!(w > 8_000, "{w}×{h}: not needlessly small");
    harness.get_by_label_contains("Exported");
}

/// File → Export → PNG of a channel too large at the window's 2× offers it as one slide too, as
/// the command line's refusal offers `--slide`: the button writes a 1920×1080 PNG the first time.
#[test]
fn a_png_too_large_for_the_window_is_offered_as_one_slide() {
    let dir = tempfile::tempdir().unwrap();
    let (_, saved) = too_wide_for_a_png(dir.path());
    let (mut harness, png) = exported_too_wide(saved, dir.path());
    harness
        .get_by_label("Export as a slide (1920 × 1080)")
        .click();
    finish_jobs(&mut harness);
    assert!(harness.state().png_offer().is_none());
    let bytes = std::fs::read(&png).expect("exported as a slide");
    let side = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!((side(16), side(20)), (1920, 1080));
    harness.get_by_label_contains("Exported");
}
