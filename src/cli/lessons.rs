//! `csp-explorer lessons`: the built-in lessons, each verified, or a trainer's lesson file checked
//! (it loads, and `training::verify` finds nothing wrong: no step ticked for the wrong reason, the
//! solution ticks the steps in order and meets the goal only at its end).
//! Must not judge a lesson itself: `training::verify` does.

use super::output::{bad_input, errln, outln};
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// The arguments of `lessons` (its help is the doc comment of `Command::Lessons`).
#[derive(Debug, Args)]
pub struct LessonsArgs {
    /// A lesson file to check (a file: a lesson may name files next to it, so not `-`).
    file: Option<PathBuf>,
}

impl LessonsArgs {
    /// Lists the lessons, or checks the file.
    pub fn run(self) -> ExitCode {
        let Some(file) = self.file else {
            return list_lessons();
        };
        check_lesson(&file)
    }
}

fn list_lessons() -> ExitCode {
    let mut failed = 0;
    for l in crate::training::LESSONS {
        match l.load() {
            Ok(loaded) => {
                outln!(
                    "{:<30} {:<15} {}",
                    l.key,
                    loaded.lesson.topic,
                    loaded.lesson.title
                );
                if let Err(problems) = crate::training::verify(&loaded) {
                    failed += 1;
                    for p in problems {
                        errln!("{}: {p}", l.file);
                    }
                }
            }
            Err(e) => {
                failed += 1;
                outln!("{:<30} (cannot load: {e})", l.key);
            }
        }
    }
    if failed > 0 {
        errln!(
            "{} of the course {} not pass the verifier.",
            crate::text::count(failed, "lesson", "lessons"),
            if failed == 1 { "does" } else { "do" }
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn check_lesson(file: &Path) -> ExitCode {
    let loaded = match crate::training::LoadedLesson::load(file) {
        Ok(l) => l,
        Err(e) => return bad_input(e),
    };
    match crate::training::verify(&loaded) {
        Ok(()) => {
            outln!(
                "{}: \"{}\" loads, no step is ticked before its move, its solution ticks every step in order and meets the goal only at its end.",
                crate::text::path(file),
                loaded.lesson.title
            );
            ExitCode::SUCCESS
        }
        Err(problems) => {
            for p in problems {
                errln!("{}: {p}", crate::text::path(file));
            }
            ExitCode::from(1)
        }
    }
}
