//! The compact save format, `.cspx`: the same scenario as a RON save, in postcard's binary encoding,
//! for channels too large to read as text in reasonable time (a 300,000-party channel is 345 MB of
//! RON and takes several seconds to parse; see the README's "At scale" table).
//!
//! RON stays the format for people and for git; `.cspx` is for size. A file is recognised by its
//! first bytes, not its name: `CSPX`, then the format version as a little-endian `u32`, then the
//! postcard body. Enumerations are written as the same keys the RON save uses (`direct_bill`,
//! `partnership`, …) and dates as days since 0001-01-01, so reordering a Rust enum never changes
//! what a file means.
//!
//! Format version 2 names a link's parties (`from`, `to`, `via`) by their place in the file's
//! party table, a number, where version 1 wrote their ids: at 300,000 parties and a million links
//! a load looked three million ids up (perf: the largest part of adding the links), and the file
//! held each id again on every link naming it. Version 1 files are still read, by load, `convert`
//! and `diff` alike; a save writes version 2.
//!
//! Loading goes record by record into the scenario, reporting progress and stopping when cancelled,
//! and every bad value is refused with the file, the entry and what is wrong, never a panic.
//!
//! This file owns the `.cspx` bytes; it must not touch the disk (`save.rs` and `disk.rs` do) or
//! know RON.

use crate::io::error::{LoadError, SaveError};
use crate::io::migrate::{FORMAT_VERSION, LAYOUT_VERSION, OLDEST_VERSION, migrate, migrate_layout};
use crate::model::{
    AdminType, Date, Link, LinkKind, LinkStatus, Party, PartyId, PartyKind, Position, Publisher,
    Scenario, ScenarioMeta, SharedText, TenantType,
};
use crate::progress::Progress;
use chrono::Datelike;
use petgraph::stable_graph::NodeIndex;
use serde::{Deserialize, Serialize};
use std::io::Read;

/// The first bytes of every `.cspx` file.
pub const MAGIC: &[u8; 4] = b"CSPX";

/// The binary format version this build writes: links name their parties by their place in the
/// file (see the module's documentation).
pub const BINARY_VERSION: u32 = 2;

/// The oldest binary format version this build reads: version 1 names a link's parties by id.
pub const OLDEST_BINARY_VERSION: u32 = 1;

/// Whether a file of binary format `version` names a link's parties by place (else by id).
fn by_place(version: u32) -> bool {
    version >= 2
}

/// The file extension of the compact format.
pub const EXTENSION: &str = "cspx";

/// Whether these bytes start like a `.cspx` file (the test used to tell it from RON text).
pub fn is_binary(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// Whether a path asks for the compact format (by its extension, when saving).
pub fn wants_binary(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(EXTENSION))
}

#[derive(Serialize, Deserialize)]
struct Head<'a> {
    /// The RON format version of the model the records follow (for migrations, as in RON saves).
    model_version: u32,
    title: &'a str,
    description: &'a str,
    as_of: Option<i32>,
    parties: u64,
    links: u64,
}

#[derive(Clone, Serialize, Deserialize)]
struct PartyRecord<'a> {
    id: &'a str,
    kind: &'a str,
    name: &'a str,
    country: Option<&'a str>,
    organization: &'a str,
    affiliate_group: Option<&'a str>,
    tenant: &'a str,
    tenant_type: &'a str,
    mpa_signed: Option<i32>,
    partner_id: Option<&'a str>,
    registration_id: Option<&'a str>,
    onboarded: bool,
    enrolled: bool,
    restricted_since: Option<i32>,
    mca_accepted: Option<i32>,
    position: Option<(f32, f32)>,
}

/// A link as model versions 1 and 2 wrote it; version 3 appends [`LinkRecord`]'s
/// `partner_id_on_record` (postcard writes a nested struct's fields in line, so a version 3 record
/// is this one followed by that field).
///
/// `P` is how the link names a party: its id in binary format 1 (`&str`), its place in the file's
/// party table in format 2 ([`Place`]).
#[derive(Serialize, Deserialize)]
struct LinkBase<'a, P = &'a str> {
    id: &'a str,
    kind: &'a str,
    from: P,
    to: P,
    date: i32,
    ended: Option<i32>,
    status: &'a str,
    offer: Option<&'a str>,
    publisher: &'a str,
    tenant: Option<&'a str>,
    via: Option<P>,
    roles: Vec<&'a str>,
    duration_days: Option<u32>,
    auto_extend: bool,
    admin_type: &'a str,
}

/// A link as model version 3 writes it. Binary format 2 writes every link this way, whatever its
/// model version.
#[derive(Serialize, Deserialize)]
struct LinkRecord<'a, P = &'a str> {
    #[serde(borrow)]
    base: LinkBase<'a, P>,
    partner_id_on_record: Option<&'a str>,
}

/// A party's place in a binary format 2 file: its party records' order, from 0.
type Place = u32;

/// The link record `record` names with ids, given the ids of the file's parties by place, or
/// `None` when it names a place the file has no party at.
fn named<'a, I: std::borrow::Borrow<str>>(
    record: LinkRecord<'a, Place>,
    ids: &'a [I],
) -> Option<LinkRecord<'a>> {
    let id = |at: Place| ids.get(at as usize).map(|id| id.borrow());
    let r = &record.base;
    let via = match r.via {
        Some(at) => Some(id(at)?),
        None => None,
    };
    let ends = (id(r.from)?, id(r.to)?, via);
    Some(with_ends(record, ends))
}

/// The same link record naming its parties with `ends` (`from`, `to`, `via`).
fn with_ends<'a, P, Q>(
    record: LinkRecord<'a, P>,
    (from, to, via): (Q, Q, Option<Q>),
) -> LinkRecord<'a, Q> {
    let r = record.base;
    LinkRecord {
        base: LinkBase {
            from,
            to,
            via,
            id: r.id,
            kind: r.kind,
            date: r.date,
            ended: r.ended,
            status: r.status,
            offer: r.offer,
            publisher: r.publisher,
            tenant: r.tenant,
            roles: r.roles,
            duration_days: r.duration_days,
            auto_extend: r.auto_extend,
            admin_type: r.admin_type,
        },
        partner_id_on_record: record.partner_id_on_record,
    }
}

fn days(d: Date) -> i32 {
    d.num_days_from_ce()
}

fn party_record(p: &Party) -> PartyRecord<'_> {
    PartyRecord {
        id: p.id.as_str(),
        kind: p.kind.key(),
        name: &p.name,
        country: p.country.as_deref(),
        organization: &p.organization,
        affiliate_group: p.affiliate_group.as_deref(),
        tenant: &p.tenant,
        tenant_type: p.tenant_type.key(),
        mpa_signed: p.mpa_signed.map(days),
        partner_id: p.partner_id.as_deref(),
        registration_id: p.registration_id.as_deref(),
        onboarded: p.onboarded,
        enrolled: p.enrolled,
        restricted_since: p.restricted_since.map(days),
        mca_accepted: p.mca_accepted.map(days),
        position: p.position.map(|p| (p.x, p.y)),
    }
}

/// A link's record naming its parties with `ends` (`from`, `to`, `via`).
fn link_record<P>(l: &Link, ends: (P, P, Option<P>)) -> LinkRecord<'_, P> {
    LinkRecord {
        base: link_base(l, ends),
        partner_id_on_record: l.partner_id_on_record.as_deref(),
    }
}

/// The ids a link names its parties with in binary format 1 (the tests write such files).
#[cfg(test)]
fn ids_of(l: &Link) -> (&str, &str, Option<&str>) {
    (
        l.from.as_str(),
        l.to.as_str(),
        l.via.as_ref().map(|v| v.as_str()),
    )
}

fn link_base<P>(l: &Link, (from, to, via): (P, P, Option<P>)) -> LinkBase<'_, P> {
    LinkBase {
        id: l.id.as_str(),
        kind: l.kind.key(),
        from,
        to,
        date: days(l.date),
        ended: l.ended.map(days),
        status: l.status.key(),
        offer: l.offer.as_deref(),
        publisher: l.publisher.key(),
        tenant: l.tenant.as_deref(),
        via,
        roles: l.roles.iter().map(|role| role.as_str()).collect(),
        duration_days: l.duration_days,
        auto_extend: l.auto_extend,
        admin_type: l.admin_type.key(),
    }
}

/// The scenario as `.cspx` bytes. Parties and links are written in the RON save's order, so that the
/// two formats of one scenario load into equal scenarios.
pub fn scenario_to_bytes(scenario: &Scenario) -> Result<Vec<u8>, SaveError> {
    scenario_to_bytes_with(scenario, None, &Progress::none())
}

/// [`scenario_to_bytes`] for a worker thread: reports the records written and stops with
/// [`SaveError::Cancelled`] (its path left empty for the caller to name) when `progress` is
/// cancelled.
///
/// With `drawn`, each party is saved where the window draws it (see
/// [`crate::io::ron_file::scenario_to_ron_with`]).
pub fn scenario_to_bytes_with(
    scenario: &Scenario,
    drawn: Option<&std::collections::BTreeMap<crate::model::PartyId, Position>>,
    progress: &Progress,
) -> Result<Vec<u8>, SaveError> {
    use petgraph::visit::NodeIndexable;
    let graph = scenario.graph();
    let mut parties: Vec<NodeIndex> = graph.node_indices().collect();
    parties.sort_by(|&a, &b| {
        let (a, b) = (&graph[a], &graph[b]);
        (a.kind.tier(), &a.id).cmp(&(b.kind.tier(), &b.id))
    });
    // Each party's place in the file, by graph index: what links name it by.
    let mut place: Vec<Place> = vec![0; graph.node_bound()];
    for (at, ix) in parties.iter().enumerate() {
        place[ix.index()] = at as Place;
    }
    let mut links: Vec<petgraph::stable_graph::EdgeIndex> = graph.edge_indices().collect();
    links.sort_by(|&a, &b| {
        let (a, b) = (&graph[a], &graph[b]);
        (a.kind, &a.id).cmp(&(b.kind, &b.id))
    });
    let invariant = |what: &str| SaveError::Binary(format!("the channel is inconsistent: {what}"));
    let head = Head {
        model_version: FORMAT_VERSION,
        title: &scenario.meta.title,
        description: &scenario.meta.description,
        as_of: scenario.meta.as_of.map(days),
        parties: parties.len() as u64,
        links: links.len() as u64,
    };
    let encode = |e: postcard::Error| SaveError::Binary(e.to_string());
    // About 60 bytes a link: one allocation for the lot.
    let mut out = Vec::with_capacity(64 + 80 * (parties.len() + links.len()));
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&BINARY_VERSION.to_le_bytes());
    out = postcard::to_extend(&head, out).map_err(encode)?;
    let total = (parties.len() + links.len()).max(1) as f32;
    let checkpoint = |done: usize| {
        if !done.is_multiple_of(8192) {
            return Ok(());
        }
        if progress.is_cancelled() {
            return Err(SaveError::Cancelled {
                path: String::new(),
            });
        }
        progress.set(done as f32 / total);
        Ok(())
    };
    let mut done = 0;
    for ix in parties {
        let p = &graph[ix];
        let mut record = party_record(p);
        if let Some(at) = drawn.and_then(|d| d.get(&p.id)) {
            record.position = Some((at.x, at.y));
        }
        out = postcard::to_extend(&record, out).map_err(encode)?;
        done += 1;
        checkpoint(done)?;
    }
    for ix in links {
        let l = &graph[ix];
        let (from, to) = graph
            .edge_endpoints(ix)
            .ok_or_else(|| invariant(&format!("link `{}` has no ends", l.id)))?;
        let via = match &l.via {
            Some(via) => Some(
                scenario
                    .party_index(via.as_str())
                    .ok_or_else(|| invariant(&format!("link `{}` names no party as via", l.id)))?,
            ),
            None => None,
        };
        let at = |ix: NodeIndex| place[ix.index()];
        let record = link_record(l, (at(from), at(to), via.map(at)));
        out = postcard::to_extend(&record, out).map_err(encode)?;
        done += 1;
        checkpoint(done)?;
    }
    progress.set(1.0);
    Ok(out)
}

/// Reads `.cspx` bytes; `path` only names the source in errors. Progress goes from 0 to 1 over the
/// records; a cancelled `progress` stops the load with [`LoadError::Cancelled`].
pub fn scenario_from_bytes(
    bytes: &[u8],
    path: &str,
    progress: &Progress,
) -> Result<Scenario, LoadError> {
    read_records(&mut AtHand(bytes), path, progress)
}

/// Reads a `.cspx` file a window at a time: `first` is what was read of it already (at least its
/// first bytes, which say it is a `.cspx`), `reader` the rest, `left` how many bytes the rest has
/// (what the file's length says; no more is read). The same scenario and the same errors as
/// [`scenario_from_bytes`] of the whole file, without the whole file in memory: at 300,000
/// parties those 154 MB were a fifth of `check`'s peak.
pub fn scenario_from_file(
    first: Vec<u8>,
    reader: impl std::io::Read,
    left: u64,
    path: &str,
    progress: &Progress,
) -> Result<Scenario, LoadError> {
    let mut window = Window {
        reader: reader.take(left),
        left,
        buf: first,
        start: 0,
        step: WINDOW_BYTES,
        path,
    };
    read_records(&mut window, path, progress)
}

/// The bytes the records are read from: all at hand (a file read whole, standard input), or a
/// file brought to hand a window at a time.
trait Records {
    /// The bytes at hand that are not read yet.
    fn at_hand(&self) -> &[u8];
    /// Marks the first `n` bytes at hand as read.
    fn consume(&mut self, n: usize);
    /// Brings more bytes to hand: `false` when every byte left is at hand already.
    fn more(&mut self) -> Result<bool, LoadError>;
    /// How many bytes are not read yet, at hand or not.
    fn left(&self) -> u64;
}

/// Every byte at hand.
struct AtHand<'a>(&'a [u8]);

impl Records for AtHand<'_> {
    fn at_hand(&self) -> &[u8] {
        self.0
    }

    fn consume(&mut self, n: usize) {
        self.0 = &self.0[n..];
    }

    fn more(&mut self) -> Result<bool, LoadError> {
        Ok(false)
    }

    fn left(&self) -> u64 {
        self.0.len() as u64
    }
}

/// How much of a file a load reads at a time: a record is at most a few hundred kilobytes (its
/// texts are bounded by [`crate::model::limits`]); a larger one widens the window.
const WINDOW_BYTES: usize = 1 << 20;

/// A file read a window at a time: `buf[start..]` is at hand, `reader` holds the `left` bytes
/// after it.
struct Window<'p, R> {
    reader: std::io::Take<R>,
    left: u64,
    buf: Vec<u8>,
    start: usize,
    /// How much is read at a time, at least ([`WINDOW_BYTES`]; tests read a few bytes).
    step: usize,
    path: &'p str,
}

impl<R: std::io::Read> Records for Window<'_, R> {
    fn at_hand(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
    }

    fn more(&mut self) -> Result<bool, LoadError> {
        if self.left == 0 {
            return Ok(false);
        }
        self.buf.drain(..self.start);
        self.start = 0;
        // At least a window, and as much again as is at hand when a record is larger than that.
        let wanted = self.step.max(self.buf.len()) as u64;
        self.buf.reserve(wanted.min(self.left) as usize);
        let read = (&mut self.reader)
            .take(wanted)
            .read_to_end(&mut self.buf)
            .map_err(|e| LoadError::Io {
                path: self.path.to_owned(),
                source: e.into(),
            })?;
        // A file that got shorter since it was measured ends here.
        self.left = if read == 0 {
            0
        } else {
            self.left.saturating_sub(read as u64)
        };
        Ok(read > 0)
    }

    fn left(&self) -> u64 {
        (self.buf.len() - self.start) as u64 + self.left
    }
}

/// Reads one value from the bytes at hand with `read` (the value and how many bytes it took),
/// bringing more to hand while `read` fails. Its error is kept only once every byte left is at
/// hand: a value cut by the end of a window is read again whole, and an error is the one the
/// whole file gives.
fn next<T, E>(
    records: &mut impl Records,
    read: impl Fn(&[u8]) -> Result<(T, usize), E>,
) -> Result<Result<T, E>, LoadError> {
    loop {
        match read(records.at_hand()) {
            Ok((value, used)) => {
                records.consume(used);
                return Ok(Ok(value));
            }
            Err(e) => {
                if !records.more()? {
                    return Ok(Err(e));
                }
            }
        }
    }
}

/// A postcard value read from the front of `bytes`, made into `T` by `make` before the bytes are
/// let go, and how many bytes it took.
fn take_record<'a, V: Deserialize<'a>, T>(
    bytes: &'a [u8],
    make: impl FnOnce(V) -> T,
) -> postcard::Result<(T, usize)> {
    postcard::take_from_bytes::<V>(bytes)
        .map(|(value, after)| (make(value), bytes.len() - after.len()))
}

fn read_records(
    records: &mut impl Records,
    path: &str,
    progress: &Progress,
) -> Result<Scenario, LoadError> {
    let bad = |message: String| LoadError::Binary {
        path: path.to_owned(),
        message,
    };
    let start = next(records, |bytes| {
        if !bytes.starts_with(MAGIC) {
            return Err("not a .cspx save (it does not start with CSPX)");
        }
        match bytes[MAGIC.len()..].first_chunk::<4>() {
            Some(v) => Ok((u32::from_le_bytes(*v), MAGIC.len() + 4)),
            None => Err("the file ends inside its header"),
        }
    })?;
    let version = start.map_err(|m| bad(m.into()))?;
    if !(OLDEST_BINARY_VERSION..=BINARY_VERSION).contains(&version) {
        return Err(bad(format!(
            "binary save format version {version} is not supported (this build reads versions \
             {OLDEST_BINARY_VERSION} to {BINARY_VERSION})"
        )));
    }
    let head = next(records, |bytes| {
        take_record(bytes, |head: Head| {
            (
                head.model_version,
                head.title.to_owned(),
                head.description.to_owned(),
                head.as_of,
                head.parties,
                head.links,
            )
        })
    })?
    .map_err(|e| bad(format!("the header cannot be read: {e}")))?;
    let (model_version, title, description, as_of, parties, links) = head;
    if !(OLDEST_VERSION..=FORMAT_VERSION).contains(&model_version) {
        return Err(LoadError::Version {
            path: path.to_owned(),
            found: i64::from(model_version),
        });
    }
    let date = |d: i32, what: &str| {
        Date::from_num_days_from_ce_opt(d).ok_or_else(|| format!("{what} is not a valid date"))
    };
    let as_of = as_of
        .map(|d| date(d, "the as-of date"))
        .transpose()
        .map_err(bad)?;
    let mut scenario = Scenario::default();
    scenario.meta = ScenarioMeta {
        title,
        description,
        as_of,
    };
    crate::model::limits::check_meta(&scenario.meta)
        .map_err(|e| bad(format!("the scenario: {e}")))?;
    let total = parties.saturating_add(links).max(1) as f32;
    let left = records.left();
    claims_fit(parties, links, left).map_err(bad)?;
    // Reserved for what the bytes left could hold at the size of a real record, not for what the
    // header says: a header claiming the most parties the limits allow over a file of padding
    // would still reserve a gigabyte.
    let plausible = |claimed: u64| claimed.min(left / TYPICAL_RECORD_BYTES) as usize;
    scenario.reserve(plausible(parties), plausible(links));
    // Every party and link brings its id: room for them all at once, not doubling as they come.
    crate::model::reserve_ids(plausible(parties).saturating_add(plausible(links)));
    let mut done = 0u64;
    let tick = |done: u64| -> Result<(), LoadError> {
        if done.is_multiple_of(4096) {
            if progress.is_cancelled() {
                return Err(LoadError::Cancelled {
                    path: path.to_owned(),
                });
            }
            progress.set(done as f32 / total);
        }
        Ok(())
    };
    tick(0)?;
    let texts = Repeated::new();
    // The file's parties by place, as the scenario holds them (format 2: links name them so).
    // Only the ids: the scenario is new, so the party at place `n` is at graph index `n` (8 bytes
    // a party rather than 16, read at random by every link: 2.4 MB at 300,000 parties).
    let mut placed: Vec<PartyId> = Vec::new();
    if by_place(version) {
        placed.reserve(plausible(parties));
    }
    for n in 0..parties {
        let party = next(records, |bytes| {
            take_record(bytes, |r: PartyRecord| {
                let id = r.id;
                party_with(r, |t| texts.text(t))
                    .map_err(|m| bad(format!("party `{}`: {m}", crate::text::escaped(id, 60))))
            })
        })?
        .map_err(|e| bad(format!("party {} cannot be read: {e}", n + 1)))??;
        prefetch_next_id(records.at_hand());
        let id = party.id;
        let ix = scenario
            .add_party(party)
            .map_err(|e| bad(format!("party {}: {e}", n + 1)))?;
        if by_place(version) {
            if ix.index() as u64 != n {
                return Err(bad(format!(
                    "party {} was not added at its place in the file",
                    n + 1
                )));
            }
            placed.push(id);
        }
        done += 1;
        tick(done)?;
    }
    let named_link =
        |id: &str, m: String| bad(format!("link `{}`: {m}", crate::text::escaped(id, 60)));
    // Format 2's links go into the graph as they come and into the id map at the end, in bulk
    // (see `crate::model::Scenario::add_link_placed`).
    let mut pending = by_place(version).then(|| scenario.placed_links(plausible(links)));
    // An error at link `n` (from 0) is the file's first unless an earlier link repeated an id,
    // which a load adding links one by one would have refused first (or link `n` itself
    // does, when its id was read: the id is checked for a repeat before the link's fields).
    let first_error = |scenario: &mut Scenario,
                       pending: &mut Option<crate::model::Placed>,
                       n: u64,
                       id: Option<crate::model::LinkId>,
                       error: LoadError| {
        let Some(pending) = pending.take() else {
            return error;
        };
        if let Err((at, e)) = scenario.file_placed(pending) {
            return bad(format!("link {}: {e}", at + 1));
        }
        match id {
            Some(id) if scenario.link(id.as_str()).is_some() => bad(format!(
                "link {}: {}",
                n + 1,
                crate::model::ScenarioError::DuplicateLink(id)
            )),
            _ => error,
        }
    };
    for n in 0..links {
        let read = |bytes: &[u8]| {
            if by_place(version) {
                return take_record(bytes, |r: LinkRecord<'_, Place>| {
                    let id = r.base.id;
                    link_with(r, &texts, |at, what| at_place(&placed, at, what))
                        .map_err(|m| named_link(id, m))
                });
            }
            let made = |r: LinkRecord<'_>| {
                let id = r.base.id;
                link_with(r, &texts, |id, _| Ok(by_id(&scenario, id)))
                    .map_err(|m| named_link(id, m))
            };
            if model_version >= 3 {
                take_record(bytes, made)
            } else {
                take_record(bytes, |base: LinkBase| {
                    made(LinkRecord {
                        base,
                        partner_id_on_record: None,
                    })
                })
            }
        };
        let read = match next(records, read) {
            Ok(Ok(Ok(read))) => read,
            Ok(Ok(Err(e))) => return Err(first_error(&mut scenario, &mut pending, n, None, e)),
            Ok(Err(e)) => {
                let e = bad(format!("link {} cannot be read: {e}", n + 1));
                return Err(first_error(&mut scenario, &mut pending, n, None, e));
            }
            Err(e) => return Err(first_error(&mut scenario, &mut pending, n, None, e)),
        };
        let (mut link, ends) = read;
        prefetch_next_id(records.at_hand());
        migrate(model_version, std::slice::from_mut(&mut link));
        let id = link.id;
        let added = match (ends, pending.as_mut()) {
            // `placed` holds each party's id, at the index adding it gave.
            (Some((from, to, _)), Some(pending)) => {
                scenario.add_link_placed(link, (from, to), pending)
            }
            (Some(ends), _) => scenario.add_link_at(link, ends),
            (None, _) => scenario.add_link(link),
        };
        if let Err(e) = added {
            // A bad id is refused before its repeat is looked for.
            let id = (!matches!(e, crate::model::ScenarioError::BadId(_))).then_some(id);
            let e = bad(format!("link {}: {e}", n + 1));
            return Err(first_error(&mut scenario, &mut pending, n, id, e));
        }
        done += 1;
        if let Err(e) = tick(done) {
            return Err(first_error(&mut scenario, &mut pending, n, None, e));
        }
    }
    if let Some(pending) = pending.take() {
        scenario
            .file_placed(pending)
            .map_err(|(at, e)| bad(format!("link {}: {e}", at + 1)))?;
    }
    while records.more()? {}
    if !records.at_hand().is_empty() {
        return Err(bad(format!(
            "{} bytes follow the last link: the file is not one save",
            records.at_hand().len()
        )));
    }
    migrate_layout(model_version, &mut scenario);
    progress.set(1.0);
    Ok(scenario)
}

/// Prefetches where the interner will look up the id the next record starts with, if `bytes`
/// (what follows the record just read) hold it: postcard writes a party's or a link's id first,
/// its length as a varint and then its bytes. Adding the record just read to the scenario then
/// overlaps with fetching that slot (see [`crate::model::prefetch_id`]). Anything else at hand
/// (the end of the file, a cut window, damage) prefetches nothing or a slot in vain.
fn prefetch_next_id(bytes: &[u8]) {
    // An id is at most 4 bytes a character (`valid_id`): two bytes of varint.
    const LONGEST: usize = 4 * crate::model::limits::MAX_TEXT_CHARS;
    let (len, at) = match bytes {
        [b0, ..] if b0 & 0x80 == 0 => (usize::from(*b0), 1),
        [b0, b1, ..] if b1 & 0x80 == 0 => (usize::from(b0 & 0x7f) | usize::from(*b1) << 7, 2),
        _ => return,
    };
    if len <= LONGEST
        && let Some(id) = bytes.get(at..at + len)
        && let Ok(id) = std::str::from_utf8(id)
    {
        crate::model::prefetch_id(id);
    }
}

/// The bytes that loading the `.cspx` file `bytes` and saving the scenario it holds would write,
/// made from the file's records without building the scenario, and its numbers of parties and
/// links.
///
/// `convert` of a `.cspx` to a `.cspx` (a file copied, or brought to this build's format) loaded
/// the whole channel, its graph, id maps and lookups (perf at 300,000 parties: three quarters of
/// its 4.1 s of CPU time), only to write the same records back. Here each record is checked as a
/// load checks it ([`party_from`], [`crate::model::valid_id`], the ids it must not repeat or must
/// name, [`crate::model::limits`]) and written again with its keys as a save spells them.
///
/// A file of model version 2 or 3 is brought to this build's version as a load does (their links
/// lack `partner_id_on_record`), unless its parties are partly placed: a load gives those the tier
/// layout's positions ([`migrate_layout`]).
///
/// A file of binary format 1 is written in format 2: its links' party ids become the parties'
/// places.
///
/// `None` unless the file is of a binary format this build reads, holds its records in the order
/// a save writes them, and would load: anything else (a model version 1 file, a partly placed
/// older one, a file in another order, any damage) is left to a load and a save, which also word
/// what is wrong. So bytes returned are those a load and a save give (the unit test holds this
/// over damaged files).
pub fn resaved(bytes: &[u8]) -> Option<(std::borrow::Cow<'_, [u8]>, usize, usize)> {
    use crate::model::limits::{LinkFields, check_link_fields, check_meta, check_party};
    use crate::model::{ends_after_its_date, valid_id};
    type Places<'a> = std::collections::HashMap<&'a str, Place, foldhash::fast::RandomState>;
    let date = |d: i32| Date::from_num_days_from_ce_opt(d);
    let opt_date = |d: Option<i32>| match d {
        Some(d) => date(d).map(Some),
        None => Some(None),
    };
    let (version, rest) = bytes.strip_prefix(MAGIC)?.split_first_chunk::<4>()?;
    let file_version = u32::from_le_bytes(*version);
    if !(OLDEST_BINARY_VERSION..=BINARY_VERSION).contains(&file_version) {
        return None;
    }
    // Where `rest` starts in `bytes`.
    let at = |rest: &[u8]| bytes.len() - rest.len();
    let (mut head, mut rest) = postcard::take_from_bytes::<Head>(rest).ok()?;
    let model_version = head.model_version;
    // Version 1 links are migrated field by field ([`migrate`]): left to the load.
    if !(2..=FORMAT_VERSION).contains(&model_version) {
        return None;
    }
    head.model_version = FORMAT_VERSION;
    let meta = ScenarioMeta {
        title: head.title.to_owned(),
        description: head.description.to_owned(),
        as_of: opt_date(head.as_of)?,
    };
    check_meta(&meta).ok()?;
    claims_fit(head.parties, head.links, rest.len() as u64).ok()?;
    let parties = usize::try_from(head.parties).ok()?;
    let links = usize::try_from(head.links).ok()?;
    let mut out = Resaved {
        input: bytes,
        // An older format is written anew from its first byte.
        out: (file_version != BINARY_VERSION).then(|| {
            let mut out = Vec::with_capacity(bytes.len());
            out.extend_from_slice(MAGIC);
            out.extend_from_slice(&BINARY_VERSION.to_le_bytes());
            out
        }),
        scratch: Vec::new(),
    };
    out.put(&head, MAGIC.len() + 4, at(rest))?;

    // The parties' ids by place (format 2 links name places), and their places by id (format 1
    // links name ids: only built for those). In the order checked below, a party id can only
    // repeat one of another tier: each tier's ids are a run of their own, compared once all are
    // read, as link ids are (the map of every id was a tenth of `convert`'s time at 100,000
    // parties, perf).
    let by_id = !by_place(file_version);
    let mut party_places =
        Places::with_capacity_and_hasher(if by_id { parties } else { 0 }, Default::default());
    let mut party_ids: Vec<&str> = Vec::with_capacity(parties);
    let mut tier_runs: Vec<usize> = Vec::new();
    let mut microsoft = false;
    let mut placed = 0;
    let mut last: Option<(u8, &str)> = None;
    for _ in 0..parties {
        let from = at(rest);
        let (mut record, after) = postcard::take_from_bytes::<PartyRecord>(rest).ok()?;
        rest = after;
        let party = party_from(record.clone()).ok()?;
        if !valid_id(record.id)
            || (by_id
                && party_places
                    .insert(record.id, party_ids.len() as Place)
                    .is_some())
        {
            return None;
        }
        if party.kind == PartyKind::Microsoft {
            if microsoft {
                return None;
            }
            microsoft = true;
        }
        check_party(&party).ok()?;
        placed += usize::from(party.position.is_some());
        // A save writes parties by tier, then id.
        let order = (party.kind.tier(), record.id);
        if last.is_some_and(|last| last >= order) {
            return None;
        }
        if last.is_none_or(|(last, _)| last != order.0) {
            tier_runs.push(party_ids.len());
        }
        last = Some(order);
        party_ids.push(record.id);
        record.kind = party.kind.key();
        record.tenant_type = party.tenant_type.key();
        out.put(&record, from, at(rest))?;
    }
    if model_version < LAYOUT_VERSION && placed > 0 && placed < parties {
        return None;
    }
    if repeats_across_runs(&party_ids, tier_runs) {
        return None;
    }

    // In the order checked below, a link id can only repeat one of another kind: each kind's ids
    // are kept in a run of their own and the runs compared once all are read (a set of a million
    // ids cost a quarter of the time, perf at 300,000 parties).
    let mut link_ids: Vec<&str> = Vec::with_capacity(links);
    let mut kind_runs: Vec<usize> = Vec::new();
    let mut last: Option<(LinkKind, &str)> = None;
    // The parties the last link named, end by end (see [`place_of`]): runs of links share one.
    let mut last_ends: [Option<(&str, Place)>; 3] = [None; 3];
    for _ in 0..links {
        let from = at(rest);
        // The record naming its parties by id, and their places.
        let (mut record, places, after) = if by_place(file_version) {
            let (record, after) = postcard::take_from_bytes::<LinkRecord<Place>>(rest).ok()?;
            let r = &record.base;
            let places = (r.from, r.to, r.via);
            // The parties named by place are the file's own, their ids checked as parties'
            // already (a valid id is a valid text): only the places are checked, and the ends
            // are left blank for the checks of the link's own fields below. Reaching for the ids
            // cost two cache misses a link (perf at 100,000 parties: a tenth of the time).
            let ends = [Some(r.from), Some(r.to), r.via];
            if ends.into_iter().flatten().any(|at| at as usize >= parties) {
                return None;
            }
            let blank = (r.via.is_some()).then_some("");
            (with_ends(record, ("", "", blank)), places, after)
        } else {
            let (record, after) = if model_version >= 3 {
                postcard::take_from_bytes::<LinkRecord>(rest).ok()?
            } else {
                let (base, after) = postcard::take_from_bytes::<LinkBase>(rest).ok()?;
                let record = LinkRecord {
                    base,
                    partner_id_on_record: None,
                };
                (record, after)
            };
            let [last_from, last_to, last_via] = &mut last_ends;
            let r = &record.base;
            let via = match r.via {
                Some(via) => Some(place_of(&party_places, last_via, via)?),
                None => None,
            };
            let from = place_of(&party_places, last_from, r.from)?;
            let to = place_of(&party_places, last_to, r.to)?;
            (record, (from, to, via), after)
        };
        rest = after;
        let r = &mut record.base;
        let kind = LinkKind::from_key(r.kind)?;
        let status = LinkStatus::from_key(r.status)?;
        let publisher = Publisher::from_key(r.publisher)?;
        let admin_type = AdminType::from_key(r.admin_type)?;
        let (on, ended) = (date(r.date)?, opt_date(r.ended)?);
        if !valid_id(r.id) {
            return None;
        }
        check_link_fields(LinkFields {
            from: r.from,
            to: r.to,
            via: r.via,
            date: on,
            ended,
            offer: r.offer,
            tenant: r.tenant,
            partner_id_on_record: record.partner_id_on_record,
            roles: &mut r.roles.iter().copied(),
        })
        .ok()?;
        if ended.is_some_and(|ended| !ends_after_its_date(on, ended)) {
            return None;
        }
        // A save writes links by kind, then id.
        let order = (kind, r.id);
        if last.is_some_and(|last| last >= order) {
            return None;
        }
        if last.is_none_or(|(last, _)| last != kind) {
            kind_runs.push(link_ids.len());
        }
        last = Some(order);
        link_ids.push(r.id);
        r.kind = kind.key();
        r.status = status.key();
        r.publisher = publisher.key();
        r.admin_type = admin_type.key();
        out.put(&with_ends(record, places), from, at(rest))?;
    }
    if repeats_across_runs(&link_ids, kind_runs) {
        return None;
    }
    rest.is_empty().then(|| (out.bytes(), parties, links))
}

/// Whether an id of `ids` repeats one of another run: `ids` is in runs that each hold ids in
/// order, each run starting at the position `starts` gives (a tier of parties, a kind of links,
/// as a save writes them).
fn repeats_across_runs(ids: &[&str], mut starts: Vec<usize>) -> bool {
    starts.push(ids.len());
    let runs: Vec<&[&str]> = starts.windows(2).map(|run| &ids[run[0]..run[1]]).collect();
    runs.iter()
        .enumerate()
        .any(|(n, a)| runs[n + 1..].iter().any(|b| share_any(a, b)))
}

/// The place of the party `id` names in `places`, with `last` the id this end of the link before
/// named and its place (found already): links come in order, and runs of them name the same
/// party at one end (a partner's reseller relationships, a customer's purchases), so that one is
/// not looked up again. `None` when no party has that id.
fn place_of<'a>(
    places: &std::collections::HashMap<&'a str, Place, foldhash::fast::RandomState>,
    last: &mut Option<(&'a str, Place)>,
    id: &'a str,
) -> Option<Place> {
    if let Some((last_id, at)) = *last
        && last_id == id
    {
        return Some(at);
    }
    let at = *places.get(id)?;
    *last = Some((id, at));
    Some(at)
}

/// What [`resaved`] writes, value by value: the input's own bytes as long as every value it
/// read encodes to the very bytes it was read from (a save of this build resaved: no copy of
/// 154 MB made, and no fresh memory for it, at 300,000 parties), else a copy of the input up to
/// the first value that does not, then the values as they encode.
struct Resaved<'a> {
    input: &'a [u8],
    out: Option<Vec<u8>>,
    /// The last value encoded, to compare with the bytes it was read from.
    scratch: Vec<u8>,
}

impl<'a> Resaved<'a> {
    /// Writes `value`, read from `input[from..to]` (right after the values written before).
    fn put<T: Serialize>(&mut self, value: &T, from: usize, to: usize) -> Option<()> {
        if let Some(out) = &mut self.out {
            *out = postcard::to_extend(value, std::mem::take(out)).ok()?;
            return Some(());
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        self.scratch = postcard::to_extend(value, scratch).ok()?;
        if self.input.get(from..to)? != self.scratch.as_slice() {
            let mut out = Vec::with_capacity(self.input.len());
            out.extend_from_slice(&self.input[..from]);
            out.extend_from_slice(&self.scratch);
            self.out = Some(out);
        }
        Some(())
    }

    /// Everything written: the input itself when each value was its own bytes.
    fn bytes(self) -> std::borrow::Cow<'a, [u8]> {
        match self.out {
            Some(out) => std::borrow::Cow::Owned(out),
            None => std::borrow::Cow::Borrowed(self.input),
        }
    }
}

/// How the `.cspx` save `bytes` differs from `base`, loaded already: the what-if of `diff` read
/// as its changes to its base (see [`crate::whatif::diff_changes`]). See [`whatif_changes_in`].
pub fn whatif_changes(bytes: &[u8], base: &Scenario) -> Option<crate::whatif::Changes> {
    whatif_changes_in(&mut AtHand(bytes), base)
}

/// [`whatif_changes`] of a file read a window at a time (see [`scenario_from_file`]).
pub fn whatif_changes_from_file(
    first: Vec<u8>,
    reader: impl std::io::Read,
    left: u64,
    path: &str,
    base: &Scenario,
) -> Option<crate::whatif::Changes> {
    let mut window = Window {
        reader: reader.take(left),
        left,
        buf: first,
        start: 0,
        step: WINDOW_BYTES,
        path,
    };
    whatif_changes_in(&mut window, base)
}

/// The parties and links of the file in `records` that `base` holds otherwise or not at all, and
/// those of `base` the file does not hold, read without building the file's own scenario: `diff`
/// of two saves of 300,000 parties spent most of its time loading both (perf: two loads, ~6 of
/// its 7.2 s of CPU), and a what-if differs from its base in a few thousand records of over a
/// million.
///
/// Each record is compared with the element of `base` of its id, field by field as a load would
/// make it; one that is the same is valid as that element is. Every other is checked as a load
/// checks it ([`party_from`], [`crate::model::valid_id`], [`crate::model::limits`], the end
/// after the date), and so is what the file holds as a whole: ids not repeated, one Microsoft at
/// most, every link naming parties the file holds, the numbers its header announces and nothing
/// after them. Applying the changes to `base` checks the rest the scenario checks.
///
/// `None` unless the file is of this build's binary format, of a model version that needs no
/// migration, and would load: anything else is left to loading the file on its own, which also
/// says what is wrong with it.
fn whatif_changes_in(
    records: &mut impl Records,
    base: &Scenario,
) -> Option<crate::whatif::Changes> {
    use crate::model::limits::{check_link, check_meta, check_party};
    use crate::model::{LinkId, PartyId, ends_after_its_date, valid_id};
    use std::collections::HashSet;
    type Ids<'a> = HashSet<&'a str, foldhash::fast::RandomState>;
    let version = next(records, |bytes| match bytes.strip_prefix(MAGIC) {
        Some(rest) => rest
            .first_chunk::<4>()
            .map(|v| (u32::from_le_bytes(*v), MAGIC.len() + 4))
            .ok_or(()),
        None => Err(()),
    })
    .ok()?
    .ok()?;
    if !(OLDEST_BINARY_VERSION..=BINARY_VERSION).contains(&version) {
        return None;
    }
    let head = next(records, |bytes| {
        take_record(bytes, |head: Head| {
            let meta = ScenarioMeta {
                title: head.title.to_owned(),
                description: head.description.to_owned(),
                as_of: None,
            };
            let as_of = head.as_of.map(Date::from_num_days_from_ce_opt);
            (head.model_version, meta, as_of, head.parties, head.links)
        })
    })
    .ok()?
    .ok()?;
    let (model_version, meta, as_of, party_count, link_count) = head;
    // Older versions are migrated as they load (links of version 1, the layout of a partly
    // placed drawing before version 4): left to the load.
    if !(LAYOUT_VERSION..=FORMAT_VERSION).contains(&model_version) {
        return None;
    }
    let meta = ScenarioMeta {
        as_of: match as_of {
            Some(day) => Some(day?),
            None => None,
        },
        ..meta
    };
    check_meta(&meta).ok()?;
    claims_fit(party_count, link_count, records.left()).ok()?;
    let graph = base.graph();
    use petgraph::visit::{EdgeIndexable, NodeIndexable};

    // Parties: the same as the base's (marked seen, by graph index), or changed or new.
    let mut party_seen = vec![false; graph.node_bound()];
    let mut changed_parties: Vec<Party> = Vec::new();
    // The file's party ids by place (format 2 links name parties so).
    let mut file_ids: Vec<PartyId> = Vec::new();
    let mut microsoft = 0;
    // A what-if saved from its base lists the base's parties and links in the base's order, so
    // the n-th record is most often the base's n-th party or link: that one is compared first, in
    // order through memory, before the id is looked up (a hash lookup and a cache miss per
    // record at 300,000 parties and a million links).
    let party_at = |n: usize, id: &str| {
        let guess = NodeIndex::new(n);
        match graph.node_weight(guess) {
            Some(p) if p.id.as_str() == id => Some(guess),
            _ => base.party_index(id),
        }
    };
    for n in 0..party_count as usize {
        let read = next(records, |bytes| {
            take_record(bytes, |r: PartyRecord| {
                if let Some(ix) = party_at(n, r.id)
                    && same_party(&r, &graph[ix])
                {
                    return Ok(Ok(ix));
                }
                party_from(r).map(Err).map_err(|_| ())
            })
        })
        .ok()?
        .ok()?
        .ok()?;
        let (kind, id_ix) = match read {
            Ok(ix) => {
                if by_place(version) {
                    file_ids.push(graph[ix].id);
                }
                (graph[ix].kind, Some(ix))
            }
            Err(party) => {
                if !valid_id(party.id.as_str()) || check_party(&party).is_err() {
                    return None;
                }
                let ix = base.party_index(party.id.as_str());
                let kind = party.kind;
                if by_place(version) {
                    file_ids.push(party.id);
                }
                changed_parties.push(party);
                (kind, ix)
            }
        };
        microsoft += usize::from(kind == PartyKind::Microsoft);
        if let Some(ix) = id_ix {
            // Held twice by the file.
            if std::mem::replace(&mut party_seen[ix.index()], true) {
                return None;
            }
        }
    }
    if microsoft > 1 {
        return None;
    }
    let mut new_party_ids: Ids = Ids::default();
    for party in &changed_parties {
        if base.party_index(party.id.as_str()).is_none() && !new_party_ids.insert(party.id.as_str())
        {
            return None;
        }
    }
    let removed_parties: Vec<PartyId> = graph
        .node_indices()
        .filter(|ix| !party_seen[ix.index()])
        .map(|ix| graph[ix].id)
        .collect();
    let gone: Ids = removed_parties.iter().map(|id| id.as_str()).collect();
    // Whether the file holds a party with this id.
    let holds = |id: &str| {
        new_party_ids.contains(id) || (!gone.contains(id) && base.party_index(id).is_some())
    };

    // Links: the same, or changed or new; each names parties the file holds.
    let mut link_seen = vec![false; graph.edge_bound()];
    let mut changed_links: Vec<Link> = Vec::new();
    let link_at = |n: usize, id: &str| {
        let guess = petgraph::stable_graph::EdgeIndex::new(n);
        match graph.edge_weight(guess) {
            Some(l) if l.id.as_str() == id => Some(guess),
            _ => base.link_index(id),
        }
    };
    for n in 0..link_count as usize {
        let read = next(records, |bytes| {
            let made = |r: LinkRecord| {
                if let Some(ix) = link_at(n, r.base.id)
                    && same_link(&r, &graph[ix], |id, party| *id == party.as_str())
                {
                    return Ok(Ok(ix));
                }
                link_of(r).map(Err).map_err(|_| ())
            };
            if by_place(version) {
                take_record(bytes, |r: LinkRecord<'_, Place>| {
                    // The parties a record names by place are compared with the base link's
                    // by id handle, not by text: reading each end's text back was two cache
                    // misses a link (perf at 100,000 parties).
                    let party_at =
                        |at: &Place, party: &PartyId| file_ids.get(*at as usize) == Some(party);
                    if let Some(ix) = link_at(n, r.base.id)
                        && same_link(&r, &graph[ix], party_at)
                    {
                        return Ok(Ok(ix));
                    }
                    named(r, &file_ids).map_or(Err(()), |r| link_of(r).map(Err).map_err(|_| ()))
                })
            } else if model_version >= 3 {
                take_record(bytes, made)
            } else {
                take_record(bytes, |base: LinkBase| {
                    made(LinkRecord {
                        base,
                        partner_id_on_record: None,
                    })
                })
            }
        })
        .ok()?
        .ok()?
        .ok()?;
        let ix = match read {
            Ok(ix) => {
                // The same link as the base's names the same parties: the file must hold them.
                if !gone.is_empty() && !graph[ix].parties().all(|p| holds(p.as_str())) {
                    return None;
                }
                Some(ix)
            }
            Err(link) => {
                let fine = valid_id(link.id.as_str())
                    && check_link(&link).is_ok()
                    && link
                        .ended
                        .is_none_or(|ended| ends_after_its_date(link.date, ended))
                    && link.parties().all(|p| holds(p.as_str()));
                if !fine {
                    return None;
                }
                let ix = base.link_index(link.id.as_str());
                changed_links.push(link);
                ix
            }
        };
        if let Some(ix) = ix
            && std::mem::replace(&mut link_seen[ix.index()], true)
        {
            return None;
        }
    }
    let mut new_link_ids: Ids = Ids::default();
    for link in &changed_links {
        if base.link_index(link.id.as_str()).is_none() && !new_link_ids.insert(link.id.as_str()) {
            return None;
        }
    }
    while records.more().ok()? {}
    if !records.at_hand().is_empty() {
        return None;
    }
    let removed_links: Vec<LinkId> = graph
        .edge_indices()
        .filter(|ix| !link_seen[ix.index()])
        .map(|ix| graph[ix].id)
        .collect();
    Some(crate::whatif::Changes {
        meta,
        parties: changed_parties,
        removed_parties,
        links: changed_links,
        removed_links,
    })
}

/// Whether a party record holds what `party` holds: the record loads into an equal party.
fn same_party(r: &PartyRecord<'_>, party: &Party) -> bool {
    let p = party;
    r.id == p.id.as_str()
        && PartyKind::from_key(r.kind) == Some(p.kind)
        && r.name == p.name
        && r.country == p.country.as_deref()
        && r.organization == p.organization
        && r.affiliate_group == p.affiliate_group.as_deref()
        && r.tenant == p.tenant
        && TenantType::from_key(r.tenant_type) == Some(p.tenant_type)
        && r.mpa_signed == p.mpa_signed.map(days)
        && r.partner_id == p.partner_id.as_deref()
        && r.registration_id == p.registration_id.as_deref()
        && r.onboarded == p.onboarded
        && r.enrolled == p.enrolled
        && r.restricted_since == p.restricted_since.map(days)
        && r.mca_accepted == p.mca_accepted.map(days)
        && r.position == p.position.map(|at| (at.x, at.y))
}

/// Whether a link record holds what `link` holds: the record loads into an equal link.
/// `same_party` tells whether the record's way of naming a party (its id, or its place in the
/// file) names the link's.
fn same_link<P>(
    record: &LinkRecord<'_, P>,
    link: &Link,
    same_party: impl Fn(&P, &PartyId) -> bool,
) -> bool {
    let (r, l) = (&record.base, link);
    r.id == l.id.as_str()
        && LinkKind::from_key(r.kind) == Some(l.kind)
        && same_party(&r.from, &l.from)
        && same_party(&r.to, &l.to)
        && r.date == days(l.date)
        && r.ended == l.ended.map(days)
        && LinkStatus::from_key(r.status) == Some(l.status)
        && r.offer == l.offer.as_deref()
        && Publisher::from_key(r.publisher) == Some(l.publisher)
        && r.tenant == l.tenant.as_deref()
        && match (&r.via, &l.via) {
            (Some(at), Some(via)) => same_party(at, via),
            (at, via) => at.is_none() && via.is_none(),
        }
        && r.roles.len() == l.roles.len()
        && r.roles.iter().zip(&l.roles).all(|(a, b)| *a == b.as_str())
        && r.duration_days == l.duration_days
        && r.auto_extend == l.auto_extend
        && AdminType::from_key(r.admin_type) == Some(l.admin_type)
        && record.partner_id_on_record == l.partner_id_on_record.as_deref()
}

/// A link from its record, its parties named by their ids alone (see [`link_from`]).
fn link_of(record: LinkRecord<'_>) -> Result<Link, String> {
    let r = &record.base;
    Ok(Link {
        id: r.id.into(),
        kind: key(LinkKind::from_key, r.kind, "kind of link")?,
        from: r.from.into(),
        to: r.to.into(),
        date: Date::from_num_days_from_ce_opt(r.date).ok_or("its date is not a valid date")?,
        ended: opt_date(r.ended, "ended")?,
        status: key(LinkStatus::from_key, r.status, "link status")?,
        offer: r.offer.map(SharedText::from),
        publisher: key(Publisher::from_key, r.publisher, "publisher")?,
        tenant: r.tenant.map(SharedText::from),
        via: r.via.map(Into::into),
        roles: r.roles.iter().map(|role| SharedText::from(*role)).collect(),
        duration_days: r.duration_days,
        auto_extend: r.auto_extend,
        admin_type: key(AdminType::from_key, r.admin_type, "admin type")?,
        partner_id_on_record: record.partner_id_on_record.map(SharedText::from),
    })
}

/// Whether two lists in ascending order have an item in common.
fn share_any(a: &[&str], b: &[&str]) -> bool {
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// Bytes of a `.cspx` per record in real channels (154 MB for 1.3 million parties and links): what
/// a load reserves room for, whatever the header claims.
const TYPICAL_RECORD_BYTES: u64 = 64;

/// The fewest bytes any party record takes: every text at least its length, ids and keys at least
/// one character more, every option and flag a byte. Worked out by encoding such a record, so a
/// field added later is counted too.
fn smallest_party_record() -> u64 {
    let record = PartyRecord {
        id: "x",
        kind: "x",
        name: "",
        country: None,
        organization: "",
        affiliate_group: None,
        tenant: "",
        tenant_type: "x",
        mpa_signed: None,
        partner_id: None,
        registration_id: None,
        onboarded: false,
        enrolled: false,
        restricted_since: None,
        mca_accepted: None,
        position: None,
    };
    postcard::to_allocvec(&record).map_or(1, |b| b.len() as u64)
}

/// The fewest bytes any link record takes (see [`smallest_party_record`]), in either binary
/// format: a format 1 record of the older model versions, which lacks the fields version 3
/// appends, or a format 2 record, whose parties are numbers.
fn smallest_link_record() -> u64 {
    fn smallest<P>(end: P, other_end: P) -> LinkBase<'static, P> {
        LinkBase {
            id: "x",
            kind: "x",
            from: end,
            to: other_end,
            date: 0,
            ended: None,
            status: "x",
            offer: None,
            publisher: "x",
            tenant: None,
            via: None,
            roles: Vec::new(),
            duration_days: None,
            auto_extend: false,
            admin_type: "x",
        }
    }
    let size = |b: postcard::Result<Vec<u8>>| b.map_or(1, |b| b.len() as u64);
    let by_id = size(postcard::to_allocvec(&smallest("x", "x")));
    let by_place = size(postcard::to_allocvec(&LinkRecord {
        base: smallest(0 as Place, 0),
        partner_id_on_record: None,
    }));
    by_id.min(by_place)
}

/// Checks what a header announces against the limits and against what `bytes_left` (the bytes
/// after the header) can hold, before anything is reserved or read: a 300 MB file of zeros under a
/// header announcing 300 million parties once asked for 70 GB.
fn claims_fit(parties: u64, links: u64, bytes_left: u64) -> Result<(), String> {
    use crate::model::limits::{MAX_LINKS, MAX_PARTIES};
    use crate::text::thousands;
    for (claimed, limit, what) in [
        (parties, MAX_PARTIES, "parties"),
        (links, MAX_LINKS, "links"),
    ] {
        if claimed > limit as u64 {
            return Err(format!(
                "the header announces {} {what}; csp-explorer opens at most {} (is the file \
                 damaged?)",
                thousands(claimed as usize),
                thousands(limit)
            ));
        }
    }
    let needed = parties
        .saturating_mul(smallest_party_record())
        .saturating_add(links.saturating_mul(smallest_link_record()));
    if needed > bytes_left {
        return Err(format!(
            "the header announces {} parties and {} links, more than the file holds ({} bytes \
             after the header, {} needed at the least): it is damaged or cut short",
            thousands(parties as usize),
            thousands(links as usize),
            thousands(bytes_left as usize),
            thousands(needed as usize)
        ));
    }
    Ok(())
}

/// Checks a `.cspx` file's header, read from `prefix` (the file's first bytes), against the
/// limits and the file's length, so that a file whose counts cannot be true is refused before
/// the rest of it is read. `Ok` when the prefix does not hold the whole header (the full load
/// checks it then).
pub fn check_header(prefix: &[u8], file_len: u64) -> Result<(), String> {
    let Some(rest) = prefix.strip_prefix(MAGIC).and_then(|r| r.get(4..)) else {
        return Ok(());
    };
    let Ok((head, after)) = postcard::take_from_bytes::<Head>(rest) else {
        return Ok(());
    };
    let header_len = (prefix.len() - after.len()) as u64;
    claims_fit(
        head.parties,
        head.links,
        file_len.saturating_sub(header_len),
    )
}

fn key<T>(parse: impl Fn(&str) -> Option<T>, value: &str, what: &str) -> Result<T, String> {
    parse(value).ok_or_else(|| format!("`{}` is not a {what}", crate::text::escaped(value, 60)))
}

fn opt_date(d: Option<i32>, what: &str) -> Result<Option<Date>, String> {
    d.map(|d| {
        Date::from_num_days_from_ce_opt(d).ok_or_else(|| format!("{what} is not a valid date"))
    })
    .transpose()
}

fn party_from(r: PartyRecord<'_>) -> Result<Party, String> {
    party_with(r, |text| SharedText::from(text))
}

/// Texts many records repeat (offers, GDAP roles, countries), as the records read last had
/// them: a load asks the interner for some three million such texts at 300,000 parties, each a
/// lock, a hash and a probe of the process-wide table for a text that is nearly always one of a
/// few dozen. A slot chosen by the text's length and a few of its bytes answers most of them
/// with one comparison; a miss interns the text and keeps it in the slot.
struct Repeated {
    slots: [std::cell::Cell<Option<SharedText>>; 64],
}

impl Repeated {
    fn new() -> Self {
        Repeated {
            slots: [const { std::cell::Cell::new(None) }; 64],
        }
    }

    /// The interned `text`.
    fn text(&self, text: &str) -> SharedText {
        let b = text.as_bytes();
        let byte = |at: usize| b.get(at).map_or(0, |&c| usize::from(c));
        let mix = b.len().wrapping_mul(0x9e37) ^ byte(0) ^ (byte(b.len() / 2) << 2);
        let slot = &self.slots[(mix ^ (byte(b.len().wrapping_sub(1)) << 4) ^ (mix >> 6)) % 64];
        if let Some(held) = slot.get()
            && held.as_str() == text
        {
            return held;
        }
        let interned = SharedText::from(text);
        slot.set(Some(interned));
        interned
    }
}

/// [`party_from`], its repeated texts interned by `text`.
fn party_with(r: PartyRecord<'_>, text: impl Fn(&str) -> SharedText) -> Result<Party, String> {
    Ok(Party {
        id: r.id.into(),
        kind: key(PartyKind::from_key, r.kind, "kind of party")?,
        name: r.name.to_owned(),
        country: r.country.map(&text),
        organization: r.organization.to_owned(),
        affiliate_group: r.affiliate_group.map(&text),
        tenant: r.tenant.to_owned(),
        tenant_type: key(TenantType::from_key, r.tenant_type, "tenant type")?,
        mpa_signed: opt_date(r.mpa_signed, "mpa_signed")?,
        partner_id: r.partner_id.map(&text),
        registration_id: r.registration_id.map(&text),
        onboarded: r.onboarded,
        enrolled: r.enrolled,
        restricted_since: opt_date(r.restricted_since, "restricted_since")?,
        mca_accepted: opt_date(r.mca_accepted, "mca_accepted")?,
        position: match r.position {
            Some((x, y)) if x.is_finite() && y.is_finite() => Some(Position { x, y }),
            Some(_) => return Err("its position is not a finite number".into()),
            None => None,
        },
    })
}

/// The graph indices of a link's `from`, `to` and `via` (see [`Scenario::add_link_at`]).
type Ends = (NodeIndex, NodeIndex, Option<NodeIndex>);

/// The party a format 1 link names by `id`: the id the scenario holds and its graph index, or a
/// new id when the scenario holds none (adding the link then names it as missing). Each is
/// looked up once, and a link found so allocates nothing for its parties.
fn by_id(scenario: &Scenario, id: &str) -> (PartyId, Option<NodeIndex>) {
    match scenario.party_entry(id) {
        Some((id, ix)) => (id, Some(ix)),
        None => (id.into(), None),
    }
}

/// The party a format 2 link names by its place in the file (`placed`: the file's parties as the
/// scenario holds them), or why there is none; `what` is the field (`from`, `to`, `via`).
fn at_place(
    placed: &[PartyId],
    at: Place,
    what: &str,
) -> Result<(PartyId, Option<NodeIndex>), String> {
    match placed.get(at as usize) {
        Some(id) => Ok((*id, Some(NodeIndex::new(at as usize)))),
        None => Err(format!(
            "its `{what}` names party number {} and the file holds {} {}",
            crate::text::thousands(at as usize + 1),
            crate::text::thousands(placed.len()),
            if placed.len() == 1 {
                "party"
            } else {
                "parties"
            }
        )),
    }
}

/// A link from its record, with its parties' graph indices when it names only parties the
/// scenario holds. `party` finds the party each of `from`, `to` and `via` names (with the field's
/// name): the id the scenario holds and its index, or an id it does not hold (without index),
/// or an error.
fn link_with<P>(
    record: LinkRecord<'_, P>,
    texts: &Repeated,
    mut party: impl FnMut(P, &str) -> Result<(PartyId, Option<NodeIndex>), String>,
) -> Result<(Link, Option<Ends>), String> {
    let text = |t: &str| texts.text(t);
    let r = record.base;
    let (from, from_ix) = party(r.from, "from")?;
    let (to, to_ix) = party(r.to, "to")?;
    let (via, via_ix, via_found) = match r.via {
        Some(via) => {
            let (id, ix) = party(via, "via")?;
            (Some(id), ix, ix.is_some())
        }
        None => (None, None, true),
    };
    let ends = match (from_ix, to_ix) {
        (Some(from), Some(to)) if via_found => Some((from, to, via_ix)),
        _ => None,
    };
    let link = Link {
        id: r.id.into(),
        kind: key(LinkKind::from_key, r.kind, "kind of link")?,
        from,
        to,
        date: Date::from_num_days_from_ce_opt(r.date).ok_or("its date is not a valid date")?,
        ended: opt_date(r.ended, "ended")?,
        status: key(LinkStatus::from_key, r.status, "link status")?,
        offer: r.offer.map(text),
        publisher: key(Publisher::from_key, r.publisher, "publisher")?,
        tenant: r.tenant.map(text),
        via,
        roles: r.roles.into_iter().map(text).collect(),
        duration_days: r.duration_days,
        auto_extend: r.auto_extend,
        admin_type: key(AdminType::from_key, r.admin_type, "admin type")?,
        partner_id_on_record: record.partner_id_on_record.map(text),
    };
    Ok((link, ends))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{GenerateOptions, generate};

    /// A text read through the cache of repeated texts is the interned text, whichever texts
    /// share its slot and in whatever order they come.
    #[test]
    fn repeated_texts_are_the_interned_texts() {
        let texts = Repeated::new();
        let words: Vec<String> = (0..600)
            .map(|n| format!("Offer {}", n % 131))
            .chain(["".into(), "é".into(), "Global Administrator".into()])
            .collect();
        for word in words.iter().chain(words.iter().rev()) {
            let text = texts.text(word);
            assert_eq!(text.as_str(), word);
            assert!(text == SharedText::from(word.as_str()));
        }
    }

    fn channel() -> Scenario {
        let mut s = generate(&GenerateOptions {
            providers: 2,
            resellers: 12,
            direct_bill: 2,
            customers: 60,
            seed: 3,
            break_rate: 0.1,
        })
        .unwrap();
        s.meta.as_of = Some("2024-05-01".parse().unwrap());
        s.meta.description = "Ünïcode — 日本語, \"quotes\"".into();
        s
    }

    #[test]
    fn round_trips_to_the_same_scenario_as_ron() {
        let s = channel();
        let bytes = scenario_to_bytes(&s).unwrap();
        assert!(is_binary(&bytes));
        let text = crate::io::ron_file::scenario_to_ron(&s).unwrap();
        assert!(
            bytes.len() * 2 < text.len(),
            "{} bytes vs {} of RON",
            bytes.len(),
            text.len()
        );
        let back = scenario_from_bytes(&bytes, "c.cspx", &Progress::none()).unwrap();
        assert_eq!(back, s);
        // Links name their parties with the ids the parties hold, not copies.
        for link in back.links() {
            let from = &back.party(link.from.as_str()).unwrap().id;
            assert!(link.from.shares_text_with(from), "{}", link.id);
        }
        assert_eq!(
            back,
            crate::io::ron_file::scenario_from_ron(&text, "c.ron").unwrap(),
            "both formats load the same scenario"
        );
    }

    #[test]
    fn damaged_files_are_refused_with_the_file_and_what_is_wrong() {
        let bytes = scenario_to_bytes(&channel()).unwrap();
        let load = |b: &[u8]| {
            scenario_from_bytes(b, "c.cspx", &Progress::none())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(load(&bytes[..6]), "c.cspx: the file ends inside its header");
        let cut = load(&bytes[..bytes.len() / 2]);
        assert!(
            cut.starts_with("c.cspx: link ") && cut.contains("cannot be read"),
            "{cut}"
        );
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            load(&longer),
            "c.cspx: 1 bytes follow the last link: the file is not one save"
        );
        let mut newer = bytes.clone();
        newer[4] = 9;
        assert_eq!(
            load(&newer),
            "c.cspx: binary save format version 9 is not supported (this build reads versions 1 to 2)"
        );
        // A kind no build knows: the record is found by its id and the value is named.
        let needle = b"direct_bill";
        let at = bytes
            .windows(needle.len())
            .position(|w| w == needle)
            .unwrap();
        let mut renamed = bytes.clone();
        renamed[at..at + needle.len()].copy_from_slice(b"direct_bull");
        let err = load(&renamed);
        assert!(
            err.starts_with("c.cspx: party `")
                && err.ends_with("`direct_bull` is not a kind of party"),
            "{err}"
        );
        // Random damage anywhere gives an error or a scenario, never a panic.
        each_byte_flipped(&bytes, &[0x5a], |damaged| {
            let _ = scenario_from_bytes(damaged, "c.cspx", &Progress::none());
        });
    }

    /// Calls `check` on copies of `bytes` with about 150 bytes past the header flipped one at a
    /// time, each by every mask of `flips`: damage spread over a whole file.
    fn each_byte_flipped(bytes: &[u8], flips: &[u8], mut check: impl FnMut(&[u8])) {
        let mut damaged = bytes.to_vec();
        for i in (8..bytes.len()).step_by((bytes.len() / 150).max(1)) {
            for &flip in flips {
                damaged[i] ^= flip;
                check(&damaged);
                damaged[i] ^= flip;
            }
        }
    }

    /// A model version 2 file, as the build before `partner_id_on_record` wrote it: the same
    /// header and party records, link records without the field.
    fn version_2_bytes(s: &Scenario) -> Vec<u8> {
        let mut parties: Vec<&Party> = s.parties().collect();
        parties.sort_by(|a, b| (a.kind.tier(), &a.id).cmp(&(b.kind.tier(), &b.id)));
        let mut links: Vec<&Link> = s.links().collect();
        links.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
        bytes_of(
            s,
            1,
            2,
            parties.into_iter().map(party_record),
            links.into_iter().map(|l| link_base(l, ids_of(l))),
        )
    }

    #[test]
    fn a_version_2_file_loads_and_the_partner_id_on_record_round_trips() {
        let s = channel();
        let old = scenario_from_bytes(&version_2_bytes(&s), "old.cspx", &Progress::none())
            .expect("a version 2 file loads");
        assert_eq!(old, s, "nothing else changed between versions 2 and 3");
        let mut s3 = s.clone();
        let mut purchase = s3
            .links()
            .find(|l| l.kind == LinkKind::Purchase)
            .unwrap()
            .clone();
        purchase.partner_id_on_record = Some("1234567".into());
        s3.replace_link(purchase).unwrap();
        let bytes = scenario_to_bytes(&s3).unwrap();
        assert_eq!(
            scenario_from_bytes(&bytes, "new.cspx", &Progress::none()).unwrap(),
            s3
        );
    }

    /// Format 2: links name their parties by place, the file is smaller than format 1's, a format
    /// 1 file loads as the same channel and saves as format 2, and a place past the party table
    /// is refused with the link and the field named.
    #[test]
    fn links_name_their_parties_by_place_and_a_format_1_file_loads_the_same() {
        let s = channel();
        let bytes = scenario_to_bytes(&s).unwrap();
        assert_eq!(bytes[4..8], 2u32.to_le_bytes());
        let (parties, links) = records_by_id(&s);
        let by_id = file_of(&s, &parties, &links);
        assert_eq!(by_id[4..8], 1u32.to_le_bytes());
        assert!(
            bytes.len() * 10 < by_id.len() * 9,
            "{} bytes by place, {} by id",
            bytes.len(),
            by_id.len()
        );
        let load = |b: &[u8]| scenario_from_bytes(b, "c.cspx", &Progress::none());
        let old = load(&by_id).expect("a format 1 file loads");
        assert_eq!(old, s);
        assert!(
            scenario_to_bytes(&old).unwrap() == bytes,
            "and saves as format 2"
        );
        for (field, damage) in [
            ("to", (|l| l.base.to = "nobody") as fn(&mut LinkRecord)),
            ("via", |l| l.base.via = Some("nobody")),
        ] {
            let mut far: Vec<LinkRecord> = links.iter().map(copy_link).collect();
            damage(&mut far[4]);
            let err = load(&placed_file_of(&s, &parties, &far)).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "c.cspx: link `{}`: its `{field}` names party number {} and the file holds {} parties",
                    far[4].base.id,
                    parties.len() + 8,
                    parties.len()
                )
            );
        }
    }

    /// A link whose id an earlier link has is refused by its number, as when the id map was
    /// filled link by link: before any later link's damage, before its own damaged fields, and
    /// after a bad id at an earlier link (the id map of format 2 is filled only at the end).
    #[test]
    fn a_repeated_link_id_is_the_first_error_where_it_comes_in_the_file() {
        let s = channel();
        let (parties, links) = records_by_id(&s);
        let load = |b: &[u8]| scenario_from_bytes(b, "c.cspx", &Progress::none());
        let repeated = |damage: &dyn Fn(&mut Vec<LinkRecord>)| {
            let mut links: Vec<LinkRecord> = links.iter().map(copy_link).collect();
            links[5].base.id = links[2].base.id;
            damage(&mut links);
            [
                file_of(&s, &parties, &links),
                placed_file_of(&s, &parties, &links),
            ]
            .map(|b| load(&b).unwrap_err().to_string())
        };
        let named = |n: usize| {
            format!(
                "c.cspx: link {n}: a link with id `{}` already exists",
                links[2].base.id
            )
        };
        fn bad_date(l: &mut LinkRecord) {
            l.base.ended = Some(l.base.date - 1);
        }
        for (what, damage) in [
            ("alone", (|_| ()) as fn(&mut Vec<LinkRecord>)),
            ("before a later link's damage", |l| bad_date(&mut l[9])),
            ("before a later link's bad id", |l| l[9].base.id = "no way"),
            ("before its own ended date", |l| bad_date(&mut l[5])),
            ("before a later repeat", |l| l[8].base.id = l[1].base.id),
        ] {
            assert_eq!(repeated(&damage), [named(6), named(6)], "{what}");
        }
        let [by_id, placed] = repeated(&|l| l[4].base.id = "no way");
        assert_eq!(by_id, placed);
        assert!(
            by_id.starts_with("c.cspx: link 5: `no way` is not a valid id"),
            "{by_id}"
        );
        let [by_id, placed] = repeated(&|l| l[3].base.ended = Some(l[3].base.date - 1));
        assert_eq!(by_id, placed);
        assert!(by_id.starts_with("c.cspx: link 4: link `"), "{by_id}");
        assert!(by_id.contains("is not after its date"), "{by_id}");
    }

    /// `s`'s party and link records in a save's order, links naming parties by id (format 1).
    fn records_by_id(s: &Scenario) -> (Vec<PartyRecord<'_>>, Vec<LinkRecord<'_>>) {
        let mut parties: Vec<&Party> = s.parties().collect();
        parties.sort_by(|a, b| (a.kind.tier(), &a.id).cmp(&(b.kind.tier(), &b.id)));
        let mut links: Vec<&Link> = s.links().collect();
        links.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
        (
            parties.into_iter().map(party_record).collect(),
            links
                .into_iter()
                .map(|l| link_record(l, ids_of(l)))
                .collect(),
        )
    }

    /// `.cspx` bytes of binary format 1 (links name parties by id) and this build's model
    /// version holding these records, as they are.
    fn file_of(s: &Scenario, parties: &[PartyRecord], links: &[LinkRecord]) -> Vec<u8> {
        bytes_of(s, 1, FORMAT_VERSION, parties.iter(), links.iter())
    }

    /// The same records in binary format 2: each link names its parties by their places among
    /// `parties`, and an id none of them has by a place after the last.
    fn placed_file_of(s: &Scenario, parties: &[PartyRecord], links: &[LinkRecord]) -> Vec<u8> {
        let place = |id: &str| {
            parties
                .iter()
                .position(|p| p.id == id)
                .unwrap_or(parties.len() + 7) as Place
        };
        let placed = links.iter().map(|l| {
            let r = &l.base;
            with_ends(copy_link(l), (place(r.from), place(r.to), r.via.map(place)))
        });
        let placed: Vec<LinkRecord<Place>> = placed.collect();
        bytes_of(s, 2, FORMAT_VERSION, parties.iter(), placed.iter())
    }

    /// `.cspx` bytes of binary format `format` and model version `model_version` with `s`'s
    /// header and these records.
    fn bytes_of<P: serde::Serialize, L: serde::Serialize>(
        s: &Scenario,
        format: u32,
        model_version: u32,
        parties: impl ExactSizeIterator<Item = P>,
        links: impl ExactSizeIterator<Item = L>,
    ) -> Vec<u8> {
        let head = Head {
            model_version,
            title: &s.meta.title,
            description: &s.meta.description,
            as_of: s.meta.as_of.map(days),
            parties: parties.len() as u64,
            links: links.len() as u64,
        };
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&format.to_le_bytes());
        out = postcard::to_extend(&head, out).unwrap();
        for p in parties {
            out = postcard::to_extend(&p, out).unwrap();
        }
        for l in links {
            out = postcard::to_extend(&l, out).unwrap();
        }
        out
    }

    /// A `.cspx` written again from its records is what loading and saving it writes, byte for
    /// byte; a file that a load refuses, whatever is wrong with it, is left to the load.
    #[test]
    fn a_file_resaved_from_its_records_is_what_a_load_and_a_save_write() {
        let s = channel();
        let bytes = scenario_to_bytes(&s).unwrap();
        let (out, parties, links) = resaved(&bytes).expect("a save of this build is resaved");
        assert!(out == bytes, "a save resaved is the same bytes");
        // Without a copy: each value encodes to the bytes it was read from.
        assert!(matches!(out, std::borrow::Cow::Borrowed(_)));
        assert_eq!((parties, links), (s.party_count(), s.link_count()));
        let load = |b: &[u8]| scenario_from_bytes(b, "c.cspx", &Progress::none());
        let agrees = |b: &[u8]| {
            if let Some((out, parties, links)) = resaved(b) {
                let loaded = load(b).expect("only a file that loads is resaved");
                assert!(scenario_to_bytes(&loaded).unwrap() == *out);
                assert_eq!(
                    (parties, links),
                    (loaded.party_count(), loaded.link_count())
                );
            }
        };
        each_byte_flipped(&bytes, &[0x01, 0x80], agrees);
        // Damage a byte flip rarely makes, record by record: each refused by the load.
        let (party_records, link_records) = records_by_id(&s);
        // A format 1 file (links naming parties by id) is written in format 2, as a load and a
        // save write it, and so is any damaged one that loads.
        let by_id = file_of(&s, &party_records, &link_records);
        assert!(resaved(&by_id).is_some_and(|(out, ..)| out == bytes));
        each_byte_flipped(&by_id, &[0x01, 0x80], agrees);
        assert!(placed_file_of(&s, &party_records, &link_records) == bytes);
        type Writer = fn(&Scenario, &[PartyRecord<'_>], &[LinkRecord<'_>]) -> Vec<u8>;
        let writers: [Writer; 2] = [file_of, placed_file_of];
        let early = days("1900-01-01".parse().unwrap());
        let party_damage: [fn(&mut Vec<PartyRecord>); 5] = [
            |p| p[3].id = p[2].id,
            // One more customer, with the id of the first party (Microsoft): in order still.
            |p| {
                let mut again = p[p.len() - 1].clone();
                again.id = p[0].id;
                p.push(again);
            },
            |p| p[2].name = "bell \u{7}",
            |p| p[2].id = "a b",
            |p| p[2].mca_accepted = Some(days("1900-01-01".parse().unwrap())),
        ];
        for (damage, file_of) in party_damage.iter().flat_map(|d| writers.map(|w| (d, w))) {
            let mut parties = party_records.clone();
            damage(&mut parties);
            let b = file_of(&s, &parties, &link_records);
            assert!(load(&b).is_err() && resaved(&b).is_none());
        }
        let link_damage: [fn(&mut Vec<LinkRecord>); 7] = [
            |l| l[3].base.id = l[2].base.id,
            // The last link (a purchase) with the id of the first (a supply): in order still.
            |l| {
                let last = l.len() - 1;
                l[last].base.id = l[0].base.id;
            },
            |l| l[2].base.to = "nobody",
            |l| l[2].base.via = Some("nobody"),
            |l| l[2].base.ended = Some(l[2].base.date),
            |l| l[2].base.id = "a/b",
            |l| l[2].base.offer = Some("tab\tin"),
        ];
        for (damage, file_of) in link_damage.iter().flat_map(|d| writers.map(|w| (d, w))) {
            let mut links: Vec<LinkRecord> = link_records.iter().map(copy_link).collect();
            damage(&mut links);
            let b = file_of(&s, &party_records, &links);
            assert!(load(&b).is_err() && resaved(&b).is_none());
        }
        let mut links: Vec<LinkRecord> = link_records.iter().map(copy_link).collect();
        links[2].base.date = early;
        for file_of in writers {
            assert!(resaved(&file_of(&s, &party_records, &links)).is_none());
        }
        // An older spelling a load accepts is written as a save spells it.
        let mut links: Vec<LinkRecord> = link_records.iter().map(copy_link).collect();
        let admin = links.iter().position(|l| l.base.kind == "admin").unwrap();
        links[admin].base.status = "active";
        let b = file_of(&s, &party_records, &links);
        assert!(resaved(&b).is_some_and(|(out, ..)| out == bytes));
        agrees(&b);
        // An older version is brought to this one as a load brings it.
        let b = version_2_bytes(&s);
        assert!(resaved(&b).is_some_and(|(out, ..)| out == bytes));
        agrees(&b);
        // Another order, or an older version partly placed (a load lays out the others), loads
        // but is left to the load and the save.
        let mut parties = party_records.clone();
        parties.swap(1, 2);
        for file_of in writers {
            let b = file_of(&s, &parties, &link_records);
            assert!(load(&b).is_ok() && resaved(&b).is_none());
        }
        let mut placed = s.clone();
        let first = placed.parties().next().unwrap().id;
        placed
            .set_position(&first, Some(Position { x: 1.0, y: 2.0 }))
            .unwrap();
        let b = version_2_bytes(&placed);
        assert!(load(&b).is_ok() && resaved(&b).is_none());
    }

    /// A what-if of `channel()`: a customer moved to another country, a link ended, one taken
    /// away, a party with its links taken away, a customer and a purchase added, a party moved
    /// on the canvas, a new title.
    fn whatif_of(base: &Scenario) -> Scenario {
        let mut w = base.clone();
        w.meta.title = "what if".into();
        let customers: Vec<Party> = w.parties_of_kind(PartyKind::Customer).cloned().collect();
        let abroad = if customers[0].country.as_deref() == Some("DE") {
            "FR"
        } else {
            "DE"
        };
        let moved_abroad = customers[0].clone().in_country(abroad);
        w.replace_party(moved_abroad).unwrap();
        w.set_position(&customers[1].id, Some(Position { x: 5.0, y: 6.0 }))
            .unwrap();
        let links: Vec<Link> = w.links().cloned().collect();
        let ended = links[5].clone().ended_on("2024-12-01".parse().unwrap());
        w.replace_link(ended).unwrap();
        w.remove_link(&links[9].id).unwrap();
        w.remove_party(&customers[2].id).unwrap();
        w.add_party(Party::new("newcomer", PartyKind::Customer).in_country("FR"))
            .unwrap();
        let seller = links
            .iter()
            .find(|l| l.kind == LinkKind::Purchase)
            .unwrap()
            .from;
        w.add_link(
            Link::new(
                "purchase-newcomer",
                LinkKind::Purchase,
                seller,
                "newcomer",
                "2024-02-01".parse().unwrap(),
            )
            .offer("Azure"),
        )
        .unwrap();
        // A purchase of another customer's made the newcomer's: the same id between other parties.
        let mut repointed = links
            .iter()
            .rfind(|l| l.kind == LinkKind::Purchase)
            .unwrap()
            .clone();
        repointed.to = "newcomer".into();
        w.replace_link(repointed).unwrap();
        w
    }

    /// A what-if read as its changes to the base gives the diff of the what-if loaded on its own,
    /// and over damaged files it is never read so unless it loads: whatever is told from the
    /// changes is what the two loaded scenarios tell.
    #[test]
    fn a_whatif_read_as_its_changes_diffs_as_the_whatif_loaded() {
        use crate::whatif::{diff, diff_changes};
        let base = channel();
        let w = whatif_of(&base);
        let bytes = scenario_to_bytes(&w).unwrap();
        let changes = whatif_changes(&bytes, &base).expect("a what-if of this build is read");
        let gone = base.parties_of_kind(PartyKind::Customer).nth(2).unwrap();
        assert_eq!(changes.removed_parties, std::slice::from_ref(&gone.id));
        assert_eq!(
            changes.parties.len(),
            3,
            "moved abroad, moved on the canvas, new"
        );
        let expected = diff(&base, &w);
        assert!(
            expected.parties.len() == 3 && expected.links.len() > 3,
            "{expected:?}"
        );
        assert!(!expected.introduced.is_empty() || !expected.resolved.is_empty());
        let mut edited = base.clone();
        assert_eq!(diff_changes(&mut edited, &changes).unwrap(), expected);
        assert_eq!(
            whatif_changes(&scenario_to_bytes(&base).unwrap(), &base)
                .unwrap()
                .parties,
            []
        );

        let load = |b: &[u8]| scenario_from_bytes(b, "w.cspx", &Progress::none());
        let agrees = |b: &[u8]| {
            let Some(changes) = whatif_changes(b, &base) else {
                return;
            };
            let told = diff_changes(&mut base.clone(), &changes);
            match load(b) {
                Ok(w) => assert_eq!(told.unwrap(), diff(&base, &w)),
                Err(e) => assert!(told.is_err(), "{e} but read as changes"),
            }
        };
        each_byte_flipped(&bytes, &[0x01, 0x80], agrees);
        // A what-if whose links name a party it no longer holds, or that holds an id twice.
        let (parties, links) = records_by_id(&w);
        // Format 1 (links naming parties by id) is read as its changes too.
        let by_id = file_of(&w, &parties, &links);
        assert_eq!(
            diff_changes(&mut base.clone(), &whatif_changes(&by_id, &base).unwrap()).unwrap(),
            expected
        );
        each_byte_flipped(&by_id, &[0x01], agrees);
        type Writer = fn(&Scenario, &[PartyRecord<'_>], &[LinkRecord<'_>]) -> Vec<u8>;
        let writers: [Writer; 2] = [file_of, placed_file_of];
        // Records in another order than the base's: each is found by its id, not by its place.
        let reversed_parties: Vec<PartyRecord> = parties.iter().rev().cloned().collect();
        let reversed_links: Vec<LinkRecord> = links.iter().rev().map(copy_link).collect();
        for file_of in writers {
            let b = file_of(&w, &reversed_parties, &reversed_links);
            let changes = whatif_changes(&b, &base).expect("read in any order");
            assert_eq!(diff_changes(&mut base.clone(), &changes).unwrap(), expected);
        }
        let party_damage: [fn(&mut Vec<PartyRecord>); 3] = [
            |p| {
                p.remove(p.len() - 1);
            },
            |p| p[3].id = p[2].id,
            |p| {
                let last = p.len() - 1;
                p[last].id = p[1].id;
            },
        ];
        for (damage, file_of) in party_damage.iter().flat_map(|d| writers.map(|w| (d, w))) {
            let mut parties = parties.clone();
            damage(&mut parties);
            let b = file_of(&w, &parties, &links);
            assert!(load(&b).is_err());
            agrees(&b);
            assert!(whatif_changes(&b, &base).is_none());
        }
        let link_damage: [fn(&mut Vec<LinkRecord>); 3] = [
            |l| l[2].base.to = "nobody",
            |l| {
                let last = l.len() - 1;
                l[last].base.id = l[0].base.id;
            },
            |l| l[4].base.ended = Some(l[4].base.date),
        ];
        for (damage, file_of) in link_damage.iter().flat_map(|d| writers.map(|w| (d, w))) {
            let mut links: Vec<LinkRecord> = links.iter().map(copy_link).collect();
            damage(&mut links);
            let b = file_of(&w, &parties, &links);
            assert!(load(&b).is_err());
            assert!(whatif_changes(&b, &base).is_none());
        }
    }

    fn copy_link<'a, P: Copy>(l: &LinkRecord<'a, P>) -> LinkRecord<'a, P> {
        LinkRecord {
            base: LinkBase {
                roles: l.base.roles.clone(),
                ..l.base
            },
            partner_id_on_record: l.partner_id_on_record,
        }
    }

    /// A file read a few bytes at a time loads as it does whole, and a damaged one is refused in
    /// the same words: a header or record cut by the end of a window is read again whole.
    #[test]
    fn a_file_read_a_window_at_a_time_loads_as_it_does_whole() {
        let bytes = scenario_to_bytes(&channel()).unwrap();
        let whole = |b: &[u8]| {
            scenario_from_bytes(b, "c.cspx", &Progress::none()).map_err(|e| e.to_string())
        };
        let windowed = |b: &[u8], first: usize, step: usize| {
            let first = first.min(b.len());
            let left = (b.len() - first) as u64;
            let mut window = Window {
                reader: (&b[first..]).take(left),
                left,
                buf: b[..first].to_vec(),
                start: 0,
                step,
                path: "c.cspx",
            };
            read_records(&mut window, "c.cspx", &Progress::none()).map_err(|e| e.to_string())
        };
        let expected = whole(&bytes).unwrap();
        for (first, step) in [(0, 1), (6, 5), (100, 7), (4096, 64), (bytes.len(), 1)] {
            let read = windowed(&bytes, first, step).unwrap();
            assert!(
                read == expected,
                "first {first} bytes, then {step} at a time"
            );
        }
        let needle = b"direct_bill";
        let at = bytes
            .windows(needle.len())
            .position(|w| w == needle)
            .unwrap();
        let mut renamed = bytes.clone();
        renamed[at..at + needle.len()].copy_from_slice(b"direct_bull");
        let mut longer = bytes.clone();
        longer.extend_from_slice(&[0; 9]);
        let damaged = [
            bytes[..6].to_vec(),
            bytes[..bytes.len() / 2].to_vec(),
            bytes[..bytes.len() - 1].to_vec(),
            longer,
            renamed,
        ];
        for b in damaged {
            let expected = whole(&b).unwrap_err();
            for (first, step) in [(0, 1), (6, 5), (100, 7)] {
                assert_eq!(windowed(&b, first, step).unwrap_err(), expected);
            }
        }
    }

    #[test]
    fn a_cancelled_load_stops() {
        let bytes = scenario_to_bytes(&channel()).unwrap();
        let progress = Progress::default();
        progress.cancel();
        assert!(matches!(
            scenario_from_bytes(&bytes, "c.cspx", &progress),
            Err(LoadError::Cancelled { .. })
        ));
    }

    /// `.cspx` bytes of a header announcing `parties` and `links`, then `body`.
    fn with_header(parties: u64, links: u64, body: &[u8]) -> Vec<u8> {
        let head = Head {
            model_version: FORMAT_VERSION,
            title: "bomb",
            description: "",
            as_of: None,
            parties,
            links,
        };
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&BINARY_VERSION.to_le_bytes());
        let mut out = postcard::to_extend(&head, out).unwrap();
        out.extend_from_slice(body);
        out
    }

    #[test]
    fn counts_are_checked_against_the_bytes_and_the_limits_before_anything_is_reserved() {
        let load = |b: &[u8]| {
            scenario_from_bytes(b, "bomb.cspx", &Progress::none())
                .unwrap_err()
                .to_string()
        };
        // A megabyte of padding announcing half as many parties as it has bytes: each record takes
        // far more than two bytes.
        let padding = vec![0u8; 1 << 20];
        let err = load(&with_header(1 << 19, 0, &padding));
        assert!(
            err.starts_with(
                "bomb.cspx: the header announces 524,288 parties and 0 links, more than the file holds"
            ),
            "{err}"
        );
        let err = load(&with_header(300_000_000, 0, &padding));
        assert_eq!(
            err,
            "bomb.cspx: the header announces 300,000,000 parties; csp-explorer opens at most 1,000,000 (is the file damaged?)"
        );
        // The same checks from a file's first bytes and its length alone (before reading the rest).
        let head = with_header(300_000_000, 0, &[]);
        assert!(check_header(&head, 300_000_000).is_err());
        let real = scenario_to_bytes(&channel()).unwrap();
        assert_eq!(
            check_header(&real[..200.min(real.len())], real.len() as u64),
            Ok(())
        );
    }

    #[test]
    fn a_million_character_id_is_refused_and_not_echoed() {
        let long = "p".repeat(1_000_000);
        let record = PartyRecord {
            id: &long,
            kind: "customer",
            name: "P",
            country: None,
            organization: "p",
            affiliate_group: None,
            tenant: "p",
            tenant_type: "customer",
            mpa_signed: None,
            partner_id: None,
            registration_id: None,
            onboarded: false,
            enrolled: false,
            restricted_since: None,
            mca_accepted: None,
            position: None,
        };
        let bytes = with_header(1, 0, &postcard::to_allocvec(&record).unwrap());
        let err = scenario_from_bytes(&bytes, "id.cspx", &Progress::none())
            .unwrap_err()
            .to_string();
        assert!(err.len() < 300, "a short message: {err}");
        assert!(err.contains("is not a valid id: use up to 200"), "{err}");
    }
}
