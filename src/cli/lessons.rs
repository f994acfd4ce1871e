//! `csp-explorer lessons`: the built-in lessons, or a trainer's lesson file checked (it loads, its
//! start does not meet its goal, its solution does).
//! Must not judge a lesson itself: `training::verify` does.

use super::output::{bad_input, outln};
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
    for l in crate::training::LESSONS {
        match l.load() {
            Ok(loaded) => outln!(
                "{:<30} {:<15} {}",
                l.key,
                loaded.lesson.topic,
                loaded.lesson.title
            ),
            Err(e) => outln!("{:<30} (cannot load: {e})", l.key),
        }
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
                "{}: \"{}\" loads, its starting scenario does not meet the success condition, and its solution does.",
                file.display(),
                loaded.lesson.title
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", file.display());
            ExitCode::from(1)
        }
    }
}
