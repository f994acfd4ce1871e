//! What every rule reads: the scenario as of a date, with the small queries the rules share.
//! Owns: lookups and per-check memos (regions, supply, billing providers, links that ended or are
//! yet to come). Must not: decide a rule or word a finding; it only answers questions about the channel.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ops::Deref;

use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::{EdgeRef, NodeIndexable};

use crate::model::identity::{organization_key, same_organization, tenant_key};
use crate::model::prefetch;
use crate::model::{
    Date, Link, LinkKind, LinkStatus, Party, PartyId, PartyKind, Region, Scenario, markets,
};

type FoldMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A party with its place in the scenario's graph: what a rule has in hand once a link's ends are
/// resolved, so that asking about the party again (its links, its region, its supply) needs no
/// lookup by id. It reads as the [`Party`] itself.
#[derive(Clone, Copy)]
pub(crate) struct Node<'a> {
    pub ix: NodeIndex,
    pub party: &'a Party,
}

impl Deref for Node<'_> {
    type Target = Party;

    fn deref(&self) -> &Party {
        self.party
    }
}

/// One link with its parties resolved once. Every rule on the link reads them from here: before,
/// each of the dozen rules looked `from`, `to` and `via` up again by id (hashing and comparing id
/// strings), which was most of a full check.
pub(crate) struct At<'a> {
    pub link: &'a Link,
    pub from: Node<'a>,
    pub to: Node<'a>,
    /// The party the link's `via` names, when it names one that exists and the seller is an
    /// indirect reseller: only an indirect reseller's sale is billed by a provider, so a `via` on a
    /// direct-bill partner's or a provider's sale bills nothing and no rule reads it.
    pub via: Option<Node<'a>>,
}

impl<'a> At<'a> {
    /// The partners a sale needs: its seller and, when set and different from the seller, its
    /// `via`. A `via` naming the seller itself adds no second partner: the rules that ask something
    /// of "seller and billing provider" would otherwise report the same party twice.
    pub fn sale_partners(&self) -> impl Iterator<Item = Node<'a>> + 'a {
        let from = self.from;
        std::iter::once(from).chain(self.via.filter(move |v| v.ix != from.ix))
    }
}

/// A link that would be needed on a day but is not in force then: why, for the message.
#[derive(Clone, Copy)]
pub(crate) enum NotInForce<'a> {
    /// It ended on `on`, on or before the day.
    Ended {
        link: &'a Link,
        from: Node<'a>,
        on: Date,
    },
    /// It was made on `on`, after the day.
    Later { from: Node<'a>, on: Date },
}

/// What many links ask of the same party, worked out once per context.
#[derive(Clone, Copy, Default)]
struct Known {
    /// The CSP region (`Some(None)`: known to have none).
    region: Option<Option<&'static Region>>,
    /// Whether Microsoft supplies it.
    supplied: Option<bool>,
    /// The first partner (by id) whose tenant is this party's tenant.
    tenant_partner: Option<Option<NodeIndex>>,
    /// Whether its organization has an indirect reseller other than itself.
    org_reseller: Option<bool>,
    /// Whether its organization is already its own key ([`organization_key`]): the common case,
    /// in which two organizations are one exactly when their texts are equal.
    organization_is_key: Option<bool>,
}

/// [`Known`] facts by party: a dense table for a full check (every party is asked), a small map
/// for a re-check of a few links (a table of every party would cost more than the re-check).
enum Memo {
    Dense(Vec<Cell<Known>>, Partners),
    Sparse(RefCell<FoldMap<NodeIndex, Known>>),
}

/// For a full check, the partners' tenants and the indirect resellers' organizations, gathered in
/// one pass over the partners (a few percent of the parties): every customer then asks one map
/// instead of the scenario's index and each party it lists (two lookups by id per customer).
#[derive(Default)]
struct Partners {
    /// Each partner tenant's first partner by id, by tenant key.
    by_tenant: FoldMap<String, (NodeIndex, PartyId)>,
    /// Each organization's indirect resellers (by organization key): how many, and one of them.
    resellers: FoldMap<String, (usize, NodeIndex)>,
}

impl Partners {
    fn of(scenario: &Scenario) -> Partners {
        let graph = scenario.graph();
        let mut partners = Partners::default();
        for ix in graph.node_indices() {
            // Most parties are customers: their kind from the table, their record left unread.
            if !scenario.party_kind(ix).is_partner() {
                continue;
            }
            let p = &graph[ix];
            let first = partners
                .by_tenant
                .entry(tenant_key(&p.tenant).into_owned())
                .or_insert_with(|| (ix, p.id));
            if p.id < first.1 {
                *first = (ix, p.id);
            }
            if p.kind == PartyKind::IndirectReseller {
                partners
                    .resellers
                    .entry(organization_key(&p.organization).into_owned())
                    .or_insert((0, ix))
                    .0 += 1;
            }
        }
        partners
    }
}

impl Memo {
    fn get(&self, ix: NodeIndex) -> Known {
        match self {
            Memo::Dense(v, _) => v.get(ix.index()).map(Cell::get).unwrap_or_default(),
            Memo::Sparse(m) => m.borrow().get(&ix).copied().unwrap_or_default(),
        }
    }

    fn set(&self, ix: NodeIndex, known: Known) {
        match self {
            Memo::Dense(v, _) => {
                if let Some(cell) = v.get(ix.index()) {
                    cell.set(known);
                }
            }
            Memo::Sparse(m) => {
                m.borrow_mut().insert(ix, known);
            }
        }
    }
}

/// A link into a party, with the party it comes from.
fn arriving<'a>(
    graph: &'a crate::model::ChannelGraph,
    e: petgraph::stable_graph::EdgeReference<'a, std::sync::Arc<Link>>,
) -> (Node<'a>, &'a Link) {
    let from = Node {
        ix: e.source(),
        party: &graph[e.source()],
    };
    (from, &**e.weight())
}

/// A scenario seen as of a date: links dated later do not exist yet.
pub(crate) struct Ctx<'a> {
    pub scenario: &'a Scenario,
    pub as_of: Date,
    /// Whether findings get their quick fixes. A [`super::Checker`] keeps none (they are asked
    /// fresh for one subject, see [`super::check_subject`]): working them out for every finding
    /// copied parties and searched for free ids, a large share of a full check and of re-checking
    /// a busy provider.
    pub fixes: bool,
    graph: &'a crate::model::ChannelGraph,
    /// The earliest date among each party's links, once asked (see [`Ctx::earliest_link_date`]).
    earliest: RefCell<FoldMap<PartyId, Option<Date>>>,
    known: Memo,
}

impl<'a> Ctx<'a> {
    /// The context costs nothing to build: the lookups it offers come from the scenario's own
    /// index, kept up to date by every edit, so a re-check of one link never scans the channel.
    pub fn new(scenario: &'a Scenario, as_of: Date) -> Self {
        Ctx {
            scenario,
            as_of,
            fixes: true,
            graph: scenario.graph(),
            earliest: RefCell::default(),
            known: Memo::Sparse(RefCell::default()),
        }
    }

    /// A context for checking every link: what it learns about a party is kept in a table by
    /// graph index (one allocation for the whole check) rather than in a map.
    pub fn for_everything(scenario: &'a Scenario, as_of: Date) -> Self {
        let bound = scenario.graph().node_bound();
        Ctx {
            known: Memo::Dense(
                vec![Cell::new(Known::default()); bound],
                Partners::of(scenario),
            ),
            ..Ctx::new(scenario, as_of)
        }
    }

    /// The same context, its findings without quick fixes.
    pub fn without_fixes(self) -> Self {
        Ctx {
            fixes: false,
            ..self
        }
    }

    /// The party at a graph index.
    pub fn node(&self, ix: NodeIndex) -> Node<'a> {
        Node {
            ix,
            party: &self.graph[ix],
        }
    }

    /// Starts fetching, without waiting for it, what the rules read first of a link a full check
    /// reaches a few links from now: the link and its two parties, each behind an allocation of
    /// its own that the walk over the graph's edges does not bring in. At 300,000 parties the
    /// first rule to read each of them waited for memory (`Ctx::at`, `chain::check_shape`,
    /// perf).
    pub fn prefetch_link(&self, link: &Link, from: NodeIndex, to: NodeIndex) {
        prefetch::first_lines(link);
        let (from, to): (&Party, &Party) = (&self.graph[from], &self.graph[to]);
        prefetch::first_lines(from);
        prefetch::first_lines(to);
    }

    /// [`Ctx::prefetch_link`] for a party the full check reaches a few parties from now.
    pub fn prefetch_party(&self, ix: NodeIndex) {
        let party: &Party = &self.graph[ix];
        prefetch::first_lines(party);
    }

    /// The party with this id, with its graph index.
    pub fn lookup(&self, id: &PartyId) -> Option<Node<'a>> {
        self.scenario
            .party_index(id.as_str())
            .map(|ix| self.node(ix))
    }

    /// A link with its parties resolved, given its ends' graph indices (a full check walks the
    /// graph's edges, which carry them).
    pub fn at(&self, link: &'a Link, from: NodeIndex, to: NodeIndex) -> At<'a> {
        let from = self.node(from);
        let via = if from.kind == PartyKind::IndirectReseller {
            link.via.as_ref().and_then(|v| self.lookup(v))
        } else {
            None
        };
        At {
            link,
            from,
            to: self.node(to),
            via,
        }
    }

    /// The link with this id with its parties resolved (a re-check of one link), `None` when the
    /// scenario has no such link.
    ///
    /// One lookup by id, the link's own: its ends are the edge's, read from the graph. Looking
    /// both ends up by their id text besides was two more hashes and probes of the id map, each a
    /// cache miss at 100,000 parties (`Ctx::resolve` grew ×45 from 10k to 100k parties, perf).
    pub fn link_at(&self, id: &str) -> Option<At<'a>> {
        let edge = self.scenario.link_index(id)?;
        let (from, to) = self.graph.edge_endpoints(edge)?;
        Some(self.at(&self.graph[edge], from, to))
    }

    /// A link of the scenario with its parties resolved ([`Ctx::link_at`] by the link itself).
    pub fn resolve(&self, link: &Link) -> Option<At<'a>> {
        self.link_at(link.id.as_str())
    }

    /// The CSP region of a party, worked out once per context (the country code is upper-cased
    /// and looked up).
    pub fn region_of(&self, node: Node<'a>) -> Option<&'static Region> {
        let mut known = self.known.get(node.ix);
        if let Some(region) = known.region {
            return region;
        }
        let region = self.region(node.party);
        known.region = Some(region);
        self.known.set(node.ix, known);
        region
    }

    /// True when Microsoft supplies the party (an existing supply link from the Microsoft party),
    /// worked out once per context: every sale a provider bills asks it.
    pub fn supplied(&self, ix: NodeIndex) -> bool {
        let mut known = self.known.get(ix);
        if let Some(supplied) = known.supplied {
            return supplied;
        }
        let as_of = self.as_of;
        let scenario = self.scenario;
        let supplied = self.graph.edges_directed(ix, Direction::Incoming).any(|e| {
            scenario.link_kind(e.id()) == LinkKind::Supply
                && scenario.party_kind(e.source()) == PartyKind::Microsoft
                && e.weight().exists_at(as_of)
        });
        known.supplied = Some(supplied);
        self.known.set(ix, known);
        supplied
    }

    /// The links into a party that exist as of the date, each with the party it comes from:
    /// [`Ctx::links_to`] by graph index.
    pub fn incoming(&self, ix: NodeIndex) -> impl Iterator<Item = (Node<'a>, &'a Link)> + 'a {
        let as_of = self.as_of;
        self.incoming_ever(ix)
            .filter(move |(_, l)| l.exists_at(as_of))
    }

    /// The links of `kind` into a party that exist as of the date, each with the party it comes
    /// from: [`Ctx::incoming`] that reads only the links of that kind (the kinds come from the
    /// scenario's table, see [`Scenario::link_kind`]).
    pub fn incoming_of_kind(
        &self,
        ix: NodeIndex,
        kind: LinkKind,
    ) -> impl Iterator<Item = (Node<'a>, &'a Link)> + 'a {
        let (graph, scenario, as_of) = (self.graph, self.scenario, self.as_of);
        graph
            .edges_directed(ix, Direction::Incoming)
            .filter(move |e| scenario.link_kind(e.id()) == kind && e.weight().exists_at(as_of))
            .map(move |e| arriving(graph, e))
    }

    /// Every link into a party, in force or not, each with the party it comes from: what the rules
    /// about ended links read.
    pub fn incoming_ever(&self, ix: NodeIndex) -> impl Iterator<Item = (Node<'a>, &'a Link)> + 'a {
        let graph = self.graph;
        graph
            .edges_directed(ix, Direction::Incoming)
            .map(move |e| arriving(graph, e))
    }

    /// The first partner (by id) whose tenant is this party's own: [`Ctx::partners_with_tenant`]
    /// asked once per party (each of a customer's purchases asks it). A full check answers from
    /// the partners gathered up front, also once per party: keying each purchase's customer
    /// tenant again was 3 % of `check` at 300,000 parties (perf).
    pub fn tenant_partner(&self, node: Node<'a>) -> Option<&'a Party> {
        let mut known = self.known.get(node.ix);
        let owner = match known.tenant_partner {
            Some(owner) => owner,
            None => {
                let owner = match &self.known {
                    Memo::Dense(_, partners) => partners
                        .by_tenant
                        .get(&*tenant_key(&node.tenant))
                        .map(|(ix, _)| *ix),
                    Memo::Sparse(_) => self
                        .partners_with_tenant(&node.tenant)
                        .next()
                        .and_then(|p| self.scenario.party_index(p.id.as_str())),
                };
                known.tenant_partner = Some(owner);
                self.known.set(node.ix, known);
                owner
            }
        };
        owner.map(|ix| &*self.graph[ix])
    }

    /// True when the party's organization has an indirect reseller other than the party itself,
    /// asked once per party: only then can a sale to it be to a reseller's own organization.
    pub fn org_has_other_reseller(&self, node: Node<'a>) -> bool {
        let mut known = self.known.get(node.ix);
        if let Some(answer) = known.org_reseller {
            return answer;
        }
        let answer = match &self.known {
            Memo::Dense(_, partners) => partners
                .resellers
                .get(&*organization_key(&node.organization))
                .is_some_and(|(n, one)| *n > 1 || *one != node.ix),
            Memo::Sparse(_) => self
                .resellers_of_org(&node.organization)
                .any(|p| p.id != node.id),
        };
        known.org_reseller = Some(answer);
        self.known.set(node.ix, known);
        answer
    }

    /// True when two parties belong to one organization, as [`same_organization`] decides, with
    /// whether each organization is its own key worked out once per party: every sale asks it of
    /// its seller and customer, and keying both texts each time was 3 % of `check` at 300,000
    /// parties (perf).
    pub fn same_organization(&self, a: Node<'a>, b: Node<'a>) -> bool {
        if a.organization == b.organization {
            return true;
        }
        if self.organization_is_key(a) && self.organization_is_key(b) {
            // Two different texts that are their own keys have different keys.
            return false;
        }
        same_organization(&a.organization, &b.organization)
    }

    fn organization_is_key(&self, node: Node<'a>) -> bool {
        let mut known = self.known.get(node.ix);
        if let Some(answer) = known.organization_is_key {
            return answer;
        }
        let answer = matches!(organization_key(&node.organization), Cow::Borrowed(_));
        known.organization_is_key = Some(answer);
        self.known.set(node.ix, known);
        answer
    }

    /// The existing partnerships into a reseller that are program chains (from an indirect
    /// provider), each with its provider: [`Ctx::partnerships_of`] by graph index.
    pub fn partnerships_into(
        &self,
        reseller: NodeIndex,
    ) -> impl Iterator<Item = (Node<'a>, &'a Link)> + 'a {
        let scenario = self.scenario;
        self.incoming_of_kind(reseller, LinkKind::Partnership)
            .filter(move |(provider, _)| {
                scenario.party_kind(provider.ix) == PartyKind::IndirectProvider
            })
    }

    /// True when `partner` has a reseller relationship with `customer` that exists on `day`:
    /// [`Ctx::has_reseller_relationship`] by graph index.
    pub fn has_relationship_at(&self, partner: NodeIndex, customer: NodeIndex, day: Date) -> bool {
        self.graph
            .edges_directed(customer, Direction::Incoming)
            .any(|e| {
                e.source() == partner
                    && self.scenario.link_kind(e.id()) == LinkKind::Reseller
                    && e.weight().exists_at(day)
            })
    }

    /// The provider that bills an indirect reseller's sale when the engine can tell for sure:
    /// [`Ctx::sure_billing_provider`] on a resolved link, without a list.
    pub fn sure_billing_provider_at(&self, at: &At<'a>) -> Option<Node<'a>> {
        if at.link.via.is_some() {
            return at.via.filter(|v| v.ix != at.from.ix);
        }
        if at.from.kind != PartyKind::IndirectReseller {
            return None;
        }
        let mut only: Option<Node<'a>> = None;
        for (provider, partnership) in self.partnerships_into(at.from.ix) {
            if partnership.status != LinkStatus::Accepted {
                continue;
            }
            match only {
                None => only = Some(provider),
                Some(o) if o.ix == provider.ix => {}
                Some(_) => return None,
            }
        }
        only
    }

    /// The earliest date among a party's links (`None` when it has none), computed once per
    /// context: an unsigned agreement is a finding on every link of the party, and each offers
    /// the same date; walking a provider's 20,000 links for each of its 20,000 findings made
    /// re-checking it quadratic.
    pub fn earliest_link_date(&self, party: &PartyId) -> Option<Date> {
        if let Some(known) = self.earliest.borrow().get(party.as_str()) {
            return *known;
        }
        let earliest = self
            .scenario
            .links_naming(party.as_str())
            .map(|l| l.date)
            .min();
        self.earliest.borrow_mut().insert(*party, earliest);
        earliest
    }

    /// The partners whose tenant is `tenant`, by id. An iterator, not a list: every purchase asks,
    /// and at a million links a list per purchase was a measurable share of a full check.
    pub fn partners_with_tenant(&self, tenant: &str) -> impl Iterator<Item = &'a Party> + 'a {
        self.scenario
            .parties_with_tenant(tenant)
            .filter(|p| p.kind.is_partner())
    }

    /// The indirect resellers of an organization, by id (an iterator, as above: every sale asks).
    pub fn resellers_of_org(&self, organization: &str) -> impl Iterator<Item = &'a Party> + 'a {
        self.scenario
            .parties_of_organization(organization)
            .filter(|p| p.kind == PartyKind::IndirectReseller)
    }

    pub fn party(&self, id: &PartyId) -> Option<&'a Party> {
        self.scenario.party(id.as_str())
    }

    /// The display name of a party, or its id when it is unknown.
    pub fn name(&self, id: &PartyId) -> String {
        self.party(id)
            .map_or_else(|| id.to_string(), |p| p.name.clone())
    }

    /// Links arriving at a party that exist as of the date.
    pub fn links_to(&self, id: &PartyId) -> impl Iterator<Item = &'a Link> + 'a {
        let as_of = self.as_of;
        self.scenario
            .links_to(id.as_str())
            .filter(move |l| l.exists_at(as_of))
    }

    /// Links leaving a party that exist as of the date.
    pub fn links_from(&self, id: &PartyId) -> impl Iterator<Item = &'a Link> + 'a {
        let as_of = self.as_of;
        self.scenario
            .links_from(id.as_str())
            .filter(move |l| l.exists_at(as_of))
    }

    /// The CSP region of a party, `None` when its country is missing or unlisted.
    pub fn region(&self, party: &Party) -> Option<&'static Region> {
        party
            .country
            .as_deref()
            .and_then(|c| markets().region_of(c))
    }

    /// True when the provider buys from Microsoft (an existing supply link from the Microsoft party).
    pub fn supplied_by_microsoft(&self, provider: &PartyId) -> bool {
        self.links_to(provider).any(|l| {
            l.kind == LinkKind::Supply
                && self
                    .party(&l.from)
                    .is_some_and(|p| p.kind == PartyKind::Microsoft)
        })
    }

    /// The existing partnerships of a reseller that are program chains: from an indirect provider.
    ///
    /// A "partnership" from a direct-bill partner, Microsoft or a customer is itself an
    /// `invalid_chain`; counting it here would hide `incomplete_chain` on the reseller's sales (or call
    /// the reseller's partnership "still pending") although no provider can bill them.
    pub fn partnerships_of(&self, reseller: &PartyId) -> impl Iterator<Item = &'a Link> + 'a {
        let scenario = self.scenario;
        self.links_to(reseller).filter(move |l| {
            l.kind == LinkKind::Partnership
                && scenario
                    .party(l.from.as_str())
                    .is_some_and(|p| p.kind == PartyKind::IndirectProvider)
        })
    }

    /// True when `partner` has a reseller relationship with `customer` that exists on `day` (made on
    /// or before it and not ended by then). `day` is a sale's own date, on or before the as-of date,
    /// so a relationship ended after the sale still covers it, and one ended before it does not.
    pub fn has_reseller_relationship(
        &self,
        partner: &PartyId,
        customer: &PartyId,
        day: Date,
    ) -> bool {
        self.scenario
            .links_to(customer.as_str())
            .any(|l| l.kind == LinkKind::Reseller && l.from == *partner && l.exists_at(day))
    }

    /// The reseller relationship `partner` would need with the sale's customer, dated as the sale,
    /// or `None` when it has one that covers the sale: what quick fixes add when they make a party
    /// sell or bill.
    pub fn missing_reseller_relationship(&self, partner: &PartyId, sale: &Link) -> Option<Link> {
        if self.has_reseller_relationship(partner, &sale.to, sale.date) {
            return None;
        }
        let id = self
            .scenario
            .fresh_link_id(&format!("reseller-{}-{}", partner, sale.to));
        Some(Link::new(
            id,
            LinkKind::Reseller,
            *partner,
            sale.to,
            sale.date,
        ))
    }

    /// The provider that bills an indirect reseller's sale when the engine can tell for sure: `via`
    /// when set, otherwise the reseller's only provider with an accepted partnership. `None` when the
    /// seller is not an indirect reseller, or has no or several accepted providers.
    pub fn sure_billing_provider(&self, link: &Link) -> Option<PartyId> {
        if self.party(&link.from)?.kind != PartyKind::IndirectReseller {
            return None;
        }
        if let Some(via) = &link.via {
            return (*via != link.from).then_some(*via);
        }
        let mut providers: Vec<&PartyId> = self
            .partnerships_of(&link.from)
            .filter(|p| p.status == LinkStatus::Accepted)
            .map(|p| &p.from)
            .collect();
        providers.sort();
        providers.dedup();
        match providers.as_slice() {
            [only] => Some(*(*only)),
            _ => None,
        }
    }

    /// The provider that bills an indirect reseller's sale: `via` when set, otherwise the provider
    /// of the reseller's accepted partnership last by link id, among those Microsoft supplies when
    /// any is. Asked only of a reseller's sale.
    ///
    /// Chosen by id, never by the graph's edge order, which is how the links happened to be
    /// added: the same channel built another way (a what-if read as its changes to its base)
    /// named another provider. Last by id is what every saved channel has always named (saves
    /// list links by id, and a node's incoming edges run newest first), so reports of saved
    /// channels read as before.
    pub fn billing_provider(&self, link: &Link) -> Option<PartyId> {
        if let Some(via) = &link.via {
            return Some(*via);
        }
        self.partnerships_of(&link.from)
            .filter(|p| p.status == LinkStatus::Accepted)
            .max_by_key(|p| (self.supplied_by_microsoft(&p.from), p.id))
            .map(|p| p.from)
    }

    /// The chain a sale runs along, from Microsoft's side down: Microsoft → (provider →) seller →
    /// customer, with the links that are missing simply left out.
    pub fn sale_path(&self, link: &Link) -> Vec<PartyId> {
        let mut path = Vec::with_capacity(4);
        let seller_kind = self.party(&link.from).map(|p| p.kind);
        let top = match seller_kind {
            Some(PartyKind::IndirectReseller) => self.billing_provider(link),
            Some(PartyKind::DirectBill | PartyKind::IndirectProvider) => Some(link.from),
            _ => None,
        };
        if let Some(top) = &top
            && self.supplied_by_microsoft(top)
            && let Some(ms) = self.scenario.microsoft()
        {
            path.push(ms.id);
        }
        if let Some(top) = top
            && top != link.from
        {
            path.push(top);
        }
        path.push(link.from);
        path.push(link.to);
        path
    }

    /// The path a link concerns: the sale chain for purchases and reseller relationships, Microsoft →
    /// provider → reseller for partnerships, and its two ends otherwise.
    pub fn path_of(&self, link: &Link) -> Vec<PartyId> {
        match link.kind {
            LinkKind::Purchase | LinkKind::Reseller => self.sale_path(link),
            LinkKind::Partnership => {
                let mut path = Vec::with_capacity(3);
                if self.supplied_by_microsoft(&link.from)
                    && let Some(ms) = self.scenario.microsoft()
                {
                    path.push(ms.id);
                }
                path.push(link.from);
                path.push(link.to);
                path
            }
            LinkKind::Supply | LinkKind::Admin => vec![link.from, link.to],
        }
    }

    /// The link of `kind` from `from` (any party when `None`) into `to` that does not exist on `day`
    /// but explains why none does: the one that ended last (on or before `day`), else the first one
    /// made after `day` (of the same day, the one last by id). What a message names instead of
    /// saying the link "is missing".
    pub fn link_not_in_force(
        &self,
        kind: LinkKind,
        from: Option<NodeIndex>,
        to: NodeIndex,
        day: Date,
    ) -> Option<NotInForce<'a>> {
        let mut ended: Option<(&'a Link, NodeIndex)> = None;
        let mut later: Option<(&'a Link, NodeIndex)> = None;
        for e in self.graph.edges_directed(to, Direction::Incoming) {
            if self.scenario.link_kind(e.id()) != kind || from.is_some_and(|f| f != e.source()) {
                continue;
            }
            // Only a provider's partnership is a program chain (see `partnerships_of`).
            if kind == LinkKind::Partnership
                && self.scenario.party_kind(e.source()) != PartyKind::IndirectProvider
            {
                continue;
            }
            let l = e.weight();
            if l.exists_at(day) {
                continue;
            }
            // Between links of the same day, the one last by id (see `billing_provider`), not
            // the first in edge order, which depends on how the channel was built.
            if l.ended_by(day) {
                if ended.is_none_or(|(best, _)| (l.ended, l.id) > (best.ended, best.id)) {
                    ended = Some((l, e.source()));
                }
            } else if l.date > day
                && later.is_none_or(|(best, _)| {
                    l.date < best.date || (l.date == best.date && l.id > best.id)
                })
            {
                later = Some((l, e.source()));
            }
        }
        if let Some((link, from)) = ended {
            return Some(NotInForce::Ended {
                link,
                from: self.node(from),
                on: link.ended.unwrap_or(day),
            });
        }
        later.map(|(link, from)| NotInForce::Later {
            from: self.node(from),
            on: link.date,
        })
    }

    /// A new tenant id, distinct from every tenant in the scenario, for a customer-type own-use tenant.
    pub fn fresh_tenant(&self, stem: &str) -> String {
        let taken = |t: &str| {
            self.scenario.parties_with_tenant(t).next().is_some()
                || self.scenario.links_with_tenant(t).next().is_some()
        };
        let base = format!("{stem}-internal");
        if !taken(&base) {
            return base;
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|t| !taken(t))
            .expect("an unbounded range always finds a free tenant")
    }
}
