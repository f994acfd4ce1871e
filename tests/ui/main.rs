//! The explorer driven as a user would, headless (egui_kittest): palette, connect gesture, live
//! findings, quick fixes, undo/redo, the scenario library, and a broken save file. One test binary;
//! a module per part of the window, sharing the helpers here.

#[path = "../common/mod.rs"]
mod common;

mod canvas;
mod files;
mod panels;
mod screens;
mod selection;

use csp_explorer::ui::ExplorerApp;
use egui_kittest::Harness;

/// Drags with the primary button from one party to another, in small steps like a hand would.
pub(crate) fn drag(harness: &mut Harness<'static, ExplorerApp>, from: &str, to: &str) {
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
