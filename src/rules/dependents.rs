//! What an edit can have changed the findings of: the dependents an incremental re-check visits.
//! Owns: the map from a touched field or link to the links and parties whose rules read it. Must
//! not: check anything itself; `Checker::update` (engine.rs) re-checks what it collects.
//!
//! `tests/incremental.rs` holds the result equal to a full check over random channels and edits,
//! so a rule that starts reading something new must be listed here too.

use crate::edit::{PartyFields, Touched};
use crate::model::{Link, LinkId, LinkKind, Scenario};
use std::collections::{HashMap, HashSet};

/// The maps and sets of ids the engine keeps findings in: foldhash, as the model's indexes.
pub(super) type IdMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
/// See [`IdMap`].
pub(super) type IdSet<K> = HashSet<K, foldhash::fast::RandomState>;

/// The fields of a party that a rule on one of its own links reads (as seller, billing provider,
/// customer or partnership end): all but the registration number, which only the party's own
/// checks read (the PartnerID is read by the `partner_id_on_record_*` rules on a reseller's or its
/// billing provider's purchases). The name is apart: it only words findings (see
/// [`super::Name`]).
const READ_BY_OWN_LINKS: PartyFields = PartyFields::ALL
    .without(PartyFields::NAME)
    .without(PartyFields::REGISTRATION_ID);

/// The fields of a partner that `own_use_on_csp_tenant` reads on purchases provisioned to its
/// tenant, and `reseller_customer_of_own_provider` on sales to its organization's customers.
const READ_BY_TENANT_AND_ORGANIZATION: PartyFields = PartyFields::EXISTENCE
    .or(PartyFields::KIND)
    .or(PartyFields::ORGANIZATION)
    .or(PartyFields::TENANT);

/// The fields the identity rules read on the partners sharing a tenant or a PartnerID.
const READ_BY_IDENTITY: PartyFields = READ_BY_TENANT_AND_ORGANIZATION
    .or(PartyFields::PARTNER_ID)
    .or(PartyFields::RESTRICTED_SINCE);

/// What one edit can have changed the findings of: the links and parties to re-check.
///
/// Each rule reads its subject and a few things around it; this is the same list read the other way
/// round (who reads a given link or party field):
/// - a **supply** into P: every sale P makes or bills (sold by P, `via` P, or by a reseller
///   partnered with P, whose billing provider and chain depend on P's supply) and P's partnerships
///   (their path starts at Microsoft when P is supplied);
/// - a **partnership** into reseller R: R's sales (their chain, billing provider and path) and
///   admin links (`customers_left_behind`), and the sales to customers of R's organization
///   (`reseller_customer_of_own_provider`);
/// - a **reseller relationship** into customer C: C's purchases (`no_reseller_relationship`,
///   `relationship_removed_with_active_subscriptions`, `direct_bill_buys_for_reseller_customer`),
///   C's other reseller relationships and admin links (`customers_left_behind`) and C
///   (`registration_id_missing`);
/// - a **purchase** or **admin relationship** into C: C (`multi_partner`, `multi_channel`);
/// - a party's fields: its own links for the fields they read ([`READ_BY_OWN_LINKS`]); a provider's
///   kind and PartnerID its resellers' dealings (which partnerships count; the PartnerID on record);
///   a reseller's tenant and kind the purchases of the customers it has reseller relationships
///   with (`direct_bill_buys_for_reseller_customer`); the customers it has links to (their
///   notes need it to be a partner); a partner's tenant, organization and kind the purchases
///   provisioned to its tenant and the sales to its organization's customers; the partners sharing
///   its tenant or PartnerID (identity rules);
/// - a name decides nothing: `Checker::update` re-words the findings that name the party.
///
/// `tests/incremental.rs` holds the result equal to a full check over random channels and edits.
pub(super) struct Dependents<'a> {
    scenario: &'a Scenario,
    pub links: IdMap<&'a str, &'a Link>,
    pub parties: IdSet<&'a str>,
    pub gone_links: Vec<&'a LinkId>,
}

impl<'a> Dependents<'a> {
    pub fn new(scenario: &'a Scenario) -> Self {
        Dependents {
            scenario,
            links: IdMap::default(),
            parties: IdSet::default(),
            gone_links: Vec::new(),
        }
    }

    fn link(&mut self, link: &'a Link) {
        self.links.insert(link.id.as_str(), link);
    }

    fn party(&mut self, id: &'a str) {
        self.parties.insert(id);
    }

    pub fn collect(&mut self, touched: &'a Touched) {
        let scenario = self.scenario;
        for id in &touched.links {
            match scenario.link(id.as_str()) {
                Some(link) => self.link(link),
                None => self.gone_links.push(id),
            }
        }
        for (kind, from, to) in &touched.link_shapes {
            self.party(from.as_str());
            self.party(to.as_str());
            match kind {
                LinkKind::Supply => self.billed_by(to.as_str()),
                LinkKind::Partnership => {
                    self.dealings_of(to.as_str());
                    if let Some(reseller) = scenario.party(to.as_str()) {
                        self.sales_to_organization(&reseller.organization);
                    }
                }
                LinkKind::Reseller => {
                    for link in scenario.links_to(to.as_str()) {
                        if matches!(
                            link.kind,
                            LinkKind::Purchase | LinkKind::Reseller | LinkKind::Admin
                        ) {
                            self.link(link);
                        }
                    }
                }
                LinkKind::Purchase | LinkKind::Admin => {}
            }
        }
        let mut fields = PartyFields::NONE;
        for (id, changed) in &touched.changed_parties {
            let id = id.as_str();
            fields = fields | *changed;
            // Its own checks read every field but the name (which only words them).
            if changed.intersects(PartyFields::ALL.without(PartyFields::NAME)) {
                self.party(id);
            }
            if changed.intersects(READ_BY_OWN_LINKS) {
                for link in scenario.links_naming(id) {
                    self.link(link);
                }
            }
            // Which partnerships count (from an indirect provider) and how a reseller's sales are
            // worded read the provider's kind and name; the customers a partner has links to read
            // both in their notes.
            if changed.intersects(PartyFields::KIND.or(PartyFields::PARTNER_ID)) {
                for partnership in scenario.links_from(id) {
                    if partnership.kind == LinkKind::Partnership {
                        self.dealings_of(partnership.to.as_str());
                    }
                }
            }
            if changed.intersects(PartyFields::KIND) {
                for link in scenario.links_from(id) {
                    self.party(link.to.as_str());
                }
            }
            // A reseller's tenant and kind decide whether a direct-bill partner on its tenant may
            // sell to the customers it has reseller relationships with.
            if changed.intersects(PartyFields::KIND.or(PartyFields::TENANT)) {
                for relationship in scenario.links_from(id) {
                    if relationship.kind == LinkKind::Reseller {
                        for link in scenario.links_to(relationship.to.as_str()) {
                            if link.kind == LinkKind::Purchase {
                                self.link(link);
                            }
                        }
                    }
                }
            }
        }
        if fields.intersects(READ_BY_TENANT_AND_ORGANIZATION) {
            for organization in &touched.organizations {
                self.sales_to_organization(organization);
            }
            for tenant in &touched.tenants {
                self.purchases_into_tenant(tenant);
            }
        }
        if fields.intersects(READ_BY_IDENTITY) {
            for tenant in &touched.tenants {
                for party in scenario.parties_with_tenant(tenant) {
                    self.party(party.id.as_str());
                }
            }
            for partner_id in &touched.partner_ids {
                for party in scenario.parties_with_partner_id(partner_id) {
                    self.party(party.id.as_str());
                }
            }
        }
    }

    /// Everything a reseller does with customers: its sales and its admin links (which
    /// `customers_left_behind` reads against its partnerships).
    fn dealings_of(&mut self, reseller: &'a str) {
        for link in self.scenario.links_from(reseller) {
            if is_sale(link) || link.kind == LinkKind::Admin {
                self.link(link);
            }
        }
    }

    /// The sales (purchases and reseller relationships) a party makes.
    fn sales_of(&mut self, seller: &'a str) {
        for link in self.scenario.links_from(seller) {
            if is_sale(link) {
                self.link(link);
            }
        }
    }

    /// Everything whose chain reads a provider's supply: what it sells, bills or partners.
    fn billed_by(&mut self, provider: &'a str) {
        let scenario = self.scenario;
        for link in scenario.links_from(provider) {
            self.link(link);
            if link.kind == LinkKind::Partnership {
                self.sales_of(link.to.as_str());
            }
        }
        for link in scenario.links_via(provider) {
            self.link(link);
        }
    }

    /// The sales to the parties of an organization: `reseller_customer_of_own_provider` reads the
    /// organization's resellers, their tenants and their partnerships.
    fn sales_to_organization(&mut self, organization: &str) {
        let scenario = self.scenario;
        for party in scenario.parties_of_organization(organization) {
            for link in scenario.links_to(party.id.as_str()) {
                if is_sale(link) {
                    self.link(link);
                }
            }
        }
    }

    /// The purchases provisioned to a tenant (the customer's own, or one the purchase names):
    /// `own_use_on_csp_tenant` reads the partners whose tenant it is.
    fn purchases_into_tenant(&mut self, tenant: &str) {
        let scenario = self.scenario;
        for party in scenario.parties_with_tenant(tenant) {
            for link in scenario.links_to(party.id.as_str()) {
                if link.kind == LinkKind::Purchase {
                    self.link(link);
                }
            }
        }
        for link in scenario.links_with_tenant(tenant) {
            self.link(link);
        }
    }
}

fn is_sale(link: &Link) -> bool {
    matches!(link.kind, LinkKind::Purchase | LinkKind::Reseller)
}
