//! The CPU cost of one frame of the real app: the whole `ExplorerApp` UI run headless by
//! egui_kittest over an `egui::Context`, plus tessellation of what it painted (what eframe does
//! before handing meshes to the GPU). Idle: nothing changes between frames. Panning: the canvas
//! moves a few pixels every frame. Hover: the pointer moves a few pixels every frame. Edit: one
//! party is moved (one undo step) and the frame showing it drawn, which includes updating the
//! canvas's scene and far view for the new revision. Edit while exporting: the same edit while a
//! save or an export holds the scenario. Fork: What-if → Fork and its frame (the time
//! on the UI thread). Zoomed in on one
//! reseller's customers (what the search flies to): idle, panning a few pixels a frame, and sell or
//! undo (a purchase that breaks rules is added, or undone, and its frame drawn).
//!
//! `cargo bench --bench ui_frame`; sizes (1k, 10k, 100k and 300k parties) can be limited with
//! `UI_MIN_PARTIES=100000` and `UI_MAX_PARTIES=10000`. `UI_CPU=1` measures the CPU time of the
//! thread the window runs on (the UI thread) instead of wall time: on a shared machine wall time
//! measures the neighbours, and work the window hands to other threads (a fork's copy) is not what
//! a user waits for. `UI_PICTURE=0` has every frame draw the far view anew instead of reusing the
//! picture an earlier frame drew (what the window did before it kept one), for comparison.

#[path = "support/process_cpu.rs"]
mod process_cpu;

use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion};
use csp_explorer::generate::{GenerateOptions, generate};
use csp_explorer::ui::files::DialogPurpose;
use csp_explorer::ui::{ExplorerApp, FileDialogs, Launch};
use egui_kittest::Harness;
use process_cpu::{ThreadCpu, thread_cpu};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// No file dialogs in a benchmark.
struct NoDialogs;

impl FileDialogs for NoDialogs {
    fn request(&mut self, _: DialogPurpose, _: &Path, _: &str, _: &egui::Context) {}
    fn poll(&mut self) -> Option<(DialogPurpose, Option<PathBuf>)> {
        None
    }
    fn is_open(&self) -> bool {
        false
    }
}

fn sizes() -> Vec<usize> {
    let var = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (min, max) = (var("UI_MIN_PARTIES", 0), var("UI_MAX_PARTIES", usize::MAX));
    [1_000, 10_000, 100_000, 300_000]
        .into_iter()
        .filter(|s| (min..=max).contains(s))
        .collect()
}

/// The app with a generated channel of about `parties` parties open and fitted to the window.
fn app_with_channel(parties: usize, dir: &Path) -> Harness<'static, ExplorerApp> {
    let customers = parties * 10 / 12;
    let s = generate(&GenerateOptions {
        providers: (customers / 2_000).max(3),
        resellers: (customers / 10).max(5),
        direct_bill: (customers / 1_000).max(2),
        customers,
        seed: 1,
        break_rate: 0.02,
    })
    .expect("valid options");
    // The compact binary save: a RON save of 300k parties takes longer to load than to measure.
    let path = dir.join(format!("channel-{parties}.cspx"));
    csp_explorer::io::save(&s, &path).expect("writes the channel");
    let launch = Launch {
        open: Some(path),
        ..Launch::default()
    };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1500.0, 950.0))
        .build_eframe(move |cc| ExplorerApp::new(cc, launch, Box::new(NoDialogs)));
    // The file is opened on the worker thread: wait for it, then let the window settle (fit,
    // fonts) before measuring.
    while harness.state().is_busy() {
        std::thread::sleep(std::time::Duration::from_millis(10));
        harness.step();
    }
    for _ in 0..4 {
        harness.step();
    }
    assert!(
        harness.state().document().scenario().party_count() >= parties / 2,
        "the channel is open before measuring"
    );
    harness.state_mut().view.keep_picture = !std::env::var("UI_PICTURE").is_ok_and(|v| v == "0");
    harness
}

/// One frame: the app's UI, then tessellation of its shapes.
fn frame(harness: &mut Harness<'static, ExplorerApp>) -> usize {
    harness.step();
    let output = harness.output();
    let ppp = output.pixels_per_point;
    let meshes = harness.ctx.tessellate(output.shapes.clone(), ppp);
    meshes.len()
}

fn ui_frames<M: Measurement<Value = Duration>>(c: &mut Criterion<M>, clock: fn() -> Duration) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for parties in sizes() {
        let mut harness = app_with_channel(parties, dir.path());
        let mut group = c.benchmark_group("ui_frame");
        group.sample_size(10);
        group.warm_up_time(Duration::from_millis(200));
        group.measurement_time(Duration::from_secs(2));
        group.bench_function(BenchmarkId::new("idle", parties), |b| {
            b.iter(|| black_box(frame(&mut harness)))
        });
        // Back and forth, so that the view stays on the channel however many frames are
        // measured (it drifted 2 pixels down a frame: the faster the frame, the emptier the view
        // the rows after this one measured), and put back where it was after.
        let fitted = harness.state().view.pan;
        let mut step = 0.0f32;
        group.bench_function(BenchmarkId::new("panning", parties), |b| {
            b.iter(|| {
                step += 1.0;
                let sign = if step as i32 % 40 < 20 { 1.0 } else { -1.0 };
                harness.state_mut().view.pan += egui::vec2(6.0, 2.0) * sign;
                black_box(frame(&mut harness))
            })
        });
        harness.state_mut().view.pan = fitted;
        frame(&mut harness);
        // The pointer moving across the fitted channel, a few pixels a frame, with the frame
        // each move draws (the hover text of whatever is under it included).
        let canvas = harness.state().view.rect;
        let mut step = 0u32;
        group.bench_function(BenchmarkId::new("hover", parties), |b| {
            b.iter(|| {
                step += 1;
                let t = (step % 400) as f32 / 400.0;
                let at = canvas.lerp_inside(egui::vec2(t, 0.3 + 0.4 * ((step / 400) % 2) as f32));
                harness.hover_at(at);
                black_box(frame(&mut harness))
            })
        });
        harness.remove_cursor();
        frame(&mut harness);
        // One edit (a party moved, then moved back) and the frame that shows it: what a user
        // waits for after dropping a link or a party.
        let party = harness
            .state()
            .document()
            .scenario()
            .parties()
            .last()
            .map(|p| p.id)
            .expect("a party");
        let ctx = harness.ctx.clone();
        let mut there = false;
        group.bench_function(BenchmarkId::new("edit", parties), |b| {
            b.iter(|| {
                there = !there;
                let to = there.then_some(csp_explorer::model::Position {
                    x: -500.0,
                    y: -500.0,
                });
                harness.state_mut().execute(
                    &ctx,
                    csp_explorer::ui::app::Command::Edit(csp_explorer::edit::Edit::MoveParty(
                        party, to,
                    )),
                );
                black_box(frame(&mut harness))
            })
        });
        // The same edit while a save or an export holds the scenario (a snapshot taken without
        // copying): the edit takes the copy of the scenario begun on another thread when the
        // snapshot was taken, waiting for it if it is not in (here the edit comes at once, the
        // worst case; UI_CPU=1 counts the UI thread's own work). The snapshot is let go untimed
        // after each (the export finishing, on its own thread).
        group.bench_function(BenchmarkId::new("edit_while_exporting", parties), |b| {
            b.iter_custom(|iters| {
                let mut took = Duration::ZERO;
                for _ in 0..iters {
                    let held = harness.state().document().shared_scenario();
                    there = !there;
                    let to = there.then_some(csp_explorer::model::Position {
                        x: -500.0,
                        y: -500.0,
                    });
                    let started = clock();
                    harness.state_mut().execute(
                        &ctx,
                        csp_explorer::ui::app::Command::Edit(csp_explorer::edit::Edit::MoveParty(
                            party, to,
                        )),
                    );
                    black_box(frame(&mut harness));
                    took += clock().saturating_sub(started);
                    drop(held);
                }
                took
            })
        });
        // What-if → Fork and the frame that shows the what-if (the time on the UI thread; it is
        // discarded again, untimed, before the next one).
        group.bench_function(BenchmarkId::new("fork", parties), |b| {
            b.iter_custom(|iters| {
                let mut took = Duration::ZERO;
                for _ in 0..iters {
                    let started = clock();
                    harness.state_mut().execute(
                        &ctx,
                        csp_explorer::ui::app::Command::WhatIf(
                            csp_explorer::ui::whatif::WhatIfCommand::Fork,
                        ),
                    );
                    black_box(frame(&mut harness));
                    took += clock().saturating_sub(started);
                    // The fork's copy of the scenario, made on a thread of its own: finished
                    // before the next fork, so that copies do not pile up.
                    while harness.state().is_copying() {
                        std::thread::sleep(Duration::from_millis(10));
                        harness.step();
                    }
                    harness.state_mut().execute(
                        &ctx,
                        csp_explorer::ui::app::Command::WhatIf(
                            csp_explorer::ui::whatif::WhatIfCommand::Discard,
                        ),
                    );
                    frame(&mut harness);
                }
                took
            })
        });
        // The walkthrough's edit, where it is made: zoomed in on a reseller's customers, a
        // purchase from it to a customer of another region (it breaks rules and turns red), and
        // the frame showing it; every other iteration undoes it, with its frame.
        let (reseller, customer) = {
            let s = harness.state().document().scenario();
            let markets = csp_explorer::model::markets();
            let region = |p: &csp_explorer::model::Party| {
                p.country
                    .as_deref()
                    .and_then(|c| markets.region_of(c))
                    .map(|r| r.id.clone())
            };
            let reseller = s
                .parties_of_kind(csp_explorer::model::PartyKind::IndirectReseller)
                .nth(s.party_count() / 40)
                .expect("a reseller");
            let customer = s
                .parties_of_kind(csp_explorer::model::PartyKind::Customer)
                .find(|c| region(c) != region(reseller))
                .expect("a customer of another region");
            (reseller.id, customer.id)
        };
        let view = {
            let app = harness.state();
            let mut view = app.view.clone();
            view.bring_party_into_view(app.document(), reseller.as_str());
            view.finish_flight();
            view
        };
        harness.state_mut().view = view;
        frame(&mut harness);
        // Nothing changes: what a zoomed-in window costs while the user looks at it (the links
        // crossing the view included).
        group.bench_function(BenchmarkId::new("idle_zoomed_in", parties), |b| {
            b.iter(|| black_box(frame(&mut harness)))
        });
        // Panning there: every frame sorts the links near the view again.
        let home = harness.state().view.pan;
        let mut step = 0.0f32;
        group.bench_function(BenchmarkId::new("panning_zoomed_in", parties), |b| {
            b.iter(|| {
                step += 1.0;
                let sign = if step as i32 % 40 < 20 { 1.0 } else { -1.0 };
                harness.state_mut().view.pan += egui::vec2(6.0, 2.0) * sign;
                black_box(frame(&mut harness))
            })
        });
        harness.state_mut().view.pan = home;
        frame(&mut harness);
        let mut sold = false;
        group.bench_function(BenchmarkId::new("sell_or_undo_zoomed_in", parties), |b| {
            b.iter(|| {
                sold = !sold;
                let command = if sold {
                    let s = harness.state().document().scenario();
                    csp_explorer::ui::app::Command::Edit(csp_explorer::edit::Edit::AddLink(
                        csp_explorer::model::Link::new(
                            s.fresh_link_id("bench"),
                            csp_explorer::model::LinkKind::Purchase,
                            reseller,
                            customer,
                            s.as_of(),
                        ),
                    ))
                } else {
                    csp_explorer::ui::app::Command::Undo
                };
                harness.state_mut().execute(&ctx, command);
                black_box(frame(&mut harness))
            })
        });
        group.finish();
    }
}

/// Wall time since the first call.
fn wall() -> Duration {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed()
}

fn main() {
    if process_cpu::requested("UI_CPU") {
        let mut c = Criterion::default()
            .with_measurement(ThreadCpu)
            .configure_from_args();
        ui_frames(&mut c, thread_cpu);
        c.final_summary();
    } else {
        let mut c = Criterion::default().configure_from_args();
        ui_frames(&mut c, wall);
        c.final_summary();
    }
}
