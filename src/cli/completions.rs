//! Owns: `csp-explorer completions SHELL` and `csp-explorer man`, the shell completions and the man
//! page generated from the command line's own definition (`clap_complete`, `clap_mangen`), so they
//! never drift from `--help`. Must not: hold any option of its own beyond where to write them.

use super::output::{bad_input, emit, status};
use clap::{Args, CommandFactory, ValueEnum};
use clap_complete::Generator;
use std::path::PathBuf;
use std::process::ExitCode;

/// The shells completions are written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    /// Bash (`source <(csp-explorer completions bash)`).
    Bash,
    /// Zsh (save as `_csp-explorer` in a folder of `$fpath`).
    Zsh,
    /// Fish (save in `~/.config/fish/completions/`).
    Fish,
    /// PowerShell (`csp-explorer completions powershell | Out-String | Invoke-Expression`).
    Powershell,
}

impl ShellArg {
    const ALL: [ShellArg; 4] = [
        ShellArg::Bash,
        ShellArg::Zsh,
        ShellArg::Fish,
        ShellArg::Powershell,
    ];

    fn shell(self) -> clap_complete::Shell {
        match self {
            ShellArg::Bash => clap_complete::Shell::Bash,
            ShellArg::Zsh => clap_complete::Shell::Zsh,
            ShellArg::Fish => clap_complete::Shell::Fish,
            ShellArg::Powershell => clap_complete::Shell::PowerShell,
        }
    }
}

/// `completions`: a shell's completion script on standard output, or every script and the man
/// page into a folder (what the `.deb` installs).
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum, required_unless_present = "out_dir")]
    shell: Option<ShellArg>,
    /// Write the scripts of every shell and the man page `csp-explorer.1` into this folder.
    #[arg(long, value_name = "DIR", conflicts_with = "shell")]
    out_dir: Option<PathBuf>,
}

/// `man`: the manual page (roff) on standard output.
#[derive(Debug, Args)]
pub struct ManArgs {}

const BIN: &str = "csp-explorer";

/// The completion script of `shell`.
pub fn completion_script(shell: ShellArg) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell.shell(), &mut super::Cli::command(), BIN, &mut out);
    out
}

/// The man page, in roff.
pub fn man_page() -> Vec<u8> {
    let mut out = Vec::new();
    // Rendering into memory cannot fail.
    let _ = clap_mangen::Man::new(super::Cli::command()).render(&mut out);
    out
}

impl CompletionsArgs {
    pub fn run(self) -> ExitCode {
        let Some(dir) = self.out_dir else {
            let Some(shell) = self.shell else {
                return bad_input("say which shell: bash, zsh, fish or powershell");
            };
            return match emit(&completion_script(shell)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(code) => code,
            };
        };
        if let Err(e) = std::fs::create_dir_all(&dir) {
            return bad_input(format!("{}: cannot create the folder: {e}", dir.display()));
        }
        let mut files: Vec<(PathBuf, Vec<u8>)> = ShellArg::ALL
            .into_iter()
            .map(|s| (dir.join(s.shell().file_name(BIN)), completion_script(s)))
            .collect();
        files.push((dir.join(format!("{BIN}.1")), man_page()));
        for (path, bytes) in &files {
            if let Err(e) = crate::io::disk::write_atomic(path, bytes) {
                return bad_input(e);
            }
        }
        let names: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
        match status(false, format_args!("Wrote {}", names.join(", "))) {
            Ok(()) => ExitCode::SUCCESS,
            Err(code) => code,
        }
    }
}

impl ManArgs {
    pub fn run(self) -> ExitCode {
        match emit(&man_page()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(code) => code,
        }
    }
}
