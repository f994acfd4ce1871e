//! What changed between a base scenario and a what-if: parties and links added, removed or changed
//! (field by field), and which findings the change introduced or resolved. Must not change either
//! scenario, nor format for a screen: the CLI and the compare card word the result.

use crate::edit::{Edit, Touched};
use crate::model::{Date, Link, LinkId, Party, PartyId, Scenario, ScenarioError, ScenarioMeta};
use crate::rules::{Checker, Finding, RuleId, Subject};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// How an element differs between base and what-if.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "change", content = "fields")]
pub enum ChangeKind {
    /// Only in the what-if.
    Added,
    /// Only in the base.
    Removed,
    /// In both, with these fields different.
    Changed(Vec<FieldChange>),
}

/// One field that differs, as the save file spells it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// The field's name in the save format (`mpa_signed`, `from`, `country`, …).
    pub field: String,
    /// Its value in the base (`—` when not set).
    pub before: String,
    /// Its value in the what-if (`—` when not set).
    pub after: String,
}

/// A party or link that differs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ElementChange {
    /// The stable id.
    pub id: String,
    /// A human label: the party's name, or the link's kind and ends.
    pub label: String,
    /// What happened to it.
    #[serde(flatten)]
    pub kind: ChangeKind,
}

/// Every difference between two scenarios that matters to the program. Positions on the canvas are
/// left out of the changes (they are counted in [`ScenarioDiff::moved`]): moving a box changes no rule.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScenarioDiff {
    /// The day both scenarios' findings were checked as of: the what-if's as-of date. The base is
    /// checked as of that day too, so the findings introduced and resolved are those of the
    /// changes, not of the time between the two dates (a what-if moved to next month would
    /// otherwise count every GDAP link expiring meanwhile).
    pub as_of: crate::model::Date,
    /// Title, description and as-of date.
    pub meta: Vec<FieldChange>,
    /// Parties added, removed or changed, in order of id.
    pub parties: Vec<ElementChange>,
    /// Links added, removed or changed, in order of id.
    pub links: Vec<ElementChange>,
    /// Parties that only moved on the canvas.
    pub moved: Vec<String>,
    /// Findings of the what-if that the base does not have (the same rule saying the same thing about
    /// the same link or party).
    pub introduced: Vec<Finding>,
    /// Findings of the base that the what-if no longer has.
    pub resolved: Vec<Finding>,
}

impl ScenarioDiff {
    /// True when nothing that matters differs (moves aside).
    pub fn is_empty(&self) -> bool {
        self.meta.is_empty()
            && self.parties.is_empty()
            && self.links.is_empty()
            && self.introduced.is_empty()
            && self.resolved.is_empty()
    }

    /// How a party differs, if it does.
    pub fn party(&self, id: &str) -> Option<&ChangeKind> {
        find_change(&self.parties, id)
    }

    /// How a link differs, if it does.
    pub fn link(&self, id: &str) -> Option<&ChangeKind> {
        find_change(&self.links, id)
    }

    /// The diff as readable text, one change a line.
    pub fn to_text(&self, base_name: &str, whatif_name: &str) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Comparing {base_name} (base) with {whatif_name} (what-if), both checked as of {}",
            self.as_of
        );
        if self.is_empty() {
            let _ = writeln!(out, "No difference that the program rules see.");
        }
        let fields = |changes: &[FieldChange]| {
            changes
                .iter()
                .map(|f| format!("{}: {} → {}", f.field, f.before, f.after))
                .collect::<Vec<_>>()
                .join("; ")
        };
        if !self.meta.is_empty() {
            let _ = writeln!(out, "\nScenario: {}", fields(&self.meta));
        }
        for (heading, changes) in [("Parties", &self.parties), ("Links", &self.links)] {
            if changes.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{heading}:");
            for c in changes {
                let _ = match &c.kind {
                    ChangeKind::Added => writeln!(out, "  + {} ({})", c.id, c.label),
                    ChangeKind::Removed => writeln!(out, "  - {} ({})", c.id, c.label),
                    ChangeKind::Changed(f) => {
                        writeln!(out, "  ~ {} ({}): {}", c.id, c.label, fields(f))
                    }
                };
            }
        }
        if !self.moved.is_empty() {
            let _ = writeln!(out, "\n{}", moved_line(&self.moved));
        }
        for (heading, sign, findings) in [
            ("Findings introduced", '+', &self.introduced),
            ("Findings resolved", '-', &self.resolved),
        ] {
            if findings.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{heading}:");
            for f in findings {
                let _ = writeln!(
                    out,
                    "  {sign} {} {} on {}: {}",
                    f.severity,
                    f.rule,
                    subject_label(&f.subject),
                    f.message
                );
            }
        }
        out
    }

    /// The diff as JSON for other tools.
    pub fn to_json(&self, base_name: &str, whatif_name: &str) -> Value {
        serde_json::json!({
            "format_version": crate::JSON_FORMAT_VERSION,
            "base": base_name,
            "whatif": whatif_name,
            "as_of": self.as_of.to_string(),
            "meta": self.meta,
            "parties": self.parties,
            "links": self.links,
            "moved": self.moved,
            "findings_introduced": self.introduced.iter().map(Finding::to_json).collect::<Vec<_>>(),
            "findings_resolved": self.resolved.iter().map(Finding::to_json).collect::<Vec<_>>(),
        })
    }
}

/// The most parties [`ScenarioDiff::to_text`] names as moved on the canvas only.
const MOVED_NAMED: usize = 20;

/// The parties that only moved on the canvas, as one line a reader can take in: the first
/// [`MOVED_NAMED`] and how many more (the JSON lists them all). A save with every position against
/// one with none, a layout redone, moves all 100,000 parties of a large channel, and the line
/// named every one of them (1.5 MB).
fn moved_line(moved: &[String]) -> String {
    let named = moved[..moved.len().min(MOVED_NAMED)].join(", ");
    match moved.len() {
        n if n <= MOVED_NAMED => format!("Moved on the canvas only: {named}"),
        n => format!(
            "Moved on the canvas only: {} parties: {named} and {} more (--format json lists all)",
            crate::text::thousands(n),
            crate::text::thousands(n - MOVED_NAMED)
        ),
    }
}

/// The change of the element with `id`, looked up by halving: the canvas asks for every party and
/// link it draws, and an operation on a set changes tens of thousands (a scan per link drawn took
/// longer than the frame).
fn find_change<'a>(changes: &'a [ElementChange], id: &str) -> Option<&'a ChangeKind> {
    changes
        .binary_search_by(|c| c.id.as_str().cmp(id))
        .ok()
        .map(|i| &changes[i].kind)
}

fn subject_label(subject: &Subject) -> String {
    match subject {
        Subject::Link(id) => format!("link {id}"),
        Subject::Party(id) => format!("party {id}"),
    }
}

/// Compares a base scenario with a what-if, both checked as of the what-if's date.
pub fn diff(base: &Scenario, whatif: &Scenario) -> ScenarioDiff {
    let (a, b) = Side::unshared(base, whatif);
    let mut out = elements(&a, &b);
    // Without quick fixes: the diff shows none, and proving a fix for each of a large channel's
    // findings cost more than the checks themselves. Only what the changes reach is checked,
    // where that can be told (see `check_touched`): at 300,000 parties, two full checks were a
    // third of the diff's time.
    let (forward, back) = edits_between(&a, &b, &out);
    let touched = Touched::of(&Edit::Batch(forward), &Edit::Batch(back), whatif);
    let (before, after) = crate::rules::engine::check_touched(base, whatif, out.as_of, &touched)
        .unwrap_or_else(|| checked_in_full(base, whatif, out.as_of));
    (out.introduced, out.resolved) = changed_findings(before, after);
    out
}

/// [`diff`] with both scenarios checked in full: what it does where a change reaches everything,
/// and what the diff of only what changes reach is tested against (`tests/incremental.rs`).
pub fn diff_checked_in_full(base: &Scenario, whatif: &Scenario) -> ScenarioDiff {
    let mut out = elements(&Side::whole(base), &Side::whole(whatif));
    let (before, after) = checked_in_full(base, whatif, out.as_of);
    (out.introduced, out.resolved) = changed_findings(before, after);
    out
}

/// A what-if told by how it differs from its base: its title, description and as-of date, the
/// parties and links it holds that the base holds otherwise or not at all, and the ids of those
/// of the base it does not hold. What reading a `.cspx` what-if against its base, loaded already,
/// gives (`io::whatif_changes`), so that comparing two large saves loads one channel, not two.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes {
    /// The what-if's title, description and as-of date.
    pub meta: ScenarioMeta,
    /// Parties added or held otherwise (a party that only moved on the canvas is one too).
    pub parties: Vec<Party>,
    /// Parties of the base the what-if does not hold.
    pub removed_parties: Vec<PartyId>,
    /// Links added or held otherwise.
    pub links: Vec<Link>,
    /// Links of the base the what-if does not hold.
    pub removed_links: Vec<LinkId>,
}

/// [`diff`] of `base` and the what-if that `changes` make of it, without the what-if as a
/// scenario of its own: `base` is edited into the what-if and back to check what the changes
/// reach on each side (each edit costs what it changes). The same result as [`diff`] of the base
/// and the what-if loaded on its own (unit tests compare the two over random edits).
///
/// `base` holds the what-if or the base when this returns. An error means the changes do not
/// make a scenario (a link to a party the what-if lacks, a second Microsoft): the caller loads
/// the what-if on its own, which says what is wrong with it.
pub fn diff_changes(base: &mut Scenario, changes: &Changes) -> Result<ScenarioDiff, ScenarioError> {
    let (mut out, forward, back, moved) = {
        let a = Side::whole_unlisted(base);
        let b = Side::changed(base, changes);
        let a = Side {
            parties: b
                .parties
                .iter()
                .map(|p| p.id.as_str())
                .chain(changes.removed_parties.iter().map(|id| id.as_str()))
                .filter_map(|id| base.party(id))
                .collect(),
            links: b
                .links
                .iter()
                .map(|l| l.id.as_str())
                .chain(changes.removed_links.iter().map(|id| id.as_str()))
                .filter_map(|id| base.link(id))
                .collect(),
            ..a
        };
        let out = elements(&a, &b);
        let (forward, back) = edits_between(&a, &b, &out);
        // Links that leave the party they start from: put first among its links, so that taking
        // them off does not walk a provider's quarter of a million links each time (see
        // `Scenario::put_first`).
        let moved: Vec<LinkId> = a
            .links
            .iter()
            .filter(|l| {
                (b.link)(l.id.as_str()).is_none_or(|now| now.from != l.from || now.to != l.to)
            })
            .map(|l| l.id)
            .collect();
        (out, forward, back, moved)
    };
    let as_of = out.as_of;
    use crate::rules::engine::check_ids;
    let forward = Edit::Batch(forward);
    let back = Edit::Batch(back);
    // What the edits touch, told against the base as it is (the same as against the what-if:
    // the edits and their inverses hold both values). The base is checked before it is edited:
    // an edit taken back puts links back at the front of their parties' lists, and where a rule
    // has a choice of equal chains it takes the first it meets.
    let touched = Touched::of(&forward, &back, base);
    let full = crate::rules::engine::needs_full_checks(&touched);
    let (reached_links, reached_parties) = if full {
        (Vec::new(), Vec::new())
    } else {
        crate::rules::engine::reached_by(base, &touched)
    };
    let mut before = if full {
        Checker::with_as_of(base, as_of).sorted()
    } else {
        check_ids(base, as_of, strs(&reached_links), strs(&reached_parties))
    };
    base.put_first(&moved);
    // The what-if's title, description and as-of date go with its parties and links.
    let base_meta = std::mem::replace(&mut base.meta, changes.meta.clone());
    let inverse = match forward.apply(base) {
        Ok(inverse) => inverse,
        Err(e) => {
            base.meta = base_meta;
            return Err(e);
        }
    };
    let after = if full {
        Checker::with_as_of(base, as_of).sorted()
    } else {
        let (more_links, more_parties) = crate::rules::engine::reached_by(base, &touched);
        let known = |reached: &[String], id: &String| reached.binary_search(id).is_ok();
        let extra_links: Vec<String> = more_links
            .into_iter()
            .filter(|id| !known(&reached_links, id))
            .collect();
        let extra_parties: Vec<String> = more_parties
            .into_iter()
            .filter(|id| !known(&reached_parties, id))
            .collect();
        let after = check_ids(
            base,
            as_of,
            strs(&reached_links).chain(strs(&extra_links)),
            strs(&reached_parties).chain(strs(&extra_parties)),
        );
        // What the what-if reaches that the base does not: checked on the base too.
        if !extra_links.is_empty() || !extra_parties.is_empty() {
            let whatif_meta = std::mem::replace(&mut base.meta, base_meta);
            let redo = inverse.apply(base)?;
            before.extend(check_ids(
                base,
                as_of,
                strs(&extra_links),
                strs(&extra_parties),
            ));
            redo.apply(base)?;
            base.meta = whatif_meta;
        }
        after
    };
    (out.introduced, out.resolved) = changed_findings(before, after);
    Ok(out)
}

fn strs(ids: &[String]) -> impl Iterator<Item = &str> {
    ids.iter().map(String::as_str)
}

/// A side's parties or links by id.
type ById<'a, T> = Box<dyn Fn(&str) -> Option<&'a T> + 'a>;

/// One side of a comparison as [`elements`] reads it: its title, description and as-of date,
/// the parties and links to compare (all of them, or those that may differ), and its parties and
/// links by id.
struct Side<'a> {
    meta: &'a ScenarioMeta,
    parties: Vec<&'a Party>,
    links: Vec<&'a Link>,
    party: ById<'a, Party>,
    link: ById<'a, Link>,
}

impl<'a> Side<'a> {
    /// A scenario, every party and link of it compared.
    fn whole(s: &'a Scenario) -> Side<'a> {
        Side {
            parties: s.parties().collect(),
            links: s.links().collect(),
            ..Side::whole_unlisted(s)
        }
    }

    /// Two scenarios, only their parties and links that they do not share compared. A what-if
    /// made from its base by edits (a fork, a `whatif` command) shares with it every party and
    /// link the edits left alone, at the same place in the graph; one so shared is the same on
    /// both sides, and finding it in the other scenario is left out. Comparing every one looked
    /// each up by id in the other scenario: a sixth of `whatif end-partnership` at 100,000
    /// parties (perf, 140 ms for 13 links changed). Two scenarios loaded on their own share
    /// nothing, and everything is compared.
    fn unshared(base: &'a Scenario, whatif: &'a Scenario) -> (Side<'a>, Side<'a>) {
        use std::sync::Arc;
        type Graph = crate::model::ChannelGraph;
        /// The elements at `places` in `of` that `other` does not hold the same of there.
        fn not_in<'a, T, I: Copy>(
            places: impl Iterator<Item = I>,
            of: impl Fn(I) -> Option<&'a Arc<T>>,
            other: impl Fn(I) -> Option<&'a Arc<T>>,
        ) -> Vec<&'a T> {
            places
                .filter_map(|at| {
                    let mine = of(at)?;
                    (other(at).is_none_or(|theirs| !Arc::ptr_eq(mine, theirs))).then_some(&**mine)
                })
                .collect()
        }
        let parties = |of: &'a Graph, other: &'a Graph| {
            not_in(
                of.node_indices(),
                |ix| of.node_weight(ix),
                |ix| other.node_weight(ix),
            )
        };
        let links = |of: &'a Graph, other: &'a Graph| {
            not_in(
                of.edge_indices(),
                |ix| of.edge_weight(ix),
                |ix| other.edge_weight(ix),
            )
        };
        let (a, b) = (base.graph(), whatif.graph());
        (
            Side {
                parties: parties(a, b),
                links: links(a, b),
                ..Side::whole_unlisted(base)
            },
            Side {
                parties: parties(b, a),
                links: links(b, a),
                ..Side::whole_unlisted(whatif)
            },
        )
    }

    /// A scenario whose parties and links to compare are listed by the caller.
    fn whole_unlisted(s: &'a Scenario) -> Side<'a> {
        Side {
            meta: &s.meta,
            parties: Vec::new(),
            links: Vec::new(),
            party: Box::new(|id| s.party(id)),
            link: Box::new(|id| s.link(id)),
        }
    }

    /// The what-if that `changes` make of `base`: only what they change is compared; anything
    /// else is the base's.
    fn changed(base: &'a Scenario, changes: &'a Changes) -> Side<'a> {
        use std::collections::HashMap;
        let parties: HashMap<&str, Option<&Party>> = changes
            .parties
            .iter()
            .map(|p| (p.id.as_str(), Some(p)))
            .chain(changes.removed_parties.iter().map(|id| (id.as_str(), None)))
            .collect();
        let links: HashMap<&str, Option<&Link>> = changes
            .links
            .iter()
            .map(|l| (l.id.as_str(), Some(l)))
            .chain(changes.removed_links.iter().map(|id| (id.as_str(), None)))
            .collect();
        Side {
            meta: &changes.meta,
            parties: changes.parties.iter().collect(),
            links: changes.links.iter().collect(),
            party: Box::new(move |id| parties.get(id).map_or_else(|| base.party(id), |p| *p)),
            link: Box::new(move |id| links.get(id).map_or_else(|| base.link(id), |l| *l)),
        }
    }

    fn as_of(&self) -> Date {
        self.meta.as_of.unwrap_or_else(crate::model::today)
    }
}

/// The differences of meta, parties and links, without the findings.
fn elements<'a>(base: &Side<'a>, whatif: &Side<'a>) -> ScenarioDiff {
    let mut out = ScenarioDiff {
        as_of: whatif.as_of(),
        ..ScenarioDiff::default()
    };
    let meta = |meta: &ScenarioMeta| {
        let mut m = Map::new();
        m.insert("title".into(), Value::String(meta.title.clone()));
        m.insert(
            "description".into(),
            Value::String(meta.description.clone()),
        );
        m.insert(
            "as_of".into(),
            meta.as_of
                .map_or(Value::Null, |d| Value::String(d.to_string())),
        );
        m
    };
    out.meta = field_changes(&meta(base.meta), &meta(whatif.meta));

    // Elements are compared as structs first and turned into the save file's fields only when
    // they differ, so a what-if of a million links changing a few thousand builds a few thousand
    // field maps, not two million (1.6 GB at 100,000 parties before). Each side's elements are
    // looked up in the other by id (a hash lookup), and only the changes are put in order.
    out.parties = element_changes(
        base.parties.iter().map(|p| (p.id.as_str(), *p)),
        &base.party,
        whatif.parties.iter().map(|p| (p.id.as_str(), *p)),
        &whatif.party,
        &["position"],
        |p| p.name.clone(),
    );
    let mut moved: Vec<&str> = base
        .parties
        .iter()
        .filter(|p| (whatif.party)(p.id.as_str()).is_some_and(|q| q.position != p.position))
        .map(|p| p.id.as_str())
        .collect();
    moved.sort_unstable();
    // Merged with the changes (both in order of id), not looked up one by one: at 100,000
    // parties with 2,000 changed, a scan per party was 200 million comparisons.
    let mut changed = out.parties.iter().map(|c| c.id.as_str()).peekable();
    out.moved = moved
        .into_iter()
        .filter(|id| {
            while changed.next_if(|c| c < id).is_some() {}
            changed.peek() != Some(id)
        })
        .map(str::to_owned)
        .collect();

    let label = |s: &Side, l: &Link| {
        let name = |id: &crate::model::PartyId| {
            (s.party)(id.as_str()).map_or(id.to_string(), |p| p.name.clone())
        };
        format!("{} {} → {}", l.kind.label(), name(&l.from), name(&l.to))
    };
    out.links = element_changes(
        base.links.iter().map(|l| (l.id.as_str(), *l)),
        &base.link,
        whatif.links.iter().map(|l| (l.id.as_str(), *l)),
        &whatif.link,
        &[],
        |l| {
            // Added and changed links are named as in the what-if, removed ones as in the base.
            if (whatif.link)(l.id.as_str()).is_some_and(|w| std::ptr::eq(w, l)) {
                label(whatif, l)
            } else {
                label(base, l)
            }
        },
    );
    out
}

/// Every finding of both scenarios as of `as_of`, without quick fixes, both checked at once.
fn checked_in_full(
    base: &Scenario,
    whatif: &Scenario,
    as_of: Date,
) -> (Vec<Finding>, Vec<Finding>) {
    let check = |s: &Scenario| Checker::with_as_of(s, as_of).sorted();
    std::thread::scope(|scope| {
        let before = scope.spawn(|| check(base));
        let after = check(whatif);
        (before.join().unwrap_or_else(|_| check(base)), after)
    })
}

/// The edits that turn `base` into `whatif` and back: the changed parties and links taken from
/// `diff`'s elements. What they touched, old and new values, is what [`Touched::of`] tells of
/// them.
///
/// The edits forward go in an order that applies: links taken away first, with those that name
/// other parties than they did (so that no party taken away still has links); then parties taken
/// away, parties changed (one becoming Microsoft after the one that stops being it), parties
/// added, links changed in place, and links added or put back between their new parties.
fn edits_between(base: &Side, whatif: &Side, diff: &ScenarioDiff) -> (Vec<Edit>, Vec<Edit>) {
    let mut back = Vec::new();
    let (mut removed_links, mut removed_parties) = (Vec::new(), Vec::new());
    let (mut changed_parties, mut new_parties) = (Vec::new(), Vec::new());
    let (mut changed_links, mut new_links) = (Vec::new(), Vec::new());
    for change in &diff.parties {
        let id = change.id.as_str();
        match ((base.party)(id), (whatif.party)(id)) {
            (Some(a), Some(b)) => {
                changed_parties.push(b.clone());
                back.push(Edit::UpdateParty(a.clone()));
            }
            (None, Some(b)) => {
                new_parties.push(Edit::AddParty(b.clone()));
                back.push(Edit::RemoveParty(b.id));
            }
            (Some(a), None) => {
                removed_parties.push(Edit::RemoveParty(a.id));
                back.push(Edit::AddParty(a.clone()));
            }
            (None, None) => {}
        }
    }
    changed_parties.sort_by_key(|p| p.kind == crate::model::PartyKind::Microsoft);
    for change in &diff.links {
        let id = change.id.as_str();
        match ((base.link)(id), (whatif.link)(id)) {
            (Some(a), Some(b)) if a.parties().eq(b.parties()) => {
                changed_links.push(Edit::UpdateLink(b.clone()));
                back.push(Edit::UpdateLink(a.clone()));
            }
            (Some(a), Some(b)) => {
                removed_links.push(Edit::RemoveLink(a.id));
                new_links.push(Edit::AddLink(b.clone()));
                back.push(Edit::UpdateLink(a.clone()));
            }
            (None, Some(b)) => {
                new_links.push(Edit::AddLink(b.clone()));
                back.push(Edit::RemoveLink(b.id));
            }
            (Some(a), None) => {
                removed_links.push(Edit::RemoveLink(a.id));
                back.push(Edit::AddLink(a.clone()));
            }
            (None, None) => {}
        }
    }
    let mut forward = removed_links;
    forward.extend(removed_parties);
    forward.extend(changed_parties.into_iter().map(Edit::UpdateParty));
    forward.extend(new_parties);
    forward.extend(changed_links);
    forward.extend(new_links);
    (forward, back)
}

/// The findings of `after` that `before` does not have (introduced) and those of `before` that
/// `after` no longer has (resolved), each sorted by subject, rule and message.
///
/// A finding is the same when the same rule says the same thing about the same link or party: a
/// link can carry the same rule twice (the seller's and the provider's missing relationship), and
/// fixing one while breaking the other is a change worth seeing. A finding that moved with a sale
/// is the same too: a customer moved to another seller has its purchase ended and made again,
/// and the rule that held against the old link (its MCA not accepted, say) holding against the
/// new one is neither introduced nor resolved. So what is left after the first match is matched
/// again by rule, severity and the party the link goes to (the customer), across different links.
pub(crate) fn changed_findings(
    mut before: Vec<Finding>,
    mut after: Vec<Finding>,
) -> (Vec<Finding>, Vec<Finding>) {
    use std::collections::HashMap;
    // In one order whoever gathered them (a full check, or a preview's re-checked subjects), so
    // that where several findings could be the one carried, the same one is.
    let order = |a: &Finding, b: &Finding| {
        (&a.subject, a.rule, &a.message).cmp(&(&b.subject, b.rule, &b.message))
    };
    before.sort_by(order);
    after.sort_by(order);
    fn exact(f: &Finding) -> (RuleId, &Subject, &str) {
        (f.rule, &f.subject, f.message.as_str())
    }
    let mut unmatched_before: HashMap<_, Vec<usize>> = HashMap::new();
    for (i, f) in before.iter().enumerate() {
        unmatched_before.entry(exact(f)).or_default().push(i);
    }
    let mut before_matched = vec![false; before.len()];
    let mut after_matched = vec![false; after.len()];
    for (i, f) in after.iter().enumerate() {
        if let Some(j) = unmatched_before.get_mut(&exact(f)).and_then(Vec::pop) {
            before_matched[j] = true;
            after_matched[i] = true;
        }
    }
    // What the same rule says about the same customer on another link: carried with the sale.
    fn carried(f: &Finding) -> Option<(RuleId, crate::rules::Severity, &PartyId)> {
        match (&f.subject, f.path.last()) {
            (Subject::Link(_), Some(to)) => Some((f.rule, f.severity, to)),
            _ => None,
        }
    }
    let mut carried_before: HashMap<_, Vec<usize>> = HashMap::new();
    for (j, f) in before.iter().enumerate().rev() {
        if let (false, Some(key)) = (before_matched[j], carried(f)) {
            carried_before.entry(key).or_default().push(j);
        }
    }
    for (i, f) in after.iter().enumerate() {
        let Some(key) = carried(f).filter(|_| !after_matched[i]) else {
            continue;
        };
        let Some(candidates) = carried_before.get_mut(&key) else {
            continue;
        };
        if let Some(at) = candidates
            .iter()
            .rposition(|&j| before[j].subject != f.subject)
        {
            let j = candidates.remove(at);
            before_matched[j] = true;
            after_matched[i] = true;
        }
    }
    let unmatched = |findings: Vec<Finding>, matched: Vec<bool>| {
        findings
            .into_iter()
            .zip(matched)
            .filter(|(_, m)| !m)
            .map(|(f, _)| f)
            .collect()
    };
    (
        unmatched(after, after_matched),
        unmatched(before, before_matched),
    )
}

/// The fields of a party or link as the save file has them (so the diff names fields the way a user
/// who reads saves knows them, and stays current when a field is added to the model).
fn fields_of<T: Serialize>(value: &T, skip: &[&str]) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(mut map)) => {
            for field in skip {
                map.remove(*field);
            }
            map
        }
        _ => Map::new(),
    }
}

/// The elements added, removed or changed between `base` and `whatif` (each given as its
/// elements with their ids, and a lookup by id), in order of id, leaving out the `skip` fields;
/// `label` names an element (the what-if's one when it is in both).
fn element_changes<'a, T: Serialize + PartialEq + 'a>(
    base: impl Iterator<Item = (&'a str, &'a T)>,
    in_base: &dyn Fn(&str) -> Option<&'a T>,
    whatif: impl Iterator<Item = (&'a str, &'a T)>,
    in_whatif: &dyn Fn(&str) -> Option<&'a T>,
    skip: &[&str],
    label: impl Fn(&T) -> String,
) -> Vec<ElementChange> {
    let mut changes: Vec<ElementChange> = Vec::new();
    let mut change = |id: &str, label: String, kind: ChangeKind| {
        changes.push(ElementChange {
            id: id.to_owned(),
            label,
            kind,
        });
    };
    for (id, a) in base {
        match in_whatif(id) {
            None => change(id, label(a), ChangeKind::Removed),
            Some(b) if a != b => {
                let fields = field_changes(&fields_of(a, skip), &fields_of(b, skip));
                if !fields.is_empty() {
                    change(id, label(b), ChangeKind::Changed(fields));
                }
            }
            Some(_) => {}
        }
    }
    for (id, b) in whatif {
        if in_base(id).is_none() {
            change(id, label(b), ChangeKind::Added);
        }
    }
    changes.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    changes
}

fn field_changes(a: &Map<String, Value>, b: &Map<String, Value>) -> Vec<FieldChange> {
    let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    names
        .into_iter()
        .filter(|n| a.get(*n) != b.get(*n))
        .map(|n| FieldChange {
            field: n.clone(),
            before: show(a.get(n)),
            after: show(b.get(n)),
        })
        .collect()
}

fn show(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "—".to_owned(),
        Some(Value::String(s)) if s.is_empty() => "—".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| show(Some(v)))
            .collect::<Vec<_>>()
            .join("; "),
        Some(v) => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Date, Link, LinkKind, Party, PartyKind, Position};
    use crate::rules::RuleId;

    fn d(s: &str) -> Date {
        Date::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Microsoft → direct-bill → customer, all valid.
    fn base() -> Scenario {
        let mut s = Scenario::new("base");
        s.meta.as_of = Some(d("2024-01-01"));
        s.add_party(Party::new("ms", PartyKind::Microsoft)).unwrap();
        s.add_party(
            Party::new("db", PartyKind::DirectBill)
                .in_country("US")
                .mpa(d("2019-01-01")),
        )
        .unwrap();
        s.add_party(
            Party::new("c", PartyKind::Customer)
                .in_country("US")
                .mca(d("2020-01-01")),
        )
        .unwrap();
        s.add_link(Link::new(
            "sup",
            LinkKind::Supply,
            "ms",
            "db",
            d("2020-03-01"),
        ))
        .unwrap();
        s.add_link(Link::new(
            "rel",
            LinkKind::Reseller,
            "db",
            "c",
            d("2020-03-01"),
        ))
        .unwrap();
        s.add_link(Link::new("buy", LinkKind::Purchase, "db", "c", d("2020-04-01")).offer("Azure"))
            .unwrap();
        s
    }

    #[test]
    fn a_channel_moved_whole_on_the_canvas_is_counted_not_listed() {
        let few: Vec<String> = (0..3).map(|i| format!("p{i}")).collect();
        assert_eq!(moved_line(&few), "Moved on the canvas only: p0, p1, p2");
        let all: Vec<String> = (0..100_000).map(|i| format!("customer-{i}")).collect();
        let line = moved_line(&all);
        assert!(
            line.starts_with("Moved on the canvas only: 100,000 parties: customer-0, customer-1,"),
            "{line}"
        );
        assert!(
            line.ends_with("customer-19 and 99,980 more (--format json lists all)"),
            "{line}"
        );
        assert!(line.len() < 400, "{} bytes", line.len());
    }

    #[test]
    fn identical_scenarios_differ_in_nothing() {
        let d = diff(&base(), &base());
        assert!(d.is_empty(), "{d:?}");
        assert!(d.to_text("a", "b").contains("No difference"));
    }

    #[test]
    fn every_kind_of_change_is_reported() {
        let a = base();
        let mut b = base();
        b.meta.title = "what-if".into();
        b.meta.as_of = Some(d("2024-06-01"));
        // A changed party (two fields), an added party, a removed link, an added link, a changed link.
        let mut c = b.party("c").unwrap().clone();
        c.country = Some("DE".into());
        c.name = "Customer (moved to Germany)".into();
        b.replace_party(c).unwrap();
        b.add_party(Party::new("c2", PartyKind::Customer).in_country("US"))
            .unwrap();
        b.remove_link(&"rel".into()).unwrap();
        b.add_link(Link::new(
            "rel2",
            LinkKind::Reseller,
            "db",
            "c2",
            d("2021-01-01"),
        ))
        .unwrap();
        let mut buy = b.link("buy").unwrap().clone();
        buy.offer = Some("Microsoft 365".into());
        b.replace_link(buy).unwrap();
        b.set_position(&"db".into(), Some(Position { x: 5.0, y: 5.0 }))
            .unwrap();

        let d = diff(&a, &b);
        let fields: Vec<&str> = d.meta.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["as_of", "title"]);
        assert_eq!(d.party("c2"), Some(&ChangeKind::Added));
        let Some(ChangeKind::Changed(changes)) = d.party("c") else {
            panic!("c should have changed: {d:?}");
        };
        let names: Vec<&str> = changes.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["country", "name"]);
        assert_eq!(changes[0].before, "US");
        assert_eq!(changes[0].after, "DE");
        assert_eq!(d.link("rel"), Some(&ChangeKind::Removed));
        assert_eq!(d.link("rel2"), Some(&ChangeKind::Added));
        assert!(matches!(d.link("buy"), Some(ChangeKind::Changed(f)) if f[0].field == "offer"));
        assert_eq!(d.party("db"), None, "a move is not a change");
        assert_eq!(d.moved, ["db"]);

        // The sale now crosses regions and has no reseller relationship; c2 has no MCA but buys nothing.
        let introduced: BTreeSet<RuleId> = d.introduced.iter().map(|f| f.rule).collect();
        assert!(
            introduced.contains(&RuleId::CrossRegionSale),
            "{introduced:?}"
        );
        assert!(
            introduced.contains(&RuleId::NoResellerRelationship),
            "{introduced:?}"
        );
        assert!(d.resolved.is_empty(), "{:?}", d.resolved);

        let text = d.to_text("base.ron", "whatif.ron");
        assert!(text.contains("+ c2"), "{text}");
        assert!(text.contains("- rel"), "{text}");
        assert!(
            text.contains("~ c (Customer (moved to Germany)): country: US → DE"),
            "{text}"
        );
        let json = d.to_json("base.ron", "whatif.ron");
        assert_eq!(json["links"][0]["id"], "buy");
        assert_eq!(json["links"][0]["change"], "changed");
        assert_eq!(json["links"][0]["fields"][0]["field"], "offer");
    }

    /// A date changed alone resolves and introduces nothing: both sides are checked as of the
    /// what-if's date. (A what-if moved before the MPA rules would otherwise count the base's
    /// MPA findings as resolved.)
    #[test]
    fn a_date_change_alone_resolves_nothing() {
        let mut without_mpa = base();
        let mut db = without_mpa.party("db").unwrap().clone();
        db.mpa_signed = None;
        without_mpa.replace_party(db).unwrap();
        let mut earlier = without_mpa.clone();
        earlier.meta.as_of = Some(d("2020-01-15"));
        assert_ne!(
            crate::rules::check_as_of(&without_mpa, d("2024-01-01")).len(),
            crate::rules::check_as_of(&without_mpa, d("2020-01-15")).len(),
            "the date matters to this channel's findings"
        );
        let diff = diff(&without_mpa, &earlier);
        assert!(diff.resolved.is_empty(), "{:?}", diff.resolved);
        assert!(diff.introduced.is_empty(), "{:?}", diff.introduced);
        assert!(!diff.meta.is_empty(), "the date change itself is reported");
    }

    #[test]
    fn a_fix_shows_as_resolved_findings() {
        let mut broken = base();
        let mut c = broken.party("c").unwrap().clone();
        c.mca_accepted = None;
        broken.replace_party(c).unwrap();
        let d = diff(&broken, &base());
        let resolved: Vec<RuleId> = d.resolved.iter().map(|f| f.rule).collect();
        assert_eq!(resolved, [RuleId::McaMissing]);
        assert!(d.introduced.is_empty());
        assert!(
            matches!(d.party("c"), Some(ChangeKind::Changed(f)) if f[0].field == "mca_accepted" && f[0].before == "—")
        );
    }
}
