//! The screens a user meets first: the scenario library, and every main screen settling when idle.

use crate::common::app;
use crate::common::scenario;
use csp_explorer::ui::ExplorerApp;
use csp_explorer::ui::Launch;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

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
    // The comparison runs on its own thread: once it is in, the screen settles. Settling while it
    // ran raced it (the answer came in the last of the frames allowed and asked for one more).
    crate::common::finish_jobs(&mut compare);
    settle(&mut compare, "compare");

    let mut quiz = app(scenario("sample-1"));
    let ctx = quiz.ctx.clone();
    quiz.state_mut()
        .execute(&ctx, Command::Training(TrainingCommand::QuizHere));
    settle(&mut quiz, "quiz");
}
