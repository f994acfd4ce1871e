//! The scenario save format: human-readable RON with `version: 4`, stable ids and node positions.
//!
//! Version 2 adds `ended` on every link, and `admin_type` and `status` (`active` or `pending`) on admin
//! links; version 3 adds `partner_id_on_record` on purchases; version 4 saves every party where it is
//! drawn. Older files still load: [`migrate`] brings version 1 to version 2 (`migrate_v1`), a version
//! 2 file is a version 3 file with no PartnerID on record, and [`migrate_layout`] gives the parties
//! of an older, partly placed file the tier layout's positions they were drawn at.
//!
//! ```ron
//! (
//!     version: 4,
//!     title: "Sample scenario 1: the direct-bill chain",
//!     description: "Microsoft sells to the direct-bill partner, which sells to the customer.",
//!     as_of: "2024-01-01",
//!     parties: [
//!         (id: "microsoft", kind: microsoft, name: "Microsoft", organization: "microsoft",
//!          tenant: "microsoft", tenant_type: csp),
//!         (id: "fabrikam", kind: direct_bill, name: "Fabrikam", country: "US",
//!          organization: "fabrikam", tenant: "fabrikam", tenant_type: csp, mpa_signed: "2019-10-01",
//!          position: (x: 0.0, y: 150.0)),
//!     ],
//!     links: [
//!         (id: "supply-fabrikam", kind: supply, from: "microsoft", to: "fabrikam", date: "2020-03-01"),
//!     ],
//! )
//! ```
//!
//! A file that is not a valid save gets an error naming the file, line, column and field. This file
//! owns the RON text and must not touch the disk (`disk.rs`) or know `.cspx` (`binary.rs`).

use crate::io::error::{LoadError, SaveError};
use crate::io::migrate::{FORMAT_VERSION, OLDEST_VERSION, migrate, migrate_layout};
use crate::model::{Date, Link, Party, PartyId, Position, Scenario, ScenarioError, ScenarioMeta};
use crate::progress::Progress;
use ron::extensions::Extensions;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

/// The file as written: a flat list of parties and links, with ids rather than graph indices.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    version: u32,
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    as_of: Option<Date>,
    #[serde(default)]
    parties: Vec<Party>,
    #[serde(default)]
    links: Vec<Link>,
}

/// [`ScenarioFile`] borrowed from a scenario, for writing: the same text without copying every
/// party and link first (at 300,000 parties the copies cost seconds and a gigabyte).
#[derive(Serialize)]
struct ScenarioFileOut<'a> {
    version: u32,
    title: &'a str,
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    as_of: Option<Date>,
    parties: Vec<Cow<'a, Party>>,
    links: Vec<&'a Link>,
}

impl<'a> ScenarioFileOut<'a> {
    /// The file of `scenario`, its parties where `drawn` says (copied only where that differs).
    fn of(scenario: &'a Scenario, drawn: Option<&BTreeMap<PartyId, Position>>) -> Self {
        let mut parties: Vec<Cow<Party>> = scenario
            .parties()
            .map(|p| match drawn.and_then(|d| d.get(&p.id)) {
                Some(at) if p.position != Some(*at) => Cow::Owned(p.clone().at(at.x, at.y)),
                _ => Cow::Borrowed(p),
            })
            .collect();
        parties.sort_by(|a, b| (a.kind.tier(), &a.id).cmp(&(b.kind.tier(), &b.id)));
        let mut links: Vec<&Link> = scenario.links().collect();
        links.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
        ScenarioFileOut {
            version: FORMAT_VERSION,
            title: &scenario.meta.title,
            description: &scenario.meta.description,
            as_of: scenario.meta.as_of,
            parties,
            links,
        }
    }
}

/// Reads only the version, so that a newer file gets a clear message rather than a field error.
/// Signed, so that `version: -1` is named as a version rather than "integer out of bounds".
#[derive(Deserialize)]
struct VersionProbe {
    version: Option<i64>,
}

/// The `version` of RON text, read before anything else: from a lenient parse, or, when the rest of
/// the file does not parse (a newer format may have new syntax), from the first `version: N`.
pub fn probe_version(text: &str) -> Option<i64> {
    if let Ok(VersionProbe { version }) = ron_options().from_str::<VersionProbe>(text) {
        return version;
    }
    let at = text.find("version")?;
    let rest = text[at + "version".len()..]
        .trim_start()
        .strip_prefix(':')?;
    let rest = rest.trim_start();
    let end = rest
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && matches!(c, '-' | '+'))))
        .map_or(rest.len(), |(i, _)| i);
    rest[..end].parse().ok()
}

/// The fields that hold dates, in saves, lessons (`SetAsOf` is a lesson change) and plans (`on`).
const DATE_FIELDS: &[&str] = &[
    "date",
    "on",
    "ended",
    "mpa_signed",
    "restricted_since",
    "mca_accepted",
    "as_of",
    "SetAsOf",
    "AsOfBefore",
    "AsOfFrom",
];

/// What a field that holds a whole number expects, in words.
fn whole_number(field: &str) -> &'static str {
    match field {
        "duration_days" => "a whole number of days from 0 to 4294967295",
        "version" => "a whole number, the version of the format (such as 2)",
        _ => "a whole number",
    }
}

/// How deep RON's parser lets brackets nest (its default): deeper is refused, never a stack
/// overflow. No save or lesson nests more than five.
const NESTING_LIMIT: usize = 128;

/// Line, column and message of a RON error, in words a person can act on: the field a value was
/// meant for and the form it takes (a date chrono could not read, a number out of range or not a
/// number at all), and never a hint meant for the developers of RON.
pub fn describe_ron_error(text: &str, e: &ron::error::SpannedError) -> (usize, usize, String) {
    use ron::Error;
    let (line, column) = (e.span.start.line, e.span.start.col);
    let start = offset_of(text, line, column);
    let end = offset_of(text, e.span.end.line, e.span.end.col).max(start);
    // The value as written, escaped and cut short (it may be a megabyte of digits).
    let value = crate::text::escaped(text[start..end].trim().trim_end_matches('"'), 40);
    let field = field_before(&text[..start]);
    let message = match (&e.code, field.as_deref()) {
        // RON's span of a string value is its content, between the quotes.
        (Error::Message(_), Some(field)) if DATE_FIELDS.contains(&field) => format!(
            "field `{field}`: \"{value}\" is not a date: expected {}",
            crate::model::limits::expected_date()
        ),
        (
            Error::IntegerOutOfBounds | Error::ExpectedInteger | Error::InvalidIntegerDigit { .. },
            Some(field),
        ) => {
            let what = if value.is_empty() {
                "this".to_owned()
            } else {
                format!("`{value}`")
            };
            format!("field `{field}`: {what} is not {}", whole_number(field))
        }
        (Error::ExpectedFloat | Error::FloatUnderscore, Some(field)) => {
            format!("field `{field}`: expected a number such as 120.5")
        }
        (Error::ExpectedBoolean, Some(field)) => {
            format!("field `{field}`: expected true or false")
        }
        (Error::ExpectedString | Error::ExpectedStringEnd, Some(field)) => {
            format!("field `{field}`: expected text in double quotes")
        }
        (Error::ExceededRecursionLimit, _) => format!(
            "brackets nest more than {NESTING_LIMIT} deep here, which no save or lesson does: is \
             this the right file, or is it damaged?"
        ),
        (code, _) => code.to_string(),
    };
    (line, column, message)
}

/// The byte offset of a 1-based line and column (in characters).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = text.get(start..).unwrap_or("");
    start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

/// The field (or tuple variant) whose value starts where `before` ends: the identifier before the
/// `:` or `(` that precedes it (and the value's opening quote).
fn field_before(before: &str) -> Option<String> {
    // The value's opening quote, or the sign of a number (RON points past it).
    let before = before
        .trim_end()
        .trim_end_matches(['"', '-', '+'])
        .trim_end();
    let before = before
        .strip_suffix(':')
        .or_else(|| before.strip_suffix('('))?
        .trim_end();
    let start = before
        .char_indices()
        .rfind(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let name = &before[start..];
    (!name.is_empty()).then(|| name.to_owned())
}

fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME)
}

/// The scenario as save-file text.
pub fn scenario_to_ron(scenario: &Scenario) -> Result<String, ron::Error> {
    ron_options().to_string_pretty(&ScenarioFileOut::of(scenario, None), ron_pretty())
}

fn ron_pretty() -> ron::ser::PrettyConfig {
    ron::ser::PrettyConfig::new()
        .struct_names(false)
        .separate_tuple_members(false)
        .extensions(Extensions::IMPLICIT_SOME)
}

/// Bytes of RON text a party or link takes on average (342 MB for 1.32 million of them), for
/// a progress bar that moves evenly while the text is written.
const RON_BYTES_PER_ENTRY: usize = 260;

/// [`scenario_to_ron`] for a worker thread: reports how far the text has got and stops with
/// [`SaveError::Cancelled`] as soon as `progress` is cancelled. `path` names the file in errors.
/// With `drawn`, each party is saved where the window draws it (every party, not only those
/// placed by hand: reopened, the file looks as it did on screen).
pub fn scenario_to_ron_with(
    scenario: &Scenario,
    drawn: Option<&BTreeMap<PartyId, Position>>,
    path: &Path,
    progress: &Progress,
) -> Result<Vec<u8>, SaveError> {
    let entries = scenario.party_count() + scenario.link_count();
    let mut out = Watched {
        bytes: Vec::with_capacity(64 + RON_BYTES_PER_ENTRY * entries),
        expected: (RON_BYTES_PER_ENTRY * entries).max(1),
        progress,
    };
    match ron_options().to_io_writer_pretty(
        &mut out,
        &ScenarioFileOut::of(scenario, drawn),
        ron_pretty(),
    ) {
        Ok(()) => Ok(out.bytes),
        Err(_) if progress.is_cancelled() => Err(SaveError::Cancelled {
            path: crate::text::path(path),
        }),
        Err(e) => Err(SaveError::Ron(e)),
    }
}

/// A buffer that reports how much has been written against what is expected, and fails the next
/// write once its work is cancelled (serde then unwinds at once).
struct Watched<'a> {
    bytes: Vec<u8>,
    expected: usize,
    progress: &'a Progress,
}

impl std::io::Write for Watched<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let before = self.bytes.len();
        self.bytes.extend_from_slice(buf);
        // Every 64 KiB: a cancel is heard within microseconds, the counters are not hammered.
        if before >> 16 != self.bytes.len() >> 16 {
            if self.progress.is_cancelled() {
                return Err(std::io::Error::other("cancelled"));
            }
            self.progress
                .set((self.bytes.len() as f32 / self.expected as f32).min(0.99));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Parses save-file text; `path` only names the source in errors.
pub fn scenario_from_ron(text: &str, path: &str) -> Result<Scenario, LoadError> {
    // A byte order mark is what Notepad puts first; it is not RON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let syntax = |e: ron::error::SpannedError| {
        let (line, column, mut message) = describe_ron_error(text, &e);
        if text.trim().is_empty() {
            message = "the file is empty, so it is not a csp-explorer save (a save begins with \
                       `(` and `version: 4`)"
                .to_owned();
        } else if !text.trim_start().starts_with(['(', '/']) {
            message = "this is not a csp-explorer save (a save begins with `(` and `version: 4`); \
                       spreadsheets and Partner Center files come in through File → Import… or \
                       `csp-explorer import`"
                .to_owned();
        } else if text[offset_of(text, e.span.end.line, e.span.end.col).min(text.len())..]
            .trim()
            .is_empty()
        {
            message.push_str("; the file ends here, too early (was it cut off?)");
        }
        LoadError::Syntax {
            path: path.to_owned(),
            line,
            column,
            message,
        }
    };
    // A newer version may have fields this build does not know: check the version first.
    if let Some(found) = probe_version(text)
        && !(i64::from(OLDEST_VERSION)..=i64::from(FORMAT_VERSION)).contains(&found)
    {
        return Err(LoadError::Version {
            path: path.to_owned(),
            found,
        });
    }
    let mut file: ScenarioFile = ron_options().from_str(text).map_err(syntax)?;
    migrate(file.version, &mut file.links);
    let mut scenario = Scenario::default();
    scenario.meta = ScenarioMeta {
        title: file.title,
        description: file.description,
        as_of: file.as_of,
    };
    crate::model::limits::check_meta(&scenario.meta).map_err(|error| LoadError::Invalid {
        path: path.to_owned(),
        line: line_of_field(text, 0, error.field),
        source: ScenarioError::OutOfBounds {
            subject: "the scenario".to_owned(),
            error,
        },
    })?;
    let invalid = |source: ScenarioError, section: Section, id: &str| {
        let entry = line_of_id(text, section, id);
        let line = match &source {
            ScenarioError::OutOfBounds { error, .. } => line_of_field(text, entry, error.field),
            _ => entry,
        };
        LoadError::Invalid {
            path: path.to_owned(),
            line,
            source,
        }
    };
    scenario.reserve(file.parties.len(), file.links.len());
    for party in file.parties {
        let id = party.id;
        scenario
            .add_party(party)
            .map_err(|e| invalid(e, Section::Parties, id.as_str()))?;
    }
    for link in file.links {
        let id = link.id;
        scenario
            .add_link(link)
            .map_err(|e| invalid(e, Section::Links, id.as_str()))?;
    }
    migrate_layout(file.version, &mut scenario);
    Ok(scenario)
}

/// Which list of a save an entry is in.
#[derive(Clone, Copy)]
enum Section {
    Parties,
    Links,
}

/// The 1-based line of the last `id: "…"` entry with this id in its section (the duplicate, when
/// there are two). Only an `id` field counts: `to: "x"` or `via: "x"` name the party, they are not it.
fn line_of_id(text: &str, section: Section, id: &str) -> usize {
    let needle = format!("\"{id}\"");
    let is_entry = |line: &str| {
        line.match_indices("id:").any(|(i, _)| {
            let before = line[..i].chars().next_back();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                && line[i + 3..].trim_start().starts_with(&needle)
        })
    };
    let start_of = |name: &str| {
        text.lines()
            .position(|l| l.trim_start().starts_with(name))
            .unwrap_or(0)
    };
    let (parties, links) = (start_of("parties:"), start_of("links:"));
    let (from, to) = match section {
        Section::Parties if links > parties => (parties, links),
        Section::Parties => (parties, usize::MAX),
        Section::Links if parties > links => (links, parties),
        Section::Links => (links, usize::MAX),
    };
    text.lines()
        .enumerate()
        .skip(from)
        .take(to.saturating_sub(from))
        .filter(|(_, line)| is_entry(line))
        .map(|(i, _)| i + 1)
        .last()
        .unwrap_or(1)
}

/// The 1-based line where `field:` is first written at or after line `from` (1-based; 0 for the
/// top of the file), or `from` when it is not found there.
fn line_of_field(text: &str, from: usize, field: &str) -> usize {
    let starts_field = |line: &str| {
        line.match_indices(field).any(|(i, _)| {
            let before = line[..i].chars().next_back();
            let after = line[i + field.len()..].trim_start();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_') && after.starts_with(':')
        })
    };
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, line)| starts_field(line))
        .map_or(from.max(1), |(i, _)| i + 1)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{LinkKind, PartyKind};

    pub(crate) fn sample() -> Scenario {
        let mut s = Scenario::new("Round trip");
        s.meta.description = "Two parties, one link.".into();
        s.meta.as_of = Some("2024-01-01".parse().unwrap());
        s.add_party(Party::new("ms", PartyKind::Microsoft).named("Microsoft"))
            .unwrap();
        s.add_party(
            Party::new("fab", PartyKind::DirectBill)
                .named("Fabrikam")
                .in_country("US")
                .mpa("2019-10-01".parse().unwrap())
                .at(10.0, 150.0),
        )
        .unwrap();
        s.add_link(Link::new(
            "s",
            LinkKind::Supply,
            "ms",
            "fab",
            "2020-03-01".parse().unwrap(),
        ))
        .unwrap();
        s
    }

    #[test]
    fn round_trips_and_is_human_readable() {
        let text = scenario_to_ron(&sample()).unwrap();
        assert!(text.contains("version: 4"), "{text}");
        assert!(text.contains("kind: direct_bill"), "{text}");
        assert!(text.contains("mpa_signed: \"2019-10-01\""), "{text}");
        assert!(
            text.contains("x: 10.0,") && text.contains("y: 150.0,"),
            "{text}"
        );
        assert_eq!(scenario_from_ron(&text, "t.ron").unwrap(), sample());
    }

    #[test]
    fn syntax_errors_name_file_line_and_column() {
        let text =
            "(\n  version: 1,\n  title: \"x\",\n  parties: [ (id: \"a\", kind: wizard) ],\n)";
        let err = scenario_from_ron(text, "bad.ron").unwrap_err().to_string();
        assert!(err.starts_with("bad.ron:4:"), "{err}");
        assert!(err.contains("wizard"), "{err}");
    }

    #[test]
    fn a_newer_version_is_refused_clearly() {
        let err = scenario_from_ron("(version: 5, title: \"x\", future_field: 3)", "new.ron")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "new.ron: save format version 5 was written by a newer csp-explorer (this build reads versions 1 to 4); update csp-explorer to open it"
        );
        // Even when the rest uses syntax this build does not know, the version speaks first.
        let err = scenario_from_ron("(version: 7, title: \"x\", parties: {new syntax})", "n.ron")
            .unwrap_err()
            .to_string();
        assert!(err.contains("version 7 was written by a newer"), "{err}");
        let err = scenario_from_ron("(version: -1, title: \"x\")", "neg.ron")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "neg.ron: save format version -1 is not a version csp-explorer has written (this build reads versions 1 to 4); check the `version` field"
        );
    }

    fn with_party_field(field: &str) -> String {
        format!(
            "(\n version: 2,\n title: \"x\",\n parties: [\n  (\n   id: \"c\",\n   kind: customer,\n   name: \"C\",\n   organization: \"c\",\n   tenant: \"c\",\n   tenant_type: customer,\n   {field}\n  ),\n ],\n)"
        )
    }

    #[test]
    fn a_field_name_after_a_wide_character_is_cut_at_a_character_boundary() {
        // The fuzzer's case: an emoji right before the field (a byte index inside it panicked).
        assert_eq!(field_before("💥as_of: \""), Some("as_of".to_owned()));
        assert_eq!(field_before("(💥: "), None);
        assert_eq!(field_before("é_x:"), Some("é_x".to_owned()));
    }

    #[test]
    fn a_date_chrono_cannot_read_names_the_field_and_the_form() {
        for bad in ["2024-13-01", "+300000-01-01", "15.03.2020", ""] {
            let text = with_party_field(&format!("mca_accepted: \"{bad}\","));
            let err = scenario_from_ron(&text, "d.ron").unwrap_err().to_string();
            assert!(err.starts_with("d.ron:12:"), "{bad}: {err}");
            assert!(
                err.ends_with(&format!(
                    "field `mca_accepted`: \"{bad}\" is not a date: expected a date written YYYY-MM-DD from 1990-01-01 to 2100-12-31"
                )),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn values_out_of_bounds_are_refused_with_field_and_line() {
        let cases = [
            (
                "mpa_signed: \"-262143-01-01\",",
                "field `mpa_signed`: -262143-01-01 is out of range",
            ),
            (
                "position: (x: NaN, y: 0.0),",
                "field `position`: (NaN, 0) is not a place",
            ),
            (
                "position: (x: 1.0, y: inf),",
                "field `position`: (1, inf) is not a place",
            ),
            ("position: (x: 1e50, y: 0.0),", "field `position`"),
        ];
        for (field, expected) in cases {
            let err = scenario_from_ron(&with_party_field(field), "b.ron")
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("b.ron:12: party `c`: "), "{field}: {err}");
            assert!(err.contains(expected), "{field}: {err}");
        }
        let long = "n".repeat(201);
        let text = with_party_field("").replace("name: \"C\"", &format!("name: \"{long}\""));
        let err = scenario_from_ron(&text, "b.ron").unwrap_err().to_string();
        assert_eq!(
            err,
            "b.ron:8: party `c`: field `name`: is 201 characters long; at most 200 are allowed"
        );
        let text = with_party_field("").replace("title: \"x\"", "title: \"a\\u{0}b\"");
        let err = scenario_from_ron(&text, "b.ron").unwrap_err().to_string();
        assert!(
            err.starts_with(
                "b.ron:3: the scenario: field `title`: has a control character (U+0000)"
            ),
            "{err}"
        );
        let link = "(\n version: 2,\n title: \"x\",\n parties: [ (id: \"a\", kind: microsoft, name: \"M\", organization: \"m\", tenant: \"m\", tenant_type: csp),\n  (id: \"b\", kind: direct_bill, name: \"B\", organization: \"b\", tenant: \"b\", tenant_type: csp) ],\n links: [\n  (id: \"s\", kind: supply, from: \"a\", to: \"b\",\n   date: \"2999-01-01\"),\n ],\n)";
        let err = scenario_from_ron(link, "l.ron").unwrap_err().to_string();
        assert!(
            err.starts_with("l.ron:8: link `s`: field `date`: 2999-01-01 is out of range"),
            "{err}"
        );
    }

    #[test]
    fn a_duplicate_id_names_its_line() {
        let text = "(\n version: 1,\n title: \"x\",\n parties: [\n  (id: \"a\", kind: customer, name: \"A\", organization: \"a\", tenant: \"a\", tenant_type: customer),\n  (id: \"a\", kind: customer, name: \"A\", organization: \"a\", tenant: \"a\", tenant_type: customer),\n ],\n)";
        let err = scenario_from_ron(text, "dup.ron").unwrap_err().to_string();
        assert_eq!(err, "dup.ron:6: a party with id `a` already exists");
    }

    #[test]
    fn a_version_1_file_is_migrated_to_version_2_and_3() {
        let v1 = "(\n version: 1,\n title: \"old\",\n parties: [\n  (id: \"db\", kind: direct_bill, name: \"DB\", organization: \"db\", tenant: \"db\", tenant_type: csp),\n  (id: \"c\", kind: customer, name: \"C\", organization: \"c\", tenant: \"c\", tenant_type: customer),\n ],\n links: [\n  (id: \"a\", kind: admin, from: \"db\", to: \"c\", date: \"2021-01-01\", status: pending, duration_days: 90),\n ],\n)";
        let s = scenario_from_ron(v1, "old.ron").expect("version 1 loads");
        let admin = s.link("a").unwrap();
        assert_eq!(
            admin.status,
            crate::model::LinkStatus::Accepted,
            "a version 1 status on an admin link meant nothing: it is not a pending request"
        );
        assert_eq!(admin.ended, None);
        assert_eq!(admin.admin_type, crate::model::AdminType::Gdap);
        let text = scenario_to_ron(&s).unwrap();
        assert!(text.contains("version: 4"), "{text}");
        // In version 2 the same field means a pending GDAP request, and ended links keep their day.
        let v2 = v1.replace("version: 1", "version: 2").replace(
            "status: pending",
            "status: pending, ended: \"2022-01-01\", admin_type: dap",
        );
        let s2 = scenario_from_ron(&v2, "new.ron").expect("version 2 loads");
        let admin = s2.link("a").unwrap();
        assert_eq!(admin.status, crate::model::LinkStatus::Pending);
        assert_eq!(admin.ended, Some("2022-01-01".parse().unwrap()));
        assert_eq!(admin.admin_type, crate::model::AdminType::Dap);
        let again = scenario_from_ron(&scenario_to_ron(&s2).unwrap(), "again.ron").unwrap();
        assert_eq!(again, s2, "version 2 round-trips");
        assert!(s2.links().all(|l| l.partner_id_on_record.is_none()));
    }

    #[test]
    fn a_version_2_file_reads_as_version_3_and_the_partner_id_on_record_round_trips() {
        let v2 = "(\n version: 2,\n title: \"v2\",\n parties: [\n  (id: \"db\", kind: direct_bill, name: \"DB\", organization: \"db\", tenant: \"db\", tenant_type: csp),\n  (id: \"c\", kind: customer, name: \"C\", organization: \"c\", tenant: \"c\", tenant_type: customer),\n ],\n links: [\n  (id: \"buy\", kind: purchase, from: \"db\", to: \"c\", date: \"2021-01-01\", ended: \"2022-01-01\"),\n ],\n)";
        let s = scenario_from_ron(v2, "v2.ron").expect("version 2 loads");
        assert_eq!(s.link("buy").unwrap().partner_id_on_record, None);
        let mut s3 = s.clone();
        let mut buy = s3.link("buy").unwrap().clone();
        buy.partner_id_on_record = Some("1234567".into());
        s3.replace_link(buy).unwrap();
        let text = scenario_to_ron(&s3).unwrap();
        assert!(text.contains("version: 4"), "{text}");
        assert!(text.contains("partner_id_on_record: \"1234567\""), "{text}");
        assert_eq!(scenario_from_ron(&text, "v3.ron").unwrap(), s3);
    }

    /// A version 3 file kept only the parties placed by hand; it opens with those where they were
    /// put and the rest where the tier layout drew them (not in a staircase to the right, as a
    /// version 4 file's newly added parties), and saves as version 4 with every position.
    #[test]
    fn a_version_3_layout_opens_as_it_was_drawn_and_saves_as_version_4() {
        let v3 = "(\n version: 3,\n title: \"v3\",\n parties: [\n  (id: \"ms\", kind: microsoft, name: \"Microsoft\", organization: \"ms\", tenant: \"ms\", tenant_type: csp),\n  (id: \"db\", kind: direct_bill, name: \"DB\", organization: \"db\", tenant: \"db\", tenant_type: csp, position: (x: -300.0, y: 75.0)),\n  (id: \"c1\", kind: customer, name: \"C1\", organization: \"c1\", tenant: \"c1\", tenant_type: customer),\n  (id: \"c2\", kind: customer, name: \"C2\", organization: \"c2\", tenant: \"c2\", tenant_type: customer),\n ],\n links: [\n  (id: \"s\", kind: supply, from: \"ms\", to: \"db\", date: \"2020-01-01\"),\n  (id: \"r1\", kind: reseller, from: \"db\", to: \"c1\", date: \"2020-02-01\"),\n  (id: \"r2\", kind: reseller, from: \"db\", to: \"c2\", date: \"2020-02-01\"),\n ],\n)";
        let s = scenario_from_ron(v3, "v3.ron").expect("version 3 loads");
        let mut unplaced = s.clone();
        for id in ["ms", "db", "c1", "c2"] {
            unplaced.set_position(&id.into(), None).unwrap();
        }
        let tiers = crate::layout::TierLayout::default().positions(&unplaced);
        for p in s.parties() {
            let expected = match p.id.as_str() {
                "db" => Position { x: -300.0, y: 75.0 },
                _ => tiers[&p.id],
            };
            assert_eq!(p.position, Some(expected), "party {}", p.id);
        }
        let c2 = PartyId::from("c2");
        assert_eq!(crate::layout::effective_positions(&s)[&c2], tiers[&c2]);
        let text = scenario_to_ron(&s).unwrap();
        assert!(text.contains("version: 4"), "{text}");
        assert_eq!(text.matches("position:").count(), 4, "{text}");
        assert_eq!(scenario_from_ron(&text, "v4.ron").unwrap(), s);
        // The same parties in a version 4 file: the unplaced ones are new, right of their tier.
        let v4 = scenario_from_ron(&v3.replace("version: 3", "version: 4"), "v4.ron").unwrap();
        assert_eq!(v4.parties().filter(|p| p.position.is_some()).count(), 1);
    }

    fn with_admin_field(field: &str) -> String {
        format!(
            "(\n version: 2,\n title: \"x\",\n parties: [ (id: \"a\", kind: direct_bill, name: \"A\", organization: \"a\", tenant: \"a\", tenant_type: csp),\n  (id: \"c\", kind: customer, name: \"C\", organization: \"c\", tenant: \"c\", tenant_type: customer) ],\n links: [\n  (id: \"g\", kind: admin, from: \"a\", to: \"c\", date: \"2021-01-01\",\n   {field}),\n ],\n)"
        )
    }

    #[test]
    fn a_number_names_its_field_and_form_and_no_hint_for_developers_reaches_users() {
        let err = scenario_from_ron(&with_admin_field("duration_days: 99999999999"), "n.ron")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("n.ron:8:"), "{err}");
        assert!(
            err.ends_with(
                "field `duration_days`: `99999999999` is not a whole number of days from 0 to 4294967295"
            ),
            "{err}"
        );
        for value in ["\"two years\"", "-5"] {
            let err = scenario_from_ron(
                &with_admin_field(&format!("duration_days: {value}")),
                "n.ron",
            )
            .unwrap_err()
            .to_string();
            assert!(
                err.contains("field `duration_days`: ")
                    && err.contains("is not a whole number of days from 0 to 4294967295"),
                "{value}: {err}"
            );
        }
        let err = scenario_from_ron(&with_admin_field("auto_extend: yes"), "n.ron")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("field `auto_extend`: expected true or false"),
            "{err}"
        );
        // Brackets nested past RON's limit (a lesson's conditions nest; saves do not).
        let deep = "[".repeat(300);
        let e = ron_options()
            .from_str::<ron::Value>(&deep)
            .expect_err("nested past the limit");
        assert!(
            e.code.to_string().contains("serde_stacker"),
            "RON's own words"
        );
        let (_, _, message) = describe_ron_error(&deep, &e);
        assert!(
            !message.contains("serde_stacker") && !message.contains("recursion_limit"),
            "{message}"
        );
        assert!(
            message.contains("brackets nest more than 128 deep here"),
            "{message}"
        );
    }

    #[test]
    fn ids_and_the_parties_links_name_are_bounded_and_never_echoed_whole() {
        let long = "c".repeat(100_000);
        let text = with_party_field("").replace("id: \"c\"", &format!("id: \"{long}\""));
        let err = scenario_from_ron(&text, "long.ron")
            .unwrap_err()
            .to_string();
        assert!(err.len() < 300, "a short message: {err}");
        assert!(
            err.starts_with("long.ron:6: `cccc")
                && err.ends_with(
                    "…` is not a valid id: use up to 200 letters, digits, `-`, `_` or `.`"
                ),
            "{err}"
        );
        let link =
            with_admin_field("duration_days: 90").replace("to: \"c\"", &format!("to: \"{long}\""));
        let err = scenario_from_ron(&link, "to.ron").unwrap_err().to_string();
        assert!(err.len() < 300, "a short message: {err}");
        assert!(
            err.ends_with(
                "link `g`: field `to`: is 100000 characters long; at most 200 are allowed"
            ),
            "{err}"
        );
    }
}
