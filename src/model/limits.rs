//! What a scenario may hold: dates in a range the rules mean something in, positions a canvas can
//! draw, names a slide can lay out. Every way in (a save, a lesson, an import, an edit in the app)
//! goes through [`Scenario`](super::Scenario)'s mutators, which call these checks, so a value the
//! app cannot draw or do date arithmetic on is refused where it enters, with the field named.
//!
//! The bounds, and why:
//! - dates from [`FIRST_DATE`] to [`LAST_DATE`] (1990-01-01 to 2100-12-31): CSP began in 2014 and
//!   the MPA in 2020, so this leaves room for history and plans while keeping day arithmetic (the
//!   as-of slider, GDAP durations) far from chrono's limits (a year of -262143 used to panic it);
//! - positions finite and within ±[`MAX_COORDINATE`] (10 million canvas units, thousands of screens
//!   wide): `NaN`, `inf` or `1e50` left nothing drawn;
//! - names at most [`MAX_NAME_CHARS`] (200) characters, titles [`MAX_TITLE_CHARS`] (500), other
//!   short texts (ids, tenants, offers, roles) [`MAX_TEXT_CHARS`] (200) and the description
//!   [`MAX_DESCRIPTION_CHARS`] (20,000): a 100 KB name took 10 s to lay out in a PNG export;
//! - at most [`MAX_PARTIES`] (1,000,000) parties and [`MAX_LINKS`] (5,000,000) links: three times
//!   the largest channel measured, so that no file can ask for more memory than it could fill;
//! - no control characters in any of them (the description may hold line breaks and tabs): they
//!   are invisible on screen and forbidden in the XML exports.

use super::{Date, Link, Party, Position, ScenarioMeta};
use std::fmt;

/// The earliest date a scenario may hold.
pub const FIRST_DATE: Date = Date::from_ymd_opt(1990, 1, 1).expect("a valid date");

/// The latest date a scenario may hold.
pub const LAST_DATE: Date = Date::from_ymd_opt(2100, 12, 31).expect("a valid date");

/// The largest absolute canvas coordinate a position may have.
pub const MAX_COORDINATE: f32 = 1e7;

/// The longest party name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// The longest scenario (or lesson) title, in characters.
pub const MAX_TITLE_CHARS: usize = 500;

/// The longest id, organization, tenant, country, offer, role, PartnerID or registration ID.
pub const MAX_TEXT_CHARS: usize = 200;

/// The longest scenario description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 20_000;

/// The most parties a scenario holds: three times the largest channel measured (300,000 parties),
/// so a file cannot make the app reserve memory for millions it does not hold (a scenario takes
/// about 550 bytes of memory per party and link).
pub const MAX_PARTIES: usize = 1_000_000;

/// The most links a scenario holds (see [`MAX_PARTIES`]; the largest channel measured had 1.3
/// million).
pub const MAX_LINKS: usize = 5_000_000;

/// A value outside its bounds: which field, and what is expected instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field as saves and lessons spell it (`mpa_signed`, `position`, `name`).
    pub field: &'static str,
    /// What is wrong and what is expected.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field `{}`: {}", self.field, self.message)
    }
}

/// The form every date takes, for messages.
pub fn expected_date() -> String {
    format!("a date written YYYY-MM-DD from {FIRST_DATE} to {LAST_DATE}")
}

/// Checks one date field.
pub fn check_date(field: &'static str, date: Date) -> Result<(), FieldError> {
    if (FIRST_DATE..=LAST_DATE).contains(&date) {
        Ok(())
    } else {
        Err(FieldError {
            field,
            message: format!("{date} is out of range: expected {}", expected_date()),
        })
    }
}

fn check_optional_date(field: &'static str, date: Option<Date>) -> Result<(), FieldError> {
    date.map_or(Ok(()), |d| check_date(field, d))
}

/// Checks a canvas position.
pub fn check_position(position: Position) -> Result<(), FieldError> {
    let ok = |v: f32| v.is_finite() && v.abs() <= MAX_COORDINATE;
    if ok(position.x) && ok(position.y) {
        Ok(())
    } else {
        Err(FieldError {
            field: "position",
            message: format!(
                "({}, {}) is not a place on the canvas: x and y must be numbers from -{MAX_COORDINATE:e} to {MAX_COORDINATE:e}",
                position.x, position.y
            ),
        })
    }
}

/// Checks a text: at most `max` characters, no control characters (line breaks and tabs only where
/// `multiline`).
pub fn check_text(
    field: &'static str,
    text: &str,
    max: usize,
    multiline: bool,
) -> Result<(), FieldError> {
    // Most texts are ASCII: counted and scanned a byte at a time, without decoding characters (a
    // load checks some eight million at 300,000 parties). Anything else, or a text that fails,
    // takes the way below, which words the error.
    if text.is_ascii()
        && text.len() <= max
        && !text
            .bytes()
            .any(|b| b.is_ascii_control() && !(multiline && matches!(b, b'\n' | b'\t' | b'\r')))
    {
        return Ok(());
    }
    let chars = text.chars().count();
    if chars > max {
        return Err(FieldError {
            field,
            message: format!("is {chars} characters long; at most {max} are allowed"),
        });
    }
    if let Some((i, c)) = text
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control() && !(multiline && matches!(c, '\n' | '\t' | '\r')))
    {
        return Err(FieldError {
            field,
            message: format!(
                "has a control character (U+{:04X}) at character {}; remove it",
                u32::from(c),
                i + 1
            ),
        });
    }
    Ok(())
}

fn check_optional_text(field: &'static str, text: Option<&str>) -> Result<(), FieldError> {
    text.map_or(Ok(()), |t| check_text(field, t, MAX_TEXT_CHARS, false))
}

/// Checks every bounded field of a party.
pub fn check_party(party: &Party) -> Result<(), FieldError> {
    check_text("name", &party.name, MAX_NAME_CHARS, false)?;
    check_optional_text("country", party.country.as_deref())?;
    check_text("organization", &party.organization, MAX_TEXT_CHARS, false)?;
    check_optional_text("affiliate_group", party.affiliate_group.as_deref())?;
    check_text("tenant", &party.tenant, MAX_TEXT_CHARS, false)?;
    check_optional_text("partner_id", party.partner_id.as_deref())?;
    check_optional_text("registration_id", party.registration_id.as_deref())?;
    check_optional_date("mpa_signed", party.mpa_signed)?;
    check_optional_date("restricted_since", party.restricted_since)?;
    check_optional_date("mca_accepted", party.mca_accepted)?;
    party.position.map_or(Ok(()), check_position)
}

/// Checks every bounded field of a link.
pub fn check_link(link: &Link) -> Result<(), FieldError> {
    with_fields(link, check_link_fields)
}

/// `check` of `link`'s fields, borrowed.
fn with_fields<R>(link: &Link, check: impl FnOnce(LinkFields<'_, '_>) -> R) -> R {
    check(LinkFields {
        from: link.from.as_str(),
        to: link.to.as_str(),
        via: link.via.as_ref().map(|v| v.as_str()),
        date: link.date,
        ended: link.ended,
        offer: link.offer.as_deref(),
        tenant: link.tenant.as_deref(),
        partner_id_on_record: link.partner_id_on_record.as_deref(),
        roles: &mut link.roles.iter().map(|role| role.as_str()),
    })
}

/// The bounded fields of a link, borrowed from wherever they are: a [`Link`], or a record of a
/// file checked without making one (see `io::binary::resaved`).
pub struct LinkFields<'a, 'r> {
    /// `from`.
    pub from: &'a str,
    /// `to`.
    pub to: &'a str,
    /// `via`.
    pub via: Option<&'a str>,
    /// `date`.
    pub date: Date,
    /// `ended`.
    pub ended: Option<Date>,
    /// `offer`.
    pub offer: Option<&'a str>,
    /// `tenant`.
    pub tenant: Option<&'a str>,
    /// `partner_id_on_record`.
    pub partner_id_on_record: Option<&'a str>,
    /// `roles`.
    pub roles: &'r mut dyn Iterator<Item = &'a str>,
}

/// [`check_link`] of borrowed fields.
pub fn check_link_fields(link: LinkFields<'_, '_>) -> Result<(), FieldError> {
    // The parties a link names: their ids are bounded, so a longer name is no party's (and is not
    // echoed whole in the error that says so).
    check_text("from", link.from, MAX_TEXT_CHARS, false)?;
    check_text("to", link.to, MAX_TEXT_CHARS, false)?;
    check_optional_text("via", link.via)?;
    check_link_values(link)
}

/// [`check_link`] for a link whose `from`, `to` and `via` are ids of parties a scenario holds:
/// those are valid ids ([`crate::model::valid_id`]), which the bounds of these fields always
/// admit, so only the link's own values are checked. A load checked each end's id again, its
/// text read back from wherever the party's id is held: two or three cache misses a link at
/// 300,000 parties (perf: `check_link` and `check_text` about 4% of `check`).
pub fn check_link_between_parties(link: &Link) -> Result<(), FieldError> {
    with_fields(link, check_link_values)
}

/// The bounded fields of a link other than the parties it names.
fn check_link_values(link: LinkFields<'_, '_>) -> Result<(), FieldError> {
    check_date("date", link.date)?;
    check_optional_date("ended", link.ended)?;
    check_optional_text("offer", link.offer)?;
    check_optional_text("tenant", link.tenant)?;
    check_optional_text("partner_id_on_record", link.partner_id_on_record)?;
    for role in link.roles {
        check_text("roles", role, MAX_TEXT_CHARS, false)?;
    }
    Ok(())
}

/// Checks a scenario's title, description and as-of date.
pub fn check_meta(meta: &ScenarioMeta) -> Result<(), FieldError> {
    check_text("title", &meta.title, MAX_TITLE_CHARS, false)?;
    check_text(
        "description",
        &meta.description,
        MAX_DESCRIPTION_CHARS,
        true,
    )?;
    check_optional_date("as_of", meta.as_of)
}

/// Adds `days` to `date`, staying within [`FIRST_DATE`]..=[`LAST_DATE`] whatever `days` is (the
/// as-of slider and anything else doing day arithmetic on user data).
pub fn add_days_saturating(date: Date, days: i64) -> Date {
    let span = (LAST_DATE - FIRST_DATE).num_days();
    let days = days.clamp(-span - 1, span + 1);
    date.checked_add_signed(chrono::TimeDelta::days(days))
        .unwrap_or(if days < 0 { FIRST_DATE } else { LAST_DATE })
        .clamp(FIRST_DATE, LAST_DATE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LinkKind, PartyKind};

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn dates_outside_the_range_name_their_field_and_the_form() {
        assert!(check_date("date", d("1990-01-01")).is_ok());
        assert!(check_date("date", d("2100-12-31")).is_ok());
        let err = check_date("mpa_signed", d("1989-12-31")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "field `mpa_signed`: 1989-12-31 is out of range: expected a date written YYYY-MM-DD from 1990-01-01 to 2100-12-31"
        );
        let far = Date::from_ymd_opt(-262143, 1, 1).unwrap();
        let link = Link::new("l", LinkKind::Supply, "a", "b", far);
        assert_eq!(check_link(&link).unwrap_err().field, "date");
    }

    /// A link between parties a scenario holds is held to every bound but its ends' (valid ids,
    /// checked when the parties were added): what it refuses, `check_link` refuses alike.
    #[test]
    fn a_link_between_parties_is_held_to_its_own_bounds() {
        let link = || Link::new("l", LinkKind::Purchase, "a", "b", d("2021-01-01"));
        assert!(check_link_between_parties(&link()).is_ok());
        let mut ended = link();
        ended.ended = Some(d("2101-01-01"));
        let mut offer = link();
        offer.offer = Some("M365\u{7}".into());
        let mut role = link();
        role.roles = vec!["x".repeat(MAX_TEXT_CHARS + 1).into()];
        for (bad, field) in [(ended, "ended"), (offer, "offer"), (role, "roles")] {
            assert_eq!(
                check_link_between_parties(&bad).unwrap_err(),
                check_link(&bad).unwrap_err()
            );
            assert_eq!(check_link(&bad).unwrap_err().field, field);
        }
    }

    #[test]
    fn positions_must_be_finite_and_bounded() {
        for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 1e8, -1.5e7] {
            let p = Party::new("p", PartyKind::Customer).at(bad, 0.0);
            let err = check_party(&p).unwrap_err();
            assert_eq!(err.field, "position", "{bad}");
        }
        assert!(check_party(&Party::new("p", PartyKind::Customer).at(-1e7, 1e7)).is_ok());
    }

    #[test]
    fn names_and_titles_are_bounded_and_without_control_characters() {
        let long = "x".repeat(MAX_NAME_CHARS + 1);
        let err = check_party(&Party::new("p", PartyKind::Customer).named(&long)).unwrap_err();
        assert_eq!(err.field, "name");
        assert!(err.message.contains("201 characters"), "{err}");
        // Characters, not bytes: 200 three-byte characters are fine.
        assert!(
            check_party(&Party::new("p", PartyKind::Customer).named(&"日".repeat(200))).is_ok()
        );
        let err = check_party(&Party::new("p", PartyKind::Customer).named("a\u{7}b")).unwrap_err();
        assert!(
            err.message.contains("U+0007") && err.message.contains("character 2"),
            "{err}"
        );
        let meta = ScenarioMeta {
            title: "t".into(),
            description: "line one\nline two\twith a tab".into(),
            as_of: None,
        };
        assert!(check_meta(&meta).is_ok());
        let meta = ScenarioMeta {
            title: "a\nb".into(),
            ..meta
        };
        assert_eq!(check_meta(&meta).unwrap_err().field, "title");
    }

    #[test]
    fn day_arithmetic_saturates_inside_the_range() {
        assert_eq!(add_days_saturating(d("2020-01-01"), 31), d("2020-02-01"));
        assert_eq!(add_days_saturating(d("2020-01-01"), i64::MAX), LAST_DATE);
        assert_eq!(add_days_saturating(d("2020-01-01"), i64::MIN), FIRST_DATE);
        assert_eq!(add_days_saturating(Date::MIN, 0), FIRST_DATE);
        assert_eq!(add_days_saturating(Date::MAX, 10), LAST_DATE);
    }
}
