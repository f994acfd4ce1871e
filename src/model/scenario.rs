//! A scenario: one channel of parties and links, with its title, explanation and as-of date.

use super::index::{IdSet, Index, Map};
use super::kinds::Kinds;
use super::link_ids::{LinkIds, Placed};
use super::{
    Date, Link, LinkId, LinkKind, Party, PartyId, PartyKind, Position, Region, ScenarioMeta,
    identity,
};
use petgraph::Direction;
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use std::sync::Arc;

/// Why an operation on a scenario was refused. Every message names the ids involved.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    /// A party with this id exists already.
    #[error("a party with id `{0}` already exists")]
    DuplicateParty(PartyId),
    /// A link with this id exists already.
    #[error("a link with id `{0}` already exists")]
    DuplicateLink(LinkId),
    /// No party has this id.
    #[error("no party has id `{0}`")]
    UnknownParty(PartyId),
    /// No link has this id.
    #[error("no link has id `{0}`")]
    UnknownLink(LinkId),
    /// A link names a party that does not exist.
    #[error("link `{link}` names party `{party}`, which does not exist")]
    DanglingLink {
        /// The link.
        link: LinkId,
        /// The missing party.
        party: PartyId,
    },
    /// A second Microsoft party.
    #[error("the scenario already has Microsoft (`{0}`); there is only one")]
    SecondMicrosoft(PartyId),
    /// An id that is empty, longer than [`MAX_TEXT_CHARS`](super::limits::MAX_TEXT_CHARS) or has
    /// characters that do not survive CSV, RON and the CLI. Holds the id as messages show it
    /// ([`bad_id`]: escaped and cut short).
    #[error("`{0}` is not a valid id: use up to 200 letters, digits, `-`, `_` or `.`")]
    BadId(String),
    /// A scenario holding as many parties or links as it may (see
    /// [`MAX_PARTIES`](super::limits::MAX_PARTIES)).
    #[error(
        "a scenario holds at most {} {what}, and this one has that many: csp-explorer keeps a \
         channel in memory, and more would need more than a computer has to spare",
        crate::text::thousands(*limit)
    )]
    Full {
        /// "parties" or "links".
        what: &'static str,
        /// The most it holds.
        limit: usize,
    },
    /// A value outside the bounds of [`limits`](super::limits) (a date, a position, a name).
    #[error("{subject}: {error}")]
    OutOfBounds {
        /// The party or link (`party `x``) or `the scenario`.
        subject: String,
        /// The field and what it should be.
        error: super::limits::FieldError,
    },
    /// A link ended on or before the day it was made.
    #[error("link `{link}` ends on {ended}, which is not after its date {date}")]
    EndedBeforeDate {
        /// The link.
        link: LinkId,
        /// Its date.
        date: Date,
        /// Its end.
        ended: Date,
    },
}

/// The graph of a channel: each party and link behind an `Arc`, so that a copy of the scenario
/// (an edit while a save, an export or the recovery autosave holds a snapshot; a what-if fork)
/// shares every party and link with it instead of copying their texts, and an edit afterwards
/// copies only the party or link it changes (`Arc::make_mut`). At 300,000 parties and 1,000,000
/// links, copying the graph with the parties and links in place took 250-400 ms (a few allocations
/// per party and link for their texts); with them shared, about 30 ms.
pub type ChannelGraph = StableDiGraph<Arc<Party>, Arc<Link>>;

/// The channel: parties and links in a petgraph `StableGraph`, addressed by stable string ids.
///
/// The graph is private so that its invariants hold: ids are unique, every link's `from` and `to` are
/// the endpoints of its edge, and indices stay valid across removals (so the canvas can mirror them).
#[derive(Clone, Debug, Default)]
pub struct Scenario {
    /// Title, explanation and as-of date.
    pub meta: ScenarioMeta,
    graph: ChannelGraph,
    parties: Map<PartyId, NodeIndex>,
    links: LinkIds,
    /// Each party's and link's kind by graph index, for the walks that ask only that.
    kinds: Kinds,
    /// Parties and links by tenant, organization, PartnerID, kind and region, Microsoft, `via`:
    /// updated by every call that changes the graph, so that lookups never scan the channel.
    index: Index,
}

/// Checks a party's bounded fields (see [`limits`](super::limits)).
fn check_party(party: &Party) -> Result<(), ScenarioError> {
    super::limits::check_party(party).map_err(|error| ScenarioError::OutOfBounds {
        subject: format!("party `{}`", party.id),
        error,
    })
}

/// Checks what a link must hold on its own: bounded fields, an end after its start.
fn check_link(link: &Link) -> Result<(), ScenarioError> {
    check_link_with(link, super::limits::check_link)
}

/// [`check_link`] with `bounds` for the bounded fields (see
/// [`super::limits::check_link_between_parties`]).
fn check_link_with(
    link: &Link,
    bounds: fn(&Link) -> Result<(), super::limits::FieldError>,
) -> Result<(), ScenarioError> {
    bounds(link).map_err(|error| ScenarioError::OutOfBounds {
        subject: format!("link `{}`", link.id),
        error,
    })?;
    if let Some(ended) = link.ended
        && !ends_after_its_date(link.date, ended)
    {
        return Err(ScenarioError::EndedBeforeDate {
            link: link.id,
            date: link.date,
            ended,
        });
    }
    Ok(())
}

/// [`ScenarioError::Full`] for links.
fn full_of_links() -> ScenarioError {
    ScenarioError::Full {
        what: "links",
        limit: super::limits::MAX_LINKS,
    }
}

/// Checks that an id is non-empty, at most [`MAX_TEXT_CHARS`](super::limits::MAX_TEXT_CHARS)
/// characters long and made of characters safe in every format.
pub fn valid_id(id: &str) -> bool {
    // The ids of real channels are ASCII: checked a byte at a time, without decoding characters
    // (a load checks 1.3 million of them at 300,000 parties).
    if id.is_ascii() {
        return !id.is_empty()
            && id.len() <= super::limits::MAX_TEXT_CHARS
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    }
    !id.is_empty()
        && id.len() <= 4 * super::limits::MAX_TEXT_CHARS
        && id.chars().count() <= super::limits::MAX_TEXT_CHARS
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Whether a link that ends on `ended` ends after its `date`, as a scenario requires of every
/// link ([`ScenarioError::EndedBeforeDate`]).
pub fn ends_after_its_date(date: Date, ended: Date) -> bool {
    ended > date
}

/// [`ScenarioError::BadId`] for `id`, which a message shows escaped and cut short (a file may hold
/// a million-character id, or one with a line break in it).
fn bad_id(id: &str) -> ScenarioError {
    ScenarioError::BadId(crate::text::escaped(id, 60))
}

impl Scenario {
    /// An empty scenario with a title.
    pub fn new(title: impl Into<String>) -> Self {
        Scenario {
            meta: ScenarioMeta {
                title: title.into(),
                ..ScenarioMeta::default()
            },
            ..Scenario::default()
        }
    }

    /// The date to check as of: the saved one, or today.
    pub fn as_of(&self) -> Date {
        self.meta.as_of.unwrap_or_else(super::today)
    }

    /// Makes room for this many more parties and links: a loader that knows how many are coming
    /// spares the graph and the id maps from growing (and rehashing) step by step.
    pub fn reserve(&mut self, parties: usize, links: usize) {
        self.graph.reserve_nodes(parties);
        self.graph.reserve_edges(links);
        self.parties.reserve(parties);
        self.links.reserve(links);
        self.kinds.reserve(parties, links);
        self.index.reserve(parties);
    }

    /// Adds a party. Refuses a duplicate id, a bad id, or a second Microsoft.
    pub fn add_party(&mut self, party: Party) -> Result<NodeIndex, ScenarioError> {
        if !valid_id(party.id.as_str()) {
            return Err(bad_id(party.id.as_str()));
        }
        let microsoft = match party.kind {
            PartyKind::Microsoft => self.microsoft().map(|ms| ms.id),
            _ => None,
        };
        let full = self.parties.len() >= super::limits::MAX_PARTIES;
        // One probe of the id map to refuse a duplicate and to insert: at 300,000 parties each
        // probe is a cache miss.
        let slot = match self.parties.entry(party.id) {
            std::collections::hash_map::Entry::Occupied(_) => {
                return Err(ScenarioError::DuplicateParty(party.id));
            }
            std::collections::hash_map::Entry::Vacant(slot) => slot,
        };
        if let Some(ms) = microsoft {
            return Err(ScenarioError::SecondMicrosoft(ms));
        }
        check_party(&party)?;
        if full {
            return Err(ScenarioError::Full {
                what: "parties",
                limit: super::limits::MAX_PARTIES,
            });
        }
        self.index.insert_party(&party);
        let kind = party.kind;
        let idx = self.graph.add_node(Arc::new(party));
        self.kinds.set_party(idx, kind);
        slot.insert(idx);
        Ok(idx)
    }

    /// Adds a link between two existing parties (its `via`, if any, must exist too).
    pub fn add_link(&mut self, link: Link) -> Result<EdgeIndex, ScenarioError> {
        self.add_link_resolved(link, None)
    }

    /// Adds a link whose parties a loader has already found with [`Scenario::party_entry`]:
    /// `from`, `to` and `via` are the ids those calls gave, and `ends` the graph indices of `from`
    /// and `to` and of `via` when it names one. The parties are then not looked up by id a second
    /// time (a million links made three million needless lookups). Ends that are not the very
    /// parties at those indices are looked up as [`Scenario::add_link`] does, so a wrong index
    /// cannot make a wrong edge.
    pub fn add_link_at(
        &mut self,
        link: Link,
        ends: (NodeIndex, NodeIndex, Option<NodeIndex>),
    ) -> Result<EdgeIndex, ScenarioError> {
        let (from, to, via) = ends;
        let holds = |ix: NodeIndex, id: &PartyId| {
            self.graph
                .node_weight(ix)
                .is_some_and(|p| p.id.shares_text_with(id))
        };
        let resolved = holds(from, &link.from)
            && holds(to, &link.to)
            && match (&link.via, via) {
                (None, _) => true,
                (Some(id), Some(ix)) => holds(ix, id),
                (Some(_), None) => false,
            };
        self.add_link_resolved(link, resolved.then_some((from, to)))
    }

    /// Room for `links` more links, and what a loader adds them with
    /// ([`Scenario::add_link_placed`]) until [`Scenario::file_placed`] files their ids.
    pub(crate) fn placed_links(&mut self, links: usize) -> Placed {
        self.links.placed(links)
    }

    /// [`Scenario::add_link_at`] for ends a loader has from [`Scenario::add_party`]'s answers for
    /// this very scenario, with no party removed since: `ends` are the graph indices of the
    /// parties `link.from` and `link.to` name (and `link.via`, which needs no index), as those
    /// calls gave them. A `.cspx` of format 2 names a link's parties by their place in its party
    /// table, so the binary loader holds each party's id and index from adding it and needs no
    /// check that they match: reading every end's party back to compare its id was two cache
    /// misses per end at 300,000 parties (the parties are behind `Arc`s), about 4% of `check`.
    ///
    /// The link's id is not filed, nor checked for a duplicate, until [`Scenario::file_placed`]
    /// (see [`super::link_ids`]): until then the scenario does not find these links by id, and
    /// a loader that meets an error asks `file_placed` first whether an earlier link repeated
    /// an id, as adding the links one by one would have found first.
    pub(crate) fn add_link_placed(
        &mut self,
        link: Link,
        ends: (NodeIndex, NodeIndex),
        placed: &mut Placed,
    ) -> Result<EdgeIndex, ScenarioError> {
        debug_assert!(
            {
                let holds = |ix: NodeIndex, id: &PartyId| {
                    self.graph
                        .node_weight(ix)
                        .is_some_and(|p| p.id.shares_text_with(id))
                };
                holds(ends.0, &link.from)
                    && holds(ends.1, &link.to)
                    && link.via.is_none_or(|via| self.parties.contains_key(&via))
            },
            "a placed link's ends are its parties"
        );
        if !valid_id(link.id.as_str()) {
            return Err(bad_id(link.id.as_str()));
        }
        // `from`, `to` and `via` are the ids of the parties at `ends`, checked when they were added.
        check_link_with(&link, super::limits::check_link_between_parties)?;
        if self.graph.edge_count() >= super::limits::MAX_LINKS {
            return Err(full_of_links());
        }
        self.index.insert_link(&link);
        let id = link.id;
        let idx = self.add_edge(ends.0, ends.1, Arc::new(link));
        self.links.hand_over(placed, id, idx);
        Ok(idx)
    }

    /// Files the ids of the links [`Scenario::add_link_placed`] added. `Err` names the first of
    /// them (its number among them, from 0) whose id an earlier link has, and that link's
    /// [`ScenarioError::DuplicateLink`]; the scenario is then not one to keep.
    pub(crate) fn file_placed(&mut self, placed: Placed) -> Result<(), (usize, ScenarioError)> {
        self.links
            .insert_placed(placed)
            .map_err(|(at, id)| (at, ScenarioError::DuplicateLink(id)))
    }

    /// [`Scenario::add_link`], its ends looked up unless given.
    fn add_link_resolved(
        &mut self,
        mut link: Link,
        ends: Option<(NodeIndex, NodeIndex)>,
    ) -> Result<EdgeIndex, ScenarioError> {
        if !valid_id(link.id.as_str()) {
            return Err(bad_id(link.id.as_str()));
        }
        let full = self.links.len() >= super::limits::MAX_LINKS;
        let Some((from, to)) = ends else {
            if self.links.contains_key(link.id.as_str()) {
                return Err(ScenarioError::DuplicateLink(link.id));
            }
            let (from, to) = self.endpoints_of(&mut link)?;
            return self.insert_link(link, (from, to), full);
        };
        if self.links.contains_key(link.id.as_str()) {
            return Err(ScenarioError::DuplicateLink(link.id));
        }
        // `from`, `to` and `via` are the ids of the parties at `ends`, checked when they were added.
        check_link_with(&link, super::limits::check_link_between_parties)?;
        if full {
            return Err(full_of_links());
        }
        self.index.insert_link(&link);
        let id = link.id;
        let idx = self.add_edge(from, to, Arc::new(link));
        self.links.insert(id, idx);
        Ok(idx)
    }

    /// Adds a link whose ends are found and checked, unless the scenario is `full`.
    fn insert_link(
        &mut self,
        link: Link,
        (from, to): (NodeIndex, NodeIndex),
        full: bool,
    ) -> Result<EdgeIndex, ScenarioError> {
        if full {
            return Err(full_of_links());
        }
        let id = link.id;
        self.index.insert_link(&link);
        let idx = self.add_edge(from, to, Arc::new(link));
        self.links.insert(id, idx);
        Ok(idx)
    }

    /// Adds `link` to the graph between `from` and `to`, its kind noted (see [`Kinds`]).
    fn add_edge(&mut self, from: NodeIndex, to: NodeIndex, link: Arc<Link>) -> EdgeIndex {
        let kind = link.kind;
        let idx = self.graph.add_edge(from, to, link);
        self.kinds.set_link(idx, kind);
        idx
    }

    /// The kind of the party at `ix` (which the scenario holds), read from a table of a byte per
    /// party rather than from the party: what a walk over the graph asks at every step.
    pub fn party_kind(&self, ix: NodeIndex) -> PartyKind {
        self.kinds.party(ix)
    }

    /// The kind of the link at `ix` (which the scenario holds), read from a table of a byte per
    /// link rather than from the link (see [`Scenario::party_kind`]).
    pub fn link_kind(&self, ix: EdgeIndex) -> LinkKind {
        self.kinds.link(ix)
    }

    /// The id of the party with this id, as the scenario holds it, and its graph index: a loader
    /// that names a link's parties with it allocates nothing for them (see [`PartyId`]) and adds
    /// the link with [`Scenario::add_link_at`].
    pub fn party_entry(&self, id: &str) -> Option<(PartyId, NodeIndex)> {
        self.parties.get_key_value(id).map(|(id, &ix)| (*id, ix))
    }

    /// Checks what a link must hold on its own (see [`check_link`]) and finds its two
    /// ends. The link's `from`, `to` and `via` then share the text of the parties' own ids, so
    /// that a million links hold no copies of the ids they name.
    fn endpoints_of(&self, link: &mut Link) -> Result<(NodeIndex, NodeIndex), ScenarioError> {
        check_link(link)?;
        let find = |party: &PartyId| {
            self.parties
                .get_key_value(party)
                .map(|(id, &idx)| (*id, idx))
                .ok_or(ScenarioError::DanglingLink {
                    link: link.id,
                    party: *party,
                })
        };
        let via = link.via.as_ref().map(find).transpose()?;
        let (from_id, from) = find(&link.from)?;
        let (to_id, to) = find(&link.to)?;
        link.from = from_id;
        link.to = to_id;
        if let Some((via, _)) = via {
            link.via = Some(via);
        }
        Ok((from, to))
    }

    /// Removes a party and every link that touches it (as an end or as `via`); returns them all so the
    /// removal can be undone.
    pub fn remove_party(&mut self, id: &PartyId) -> Result<(Party, Vec<Link>), ScenarioError> {
        let idx = *self
            .parties
            .get(id)
            .ok_or(ScenarioError::UnknownParty(*id))?;
        let mut touching: Vec<LinkId> = self
            .graph
            .edges_directed(idx, Direction::Outgoing)
            .chain(self.graph.edges_directed(idx, Direction::Incoming))
            .map(|e| e.weight().id)
            .chain(self.index.links_via.get(id).into_iter().flatten().cloned())
            .collect();
        touching.sort();
        touching.dedup();
        let mut removed = Vec::with_capacity(touching.len());
        for link in touching {
            removed.push(self.remove_link(&link)?);
        }
        self.parties.remove(id);
        let party = self
            .graph
            .remove_node(idx)
            .map(Arc::unwrap_or_clone)
            .ok_or(ScenarioError::UnknownParty(*id))?;
        self.index.remove_party(&party);
        Ok((party, removed))
    }

    /// Removes a link and returns it.
    pub fn remove_link(&mut self, id: &LinkId) -> Result<Link, ScenarioError> {
        let idx = self
            .links
            .remove(id.as_str())
            .ok_or(ScenarioError::UnknownLink(*id))?;
        let link = self
            .graph
            .remove_edge(idx)
            .map(Arc::unwrap_or_clone)
            .ok_or(ScenarioError::UnknownLink(*id))?;
        self.index.remove_link(&link);
        Ok(link)
    }

    /// Puts these links first among the links leaving their `from` party, where that party has
    /// many: petgraph keeps a party's links in a singly linked list and removes one by walking the
    /// list from its start, so at 300,000 parties moving one of a provider's 240,000 links off
    /// it walked a quarter of a million edges. Proving quick fixes removes and puts back links
    /// (each put back first, see `rules::fixes`); once these are first, that costs nothing.
    ///
    /// The scenario holds the same parties and links; the links leaving a reordered party get new
    /// graph indices (a view that mirrors them must rebuild), and the others keep theirs. Ids
    /// not held are ignored.
    pub fn put_first<'a>(&mut self, links: impl IntoIterator<Item = &'a LinkId>) {
        let mut first: std::collections::HashSet<EdgeIndex, foldhash::fast::RandomState> =
            Default::default();
        let mut by_party: Map<NodeIndex, usize> = Map::default();
        for id in links {
            if let Some(edge) = self.links.get(id.as_str())
                && let Some((from, _)) = self.graph.edge_endpoints(edge)
                && first.insert(edge)
            {
                *by_party.entry(from).or_default() += 1;
            }
        }
        for (party, count) in by_party {
            if count < 3 {
                continue;
            }
            // Removing a link walks the list up to it; reordering takes every link off and puts
            // it back (with its id mapped again), some twenty times a step of the walk. Reorder
            // only where the walks to these links would cost more than that.
            let out: Vec<EdgeIndex> = self
                .graph
                .edges_directed(party, Direction::Outgoing)
                .map(|e| petgraph::visit::EdgeRef::id(&e))
                .collect();
            let walks: usize = out
                .iter()
                .enumerate()
                .filter(|(_, e)| first.contains(*e))
                .map(|(depth, _)| depth)
                .sum();
            if out.len() < PUT_FIRST_FROM || walks < REORDER_STEPS * out.len() {
                continue;
            }
            // Taken off from the start of the list (no walk), put back last first, so that the
            // others keep their order and `first` ends up in front.
            let mut taken = Vec::with_capacity(out.len());
            for edge in out {
                if let Some((_, to)) = self.graph.edge_endpoints(edge)
                    && let Some(link) = self.graph.remove_edge(edge)
                {
                    taken.push((first.contains(&edge), to, link));
                }
            }
            let (front, rest): (Vec<_>, Vec<_>) = taken.into_iter().partition(|(f, ..)| *f);
            for (_, to, link) in rest.into_iter().rev().chain(front) {
                let id = link.id;
                let edge = self.add_edge(party, to, link);
                self.links.insert(id, edge);
            }
        }
    }

    /// Replaces the party with `party.id` and returns the old value. The id itself cannot change, and a
    /// party cannot become a second Microsoft.
    pub fn replace_party(&mut self, party: Party) -> Result<Party, ScenarioError> {
        let idx = *self
            .parties
            .get(&party.id)
            .ok_or(ScenarioError::UnknownParty(party.id))?;
        if party.kind == PartyKind::Microsoft
            && let Some(ms) = self.microsoft()
            && ms.id != party.id
        {
            return Err(ScenarioError::SecondMicrosoft(ms.id));
        }
        check_party(&party)?;
        self.index.remove_party(&self.graph[idx]);
        self.index.insert_party(&party);
        self.kinds.set_party(idx, party.kind);
        Ok(Arc::unwrap_or_clone(std::mem::replace(
            &mut self.graph[idx],
            Arc::new(party),
        )))
    }

    /// Replaces the link with `link.id` (its ends may change) and returns the old value.
    pub fn replace_link(&mut self, mut link: Link) -> Result<Link, ScenarioError> {
        let idx = self
            .links
            .get(link.id.as_str())
            .ok_or(ScenarioError::UnknownLink(link.id))?;
        let (from, to) = self.endpoints_of(&mut link)?;
        let old_ends = self.graph.edge_endpoints(idx);
        if old_ends == Some((from, to)) {
            self.index.remove_link(&self.graph[idx]);
            self.index.insert_link(&link);
            self.kinds.set_link(idx, link.kind);
            return Ok(Arc::unwrap_or_clone(std::mem::replace(
                &mut self.graph[idx],
                Arc::new(link),
            )));
        }
        let old = self.remove_link(&link.id)?;
        self.add_link(link)?;
        Ok(old)
    }

    /// Moves a party on the canvas; returns its previous position.
    pub fn set_position(
        &mut self,
        id: &PartyId,
        position: Option<Position>,
    ) -> Result<Option<Position>, ScenarioError> {
        let idx = *self
            .parties
            .get(id)
            .ok_or(ScenarioError::UnknownParty(*id))?;
        if let Some(p) = position {
            super::limits::check_position(p).map_err(|error| ScenarioError::OutOfBounds {
                subject: format!("party `{id}`"),
                error,
            })?;
        }
        Ok(std::mem::replace(
            &mut Arc::make_mut(&mut self.graph[idx]).position,
            position,
        ))
    }

    /// The party with this id.
    pub fn party(&self, id: &str) -> Option<&Party> {
        self.parties.get(id).map(|&i| &*self.graph[i])
    }

    /// The link with this id.
    pub fn link(&self, id: &str) -> Option<&Link> {
        self.links.get(id).map(|i| &*self.graph[i])
    }

    /// The graph index of a party (for the canvas, which mirrors the graph).
    pub fn party_index(&self, id: &str) -> Option<NodeIndex> {
        self.parties.get(id).copied()
    }

    /// The graph index of a link.
    pub fn link_index(&self, id: &str) -> Option<EdgeIndex> {
        self.links.get(id)
    }

    /// Every party, in graph order.
    pub fn parties(&self) -> impl Iterator<Item = &Party> {
        self.graph.node_weights().map(|p| &**p)
    }

    /// Every link, in graph order.
    pub fn links(&self) -> impl Iterator<Item = &Link> {
        self.graph.edge_weights().map(|l| &**l)
    }

    /// Number of parties.
    pub fn party_count(&self) -> usize {
        self.parties.len()
    }

    /// Number of links.
    pub fn link_count(&self) -> usize {
        self.links.len()
    }

    /// The Microsoft party, if the scenario has one.
    pub fn microsoft(&self) -> Option<&Party> {
        self.index
            .microsoft
            .as_ref()
            .and_then(|id| self.party(id.as_str()))
    }

    fn parties_in<'a>(
        &'a self,
        ids: Option<&'a IdSet<PartyId>>,
    ) -> impl Iterator<Item = &'a Party> + 'a {
        ids.into_iter()
            .flatten()
            .filter_map(|id| self.party(id.as_str()))
    }

    /// The parties whose tenant is `tenant` (compared by [`identity::tenant_key`]), by id.
    pub fn parties_with_tenant<'a>(&'a self, tenant: &str) -> impl Iterator<Item = &'a Party> + 'a {
        self.parties_in(self.index.by_tenant.get(&*identity::tenant_key(tenant)))
    }

    /// The parties of an organization (compared by [`identity::organization_key`]), by id.
    pub fn parties_of_organization<'a>(
        &'a self,
        organization: &str,
    ) -> impl Iterator<Item = &'a Party> + 'a {
        self.parties_in(
            self.index
                .by_organization
                .get(&*identity::organization_key(organization)),
        )
    }

    /// The parties with this Partner Center PartnerID (compared by [`identity::partner_id_key`];
    /// an empty one names nobody), by id.
    pub fn parties_with_partner_id<'a>(
        &'a self,
        partner_id: &str,
    ) -> impl Iterator<Item = &'a Party> + 'a {
        let key = identity::partner_id_key(partner_id);
        self.parties_in(self.index.by_partner_id.get(&*key))
    }

    /// The parties of one kind in one CSP region (`None`: no country, or an unlisted one), by id.
    pub fn parties_of_kind_in<'a>(
        &'a self,
        kind: PartyKind,
        region: Option<&'static Region>,
    ) -> impl Iterator<Item = &'a Party> + 'a {
        let key = (kind, region.map(|r| r.id.as_str()));
        self.parties_in(self.index.by_kind_region.get(&key))
    }

    /// The parties of one kind, region by region and by id within a region.
    pub fn parties_of_kind<'a>(&'a self, kind: PartyKind) -> impl Iterator<Item = &'a Party> + 'a {
        let mut keys: Vec<_> = self
            .index
            .by_kind_region
            .keys()
            .filter(|(k, _)| *k == kind)
            .copied()
            .collect();
        keys.sort();
        keys.into_iter()
            .flat_map(move |k| self.parties_in(self.index.by_kind_region.get(&k)))
    }

    /// The links that name `tenant` explicitly (purchases provisioned into another tenant), by id.
    pub fn links_with_tenant<'a>(&'a self, tenant: &str) -> impl Iterator<Item = &'a Link> + 'a {
        self.index
            .links_by_tenant
            .get(&*identity::tenant_key(tenant))
            .into_iter()
            .flatten()
            .filter_map(|id| self.link(id.as_str()))
    }

    /// The links billed via a party (it is their `via`), by id.
    pub fn links_via<'a>(&'a self, id: &str) -> impl Iterator<Item = &'a Link> + 'a {
        self.index
            .links_via
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.link(id.as_str()))
    }

    /// Every link naming a party: from it, to it, or billed via it.
    pub fn links_naming<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Link> + 'a {
        self.links_from(id)
            .chain(self.links_to(id).filter(move |l| l.from.as_str() != id))
            .chain(
                self.links_via(id)
                    .filter(move |l| l.from.as_str() != id && l.to.as_str() != id),
            )
    }

    /// Links leaving a party (it is the supplying side).
    pub fn links_from<'a>(&'a self, id: &str) -> impl Iterator<Item = &'a Link> + 'a {
        self.incident(id, Direction::Outgoing)
    }

    /// Links arriving at a party (it is the buying side).
    pub fn links_to<'a>(&'a self, id: &str) -> impl Iterator<Item = &'a Link> + 'a {
        self.incident(id, Direction::Incoming)
    }

    fn incident<'a>(&'a self, id: &str, dir: Direction) -> impl Iterator<Item = &'a Link> + 'a {
        self.parties
            .get(id)
            .into_iter()
            .flat_map(move |&idx| self.graph.edges_directed(idx, dir).map(|e| &**e.weight()))
    }

    /// The underlying graph, read-only (the canvas mirrors its indices).
    pub fn graph(&self) -> &ChannelGraph {
        &self.graph
    }

    /// A party id that is not in use yet, built from `stem` (`stem`, `stem-2`, `stem-3`, …).
    pub fn fresh_party_id(&self, stem: &str) -> PartyId {
        fresh(stem, |id| self.parties.contains_key(id)).into()
    }

    /// A link id that is not in use yet, built from `stem`.
    pub fn fresh_link_id(&self, stem: &str) -> LinkId {
        fresh(stem, |id| self.links.contains_key(id)).into()
    }
}

/// How many links a party must have leaving it for [`Scenario::put_first`] to reorder them.
const PUT_FIRST_FROM: usize = 256;

/// What [`Scenario::put_first`] reckons reordering one link costs, in steps of a walk along a
/// list (perf at 300k parties: reordering every link of lists walked a few times each cost more
/// than the walks). Each step of a walk is a cache miss (a party's links lie all over the edge
/// table), about as dear as a reordered link's share: at 20, `check c300k` spent 4.7% walking
/// and 2.1% reordering (perf), at 4 it spends 1.7% and 3.6%.
const REORDER_STEPS: usize = 4;

fn fresh(stem: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(stem) {
        return stem.to_owned();
    }
    (2..)
        .map(|n| format!("{stem}-{n}"))
        .find(|id| !taken(id))
        .expect("an unbounded range always finds a free id")
}

impl PartialEq for Scenario {
    /// Two scenarios are equal when they hold the same meta, parties and links, whatever their order.
    fn eq(&self, other: &Self) -> bool {
        self.meta == other.meta
            && self.party_count() == other.party_count()
            && self.link_count() == other.link_count()
            && self
                .parties()
                .all(|p| other.party(p.id.as_str()) == Some(p))
            && self.links().all(|l| other.link(l.id.as_str()) == Some(l))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LinkKind;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    /// The index answers what a scan of the whole channel would, after adds, replaces and removals.
    fn assert_index_matches_a_scan(s: &Scenario) {
        // The kinds' table answers as each party and link does.
        for ix in s.graph.node_indices() {
            assert_eq!(
                s.party_kind(ix),
                s.graph[ix].kind,
                "party {}",
                s.graph[ix].id
            );
        }
        for ix in s.graph.edge_indices() {
            assert_eq!(s.link_kind(ix), s.graph[ix].kind, "link {}", s.graph[ix].id);
        }
        let ids = |it: &mut dyn Iterator<Item = &Party>| -> Vec<String> {
            it.map(|p| p.id.to_string()).collect()
        };
        let scan = |f: &dyn Fn(&Party) -> bool| -> Vec<String> {
            let mut v: Vec<String> = s
                .parties()
                .filter(|p| f(p))
                .map(|p| p.id.to_string())
                .collect();
            v.sort();
            v
        };
        for p in s.parties() {
            assert_eq!(
                ids(&mut s.parties_with_tenant(&p.tenant)),
                scan(&|q| identity::same_tenant(&q.tenant, &p.tenant))
            );
            assert_eq!(
                ids(&mut s.parties_of_organization(&p.organization)),
                scan(&|q| identity::same_organization(&q.organization, &p.organization))
            );
            if let Some(pid) = &p.partner_id {
                assert_eq!(
                    ids(&mut s.parties_with_partner_id(pid)),
                    scan(&|q| q
                        .partner_id
                        .as_deref()
                        .is_some_and(|q| identity::same_partner_id(q, pid)))
                );
            }
            let region = p
                .country
                .as_deref()
                .and_then(|c| crate::model::markets().region_of(c));
            let region_of = |q: &Party| {
                q.country
                    .as_deref()
                    .and_then(|c| crate::model::markets().region_of(c))
            };
            assert_eq!(
                ids(&mut s.parties_of_kind_in(p.kind, region)),
                scan(&|q| q.kind == p.kind && region_of(q) == region)
            );
            let mut naming: Vec<String> = s
                .links_naming(p.id.as_str())
                .map(|l| l.id.to_string())
                .collect();
            naming.sort();
            let mut scanned: Vec<String> = s
                .links()
                .filter(|l| l.parties().any(|q| *q == p.id))
                .map(|l| l.id.to_string())
                .collect();
            scanned.sort();
            assert_eq!(naming, scanned, "links naming {}", p.id);
        }
        assert_eq!(
            s.microsoft().map(|m| m.id.to_string()),
            s.parties()
                .find(|p| p.kind == PartyKind::Microsoft)
                .map(|p| p.id.to_string())
        );
    }

    /// The first party of a kind, in graph order.
    fn first_of(s: &Scenario, kind: PartyKind) -> Party {
        s.parties()
            .find(|p| p.kind == kind)
            .unwrap_or_else(|| panic!("{} in the scenario", kind.with_article()))
            .clone()
    }

    /// A copy of the scenario (what an edit makes while a save, an export or the autosave holds
    /// a snapshot, or a what-if fork) shares every party and link with the original; a change
    /// to either copies only what it changes, and leaves the other as it was, index included.
    #[test]
    fn a_copy_shares_every_party_and_link_and_a_change_copies_only_what_it_touches() {
        let original = crate::scenarios::synthetic(120);
        let mut copy = original.clone();
        let shared = |a: &Scenario, b: &Scenario| {
            let parties = a
                .parties()
                .filter(|p| std::ptr::eq(*p, b.party(p.id.as_str()).expect("held by both")))
                .count();
            let links = a
                .links()
                .filter(|l| std::ptr::eq(*l, b.link(l.id.as_str()).expect("held by both")))
                .count();
            (parties, links)
        };
        let all = (original.party_count(), original.link_count());
        assert_eq!(shared(&original, &copy), all, "a copy shares everything");

        // A move and a changed party: those two are the copy's own from now on.
        let customer = first_of(&original, PartyKind::Customer);
        let reseller = first_of(&original, PartyKind::IndirectReseller);
        let at = Position { x: 12.0, y: 34.0 };
        copy.set_position(&customer.id, Some(at)).unwrap();
        let mut moved_to_japan = reseller.clone();
        moved_to_japan.country = Some("JP".into());
        copy.replace_party(moved_to_japan).unwrap();
        assert_eq!(shared(&original, &copy), (all.0 - 2, all.1));
        assert_eq!(copy.party(customer.id.as_str()).unwrap().position, Some(at));
        assert_eq!(
            original.party(customer.id.as_str()).unwrap().position,
            customer.position,
            "the original is as it was"
        );
        let in_japan = |s: &Scenario| {
            s.parties_of_kind_in(
                PartyKind::IndirectReseller,
                crate::model::markets().region_of("JP"),
            )
            .any(|p| p.id == reseller.id)
        };
        assert!(in_japan(&copy) && !in_japan(&original));

        // A removed link goes from the copy only.
        let sale = original.links_to(customer.id.as_str()).next().unwrap().id;
        copy.remove_link(&sale).unwrap();
        assert!(original.link(sale.as_str()).is_some() && copy.link(sale.as_str()).is_none());
        assert_eq!(shared(&copy, &original), (all.0 - 2, all.1 - 1));
        assert_index_matches_a_scan(&original);
        assert_index_matches_a_scan(&copy);
    }

    #[test]
    fn the_kinds_table_follows_every_change() {
        let mut s = Scenario::new("kinds");
        s.add_party(Party::new("p", PartyKind::IndirectProvider))
            .unwrap();
        s.add_party(Party::new("r", PartyKind::IndirectReseller))
            .unwrap();
        s.add_party(Party::new("c", PartyKind::Customer)).unwrap();
        let day = d("2024-01-01");
        s.add_link(Link::new("pr", LinkKind::Partnership, "p", "r", day))
            .unwrap();
        s.add_link(Link::new("rc", LinkKind::Reseller, "r", "c", day))
            .unwrap();
        assert_index_matches_a_scan(&s);
        // Another kind at the same ends, and a party of another kind.
        s.replace_link(Link::new("rc", LinkKind::Purchase, "r", "c", day))
            .unwrap();
        assert_eq!(s.link_kind(s.link_index("rc").unwrap()), LinkKind::Purchase);
        s.replace_party(Party::new("r", PartyKind::DirectBill))
            .unwrap();
        assert_index_matches_a_scan(&s);
        // Other ends; then a removed link's index used again by a link of another kind.
        s.replace_link(Link::new("rc", LinkKind::Admin, "p", "c", day))
            .unwrap();
        assert_index_matches_a_scan(&s);
        s.remove_link(&LinkId::from("pr")).unwrap();
        s.add_link(Link::new("pc", LinkKind::Supply, "p", "c", day))
            .unwrap();
        assert_index_matches_a_scan(&s);
        s.remove_party(&PartyId::from("c")).unwrap();
        s.add_party(Party::new("m", PartyKind::Microsoft)).unwrap();
        assert_index_matches_a_scan(&s);
        let copy = s.clone();
        assert_index_matches_a_scan(&copy);
    }

    #[test]
    fn the_index_follows_every_change() {
        let mut s = crate::scenarios::synthetic(120);
        assert_index_matches_a_scan(&s);
        // Move a customer to another tenant, organization and country.
        let mut c = first_of(&s, PartyKind::Customer);
        let other = first_of(&s, PartyKind::IndirectReseller);
        // Spelled differently: one tenant and one organization all the same.
        c.tenant = format!(" {} ", other.tenant.to_uppercase());
        c.organization = other.organization.to_uppercase();
        c.country = Some("JP".into());
        s.replace_party(c.clone()).unwrap();
        assert_index_matches_a_scan(&s);
        for ids in [
            s.parties_with_tenant(&other.tenant)
                .map(|p| p.id)
                .collect::<Vec<_>>(),
            s.parties_of_organization(&other.organization)
                .map(|p| p.id)
                .collect(),
        ] {
            assert!(ids.contains(&c.id) && ids.contains(&other.id), "{ids:?}");
        }
        // Bill one of its purchases via a provider and into a named tenant, then remove the provider.
        let provider = s
            .parties()
            .find(|p| p.kind == PartyKind::IndirectProvider)
            .unwrap()
            .id;
        let mut sale = s.links_to(c.id.as_str()).next().expect("a sale").clone();
        sale.via = Some(provider);
        sale.tenant = Some("elsewhere".into());
        s.replace_link(sale.clone()).unwrap();
        assert_eq!(s.links_with_tenant("elsewhere").count(), 1);
        assert_eq!(s.links_with_tenant(" Elsewhere").count(), 1);
        assert_index_matches_a_scan(&s);
        let (_, removed) = s.remove_party(&provider).unwrap();
        assert!(
            removed.iter().any(|l| l.id == sale.id),
            "links billed via a party go with it"
        );
        assert_eq!(s.links_with_tenant("elsewhere").count(), 0);
        assert_index_matches_a_scan(&s);
        let ms = s.microsoft().unwrap().id;
        s.remove_party(&ms).unwrap();
        assert!(s.microsoft().is_none());
        assert_index_matches_a_scan(&s);
    }

    fn small() -> Scenario {
        let mut s = Scenario::new("t");
        s.add_party(Party::new("ms", PartyKind::Microsoft)).unwrap();
        s.add_party(Party::new("dist", PartyKind::IndirectProvider))
            .unwrap();
        s.add_party(Party::new("res", PartyKind::IndirectReseller))
            .unwrap();
        s.add_link(Link::new(
            "s1",
            LinkKind::Supply,
            "ms",
            "dist",
            d("2021-01-01"),
        ))
        .unwrap();
        s.add_link(Link::new(
            "p1",
            LinkKind::Partnership,
            "dist",
            "res",
            d("2021-01-01"),
        ))
        .unwrap();
        s
    }

    #[test]
    fn refuses_duplicates_dangling_links_and_second_microsoft() {
        let mut s = small();
        assert_eq!(
            s.add_party(Party::new("ms2", PartyKind::Microsoft)),
            Err(ScenarioError::SecondMicrosoft("ms".into()))
        );
        assert_eq!(
            s.add_party(Party::new("dist", PartyKind::Customer)),
            Err(ScenarioError::DuplicateParty("dist".into()))
        );
        let dangling = Link::new("x", LinkKind::Supply, "ms", "nobody", d("2021-01-01"));
        assert!(matches!(
            s.add_link(dangling),
            Err(ScenarioError::DanglingLink { .. })
        ));
        assert!(matches!(
            s.add_party(Party::new("a b", PartyKind::Customer)),
            Err(ScenarioError::BadId(_))
        ));
    }

    #[test]
    fn removing_a_party_removes_its_links_including_via() {
        let mut s = small();
        s.add_party(Party::new("c", PartyKind::Customer)).unwrap();
        s.add_link(Link::new("buy", LinkKind::Purchase, "res", "c", d("2021-02-01")).via("dist"))
            .unwrap();
        let (party, links) = s.remove_party(&"dist".into()).unwrap();
        assert_eq!(party.id.as_str(), "dist");
        let mut ids: Vec<_> = links.iter().map(|l| l.id.as_str()).collect();
        ids.sort();
        assert_eq!(ids, ["buy", "p1", "s1"]);
        assert_eq!(s.link_count(), 0);
        assert!(s.party("res").is_some());
    }

    #[test]
    fn replacing_a_link_can_move_its_ends() {
        let mut s = small();
        s.add_party(Party::new("res2", PartyKind::IndirectReseller))
            .unwrap();
        let mut p1 = s.link("p1").unwrap().clone();
        p1.to = "res2".into();
        s.replace_link(p1).unwrap();
        assert_eq!(s.links_to("res2").count(), 1);
        assert_eq!(s.links_to("res").count(), 0);
    }

    #[test]
    fn links_share_the_text_of_the_ids_their_parties_hold() {
        let mut s = small();
        let buy = Link::new("buy", LinkKind::Purchase, "res", "dist", d("2021-02-01")).via("dist");
        s.add_link(buy).unwrap();
        let party = |s: &Scenario, id: &str| s.party(id).unwrap().id;
        for link in s.links() {
            assert!(link.from.shares_text_with(&party(&s, link.from.as_str())));
            assert!(link.to.shares_text_with(&party(&s, link.to.as_str())));
        }
        let via = s.link("buy").unwrap().via.unwrap();
        assert!(via.shares_text_with(&party(&s, "dist")));
        // A replaced link's new end is shared too.
        let mut moved = s.link("p1").unwrap().clone();
        moved.from = "ms".into();
        s.replace_link(moved).unwrap();
        assert!(
            s.link("p1")
                .unwrap()
                .from
                .shares_text_with(&party(&s, "ms"))
        );
    }

    /// A loader's resolved ends are used only when they are the very parties the link names: a
    /// wrong index, or an id that merely spells the party, is looked up as `add_link` would.
    #[test]
    fn a_link_added_at_resolved_ends_is_the_link_add_link_makes() {
        let mut s = small();
        s.add_party(Party::new("c", PartyKind::Customer)).unwrap();
        let (res, res_ix) = s.party_entry("res").unwrap();
        let (c, c_ix) = s.party_entry("c").unwrap();
        let (dist, dist_ix) = s.party_entry("dist").unwrap();
        assert!(s.party_entry("nobody").is_none());
        let buy = Link::new("buy", LinkKind::Purchase, res, c, d("2021-02-01")).via(dist);
        let edge = s.add_link_at(buy, (res_ix, c_ix, Some(dist_ix))).unwrap();
        assert_eq!(s.graph().edge_endpoints(edge), Some((res_ix, c_ix)));
        assert_eq!(s.links_via("dist").count(), 1);
        // The ends swapped: the indices are not the parties named, so the link goes where it says.
        let back = Link::new("back", LinkKind::Purchase, res, c, d("2021-03-01"));
        let edge = s.add_link_at(back, (c_ix, res_ix, None)).unwrap();
        assert_eq!(s.graph().edge_endpoints(edge), Some((res_ix, c_ix)));
        // Equal text, not the shared id: looked up, and shared from then on.
        let spelled = Link::new("spelled", LinkKind::Purchase, "res", "c", d("2021-04-01"));
        let edge = s.add_link_at(spelled, (c_ix, c_ix, None)).unwrap();
        assert_eq!(s.graph().edge_endpoints(edge), Some((res_ix, c_ix)));
        assert!(s.link("spelled").unwrap().from.shares_text_with(&res));
        // A `via` without its index is looked up, and one naming no party is refused.
        let via = Link::new("via", LinkKind::Purchase, res, c, d("2021-05-01")).via("ghost");
        assert!(matches!(
            s.add_link_at(via, (res_ix, c_ix, None)),
            Err(ScenarioError::DanglingLink { .. })
        ));
        // What a link must hold on its own is checked either way.
        let mut ended = Link::new("ended", LinkKind::Purchase, res, c, d("2021-05-01"));
        ended.ended = Some(d("2021-01-01"));
        assert!(matches!(
            s.add_link_at(ended, (res_ix, c_ix, None)),
            Err(ScenarioError::EndedBeforeDate { .. })
        ));
    }

    /// A provider selling to 300 customers, its sales `buy-0` … `buy-299` added in that order.
    fn busy_provider() -> Scenario {
        let mut s = small();
        for n in 0..300 {
            let customer = format!("c{n}");
            s.add_party(Party::new(customer.as_str(), PartyKind::Customer))
                .unwrap();
            s.add_link(Link::new(
                format!("buy-{n}"),
                LinkKind::Purchase,
                "dist",
                customer,
                d("2022-01-01"),
            ))
            .unwrap();
        }
        s
    }

    /// Links put first lead their party's list, the others keep their order, and the scenario
    /// holds the same channel: each link at the index its id maps to, the index as a scan finds
    /// it, and edits afterwards right.
    #[test]
    fn links_put_first_lead_their_partys_list_and_nothing_else_changes() {
        let mut s = busy_provider();
        let before = s.clone();
        let sales = |s: &Scenario| -> Vec<String> {
            s.links_from("dist").map(|l| l.id.to_string()).collect()
        };
        // Every third sale: walking to each would cost more than reordering the list.
        let mut chosen: Vec<LinkId> = (0..300)
            .step_by(3)
            .map(|n| LinkId::from(format!("buy-{n}")))
            .collect();
        chosen.push("no-such-link".into());
        s.put_first(&chosen);
        assert!(s == before, "the same parties and links");
        let now = sales(&s);
        let mut front = now[..100].to_vec();
        front.sort();
        let mut expected: Vec<String> = chosen[..100].iter().map(|id| id.to_string()).collect();
        expected.sort();
        assert_eq!(front, expected);
        let others: Vec<String> = sales(&before)
            .into_iter()
            .filter(|id| !front.contains(id))
            .collect();
        assert_eq!(now[100..], others[..], "the others in their order");
        for link in s.links() {
            let edge = s.link_index(link.id.as_str()).unwrap();
            assert_eq!(s.graph()[edge].id, link.id);
            assert_eq!(
                s.graph().edge_endpoints(edge),
                Some((
                    s.party_index(link.from.as_str()).unwrap(),
                    s.party_index(link.to.as_str()).unwrap()
                ))
            );
        }
        assert_index_matches_a_scan(&s);
        // Edits afterwards find every link where the map says.
        let removed = s.remove_link(&"buy-150".into()).unwrap();
        assert_eq!(removed.to.as_str(), "c150");
        let mut moved = s.link("buy-7").unwrap().clone();
        moved.from = "res".into();
        s.replace_link(moved).unwrap();
        assert_eq!(
            s.links_from("dist").count(),
            299,
            "298 sales and the partnership"
        );
        assert_eq!(s.links_to("c7").next().unwrap().from.as_str(), "res");
        s.remove_party(&"dist".into()).unwrap();
        assert_eq!(
            s.link_count(),
            1,
            "every link naming dist went with it; buy-7 stays"
        );
        assert_index_matches_a_scan(&s);
    }

    /// A party with few links, or only a few to put first, is left as it was: walking to a few
    /// links costs less than reordering a list.
    #[test]
    fn putting_first_leaves_short_lists_and_a_few_links_alone() {
        let mut s = busy_provider();
        let before: Vec<_> = s.links().map(|l| s.link_index(l.id.as_str())).collect();
        s.put_first(&["buy-3", "buy-4"].map(LinkId::from));
        s.put_first(&["p1", "s1", "buy-1"].map(LinkId::from));
        s.put_first(&["buy-0", "buy-1", "buy-2", "buy-150"].map(LinkId::from));
        let after: Vec<_> = s.links().map(|l| s.link_index(l.id.as_str())).collect();
        assert_eq!(before, after);
    }

    #[test]
    fn fresh_ids_do_not_collide() {
        let s = small();
        assert_eq!(s.fresh_party_id("dist").as_str(), "dist-2");
        assert_eq!(s.fresh_party_id("new").as_str(), "new");
    }
}
