//! The lesson file format (RON, documented in `docs/lessons.md`): a starting scenario, a goal in plain
//! words, steps, hints, a success condition checked live, the answer, and a solution the app can play.
//! Must not read files beyond the lesson and the scenario it names beside it, nor score a run (`mod.rs`).

use super::condition::Condition;
use crate::edit::Edit;
use crate::model::{
    Date, Link, LinkKind, LinkStatus, Party, PartyKind, Publisher, Scenario, TenantType,
};
use crate::rules::RuleId;
use crate::whatif::Operation;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The lesson format version this build reads.
pub const LESSON_VERSION: u32 = 1;

/// One lesson, as written in its file.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// Always 1 for now.
    pub version: u32,
    /// A short title ("Sample 6: a reseller buys for its own use").
    pub title: String,
    /// The part of the course it belongs to ("Partner types", "Seed scenarios", "Linked pages", "Quiz").
    #[serde(default)]
    pub topic: String,
    /// The starting scenario: a built-in slug (`sample-6-forbidden`) or a save file, relative to the
    /// lesson file.
    pub scenario: String,
    /// Changes made to the starting scenario before the trainee sees it (to break something).
    #[serde(default)]
    pub setup: Vec<Change>,
    /// What to achieve, in plain words.
    pub goal: String,
    /// The steps, in order; each may say when it is done.
    #[serde(default)]
    pub steps: Vec<Step>,
    /// Hints for the lesson as a whole, shown one at a time on request (each costs points) once
    /// the step the trainee is on has none left (see [`Step::hints`]).
    #[serde(default)]
    pub hints: Vec<String>,
    /// When the lesson is solved.
    pub success: Condition,
    /// The explanation a trainer reveals.
    pub answer: String,
    /// Changes that solve the lesson; "Show the answer" plays them as one undoable step.
    #[serde(default)]
    pub solution: Vec<Change>,
    /// Quiz mode: findings are hidden and the trainee marks the links they think are broken.
    #[serde(default)]
    pub quiz: bool,
}

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// What the trainer says or the trainee does.
    pub say: String,
    /// When the step counts as done; a step without one is narration.
    #[serde(default)]
    pub done_when: Option<Condition>,
    /// Hints for this step: asked for while the trainee is on it, they come before the lesson's
    /// own. A hint about drawing the purchase is no help while the room is still reading the
    /// finding (lessons gave their hints in one fixed order, whatever step the room was on).
    #[serde(default)]
    pub hints: Vec<String>,
}

/// A change to a scenario as a lesson writes it: by id, naming only the fields that change.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Change {
    /// Add a party (written as in a save file).
    AddParty(Party),
    /// Remove a party and its links.
    RemoveParty(String),
    /// Change some fields of a party.
    SetParty(String, PartyPatch),
    /// Add a link (written as in a save file).
    AddLink(Link),
    /// Remove a link.
    RemoveLink(String),
    /// Change some fields of a link.
    SetLink(String, LinkPatch),
    /// Check as of this date.
    SetAsOf(Date),
    /// Mark a link as broken (quiz solutions).
    Mark(String),
    /// Select a party or link, as a step that says "select …" asks (solutions; not an edit).
    Select(String),
    /// A what-if operation on a set of parties, written as in a plan file (`Operate(ChangeProvider(
    /// reseller: "contoso", from: "adatum", to: "wingtip", on: "2024-07-01"))`): one move, one undo
    /// step, as the operation window applies it.
    Operate(Operation),
}

/// The fields of a party a lesson may set; `clear` lists optional fields to unset.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct PartyPatch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<PartyKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affiliate_group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_type: Option<TenantType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mpa_signed: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onboarded: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enrolled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restricted_since: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mca_accepted: Option<Date>,
    /// Optional fields to unset (`["mca_accepted"]`).
    #[serde(default, skip_serializing)]
    pub clear: Vec<String>,
}

/// The fields of a link a lesson may set; `clear` lists optional fields to unset.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct LinkPatch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<LinkKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<LinkStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<Publisher>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_extend: Option<bool>,
    /// The day the link ended (a what-if over time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended: Option<Date>,
    /// `gdap` or `dap` (admin links).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_type: Option<crate::model::AdminType>,
    /// The PartnerID on a purchase's order line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner_id_on_record: Option<String>,
    /// Optional fields to unset (`["via"]`).
    #[serde(default, skip_serializing)]
    pub clear: Vec<String>,
}

/// Overlays a patch on a value through their serde forms: only the fields the patch sets change, and
/// the result is checked by the value's own deserializer (so a bad `clear` is reported, not ignored).
fn patched<T, P>(value: &T, patch: &P, clear: &[String]) -> Result<T, String>
where
    T: Serialize + for<'de> Deserialize<'de>,
    P: Serialize,
{
    let mut base = serde_json::to_value(value).map_err(|e| e.to_string())?;
    let changes = serde_json::to_value(patch).map_err(|e| e.to_string())?;
    let (Some(map), Some(changes)) = (base.as_object_mut(), changes.as_object()) else {
        return Err("cannot patch this value".to_owned());
    };
    for (k, v) in changes {
        map.insert(k.clone(), v.clone());
    }
    for field in clear {
        if map.remove(field).is_none() && !OPTIONAL_FIELDS.contains(&field.as_str()) {
            return Err(format!(
                "`clear` names `{field}`, which is not an optional field"
            ));
        }
    }
    serde_json::from_value(base).map_err(|e| format!("`clear`: {e}"))
}

/// Fields that may be unset (they are absent from a save when not set).
const OPTIONAL_FIELDS: &[&str] = &[
    "country",
    "affiliate_group",
    "mpa_signed",
    "partner_id",
    "restricted_since",
    "mca_accepted",
    "position",
    "offer",
    "tenant",
    "via",
    "roles",
    "duration_days",
    "ended",
    "registration_id",
    "partner_id_on_record",
];

impl Change {
    /// A short description for error messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Change::AddParty(p) => format!("AddParty(\"{}\")", p.id),
            Change::RemoveParty(id) => format!("RemoveParty(\"{id}\")"),
            Change::SetParty(id, _) => format!("SetParty(\"{id}\")"),
            Change::AddLink(l) => format!("AddLink(\"{}\")", l.id),
            Change::RemoveLink(id) => format!("RemoveLink(\"{id}\")"),
            Change::SetLink(id, _) => format!("SetLink(\"{id}\")"),
            Change::SetAsOf(d) => format!("SetAsOf(\"{d}\")"),
            Change::Mark(id) => format!("Mark(\"{id}\")"),
            Change::Select(id) => format!("Select(\"{id}\")"),
            Change::Operate(op) => format!("Operate({})", op.title()),
        }
    }

    /// The edit this change makes to `scenario` as it is now; `None` for a quiz mark or a selection.
    pub fn to_edit(&self, scenario: &Scenario) -> Result<Option<Edit>, String> {
        Ok(Some(match self {
            Change::AddParty(p) => Edit::AddParty(p.clone()),
            Change::RemoveParty(id) => Edit::RemoveParty(id.as_str().into()),
            Change::SetParty(id, patch) => {
                let party = scenario
                    .party(id)
                    .ok_or_else(|| format!("no party has id `{id}`"))?;
                Edit::UpdateParty(patched(party, patch, &patch.clear)?)
            }
            Change::AddLink(l) => Edit::AddLink(l.clone()),
            Change::RemoveLink(id) => Edit::RemoveLink(id.as_str().into()),
            Change::SetLink(id, patch) => {
                let link = scenario
                    .link(id)
                    .ok_or_else(|| format!("no link has id `{id}`"))?;
                Edit::UpdateLink(patched(link, patch, &patch.clear)?)
            }
            Change::SetAsOf(d) => Edit::SetAsOf(Some(*d)),
            Change::Operate(op) => op.prepare(scenario).map_err(|r| r.to_string())?.edit(),
            Change::Mark(_) | Change::Select(_) => return Ok(None),
        }))
    }
}

/// Plays changes on a copy of `scenario`: the edits (as one batch, to apply as one undo step) and
/// the quiz marks. An impossible change is reported by its position and what it is.
pub fn play(scenario: &Scenario, changes: &[Change]) -> Result<(Edit, Vec<String>), String> {
    let mut work = scenario.clone();
    let mut edits = Vec::new();
    let mut marks = Vec::new();
    for (i, change) in changes.iter().enumerate() {
        let fail = |e: String| format!("change {} ({}): {e}", i + 1, change.describe());
        if let Change::Mark(id) = change {
            if work.link(id).is_none() {
                return Err(fail(format!("no link has id `{id}`")));
            }
            marks.push(id.clone());
            continue;
        }
        if let Change::Select(id) = change {
            if work.link(id).is_none() && work.party(id).is_none() {
                return Err(fail(format!("no party or link has id `{id}`")));
            }
            continue;
        }
        if let Some(edit) = change.to_edit(&work).map_err(fail)? {
            edit.clone()
                .apply(&mut work)
                .map_err(|e| fail(e.to_string()))?;
            edits.push(edit);
        }
    }
    Ok((Edit::Batch(edits), marks))
}

/// What *Show me* does to the scenario as the trainee left it: the edit (one undo step), the quiz
/// marks to place and what to select.
#[derive(Clone, Debug, PartialEq)]
pub struct Played {
    /// The changes still missing, as one batch.
    pub edit: Edit,
    /// Quiz marks.
    pub marks: Vec<String>,
    /// The last selection the solution makes, if what it selects is still there at the end.
    pub select: Option<String>,
}

/// True when `existing` is the link `wanted` describes, drawn by the trainee under an id of their own:
/// the same kind between the same parties (and for a purchase, the same offer).
fn same_link(existing: &Link, wanted: &Link) -> bool {
    existing.kind == wanted.kind
        && existing.from == wanted.from
        && existing.to == wanted.to
        && (existing.kind != LinkKind::Purchase
            || existing.offer.as_deref().map(str::to_lowercase)
                == wanted.offer.as_deref().map(str::to_lowercase))
}

/// True when `existing` is a purchase the trainee drew (not in the lesson's `start`) between the
/// parties of the solution's purchase `wanted`, with an offer of its own: a purchase drawn by hand
/// is for the default offer until the inspector changes it, and *Show me* on the step that asks
/// for that change added a second purchase beside it (seen in a presenter walk-through of lesson 5).
fn drawn_for(existing: &Link, wanted: &Link, start: &Scenario) -> bool {
    existing.kind == LinkKind::Purchase
        && wanted.kind == LinkKind::Purchase
        && existing.from == wanted.from
        && existing.to == wanted.to
        && start.link(existing.id.as_str()).is_none()
}

/// *Show me* from any state: plays the solution's changes that are still missing on a copy of the
/// scenario as the trainee left it, so that the result solves the lesson however far they got.
/// A party or link already added is not added again; a link the trainee drew themselves (the same
/// kind between the same parties, see [`same_link`], or a purchase they drew there for another
/// offer, see [`drawn_for`]) is brought to the solution's fields under its own id, and later
/// changes naming the solution's id change it; a removal of what is gone, a date already set and
/// a patch already made are skipped. Fails only when a change names something the trainee removed
/// and the solution does not add back.
pub fn show_me(loaded: &LoadedLesson, scenario: &Scenario) -> Result<Played, String> {
    show_me_until(loaded, scenario, None)
}

/// What a step's *Show me* starts from and stops at: the step's condition, and the selection and
/// quiz marks the trainee has (a condition may ask for either).
#[derive(Clone, Copy, Debug)]
pub struct StepTarget<'a> {
    /// The step's `done_when`.
    pub done_when: &'a Condition,
    /// The party or link selected now.
    pub selected: Option<&'a str>,
    /// The links marked now.
    pub marked: &'a std::collections::BTreeSet<String>,
}

/// *Show me* for one step: plays the solution's missing changes, as [`show_me`] does, only as far
/// as the step's condition first holds. A presenter on step 2 of 4 who asks to be shown wants that
/// step shown, not the whole answer played over the steps the room has yet to see (seen in a
/// presenter walk-through). With no target, the whole answer.
pub fn show_me_until(
    loaded: &LoadedLesson,
    scenario: &Scenario,
    until: Option<StepTarget>,
) -> Result<Played, String> {
    let changes = &loaded.lesson.solution;
    let mut work = scenario.clone();
    let mut edits = Vec::new();
    let mut marks = Vec::new();
    let mut select = None;
    let mut marked = until.map(|t| t.marked.clone()).unwrap_or_default();
    // The solution's link ids that the trainee's own links stand for.
    let mut alias: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for (i, change) in changes.iter().enumerate() {
        let fail = |e: String| format!("change {} ({}): {e}", i + 1, change.describe());
        let link_id = |id: &String| alias.get(id).cloned().unwrap_or_else(|| id.clone());
        let edit = match change {
            Change::Mark(id) => {
                marks.push(link_id(id));
                None
            }
            Change::Select(id) => {
                select = Some(link_id(id));
                None
            }
            Change::AddParty(p) => work
                .party(p.id.as_str())
                .is_none()
                .then(|| Edit::AddParty(p.clone())),
            Change::RemoveParty(id) => work
                .party(id)
                .is_some()
                .then(|| Edit::RemoveParty(id.as_str().into())),
            Change::AddLink(l) => {
                if work.link(l.id.as_str()).is_some() {
                    None
                } else if let Some(own) = work.links().find(|x| same_link(x, l)).or_else(|| {
                    work.links().find(|x| {
                        drawn_for(x, l, &loaded.start)
                            && !alias.values().any(|a| a == x.id.as_str())
                    })
                }) {
                    alias.insert(l.id.to_string(), own.id.to_string());
                    let mut wanted = l.clone();
                    wanted.id = own.id;
                    (*own != wanted).then_some(Edit::UpdateLink(wanted))
                } else {
                    Some(Edit::AddLink(l.clone()))
                }
            }
            Change::RemoveLink(id) => {
                let id = link_id(id);
                work.link(&id)
                    .is_some()
                    .then(|| Edit::RemoveLink(id.as_str().into()))
            }
            Change::SetParty(id, _) => {
                let edit = change.to_edit(&work).map_err(fail)?;
                match (&edit, work.party(id)) {
                    (Some(Edit::UpdateParty(new)), Some(old)) if new == old => None,
                    _ => edit,
                }
            }
            Change::SetLink(id, patch) => {
                let id = link_id(id);
                let edit = Change::SetLink(id.clone(), patch.clone())
                    .to_edit(&work)
                    .map_err(fail)?;
                match (&edit, work.link(&id)) {
                    (Some(Edit::UpdateLink(new)), Some(old)) if new == old => None,
                    _ => edit,
                }
            }
            Change::SetAsOf(d) => (work.meta.as_of != Some(*d)).then_some(Edit::SetAsOf(Some(*d))),
            // Done already (by the trainee, through the operation window): an operation refuses
            // what it has done (the reseller no longer partners with the provider it leaves, the
            // partner already went indirect through that provider), so it is skipped.
            Change::Operate(op) => op.prepare(&work).ok().map(|p| p.edit()),
        };
        if let Some(edit) = edit {
            edit.clone()
                .apply(&mut work)
                .map_err(|e| fail(e.to_string()))?;
            edits.push(edit);
        }
        if let Some(target) = until {
            marked.extend(marks.iter().cloned());
            let checker = crate::rules::Checker::new(&work);
            let seen = super::condition::Observed {
                scenario: &work,
                checker: &checker,
                selected: select.as_deref().or(target.selected),
                marked: &marked,
            };
            if target.done_when.holds(&seen) {
                break;
            }
        }
    }
    // A selection of what the solution went on to delete is no selection.
    let select = select.filter(|id| work.link(id).is_some() || work.party(id).is_some());
    Ok(Played {
        edit: Edit::Batch(edits),
        marks,
        select,
    })
}

/// Why a lesson could not be loaded: the file, the line and column, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}:{column}: {message}")]
pub struct LessonError {
    /// The lesson file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong, naming the field.
    pub message: String,
}

/// The largest save a lesson may start from: lessons teach with a handful of parties.
pub const MAX_LESSON_SCENARIO_BYTES: u64 = 16 * 1024 * 1024;

pub use crate::io::read::MAX_LESSON_BYTES;

/// The save a lesson's `scenario` names when it is not a built-in: a plain file name, read from the
/// lesson's own folder. Paths are refused (absolute, `..`, a subfolder): a lesson someone sent must
/// not make the app read files elsewhere on the machine (and echo them in errors).
fn scenario_beside(name: &str, folder: Option<&Path>) -> Result<PathBuf, String> {
    let plain = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', ':'])
        && !name.chars().any(char::is_control);
    if !plain {
        return Err(format!(
            "`{name}` is neither a built-in scenario (see `csp-explorer scenarios`) nor a plain file \
             name; a lesson's scenario file must sit beside the lesson, named without a folder"
        ));
    }
    let folder = folder.unwrap_or(Path::new("."));
    let file = folder.join(name);
    // A link beside the lesson may lead anywhere (`/etc/passwd`): what is read is where it leads,
    // which must be in the lesson's own folder too. (A missing file is left to the load to say.)
    match (std::fs::canonicalize(&file), std::fs::canonicalize(folder)) {
        (Ok(real), Ok(home)) if real.parent() == Some(home.as_path()) => Ok(file),
        (Ok(_), Ok(_)) => Err(format!(
            "`{name}` leads to a file outside the lesson's folder (it is a link); a lesson's \
             scenario file must sit beside the lesson"
        )),
        _ => Ok(file),
    }
}

/// A lesson ready to run: its text parsed, its starting scenario built.
#[derive(Clone, Debug)]
pub struct LoadedLesson {
    /// A stable name: the built-in file's stem, or the user's file path.
    pub key: String,
    /// The lesson.
    pub lesson: Lesson,
    /// The scenario the trainee starts from (setup applied).
    pub start: Scenario,
}

impl LoadedLesson {
    /// Parses lesson text. `path` names it in errors; `folder` resolves a scenario given as a file.
    pub fn parse(
        key: &str,
        text: &str,
        path: &str,
        folder: Option<&Path>,
    ) -> Result<Self, LessonError> {
        let at = |line: usize, message: String| LessonError {
            path: path.to_owned(),
            line,
            column: 1,
            message,
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let line_of = |needle: &str| {
            text.lines()
                .position(|l| l.contains(needle))
                .map_or(1, |i| i + 1)
        };
        // The version first: a newer lesson has fields this build does not know, and "unknown field"
        // would hide the real reason.
        if let Some(found) = crate::io::ron_file::probe_version(text)
            && found != i64::from(LESSON_VERSION)
        {
            return Err(at(
                line_of("version"),
                format!(
                    "field `version`: {}",
                    crate::io::error::version_message(
                        found,
                        "lesson format",
                        LESSON_VERSION,
                        LESSON_VERSION
                    )
                ),
            ));
        }
        let options = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
        let lesson: Lesson = options.from_str(text).map_err(|e| {
            let (line, column, message) = crate::io::ron_file::describe_ron_error(text, &e);
            LessonError {
                path: path.to_owned(),
                line,
                column,
                message,
            }
        })?;
        if let Err(e) = crate::model::limits::check_text(
            "title",
            &lesson.title,
            crate::model::limits::MAX_TITLE_CHARS,
            false,
        ) {
            return Err(at(line_of("title:"), e.to_string()));
        }
        let conditions = std::iter::once(&lesson.success)
            .chain(lesson.steps.iter().filter_map(|s| s.done_when.as_ref()));
        for rule in conditions.flat_map(Condition::rule_names) {
            if RuleId::from_key(rule).is_none() {
                return Err(at(
                    line_of(&format!("\"{rule}\"")),
                    format!("no rule has id `{rule}` (see `csp-explorer rules`)"),
                ));
            }
        }
        let scenario_line = line_of("scenario:");
        let mut start = match crate::scenarios::builtin(&lesson.scenario) {
            Some(b) => b
                .load()
                .map_err(|e| at(scenario_line, format!("field `scenario`: {e}")))?,
            None => {
                let file = scenario_beside(&lesson.scenario, folder)
                    .map_err(|e| at(scenario_line, format!("field `scenario`: {e}")))?;
                crate::io::save::load_limited(&file, MAX_LESSON_SCENARIO_BYTES).map_err(|e| {
                    at(
                        scenario_line,
                        format!(
                            "field `scenario`: `{}` is neither a built-in scenario nor a readable save: {e}",
                            lesson.scenario
                        ),
                    )
                })?
            }
        };
        let (setup, _) = play(&start, &lesson.setup)
            .map_err(|e| at(line_of("setup:"), format!("field `setup`: {e}")))?;
        setup
            .apply(&mut start)
            .map_err(|e| at(line_of("setup:"), format!("field `setup`: {e}")))?;
        play(&start, &lesson.solution)
            .map_err(|e| at(line_of("solution:"), format!("field `solution`: {e}")))?;
        Ok(LoadedLesson {
            key: key.to_owned(),
            lesson,
            start,
        })
    }

    /// Loads a trainer's lesson file (at most [`MAX_LESSON_BYTES`], UTF-8 or UTF-16 with a byte
    /// order mark).
    pub fn load(path: &Path) -> Result<Self, LessonError> {
        let name = crate::text::path(path);
        let bytes =
            crate::io::read::read_limited(path, MAX_LESSON_BYTES).map_err(|e| LessonError {
                path: name.clone(),
                line: 1,
                column: 1,
                message: e.to_string(),
            })?;
        let text = crate::io::read::decode_unicode(&bytes).map_err(|e| LessonError {
            path: name.clone(),
            line: e.line,
            column: e.column,
            message: e.message,
        })?;
        Self::parse(&name, &text, &name, path.parent())
    }
}
