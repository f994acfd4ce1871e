//! What the channel graph holds for each party and link: the record behind its `Arc`, with the few
//! fields that walks over the graph filter on copied beside it.
//!
//! Why: the rules walk a party's links all the time (a customer's sellers, a reseller's providers,
//! whether Microsoft supplies a provider), and almost every step of such a walk only asks the link's
//! kind and dates and the other party's kind. With the records only behind their `Arc`s each step
//! read two allocations of their own, both cache misses once the channel outgrows the cache: at
//! 100,000 parties the customer rules alone waited on about nine misses per customer
//! (cachegrind), and the full check grew ×19 for ×10 parties. Copied into the graph's own tables
//! (read in order by a full check, and small enough to stay cached), those questions read no
//! record at all, and the record is read only for the links that pass the filter.
//!
//! Both entries dereference to their record, so code that reads a party or a link through the
//! graph reads it as before (a field, `entry.kind`, is the record's: the copies are private). The
//! entry's own methods read the copies: `kind()`, and a link's `exists_at` and `ended_by`, which
//! are found before the record's methods of the same name and answer the same. The copies are
//! made only here, from the record they sit beside, nothing can change one (an entry has no
//! `DerefMut`, and its fields are private), and the graph is private to [`super::Scenario`],
//! which replaces an entry whole whenever it replaces the record: they cannot drift apart.

use super::{Date, Link, LinkKind, Party, PartyKind};
use std::ops::Deref;
use std::sync::Arc;

/// A party as the channel graph holds it: shared with copies of the scenario (see
/// [`super::ChannelGraph`]), with its kind beside it.
#[derive(Clone, Debug)]
pub struct PartyEntry {
    kind: PartyKind,
    party: Arc<Party>,
}

impl PartyEntry {
    /// The entry for a party.
    pub fn new(party: Party) -> Self {
        PartyEntry {
            kind: party.kind,
            party: Arc::new(party),
        }
    }

    /// The party's kind, from the copy.
    pub fn kind(&self) -> PartyKind {
        self.kind
    }

    /// The party, copied only when a copy of the scenario still shares it.
    pub fn into_party(self) -> Party {
        Arc::unwrap_or_clone(self.party)
    }

    /// True when both entries hold the same shared party (not only equal ones): a copy of the
    /// scenario that has not changed it.
    pub fn shares_party_with(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.party, &other.party)
    }

    /// The party to change in place (copied first while a copy of the scenario shares it). Only
    /// for what the entry does not copy: its kind must stay as it is.
    pub(super) fn make_mut(&mut self) -> &mut Party {
        Arc::make_mut(&mut self.party)
    }
}

impl Deref for PartyEntry {
    type Target = Party;

    fn deref(&self) -> &Party {
        &self.party
    }
}

/// A link as the channel graph holds it: shared with copies of the scenario, with its kind and
/// dates beside it.
#[derive(Clone, Debug)]
pub struct LinkEntry {
    kind: LinkKind,
    date: Date,
    ended: Option<Date>,
    link: Arc<Link>,
}

impl LinkEntry {
    /// The entry for a link.
    pub fn new(link: Link) -> Self {
        LinkEntry {
            kind: link.kind,
            date: link.date,
            ended: link.ended,
            link: Arc::new(link),
        }
    }

    /// The link's kind, from the copy.
    pub fn kind(&self) -> LinkKind {
        self.kind
    }

    /// The link, copied only when a copy of the scenario still shares it.
    pub fn into_link(self) -> Link {
        Arc::unwrap_or_clone(self.link)
    }

    /// True when both entries hold the same shared link (not only equal ones): a copy of the
    /// scenario that has not changed it.
    pub fn shares_link_with(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.link, &other.link)
    }

    /// [`Link::exists_at`] on the copied dates.
    pub fn exists_at(&self, as_of: Date) -> bool {
        self.date <= as_of && self.ended.is_none_or(|ended| as_of < ended)
    }

    /// [`Link::ended_by`] on the copied dates.
    pub fn ended_by(&self, as_of: Date) -> bool {
        self.ended.is_some_and(|ended| ended <= as_of)
    }
}

impl Deref for LinkEntry {
    type Target = Link;

    fn deref(&self) -> &Link {
        &self.link
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    /// The copies answer as the record does, on every side of both dates.
    #[test]
    fn a_link_entry_answers_as_its_link() {
        let open = Link::new("l", LinkKind::Purchase, "a", "b", d("2024-03-01"));
        let ended = open.clone().ended_on(d("2024-06-01"));
        for link in [open, ended] {
            let entry = LinkEntry::new(link.clone());
            assert_eq!(entry.kind(), link.kind);
            assert_eq!(*entry, link);
            for day in [
                "2024-02-29",
                "2024-03-01",
                "2024-05-31",
                "2024-06-01",
                "2025-01-01",
            ] {
                assert_eq!(entry.exists_at(d(day)), link.exists_at(d(day)), "{day}");
                assert_eq!(entry.ended_by(d(day)), link.ended_by(d(day)), "{day}");
            }
        }
    }

    #[test]
    fn a_party_entry_reads_as_its_party() {
        let mut party = Party::new("r", PartyKind::IndirectReseller);
        party.name = "Reseller".to_owned();
        let entry = PartyEntry::new(party.clone());
        assert_eq!(entry.kind(), PartyKind::IndirectReseller);
        assert_eq!(entry.name, "Reseller");
        assert_eq!(entry.into_party(), party);
    }
}
