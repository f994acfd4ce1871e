//! The keyboard: which key asks for which command (Ctrl+Z, Ctrl+S, F, C, Delete, F1, F5, the
//! presenter's arrows). Must not change the document: keys return commands for the app to carry out.
//!
//! Only what a key switches in the window itself (the tool, the help window, Escape dropping a
//! link waiting for its kind, the keyboard going to the search field) changes at once, so the frame
//! being drawn shows it. Letters, arrows, Escape and Delete are left alone while a widget has the
//! keyboard, or had it when the frame began (Escape takes it from a text field before anything
//! reads the keys: without remembering, Escape in the search field also left presenter mode).

use super::canvas::Tool;
use super::command::{Command, PendingLink};
use super::panels::search_field_id;
use super::training::TrainingCommand;

/// What the keys may switch at once, and what they depend on.
pub struct Keys<'a> {
    /// The tool in hand (C toggles Connect, Escape goes back to Select).
    pub tool: &'a mut Tool,
    /// The help window (F1).
    pub show_help: &'a mut bool,
    /// A link waiting for its kind (Escape drops it).
    pub pending_link: &'a mut Option<PendingLink>,
    /// Presenter mode is on (the arrows, Space and H step through the lesson or the findings).
    pub presenting: bool,
    /// A lesson runs (H shows its next hint).
    pub lesson: bool,
}

/// Where the keyboard was at the end of the last frame (see [`remember_focus`]).
fn focus_last_frame_id() -> egui::Id {
    egui::Id::new("keys-focus-last-frame")
}

/// Notes which widget has the keyboard as a frame ends, for the next frame's [`shortcuts`]: a key
/// that took the keyboard from it before the frame (Escape) still belongs to it.
pub fn remember_focus(ctx: &egui::Context) {
    let focused = ctx.memory(|m| m.focused());
    ctx.data_mut(|d| d.insert_temp(focus_last_frame_id(), focused));
}

/// Reads this frame's keys: the commands they ask for, in the order they are carried out.
pub fn shortcuts(ctx: &egui::Context, keys: Keys<'_>) -> Vec<Command> {
    use egui::{Key, KeyboardShortcut, Modifiers};
    let mut out = Vec::new();
    // Ctrl+F gives the search field the keyboard now, before the field is drawn in this frame, so
    // that the very next keys land in it (even those of this same frame: a slow frame of a big
    // channel gathers several). Given a frame later, "Tailspin" became "spin" and "c" switched on
    // Connect.
    let find =
        ctx.input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::F)));
    if find {
        // Presenter mode shows no search field: the keyboard stays where it was.
        if !keys.presenting {
            ctx.memory_mut(|m| m.request_focus(search_field_id()));
        }
        out.push(Command::Find);
    }
    let had_keyboard = ctx
        .data(|d| d.get_temp::<Option<egui::Id>>(focus_last_frame_id()))
        .flatten()
        .is_some();
    let typing = ctx.egui_wants_keyboard_input() || had_keyboard;
    // Ctrl+Z in a text field takes back what was typed there (the field does it): left to the
    // field, not consumed here. Before, it undid the document's last change under the typing.
    let in_text_field = ctx.text_edit_focused();
    ctx.input_mut(|i| {
        let cmd = |key| KeyboardShortcut::new(Modifiers::COMMAND, key);
        let cmd_shift = |key| KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, key);
        if !in_text_field {
            if i.consume_shortcut(&cmd_shift(Key::Z)) || i.consume_shortcut(&cmd(Key::Y)) {
                out.push(Command::Redo);
            }
            if i.consume_shortcut(&cmd(Key::Z)) {
                out.push(Command::Undo);
            }
        }
        if i.consume_shortcut(&cmd_shift(Key::S)) {
            out.push(Command::SaveAs);
        }
        if i.consume_shortcut(&cmd(Key::S)) {
            out.push(Command::Save);
        }
        if i.consume_shortcut(&cmd(Key::O)) {
            out.push(Command::Open);
        }
        if i.consume_shortcut(&cmd(Key::N)) {
            out.push(Command::New);
        }
        if !typing {
            // Ctrl+A in a text field selects its text; elsewhere it selects every party.
            if i.consume_shortcut(&cmd(Key::A)) {
                out.push(Command::SelectAll);
            }
            if i.key_pressed(Key::Delete) || i.key_pressed(Key::Backspace) {
                out.push(Command::DeleteSelection);
            }
            if i.key_pressed(Key::F) {
                out.push(Command::Fit);
            }
            if i.key_pressed(Key::C) {
                *keys.tool = if *keys.tool == Tool::Connect {
                    Tool::Select
                } else {
                    Tool::Connect
                };
            }
            if i.key_pressed(Key::Escape) {
                *keys.pending_link = None;
                *keys.tool = Tool::Select;
                if keys.presenting {
                    out.push(Command::Presenter(false));
                }
            }
            if keys.presenting {
                if i.key_pressed(Key::ArrowRight)
                    || i.key_pressed(Key::PageDown)
                    || i.key_pressed(Key::Space)
                {
                    out.push(Command::Training(TrainingCommand::StepNext));
                }
                if i.key_pressed(Key::ArrowLeft) || i.key_pressed(Key::PageUp) {
                    out.push(Command::Training(TrainingCommand::StepPrevious));
                }
                if i.key_pressed(Key::H) && keys.lesson {
                    out.push(Command::Training(TrainingCommand::Hint));
                }
            }
        }
        if i.key_pressed(Key::F1) {
            *keys.show_help = !*keys.show_help;
        }
        if i.key_pressed(Key::F5) {
            out.push(Command::Presenter(!keys.presenting));
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The commands one frame with `key` pressed (with `modifiers`) asks for, and the tool after it.
    fn press(
        key: egui::Key,
        modifiers: egui::Modifiers,
        tool: Tool,
        presenting: bool,
    ) -> (Vec<String>, Tool) {
        let ctx = egui::Context::default();
        let mut input = egui::RawInput::default();
        input.events.push(egui::Event::Key {
            key,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers,
        });
        let (mut tool, mut help, mut pending) = (tool, false, None);
        let mut out = Vec::new();
        let mut output = ctx.run_ui(input, |ui| {
            out = shortcuts(
                ui.ctx(),
                Keys {
                    tool: &mut tool,
                    show_help: &mut help,
                    pending_link: &mut pending,
                    presenting,
                    lesson: false,
                },
            );
        });
        output.textures_delta.clear();
        (out.iter().map(|c| format!("{c:?}")).collect(), tool)
    }

    #[test]
    fn ctrl_z_undoes_ctrl_shift_z_redoes_and_c_toggles_connect() {
        let none = egui::Modifiers::NONE;
        assert_eq!(
            press(egui::Key::Z, egui::Modifiers::COMMAND, Tool::Select, false).0,
            ["Undo"]
        );
        assert_eq!(
            press(
                egui::Key::Z,
                egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
                Tool::Select,
                false
            )
            .0,
            ["Redo"]
        );
        assert_eq!(
            press(egui::Key::C, none, Tool::Select, false).1,
            Tool::Connect
        );
        assert_eq!(
            press(egui::Key::C, none, Tool::Connect, false).1,
            Tool::Select
        );
    }

    #[test]
    fn escape_leaves_presenter_mode_and_the_arrows_step_only_there() {
        let none = egui::Modifiers::NONE;
        assert_eq!(
            press(egui::Key::Escape, none, Tool::Connect, true),
            (vec!["Presenter(false)".to_owned()], Tool::Select)
        );
        assert!(
            press(egui::Key::ArrowRight, none, Tool::Select, false)
                .0
                .is_empty()
        );
        assert_eq!(
            press(egui::Key::ArrowRight, none, Tool::Select, true).0,
            ["Training(StepNext)"]
        );
    }
}
