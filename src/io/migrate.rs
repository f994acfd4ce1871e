//! The versions of the save format's model, and how an older save is brought up to date on load,
//! for RON and `.cspx` alike. Must not parse or write files: each format calls it on what it read.

use crate::model::Link;

/// The version this build writes. Version 3 adds `partner_id_on_record` on purchases.
pub const FORMAT_VERSION: u32 = 3;

/// The oldest version this build reads (and migrates on load).
pub const OLDEST_VERSION: u32 = 1;

/// Brings the links of a file of `version` to the version this build writes, step by step:
/// [`migrate_v1`] for version 1; version 2 → 3 changes nothing (version 3 only adds the optional
/// `partner_id_on_record`, which a version 2 file never has).
pub fn migrate(version: u32, links: &mut [Link]) {
    if version == 1 {
        migrate_v1(links);
    }
}

/// Brings the links of a version 1 file to version 2.
///
/// Version 1 read `status` on partnerships only; version 2 reads it on admin links too (a `pending`
/// admin link is a GDAP request the customer has not approved). A version 1 file may carry a status
/// on another kind of link that meant nothing then, so it is reset to the default rather than
/// turning an admin relationship into a request on load. `ended` and `admin_type` did not exist:
/// their defaults (not ended, GDAP) are what version 1 meant.
pub fn migrate_v1(links: &mut [Link]) {
    for link in links {
        if link.kind != crate::model::LinkKind::Partnership {
            link.status = crate::model::LinkStatus::default();
        }
    }
}
