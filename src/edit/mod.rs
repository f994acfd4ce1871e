//! Edit commands: the only way a scenario changes. Must not check rules or draw: an edit reports
//! what it [`Touched`], and the rule engine and the canvas take it from there.
//!
//! Every gesture of the UI, every quick fix and every lesson step becomes an [`Edit`]. Applying one
//! returns its inverse, which is what makes undo/redo ([`History`]) fall out for free, and tells the rule
//! engine exactly what was touched ([`Touched`]) so that it re-checks only what the edit can affect.

mod history;

pub use history::{History, StepId};

use crate::model::{
    Date, Link, LinkId, LinkKind, Party, PartyId, Position, Scenario, ScenarioError, ScenarioMeta,
};
use std::collections::{BTreeMap, BTreeSet};

/// One change to a scenario.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Add a party.
    AddParty(Party),
    /// Remove a party and every link that names it.
    RemoveParty(PartyId),
    /// Replace the party with the same id.
    UpdateParty(Party),
    /// Move a party on the canvas (does not change any finding).
    MoveParty(PartyId, Option<Position>),
    /// Add a link.
    AddLink(Link),
    /// Remove a link.
    RemoveLink(LinkId),
    /// Replace the link with the same id (its ends may change).
    UpdateLink(Link),
    /// Change the as-of date (`None`: today).
    SetAsOf(Option<Date>),
    /// Change title and description (the as-of date inside is ignored; use [`Edit::SetAsOf`]).
    SetMeta(ScenarioMeta),
    /// Several edits as one step, applied in order and undone in reverse.
    Batch(Vec<Edit>),
}

/// A bounds error of the scenario's own fields (title, description, as-of date).
fn out_of_bounds(error: crate::model::limits::FieldError) -> ScenarioError {
    ScenarioError::OutOfBounds {
        subject: "the scenario".to_owned(),
        error,
    }
}

impl Edit {
    /// Applies the edit and returns the edit that undoes it. On error the scenario is unchanged.
    pub fn apply(self, scenario: &mut Scenario) -> Result<Edit, ScenarioError> {
        Ok(match self {
            Edit::AddParty(party) => {
                let id = party.id;
                scenario.add_party(party)?;
                Edit::RemoveParty(id)
            }
            Edit::RemoveParty(id) => {
                let (party, links) = scenario.remove_party(&id)?;
                let mut undo = vec![Edit::AddParty(party)];
                undo.extend(links.into_iter().map(Edit::AddLink));
                Edit::Batch(undo)
            }
            Edit::UpdateParty(party) => Edit::UpdateParty(scenario.replace_party(party)?),
            Edit::MoveParty(id, position) => {
                let old = scenario.set_position(&id, position)?;
                Edit::MoveParty(id, old)
            }
            Edit::AddLink(link) => {
                let id = link.id;
                scenario.add_link(link)?;
                Edit::RemoveLink(id)
            }
            Edit::RemoveLink(id) => Edit::AddLink(scenario.remove_link(&id)?),
            Edit::UpdateLink(link) => Edit::UpdateLink(scenario.replace_link(link)?),
            Edit::SetAsOf(as_of) => {
                if let Some(day) = as_of {
                    crate::model::limits::check_date("as_of", day).map_err(out_of_bounds)?;
                }
                Edit::SetAsOf(std::mem::replace(&mut scenario.meta.as_of, as_of))
            }
            Edit::SetMeta(meta) => {
                let as_of = scenario.meta.as_of;
                crate::model::limits::check_meta(&ScenarioMeta {
                    as_of: None,
                    ..meta.clone()
                })
                .map_err(out_of_bounds)?;
                let old = std::mem::replace(&mut scenario.meta, ScenarioMeta { as_of, ..meta });
                Edit::SetMeta(old)
            }
            Edit::Batch(edits) => {
                let mut undo = Vec::with_capacity(edits.len());
                for edit in edits {
                    match edit.apply(scenario) {
                        Ok(inverse) => undo.push(inverse),
                        Err(e) => {
                            // Roll back what was applied so that a failed batch changes nothing.
                            for inverse in undo.into_iter().rev() {
                                inverse
                                    .apply(scenario)
                                    .expect("the inverse of an applied edit always applies");
                            }
                            return Err(e);
                        }
                    }
                }
                undo.reverse();
                Edit::Batch(undo)
            }
        })
    }

    /// The graph indexes, in `scenario` as it is before this edit applies, of the parties and links
    /// the edit removes or replaces (a link whose ends change gets a new index): after the edit
    /// they are gone or reused, so a view that keeps per-index state must forget what it kept
    /// there. Added parties and links are not listed (they have no index before).
    pub fn replaced_indexes(
        &self,
        scenario: &Scenario,
        parties: &mut Vec<petgraph::stable_graph::NodeIndex>,
        links: &mut Vec<petgraph::stable_graph::EdgeIndex>,
    ) {
        match self {
            Edit::RemoveParty(id) => {
                if let Some(n) = scenario.party_index(id.as_str()) {
                    parties.push(n);
                    let g = scenario.graph();
                    for direction in [petgraph::Direction::Outgoing, petgraph::Direction::Incoming]
                    {
                        links.extend(
                            g.edges_directed(n, direction)
                                .map(|e| petgraph::visit::EdgeRef::id(&e)),
                        );
                    }
                    // Links that name it as `via` go with it.
                    links.extend(
                        scenario
                            .links_via(id.as_str())
                            .filter_map(|l| scenario.link_index(l.id.as_str())),
                    );
                }
            }
            Edit::RemoveLink(id) => links.extend(scenario.link_index(id.as_str())),
            Edit::UpdateLink(l) => links.extend(scenario.link_index(l.id.as_str())),
            Edit::Batch(edits) => edits
                .iter()
                .for_each(|e| e.replaced_indexes(scenario, parties, links)),
            Edit::AddParty(_)
            | Edit::UpdateParty(_)
            | Edit::MoveParty(..)
            | Edit::AddLink(_)
            | Edit::SetAsOf(_)
            | Edit::SetMeta(_) => {}
        }
    }

    /// A short human description for the undo menu ("add link p1", "change party dist").
    pub fn describe(&self) -> String {
        match self {
            Edit::AddParty(p) => format!("add {}", p.name),
            Edit::RemoveParty(id) => format!("delete party {id}"),
            Edit::UpdateParty(p) => format!("change {}", p.name),
            Edit::MoveParty(id, _) => format!("move {id}"),
            Edit::AddLink(l) => format!("add {} {}", l.kind.label(), l.id),
            Edit::RemoveLink(id) => format!("delete link {id}"),
            Edit::UpdateLink(l) => format!("change {} {}", l.kind.label(), l.id),
            Edit::SetAsOf(Some(d)) => format!("check as of {d}"),
            Edit::SetAsOf(None) => "check as of today".to_owned(),
            Edit::SetMeta(_) => "change title".to_owned(),
            Edit::Batch(edits) if edits.len() == 1 => edits[0].describe(),
            Edit::Batch(edits) => format!("{} changes", edits.len()),
        }
    }

    /// Adds to `touched` what this edit names: parties and links with their values (old or new).
    /// The values of updated parties go to `versions`, so [`Touched::of`] can tell which fields
    /// changed.
    fn collect<'a>(
        &'a self,
        scenario: &Scenario,
        touched: &mut Touched,
        versions: &mut Vec<&'a Party>,
    ) {
        match self {
            Edit::AddParty(p) => {
                touched.party(p);
                touched.changed(&p.id, PartyFields::EXISTENCE);
            }
            Edit::UpdateParty(p) => {
                touched.party(p);
                touched.changed(&p.id, PartyFields::NONE);
                versions.push(p);
            }
            Edit::RemoveParty(id) => {
                if let Some(p) = scenario.party(id.as_str()) {
                    touched.party(p);
                }
                touched.parties.insert(*id);
                touched.changed(id, PartyFields::EXISTENCE);
            }
            Edit::MoveParty(id, _) => {
                touched.moved.insert(*id);
            }
            Edit::AddLink(l) | Edit::UpdateLink(l) => touched.link(l),
            Edit::RemoveLink(id) => {
                if let Some(l) = scenario.link(id.as_str()) {
                    touched.link(l);
                }
                touched.links.insert(*id);
            }
            Edit::SetAsOf(_) => touched.everything = true,
            Edit::SetMeta(_) => {}
            Edit::Batch(edits) => edits
                .iter()
                .for_each(|e| e.collect(scenario, touched, versions)),
        }
    }
}

/// Which fields of a party an edit changed (a set of flags). The rule engine re-checks only what
/// reads them: a customer's MCA date matters to its own purchases, a provider's PartnerID to no
/// link at all, and only a provider's kind (or, for the wording, its name) to its resellers' sales.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PartyFields(u16);

impl PartyFields {
    /// Nothing (a party named by an edit whose values are the same before and after).
    pub const NONE: PartyFields = PartyFields(0);
    /// The party was added or removed.
    pub const EXISTENCE: PartyFields = PartyFields(1);
    /// [`Party::kind`].
    pub const KIND: PartyFields = PartyFields(1 << 1);
    /// [`Party::name`].
    pub const NAME: PartyFields = PartyFields(1 << 2);
    /// [`Party::country`].
    pub const COUNTRY: PartyFields = PartyFields(1 << 3);
    /// [`Party::organization`].
    pub const ORGANIZATION: PartyFields = PartyFields(1 << 4);
    /// [`Party::affiliate_group`].
    pub const AFFILIATE_GROUP: PartyFields = PartyFields(1 << 5);
    /// [`Party::tenant`].
    pub const TENANT: PartyFields = PartyFields(1 << 6);
    /// [`Party::tenant_type`].
    pub const TENANT_TYPE: PartyFields = PartyFields(1 << 7);
    /// [`Party::mpa_signed`].
    pub const MPA_SIGNED: PartyFields = PartyFields(1 << 8);
    /// [`Party::partner_id`].
    pub const PARTNER_ID: PartyFields = PartyFields(1 << 9);
    /// [`Party::registration_id`].
    pub const REGISTRATION_ID: PartyFields = PartyFields(1 << 10);
    /// [`Party::onboarded`].
    pub const ONBOARDED: PartyFields = PartyFields(1 << 11);
    /// [`Party::enrolled`].
    pub const ENROLLED: PartyFields = PartyFields(1 << 12);
    /// [`Party::restricted_since`].
    pub const RESTRICTED_SINCE: PartyFields = PartyFields(1 << 13);
    /// [`Party::mca_accepted`].
    pub const MCA_ACCEPTED: PartyFields = PartyFields(1 << 14);
    /// Every field (and existence).
    pub const ALL: PartyFields = PartyFields((1 << 15) - 1);

    /// The fields that differ between two values of one party; its canvas position is not a field
    /// any rule reads. Every field of [`Party`] is named here, so a new one cannot be forgotten.
    pub fn between(a: &Party, b: &Party) -> PartyFields {
        let Party {
            id: _,
            kind,
            name,
            country,
            organization,
            affiliate_group,
            tenant,
            tenant_type,
            mpa_signed,
            partner_id,
            registration_id,
            onboarded,
            enrolled,
            restricted_since,
            mca_accepted,
            position: _,
        } = a;
        let mut fields = PartyFields::NONE;
        let mut differ = |same: bool, field: PartyFields| {
            if !same {
                fields = fields | field;
            }
        };
        differ(*kind == b.kind, PartyFields::KIND);
        differ(*name == b.name, PartyFields::NAME);
        differ(*country == b.country, PartyFields::COUNTRY);
        differ(*organization == b.organization, PartyFields::ORGANIZATION);
        differ(
            *affiliate_group == b.affiliate_group,
            PartyFields::AFFILIATE_GROUP,
        );
        differ(*tenant == b.tenant, PartyFields::TENANT);
        differ(*tenant_type == b.tenant_type, PartyFields::TENANT_TYPE);
        differ(*mpa_signed == b.mpa_signed, PartyFields::MPA_SIGNED);
        differ(*partner_id == b.partner_id, PartyFields::PARTNER_ID);
        differ(
            *registration_id == b.registration_id,
            PartyFields::REGISTRATION_ID,
        );
        differ(*onboarded == b.onboarded, PartyFields::ONBOARDED);
        differ(*enrolled == b.enrolled, PartyFields::ENROLLED);
        differ(
            *restricted_since == b.restricted_since,
            PartyFields::RESTRICTED_SINCE,
        );
        differ(*mca_accepted == b.mca_accepted, PartyFields::MCA_ACCEPTED);
        fields
    }

    /// True when any of `other`'s fields is in this set.
    pub fn intersects(self, other: PartyFields) -> bool {
        self.0 & other.0 != 0
    }

    /// True when no field changed.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The fields of this set that are not in `other`.
    pub const fn without(self, other: PartyFields) -> PartyFields {
        PartyFields(self.0 & !other.0)
    }

    /// The fields of both sets (usable in constants, unlike `|`).
    pub const fn or(self, other: PartyFields) -> PartyFields {
        PartyFields(self.0 | other.0)
    }
}

impl std::ops::BitOr for PartyFields {
    type Output = PartyFields;

    fn bitor(self, other: PartyFields) -> PartyFields {
        PartyFields(self.0 | other.0)
    }
}

/// What an applied edit touched: the input of an incremental re-check.
///
/// It holds old *and* new values (names of parties and links, organizations, affiliate groups and
/// tenants), because a finding may depend on a value an edit took away: a purchase provisioned to a
/// tenant that no longer belongs to a partner is no longer own use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Touched {
    /// The edit changes the whole picture (the as-of date, Microsoft itself): re-check everything.
    pub everything: bool,
    /// Parties added, removed or changed, and every party a touched link names.
    pub parties: BTreeSet<PartyId>,
    /// Links added, removed or changed.
    pub links: BTreeSet<LinkId>,
    /// Organizations and affiliate groups of touched parties, before and after.
    pub organizations: BTreeSet<String>,
    /// Tenants of touched parties and links, before and after.
    pub tenants: BTreeSet<String>,
    /// PartnerIDs of touched parties, before and after (a PartnerID shared across tenants is a
    /// finding on every party that has it).
    pub partner_ids: BTreeSet<String>,
    /// Parties moved on the canvas ([`Edit::MoveParty`]): no finding changes, but what is drawn
    /// where does, so views of the drawing update just these.
    pub moved: BTreeSet<PartyId>,
    /// The parties the edit added, removed or changed (not those it only names through a link),
    /// with the fields that changed.
    pub changed_parties: BTreeMap<PartyId, PartyFields>,
    /// The kind and ends of every touched link, before and after (a re-routed or re-typed link
    /// appears twice): what decides which other links and parties read it.
    pub link_shapes: BTreeSet<(LinkKind, PartyId, PartyId)>,
}

impl Touched {
    /// What applying `edit` touched, given `inverse` (its result) and the scenario after it.
    pub fn of(edit: &Edit, inverse: &Edit, after: &Scenario) -> Touched {
        let mut touched = Touched::default();
        let mut versions = Vec::new();
        edit.collect(after, &mut touched, &mut versions);
        inverse.collect(after, &mut touched, &mut versions);
        // An updated party's changed fields: each value the edit and its inverse hold against the
        // party as it is now (the edit's own value is the current one; the inverse's the old).
        for version in versions {
            let fields = match after.party(version.id.as_str()) {
                Some(now) => PartyFields::between(version, now),
                None => PartyFields::EXISTENCE,
            };
            touched.changed(&version.id, fields);
        }
        touched
    }

    fn changed(&mut self, id: &PartyId, fields: PartyFields) {
        let entry = self.changed_parties.entry(*id).or_insert(PartyFields::NONE);
        *entry = *entry | fields;
    }

    /// Everything: used after loading or when the as-of date changes.
    pub fn everything() -> Touched {
        Touched {
            everything: true,
            ..Touched::default()
        }
    }

    fn party(&mut self, p: &Party) {
        if p.kind == crate::model::PartyKind::Microsoft {
            // Microsoft is the root of every chain: a change to it can affect any purchase.
            self.everything = true;
        }
        self.parties.insert(p.id);
        self.organizations.insert(p.organization.clone());
        self.organizations
            .extend(p.affiliate_group.map(String::from));
        self.tenants.insert(p.tenant.clone());
        self.partner_ids.extend(p.partner_id.map(String::from));
    }

    fn link(&mut self, l: &Link) {
        self.links.insert(l.id);
        self.link_shapes.insert((l.kind, l.from, l.to));
        self.parties.extend(l.parties().cloned());
        self.tenants.extend(l.tenant.map(String::from));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LinkKind, PartyKind};

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn base() -> Scenario {
        let mut s = Scenario::new("t");
        s.add_party(Party::new("ms", PartyKind::Microsoft)).unwrap();
        s.add_party(Party::new("db", PartyKind::DirectBill))
            .unwrap();
        s.add_party(Party::new("c", PartyKind::Customer)).unwrap();
        s.add_link(Link::new(
            "s",
            LinkKind::Supply,
            "ms",
            "db",
            d("2021-01-01"),
        ))
        .unwrap();
        s.add_link(Link::new(
            "buy",
            LinkKind::Purchase,
            "db",
            "c",
            d("2021-01-01"),
        ))
        .unwrap();
        s
    }

    #[test]
    fn every_edit_is_undone_by_its_inverse() {
        let edits = vec![
            Edit::AddParty(Party::new("x", PartyKind::Customer)),
            Edit::RemoveParty("db".into()),
            Edit::UpdateParty(Party::new("c", PartyKind::Customer).in_country("DE")),
            Edit::MoveParty("c".into(), Some(Position { x: 1.0, y: 2.0 })),
            Edit::AddLink(Link::new(
                "r",
                LinkKind::Reseller,
                "db",
                "c",
                d("2020-01-01"),
            )),
            Edit::RemoveLink("buy".into()),
            Edit::UpdateLink(Link::new(
                "buy",
                LinkKind::Purchase,
                "db",
                "db",
                d("2021-01-01"),
            )),
            Edit::SetAsOf(Some(d("2019-01-01"))),
            Edit::SetMeta(ScenarioMeta {
                title: "new".into(),
                ..ScenarioMeta::default()
            }),
        ];
        for edit in edits {
            let mut s = base();
            let inverse = edit.clone().apply(&mut s).unwrap();
            assert_ne!(s, base(), "{edit:?} changed nothing");
            inverse.apply(&mut s).unwrap();
            assert_eq!(s, base(), "undoing {edit:?}");
        }
    }

    #[test]
    fn a_failed_batch_changes_nothing() {
        let mut s = base();
        let batch = Edit::Batch(vec![
            Edit::AddParty(Party::new("x", PartyKind::Customer)),
            Edit::RemoveLink("no-such-link".into()),
        ]);
        assert_eq!(
            batch.apply(&mut s),
            Err(ScenarioError::UnknownLink("no-such-link".into()))
        );
        assert_eq!(s, base());
    }

    #[test]
    fn touched_holds_old_and_new_values() {
        let mut s = base();
        let new = Party::new("c", PartyKind::Customer)
            .with_tenant("t2", crate::model::TenantType::Customer);
        let edit = Edit::UpdateParty(new);
        let inverse = edit.clone().apply(&mut s).unwrap();
        let touched = Touched::of(&edit, &inverse, &s);
        assert!(touched.tenants.contains("t2") && touched.tenants.contains("c"));
        assert!(!touched.everything);
    }
}
