//! The house check: which layer may import which (ARCHITECTURE.md, "Rules of the house") and no two
//! files importing each other in a circle, tested over `src/` on every `cargo test`. Test-only code
//! on plain std: it reads the sources as text and must not depend on anything else in the crate.
//!
//! An import is any path that names another file's module: `use` trees (grouped, nested, `self`,
//! `as`), and paths written in code (`crate::io::save::save`, `super::style::Theme`, a child module's
//! `view::CanvasView`). Comments, strings and character literals are skipped, so a doc link or a
//! message naming a module is no import. A path through a re-export (`crate::ui::Document`, which
//! `ui/mod.rs` re-exports from `ui/document.rs`) counts as an import of the file that defines it, so
//! a module file that only gathers its children's names is not caught in a circle with each of them.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

/// A layer rule: no file whose path (relative to `src/`) starts with one of `from` may import a file
/// whose path starts with one of `to`.
struct Rule {
    from: &'static [&'static str],
    /// Files under `from` that the rule leaves alone.
    except: &'static [&'static str],
    to: &'static [&'static str],
    why: &'static str,
}

/// Everything below the window: the library that works without one.
const BELOW_THE_WINDOW: &[&str] = &[
    "model/",
    "rules/",
    "edit/",
    "io/",
    "layout/",
    "export/",
    "training/",
    "whatif/",
    "scenarios.rs",
    "generate.rs",
    "progress.rs",
    "text.rs",
    "fonts/",
    "cli",
];

/// The rules of the house, as ARCHITECTURE.md lists them.
const RULES: &[Rule] = &[
    Rule {
        except: &[],
        from: BELOW_THE_WINDOW,
        to: &["ui/"],
        why: "the library works without a window: nothing below the window imports `ui/`",
    },
    Rule {
        except: &[],
        from: &["model/"],
        to: &[
            "rules/",
            "edit/",
            "io/",
            "layout/",
            "export/",
            "training/",
            "whatif/",
            "cli",
        ],
        why: "the model is the bottom layer: it imports nothing of the crate but itself and `text`",
    },
    Rule {
        except: &[],
        from: &["ui/panels/", "ui/canvas/", "ui/style.rs", "ui/command.rs"],
        to: &[
            "ui/app.rs",
            "ui/workspace.rs",
            "ui/filing.rs",
            "ui/keeper.rs",
            "ui/presentation.rs",
        ],
        why: "panels and the canvas draw from what they are given and return commands: they never \
              reach into the shell (`ui/app.rs` and its parts)",
    },
    Rule {
        except: &[],
        from: &["ui/canvas/", "ui/style.rs"],
        to: &[
            "ui/panels/",
            "ui/training.rs",
            "ui/whatif.rs",
            "ui/import.rs",
            "ui/recovery",
        ],
        why: "the canvas draws a document with an overlay: it knows no panel, lesson card or dialog",
    },
    Rule {
        from: &["ui/"],
        except: &["ui/app.rs", "ui/app/", "ui/mod.rs"],
        to: &["ui/app.rs", "ui/app/"],
        why: "only the launcher (`ui/mod.rs`) imports the app: its parts, the page, the keys, the \
              panels and the cards are told what to do and answer with small values",
    },
];

/// Circles still on main, each with the reason it is still allowed (each is being broken: the list
/// only shrinks).
const KNOWN_CIRCLES: &[(&[&str], &str)] = &[];

/// One import: the file that writes it, the line, the file it names and the path as written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Import {
    pub from: String,
    pub line: usize,
    pub to: String,
    pub path: String,
    /// Written in a file's `#[cfg(test)]` module: a test may use anything to exercise its file, so
    /// it is held to the layer rules but makes no circle.
    pub test: bool,
}

impl std::fmt::Display for Import {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "src/{}:{} imports src/{} (`{}`)",
            self.from, self.line, self.to, self.path
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
}

/// The tokens of a Rust source that matter to paths, with their line numbers: identifiers, `::` and
/// the punctuation of `use` trees and blocks. Comments, strings, characters, lifetimes and numbers
/// are dropped.
fn tokens(source: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    // Skips a string body starting after its opening quote; `hashes` closing `#`s for raw strings.
    let skip_string = |mut i: usize, raw: bool, hashes: usize, line: &mut usize| -> usize {
        while i < chars.len() {
            let c = chars[i];
            if c == '\n' {
                *line += 1;
            }
            if c == '\\' && !raw {
                if at(i + 1) == '\n' {
                    *line += 1;
                }
                i += 2;
                continue;
            }
            if c == '"' && (0..hashes).all(|k| at(i + 1 + k) == '#') {
                return i + 1 + hashes;
            }
            i += 1;
        }
        i
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            '/' if at(i + 1) == '/' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == '*' => {
                let mut depth = 0;
                while i < chars.len() {
                    if chars[i] == '/' && at(i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if chars[i] == '*' && at(i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        if chars[i] == '\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                }
            }
            '"' => i = skip_string(i + 1, false, 0, &mut line),
            '\'' => {
                if at(i + 1) == '\\' {
                    // An escaped character: up to the closing quote.
                    i += 2;
                    while i < chars.len() && chars[i] != '\'' {
                        i += 1;
                    }
                    i += 1;
                } else if at(i + 2) == '\'' {
                    i += 3;
                } else {
                    // A lifetime or a label.
                    i += 1;
                    while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                        i += 1;
                    }
                }
            }
            ':' if at(i + 1) == ':' => {
                out.push((Token::PathSep, line));
                i += 2;
            }
            c if c.is_ascii_digit() => {
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let prefix = matches!(word.as_str(), "r" | "br" | "cr" | "b" | "c");
                if prefix && at(i) == '"' {
                    i = skip_string(i + 1, word.contains('r'), 0, &mut line);
                } else if prefix && word.contains('r') && at(i) == '#' {
                    let hashes = (i..).take_while(|k| at(*k) == '#').count();
                    if at(i + hashes) == '"' {
                        i = skip_string(i + hashes + 1, true, hashes, &mut line);
                    } else {
                        // A raw identifier, `r#type`.
                        i += 1;
                        let start = i;
                        while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                            i += 1;
                        }
                        out.push((Token::Ident(chars[start..i].iter().collect()), line));
                    }
                } else if word == "b" && at(i) == '\'' {
                    i += 1;
                    if at(i) == '\\' {
                        i += 1;
                    }
                    i += 2;
                } else {
                    out.push((Token::Ident(word), line));
                }
            }
            // `<` for `use<…>`, the precise capturing of `impl Trait + use<>`: not an import.
            '{' | '}' | ';' | ',' | '*' | '(' | ')' | '<' => {
                out.push((Token::Punct(c), line));
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// A path written in one file, before it is resolved: its segments, the module it was written in
/// (the file's module and any inline `mod` around it) and its line.
#[derive(Debug)]
struct Written {
    segments: Vec<String>,
    scope: Vec<String>,
    line: usize,
    /// Written in a `pub use` at the file's top level: a re-export (its last segment, or the `as`
    /// name, is the name it is exported as).
    export: Option<String>,
    /// Written inside a `#[cfg(test)]` module.
    test: bool,
}

/// The paths a file writes: every leaf of its `use` trees and every path in code that starts with
/// `crate`, `super`, `self` or the name of a module visible there (`children`). Also the names of
/// inline modules, which belong to the file itself.
fn written_paths(module: &[String], source: &str, children: &BTreeSet<String>) -> Vec<Written> {
    let toks = tokens(source);
    let mut out = Vec::new();
    let mut scope: Vec<String> = module.to_vec();
    // Inline modules open: the brace depth their block ends at, and whether it is `#[cfg(test)]`.
    let mut inline: Vec<(usize, bool)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let ident = |i: usize| match toks.get(i) {
        Some((Token::Ident(s), _)) => Some(s.as_str()),
        _ => None,
    };
    let is = |i: usize, t: &Token| toks.get(i).is_some_and(|(x, _)| x == t);
    while i < toks.len() {
        let (tok, line) = &toks[i];
        match tok {
            Token::Punct('{') => depth += 1,
            Token::Punct('}') => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(d, _)| *d == depth) {
                    inline.pop();
                    scope.pop();
                }
            }
            Token::Ident(w) if w == "mod" => {
                if let Some(name) = ident(i + 1)
                    && is(i + 2, &Token::Punct('{'))
                {
                    // `#[cfg(test)]` just before: `cfg ( test ) mod`.
                    let cfg_test = i >= 4
                        && matches!(&toks[i - 4].0, Token::Ident(w) if w == "cfg")
                        && matches!(&toks[i - 2].0, Token::Ident(w) if w == "test");
                    let test = cfg_test || inline.last().is_some_and(|(_, t)| *t);
                    scope.push(name.to_owned());
                    inline.push((depth, test));
                    depth += 1;
                    i += 3;
                    continue;
                }
            }
            Token::Ident(w)
                if w == "use"
                    && !is(i + 1, &Token::Punct('('))
                    && !is(i + 1, &Token::Punct('<')) =>
            {
                // `pub use`, `pub(crate) use`, `pub(super) use` at the file's top level re-export.
                let public = (1..=5).any(|back| {
                    i >= back && matches!(&toks[i - back].0, Token::Ident(p) if p == "pub")
                });
                let exported = public && inline.is_empty();
                let test = inline.last().is_some_and(|(_, t)| *t);
                let mut j = i + 1;
                let mut leaves = Vec::new();
                use_tree(&toks, &mut j, Vec::new(), &mut leaves);
                for (segments, alias, line) in leaves {
                    let export = exported.then(|| {
                        alias
                            .clone()
                            .or_else(|| segments.last().cloned())
                            .unwrap_or_default()
                    });
                    out.push(Written {
                        segments,
                        scope: scope.clone(),
                        line,
                        export,
                        test,
                    });
                }
                i = j;
                continue;
            }
            Token::Ident(w) => {
                let starts_path = is(i + 1, &Token::PathSep)
                    && !(i > 0 && is(i - 1, &Token::PathSep))
                    && (matches!(w.as_str(), "crate" | "super" | "self")
                        || (inline.is_empty() && children.contains(w)));
                if starts_path {
                    let mut segments = vec![w.clone()];
                    let mut j = i + 1;
                    while is(j, &Token::PathSep)
                        && let Some(next) = ident(j + 1)
                    {
                        segments.push(next.to_owned());
                        j += 2;
                    }
                    out.push(Written {
                        segments,
                        scope: scope.clone(),
                        line: *line,
                        export: None,
                        test: inline.last().is_some_and(|(_, t)| *t),
                    });
                    i = j;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Reads one `use` tree from `toks[*j]` on, adding each leaf's full path (after `prefix`), its
/// `as` name and its line to `leaves`; leaves `*j` after the tree (and after the `;` that ends a
/// top-level tree).
fn use_tree(
    toks: &[(Token, usize)],
    j: &mut usize,
    prefix: Vec<String>,
    leaves: &mut Vec<(Vec<String>, Option<String>, usize)>,
) {
    let mut path = prefix;
    loop {
        match toks.get(*j) {
            Some((Token::PathSep, _)) => *j += 1,
            Some((Token::Ident(w), line)) if w == "self" && !path.is_empty() => {
                // `{self, …}`: the prefix itself.
                *j += 1;
                let alias = as_name(toks, j);
                leaves.push((path.clone(), alias, *line));
                break;
            }
            Some((Token::Ident(w), line)) => {
                path.push(w.clone());
                *j += 1;
                if !matches!(toks.get(*j), Some((Token::PathSep, _))) {
                    let alias = as_name(toks, j);
                    leaves.push((path.clone(), alias, *line));
                    break;
                }
            }
            Some((Token::Punct('*'), line)) => {
                *j += 1;
                leaves.push((path.clone(), None, *line));
                break;
            }
            Some((Token::Punct('{'), _)) => {
                *j += 1;
                loop {
                    match toks.get(*j) {
                        Some((Token::Punct('}'), _)) => {
                            *j += 1;
                            break;
                        }
                        Some((Token::Punct(','), _)) => *j += 1,
                        None => return,
                        _ => {
                            // A tree that reads nothing is not a use tree: leave the braces
                            // rather than ask again at the same token forever (the body of
                            // `fn f() -> impl Iterator + use<> { … }` spun the house test).
                            let before = *j;
                            use_tree(toks, j, path.clone(), leaves);
                            if *j == before {
                                return;
                            }
                        }
                    }
                }
                break;
            }
            _ => break,
        }
    }
    if matches!(toks.get(*j), Some((Token::Punct(';'), _))) {
        *j += 1;
    }
}

/// `as NAME` after a use leaf, if there is one (`as _` gives none).
fn as_name(toks: &[(Token, usize)], j: &mut usize) -> Option<String> {
    if matches!(toks.get(*j), Some((Token::Ident(w), _)) if w == "as") {
        *j += 2;
        match toks.get(*j - 1) {
            Some((Token::Ident(name), _)) if name != "_" => return Some(name.clone()),
            _ => return None,
        }
    }
    None
}

/// The crate's module files, by module path (`["crate", "ui", "canvas"]` is `ui/canvas/mod.rs`).
fn module_of(file: &str) -> Option<Vec<String>> {
    let stem = file.strip_suffix(".rs")?;
    let mut parts: Vec<String> = std::iter::once("crate".to_owned())
        .chain(stem.split('/').map(str::to_owned))
        .collect();
    match parts.last().map(String::as_str) {
        Some("lib") if parts.len() == 2 => {
            parts.pop();
        }
        Some("main") if parts.len() == 2 => return None,
        Some("mod") => {
            parts.pop();
        }
        _ => {}
    }
    if parts.len() > 2 && parts[1] == "bin" {
        return None;
    }
    Some(parts)
}

/// The sources' imports between files: `sources` maps a path relative to `src/` to its text.
pub fn imports(sources: &BTreeMap<String, String>) -> Vec<Import> {
    let modules: BTreeMap<Vec<String>, String> = sources
        .keys()
        .filter_map(|f| module_of(f).map(|m| (m, f.clone())))
        .collect();
    let mut written: BTreeMap<String, Vec<Written>> = BTreeMap::new();
    for (module, file) in &modules {
        let children: BTreeSet<String> = modules
            .keys()
            .filter(|m| m.len() == module.len() + 1 && m.starts_with(module))
            .filter_map(|m| m.last().cloned())
            .collect();
        written.insert(
            file.clone(),
            written_paths(module, &sources[file], &children),
        );
    }
    // Each file's re-exports: the name it exports, and the absolute path it stands for.
    let mut exports: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for (file, paths) in &written {
        for w in paths {
            if let (Some(name), Some(abs)) = (&w.export, absolute(&w.scope, &w.segments)) {
                exports
                    .entry(file.clone())
                    .or_default()
                    .insert(name.clone(), abs);
            }
        }
    }
    let mut out = BTreeSet::new();
    for (file, paths) in &written {
        for w in paths {
            let Some(abs) = absolute(&w.scope, &w.segments) else {
                continue;
            };
            if let Some(to) = resolve(&abs, &modules, &exports, 0)
                && to != *file
            {
                out.insert(Import {
                    from: file.clone(),
                    line: w.line,
                    to,
                    path: w.segments.join("::"),
                    test: w.test,
                });
            }
        }
    }
    out.into_iter().collect()
}

/// A written path made absolute (`crate::…`) from the module it was written in; `None` for a path
/// that leaves the crate (`super` above the root, or a path into another crate).
fn absolute(scope: &[String], segments: &[String]) -> Option<Vec<String>> {
    let mut abs: Vec<String> = scope.to_vec();
    let mut rest = segments;
    match segments.first().map(String::as_str) {
        Some("crate") => {
            abs = vec!["crate".to_owned()];
            rest = &segments[1..];
        }
        Some("self") => rest = &segments[1..],
        Some("super") => {
            while rest.first().is_some_and(|s| s == "super") {
                if abs.len() < 2 {
                    return None;
                }
                abs.pop();
                rest = &rest[1..];
            }
        }
        _ => {}
    }
    abs.extend(rest.iter().cloned());
    Some(abs)
}

/// The file that defines what an absolute path names: its deepest module file, or, when that file
/// re-exports the next name, the file the re-export leads to.
fn resolve(
    abs: &[String],
    modules: &BTreeMap<Vec<String>, String>,
    exports: &BTreeMap<String, BTreeMap<String, Vec<String>>>,
    depth: usize,
) -> Option<String> {
    let k = (1..=abs.len())
        .rev()
        .find(|k| modules.contains_key(&abs[..*k]))?;
    let file = &modules[&abs[..k]];
    if depth < 8
        && let Some(name) = abs.get(k)
        && let Some(target) = exports.get(file).and_then(|e| e.get(name))
        && target.as_slice() != abs
    {
        let mut through: Vec<String> = target.clone();
        through.extend(abs[k + 1..].iter().cloned());
        return resolve(&through, modules, exports, depth + 1);
    }
    Some(file.clone())
}

/// Every way the sources break the rules of the house, one message each naming the file and line.
pub fn violations(sources: &BTreeMap<String, String>) -> Vec<String> {
    let imports = imports(sources);
    let mut out = Vec::new();
    for rule in RULES {
        for import in &imports {
            let from = rule.from.iter().any(|p| import.from.starts_with(p))
                && !rule.except.iter().any(|p| import.from.starts_with(p));
            let to = rule.to.iter().any(|p| import.to.starts_with(p));
            if from && to {
                out.push(format!("{import}: {}", rule.why));
            }
        }
    }
    out.extend(circles(&imports));
    out.extend(gone_circles(&imports, KNOWN_CIRCLES));
    out
}

/// The circles between files (a file that imports, through any others, a file importing it), each
/// as its shortest cycle with every import's file and line; known circles are left out.
pub fn circles(imports: &[Import]) -> Vec<String> {
    let mut graph: BTreeMap<&str, BTreeMap<&str, &Import>> = BTreeMap::new();
    for import in imports
        .iter()
        .filter(|i| !i.test && !one_room(&i.from, &i.to))
    {
        graph
            .entry(import.from.as_str())
            .or_default()
            .entry(import.to.as_str())
            .or_insert(import);
    }
    let mut seen: BTreeSet<BTreeSet<&str>> = BTreeSet::new();
    let mut out = Vec::new();
    for &start in graph.keys() {
        // The shortest way back to `start`, breadth first.
        let mut came_from: BTreeMap<&str, &Import> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        let mut closing = None;
        while let Some(at) = queue.pop_front() {
            for (&next, &import) in graph.get(at).into_iter().flatten() {
                if next == start {
                    closing = Some(import);
                    queue.clear();
                    break;
                }
                if let std::collections::btree_map::Entry::Vacant(e) = came_from.entry(next) {
                    e.insert(import);
                    queue.push_back(next);
                }
            }
        }
        let Some(last) = closing else { continue };
        let mut cycle = vec![last];
        let mut at = last.from.as_str();
        while at != start {
            let import = came_from[at];
            cycle.push(import);
            at = import.from.as_str();
        }
        cycle.reverse();
        let files: BTreeSet<&str> = cycle.iter().map(|i| i.from.as_str()).collect();
        let known = KNOWN_CIRCLES
            .iter()
            .any(|(pair, _)| files.len() == pair.len() && pair.iter().all(|f| files.contains(f)));
        if known || !seen.insert(files) {
            continue;
        }
        let lines: Vec<String> = cycle.iter().map(|i| format!("  {i}")).collect();
        out.push(format!(
            "files import each other in a circle:\n{}",
            lines.join("\n")
        ));
    }
    out
}

/// True when one file is a module folder's `mod.rs` (or `lib.rs`) and the other is inside that
/// folder: a module and its own submodules are one room, where the children use what the parent
/// file defines and the parent uses its children. (A circle between siblings, or with a file
/// outside the folder, still counts.)
fn one_room(a: &str, b: &str) -> bool {
    let folder = |f: &str| -> Option<String> {
        if f == "lib.rs" {
            Some(String::new())
        } else {
            f.strip_suffix("mod.rs").map(str::to_owned)
        }
    };
    folder(a).is_some_and(|d| b.starts_with(&d)) || folder(b).is_some_and(|d| a.starts_with(&d))
}

/// The known circles that no longer exist (each must then leave [`KNOWN_CIRCLES`]).
fn gone_circles(imports: &[Import], known: &[(&[&str], &str)]) -> Vec<String> {
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for i in imports.iter().filter(|i| !i.test) {
        graph
            .entry(i.from.as_str())
            .or_default()
            .insert(i.to.as_str());
    }
    // Each file of a known circle must reach the next (and the last the first).
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::from([from]);
        let mut stack = vec![from];
        while let Some(at) = stack.pop() {
            for &next in graph.get(at).into_iter().flatten() {
                if next == to {
                    return true;
                }
                if seen.insert(next) {
                    stack.push(next);
                }
            }
        }
        false
    };
    known
        .iter()
        .filter(|(files, _)| {
            !files
                .iter()
                .zip(files.iter().cycle().skip(1))
                .all(|(a, b)| reaches(a, b))
        })
        .map(|(files, _)| {
            format!(
                "the known circle {} is gone: take it off KNOWN_CIRCLES in src/house.rs",
                files.join(" <-> ")
            )
        })
        .collect()
}

/// The crate's sources: every `.rs` file under `src/`, by path relative to it.
fn crate_sources() -> BTreeMap<String, String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs")
                && let (Ok(rel), Ok(text)) =
                    (path.strip_prefix(root), std::fs::read_to_string(&path))
            {
                let rel = rel.to_string_lossy().replace('\\', "/");
                out.insert(rel, text);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> BTreeMap<String, String> {
        files
            .iter()
            .map(|(f, s)| ((*f).to_owned(), (*s).to_owned()))
            .collect()
    }

    fn edges(files: &[(&str, &str)]) -> Vec<(String, usize, String)> {
        let found: BTreeSet<_> = imports(&tree(files))
            .into_iter()
            .map(|i| (i.from, i.line, i.to))
            .collect();
        found.into_iter().collect()
    }

    #[test]
    fn the_crate_keeps_the_rules_of_the_house() {
        let sources = crate_sources();
        assert!(
            sources.contains_key("ui/app.rs") && sources.len() > 50,
            "the sources were not found"
        );
        let problems = violations(&sources);
        assert!(
            problems.is_empty(),
            "the rules of the house (ARCHITECTURE.md) are broken:\n{}",
            problems.join("\n")
        );
    }

    #[test]
    fn grouped_use_trees_name_each_file_with_its_line() {
        let found = edges(&[
            ("lib.rs", "pub mod a;\npub mod b;\npub mod c;\n"),
            (
                "a/mod.rs",
                "use crate::{\n    b::{self, Thing as Other},\n    c::deep::{X, Y},\n};\n",
            ),
            ("b.rs", ""),
            ("c/mod.rs", "pub mod deep;"),
            ("c/deep.rs", ""),
        ]);
        assert_eq!(
            found,
            vec![
                ("a/mod.rs".to_owned(), 2, "b.rs".to_owned()),
                ("a/mod.rs".to_owned(), 3, "c/deep.rs".to_owned()),
            ]
        );
    }

    #[test]
    fn paths_in_code_count_but_comments_and_strings_do_not() {
        let found = edges(&[
            ("lib.rs", ""),
            ("ui/mod.rs", "pub mod canvas;\npub mod style;"),
            (
                "ui/style.rs",
                "//! See [`crate::ui::canvas::View`].\n\
                 /* crate::ui::canvas::x */\n\
                 fn f() -> char {\n\
                     let s = \"crate::ui::canvas::y\";\n\
                     let r = r#\"super::canvas::z\"#;\n\
                     let c = '\"';\n\
                     let w = crate::ui::canvas::width(s, r);\n\
                     'x'\n\
                 }\n",
            ),
            ("ui/canvas/mod.rs", "fn f<'a>(x: &'a str) {}"),
        ]);
        assert_eq!(
            found,
            vec![("ui/style.rs".to_owned(), 7, "ui/canvas/mod.rs".to_owned())]
        );
    }

    #[test]
    fn super_in_a_tests_module_is_the_file_itself_and_child_modules_are_seen_bare() {
        let found = edges(&[
            ("lib.rs", ""),
            ("ui/mod.rs", "pub mod canvas;"),
            (
                "ui/canvas/mod.rs",
                "mod view;\nfn f() { view::fit(); }\n#[cfg(test)]\nmod tests {\n    use super::*;\n    use super::super::Launch;\n}\n",
            ),
            ("ui/canvas/view.rs", "use super::super::canvas::f;"),
        ]);
        assert_eq!(
            found,
            vec![
                (
                    "ui/canvas/mod.rs".to_owned(),
                    2,
                    "ui/canvas/view.rs".to_owned()
                ),
                ("ui/canvas/mod.rs".to_owned(), 6, "ui/mod.rs".to_owned()),
                (
                    "ui/canvas/view.rs".to_owned(),
                    1,
                    "ui/canvas/mod.rs".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn a_path_through_a_re_export_leads_to_the_file_that_defines_it() {
        let found = edges(&[
            ("lib.rs", "pub mod ui;\npub mod cli;"),
            (
                "ui/mod.rs",
                "mod document;\npub use document::{Document as Doc};\n",
            ),
            ("ui/document.rs", ""),
            ("cli.rs", "fn f(d: crate::ui::Doc) {}"),
        ]);
        assert!(found.contains(&("cli.rs".to_owned(), 1, "ui/document.rs".to_owned())));
        assert!(!found.iter().any(|e| e.0 == "cli.rs" && e.2 == "ui/mod.rs"));
    }

    #[test]
    fn a_circle_is_named_with_every_file_and_line_on_it() {
        let sources = tree(&[
            ("lib.rs", ""),
            ("ui/mod.rs", "pub mod a;\npub mod b;\npub mod c;"),
            ("ui/a.rs", "use super::b::B;"),
            ("ui/b.rs", "\n\nfn f() { crate::ui::c::g(); }"),
            ("ui/c.rs", "use super::{a::A};"),
        ]);
        let found = circles(&imports(&sources));
        assert_eq!(found.len(), 1, "{found:?}");
        for part in [
            "src/ui/a.rs:1 imports src/ui/b.rs",
            "src/ui/b.rs:3 imports src/ui/c.rs (`crate::ui::c::g`)",
            "src/ui/c.rs:1 imports src/ui/a.rs",
        ] {
            assert!(found[0].contains(part), "{part} missing from {}", found[0]);
        }
    }

    /// `impl Trait + use<>` (precise capturing) is not an import, and its body is not a use tree:
    /// the house test spun forever on it.
    #[test]
    fn precise_capturing_is_not_an_import() {
        let sources = tree(&[
            ("lib.rs", ""),
            (
                "model/mod.rs",
                "fn f(v: &[u8]) -> impl Iterator<Item = u8> + use<'_> { v.iter().copied() }\nuse crate::ui::X;",
            ),
            ("ui/mod.rs", ""),
        ]);
        let found = violations(&sources);
        assert!(
            found
                .iter()
                .any(|v| v.starts_with("src/model/mod.rs:2 imports src/ui/mod.rs")),
            "{found:?}"
        );
    }

    #[test]
    fn a_forbidden_import_names_the_rule_file_and_line() {
        let sources = tree(&[
            ("lib.rs", ""),
            ("model/mod.rs", "\nuse crate::ui::canvas::Selection;"),
            ("ui/mod.rs", "pub mod canvas;"),
            ("ui/canvas/mod.rs", ""),
            ("ui/panels/mod.rs", "fn f() { let _ = crate::ui::app::X; }"),
            ("ui/app.rs", ""),
        ]);
        let found = violations(&sources);
        assert!(
            found.iter().any(|v| v.starts_with(
                "src/model/mod.rs:2 imports src/ui/canvas/mod.rs (`crate::ui::canvas::Selection`)"
            ) && v.contains("nothing below the window imports `ui/`")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|v| v.starts_with("src/ui/panels/mod.rs:1 imports src/ui/app.rs")),
            "{found:?}"
        );
    }

    #[test]
    fn a_known_circle_that_is_gone_must_leave_the_list() {
        let known: &[(&[&str], &str)] = &[(&["io/a.rs", "io/b.rs"], "being broken")];
        let one_way = tree(&[
            ("lib.rs", ""),
            ("io/mod.rs", "pub mod a;\npub mod b;"),
            ("io/a.rs", "use super::b::B;"),
            ("io/b.rs", ""),
        ]);
        let gone = gone_circles(&imports(&one_way), known);
        assert_eq!(gone.len(), 1, "{gone:?}");
        assert!(gone[0].contains("io/a.rs <-> io/b.rs"), "{}", gone[0]);
        let both_ways = tree(&[
            ("lib.rs", ""),
            ("io/mod.rs", "pub mod a;\npub mod b;"),
            ("io/a.rs", "use super::b::B;"),
            ("io/b.rs", "fn f() { super::a::g(); }"),
        ]);
        assert!(gone_circles(&imports(&both_ways), known).is_empty());
    }
}
