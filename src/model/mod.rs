//! The CSP channel as data: parties, links, regions and the scenario that holds them.
//!
//! Nothing here knows about egui, files or rules. The scenario is the single source of truth that the
//! rule engine reads, edits change, saves persist and the canvas mirrors.

pub mod identity;
mod ids;
mod index;
mod kinds;
pub mod limits;
pub mod link;
mod link_ids;
mod markets;
mod meta;
mod party;
pub mod prefetch;
mod scenario;
mod shared_text;
mod texts;

pub use ids::{LinkId, PartyId};
pub use link::{AdminRole, AdminType, Link, LinkKind, LinkStatus, Publisher};
pub(crate) use link_ids::Placed;
pub use markets::{Market, Markets, Region, markets};
pub use meta::ScenarioMeta;
pub use party::{Party, PartyKind, Position, TenantType};
pub use scenario::{ChannelGraph, Scenario, ScenarioError, ends_after_its_date, valid_id};
pub use shared_text::SharedText;
pub use texts::{prefetch as prefetch_id, reserve as reserve_ids};

/// Calendar dates everywhere in the model (`YYYY-MM-DD` in saves and CSV).
pub type Date = chrono::NaiveDate;

/// The date from which every partner that transacts in CSP must have signed the Microsoft Partner Agreement.
pub fn mpa_effective_date() -> Date {
    Date::from_ymd_opt(2020, 2, 1).expect("2020-02-01 is a valid date")
}

/// Today's date on this machine: the default as-of date of a scenario.
pub fn today() -> Date {
    chrono::Local::now().date_naive()
}
