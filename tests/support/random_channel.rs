//! Random channels for property tests: a valid two-region channel to bend and break, and random
//! edits (adds, removals, attribute changes, re-routing, as-of changes) drawn from small pools of
//! countries, organizations, tenants and dates so that collisions are common.
//!
//! Shared by `tests/incremental.rs` and `tests/quick_fixes.rs` through `#[path]`.

use csp_explorer::edit::Edit;
use csp_explorer::model::{
    AdminType, Date, Link, LinkKind, LinkStatus, Party, PartyKind, Publisher, Scenario, TenantType,
};
use proptest::prelude::*;

pub fn date(s: &str) -> Date {
    s.parse().expect("valid test date")
}

pub const COUNTRIES: [Option<&str>; 7] = [
    Some("US"),
    Some("DE"),
    Some("FR"),
    Some("JP"),
    Some("BR"),
    Some("RU"),
    None,
];
pub const DATES: [&str; 4] = ["2019-06-01", "2020-02-01", "2021-01-01", "2022-03-01"];

/// One random step, interpreted against the scenario as it is when the step runs.
#[derive(Clone, Debug)]
pub struct Op {
    pub code: u8,
    pub a: usize,
    pub b: usize,
    pub c: usize,
    pub attrs: [u8; 8],
}

pub fn op() -> impl Strategy<Value = Op> {
    (
        0u8..19,
        any::<usize>(),
        any::<usize>(),
        any::<usize>(),
        prop::array::uniform8(any::<u8>()),
    )
        .prop_map(|(code, a, b, c, attrs)| Op {
            code,
            a,
            b,
            c,
            attrs,
        })
}

pub fn party(id: &str, attrs: [u8; 8], microsoft_taken: bool) -> Party {
    let mut kind = PartyKind::ALL[attrs[0] as usize % 5];
    if kind == PartyKind::Microsoft && microsoft_taken {
        kind = PartyKind::Customer;
    }
    let mut p = Party::new(id, kind);
    p.name = format!("{id}-{}", attrs[7] % 3);
    p.country = COUNTRIES[attrs[1] as usize % COUNTRIES.len()].map(Into::into);
    // Spellings of one identity are common too: `O1` is `o1`, ` T1` is `t1` (model::identity).
    p.organization = ["o1", "o2", "O1", id][attrs[2] as usize % 4].to_owned();
    p.tenant = ["t1", "t2", " T1", id][attrs[3] as usize % 4].to_owned();
    p.tenant_type = if attrs[4].is_multiple_of(2) {
        TenantType::Csp
    } else {
        TenantType::Customer
    };
    p.mpa_signed = [
        None,
        Some("2019-01-01"),
        Some("2020-02-01"),
        Some("2021-06-01"),
    ][attrs[5] as usize % 4]
        .map(date);
    p.onboarded = attrs[6] & 1 != 0;
    p.enrolled = attrs[6] & 2 != 0;
    p.restricted_since = (attrs[6] & 4 != 0).then(|| date("2021-01-01"));
    p.affiliate_group = (attrs[6] & 8 != 0).then(|| "g1".into());
    p.partner_id = [None, Some("111"), Some("222"), Some("1 11")][(attrs[6] >> 4) as usize % 4]
        .map(Into::into);
    p.mca_accepted =
        [None, Some("2019-01-01"), Some("2021-06-01")][attrs[7] as usize % 3].map(date);
    // Brazil and Russia ask for a registration ID (`registration_id_missing`).
    p.registration_id = (attrs[4] & 2 != 0).then(|| format!("REG-{id}").into());
    p
}

pub fn link(s: &Scenario, id: &str, op: &Op) -> Option<Link> {
    let ids: Vec<_> = s.parties().map(|p| p.id).collect();
    if ids.is_empty() {
        return None;
    }
    let pick = |n: usize| ids[n % ids.len()];
    let at = op.attrs;
    let kind = LinkKind::ALL[at[0] as usize % 5];
    // Half of the links follow the program's chains, so that long valid chains (and edits that
    // break them far from where they are read) are common; the other half are anything at all.
    let of_kind = |n: usize, ok: &dyn Fn(PartyKind) -> bool| {
        let fitting: Vec<_> = s.parties().filter(|p| ok(p.kind)).map(|p| p.id).collect();
        if fitting.is_empty() {
            pick(n)
        } else {
            fitting[n % fitting.len()]
        }
    };
    let (from, to) = if at[3] & 2 != 0 {
        (pick(op.a), pick(op.b))
    } else {
        let froms = |k: PartyKind| {
            (1..=4).any(|t| csp_explorer::rules::forms_chain(kind, k, PartyKind::ALL[t]))
        };
        let from = of_kind(op.a, &froms);
        let from_kind = s
            .party(from.as_str())
            .map(|p| p.kind)
            .unwrap_or(PartyKind::Customer);
        let to = of_kind(op.b, &|k| {
            csp_explorer::rules::forms_chain(kind, from_kind, k)
        });
        (from, to)
    };
    let mut l = Link::new(
        id,
        kind,
        from,
        to,
        date(DATES[at[2] as usize % DATES.len()]),
    );
    l.via = match at[1] % 3 {
        0 => Some(pick(op.c)),
        1 => Some(of_kind(op.c, &|k| k == PartyKind::IndirectProvider)),
        _ => None,
    };
    l.status = if at[3].is_multiple_of(2) {
        LinkStatus::Accepted
    } else {
        LinkStatus::Pending
    };
    l.tenant = match at[4] % 5 {
        0 => Some("t1".into()),
        1 => Some("t2".into()),
        2 => Some("T2 ".into()),
        _ => None,
    };
    // The PartnerID on an order line: none, a partner's, or one in another spelling.
    l.partner_id_on_record =
        [None, Some("111"), Some("222"), Some("11 1")][(at[6] >> 2) as usize % 4].map(Into::into);
    l.roles = match at[5] % 3 {
        0 => vec![],
        1 => vec!["Global Administrator".into()],
        _ => vec!["Helpdesk Administrator".into()],
    };
    l.duration_days = [None, Some(0), Some(90), Some(900)][at[6] as usize % 4];
    l.auto_extend = at[7] & 1 != 0;
    l.admin_type = if at[7] & 4 != 0 {
        AdminType::Dap
    } else {
        AdminType::Gdap
    };
    // Ended links: some end before the as-of dates the ops use, some after, none before they start.
    l.ended = [
        None,
        Some("2020-06-01"),
        Some("2021-03-01"),
        Some("2023-01-01"),
    ][(at[7] >> 3) as usize % 4]
        .map(date)
        .filter(|ended| *ended > l.date);
    // Offers: none, the usual one, and one only some markets sell.
    l.offer = [
        None,
        Some("Microsoft 365 Business Premium"),
        Some("Azure plan"),
    ][(at[5] / 3) as usize % 3]
        .map(Into::into);
    l.publisher = if at[7] & 2 != 0 {
        Publisher::ThirdParty
    } else {
        Publisher::FirstParty
    };
    Some(l)
}

/// The edit an op stands for, or `None` for undo/redo or an op that has nothing to act on.
pub fn edit_for(s: &Scenario, op: &Op, serial: usize) -> Option<Edit> {
    let parties: Vec<_> = s.parties().map(|p| p.id).collect();
    let links: Vec<_> = s.links().map(|l| l.id).collect();
    let has_ms = s.microsoft().is_some();
    match op.code {
        0 | 1 => Some(Edit::AddParty(party(
            &format!("p{serial}"),
            op.attrs,
            has_ms,
        ))),
        2..=4 => link(s, &format!("l{serial}"), op).map(Edit::AddLink),
        5 if !parties.is_empty() => Some(Edit::RemoveParty(parties[op.a % parties.len()])),
        6 if !links.is_empty() => Some(Edit::RemoveLink(links[op.a % links.len()])),
        7 if !parties.is_empty() => {
            let id = &parties[op.a % parties.len()];
            let old = s.party(id.as_str())?;
            let others_have_ms = has_ms && old.kind != PartyKind::Microsoft;
            let mut new = party(id.as_str(), op.attrs, others_have_ms);
            new.position = old.position;
            Some(Edit::UpdateParty(new))
        }
        8 if !links.is_empty() => {
            let id = &links[op.c % links.len()];
            link(s, id.as_str(), op).map(Edit::UpdateLink)
        }
        11 => Some(Edit::SetAsOf(Some(date(
            ["2020-01-15", "2021-06-01", "2023-01-01"][op.a % 3],
        )))),
        12 => {
            let new = party(&format!("p{serial}"), op.attrs, has_ms);
            let new_id = new.id;
            let mut l = Link::new(
                format!("l{serial}"),
                LinkKind::ALL[op.attrs[0] as usize % 5],
                new_id,
                parties
                    .get(op.b % parties.len().max(1))
                    .cloned()
                    .unwrap_or(new_id),
                date(DATES[op.attrs[2] as usize % DATES.len()]),
            );
            l.via = None;
            Some(Edit::Batch(vec![Edit::AddParty(new), Edit::AddLink(l)]))
        }
        // One field of one party, the rest kept: what the rule engine's per-field dependencies
        // (a name only rewords, a provider's kind reaches its resellers' sales) must get right.
        14 | 15 if !parties.is_empty() => {
            let id = &parties[op.a % parties.len()];
            let old = s.party(id.as_str())?;
            let others_have_ms = has_ms && old.kind != PartyKind::Microsoft;
            let donor = party(id.as_str(), op.attrs, others_have_ms);
            let mut new = old.clone();
            match op.b % 14 {
                0 => new.kind = donor.kind,
                1 => new.name = format!("{id}-renamed-{}", op.c % 3),
                2 => new.country = donor.country,
                3 => new.organization = donor.organization,
                4 => new.affiliate_group = donor.affiliate_group,
                5 => new.tenant = donor.tenant,
                6 => new.tenant_type = donor.tenant_type,
                7 => new.mpa_signed = donor.mpa_signed,
                8 => new.partner_id = donor.partner_id,
                9 => new.registration_id = donor.registration_id,
                10 => new.onboarded = !old.onboarded,
                11 => new.enrolled = !old.enrolled,
                12 => new.restricted_since = donor.restricted_since,
                _ => new.mca_accepted = donor.mca_accepted,
            }
            Some(Edit::UpdateParty(new))
        }
        // Changes over time (catalogue group 4): a link ends, keeping the rest of it.
        16 if !links.is_empty() => {
            let mut l = s.link(links[op.a % links.len()].as_str())?.clone();
            l.ended = [
                None,
                Some("2020-08-01"),
                Some("2021-03-01"),
                Some("2021-05-01"),
            ][op.b % 4]
                .map(date)
                .filter(|ended| *ended > l.date);
            Some(Edit::UpdateLink(l))
        }
        // The PartnerID on a purchase's order line: its seller's, its billing provider's, another.
        17 if !links.is_empty() => {
            let mut l = s.link(links[op.a % links.len()].as_str())?.clone();
            let pid_of = |id: Option<&csp_explorer::model::PartyId>| {
                id.and_then(|id| s.party(id.as_str()))
                    .and_then(|p| p.partner_id)
            };
            l.partner_id_on_record = match op.b % 4 {
                0 => pid_of(Some(&l.from)),
                1 => pid_of(l.via.as_ref()),
                2 => Some("999".into()),
                _ => None,
            };
            Some(Edit::UpdateLink(l))
        }
        // A reseller enrolled on a direct-bill partner's tenant (a partner in transition).
        18 if !parties.is_empty() => {
            let of = |kind: PartyKind, n: usize| {
                let all: Vec<&Party> = s.parties().filter(|p| p.kind == kind).collect();
                (!all.is_empty()).then(|| all[n % all.len()].clone())
            };
            let mut reseller = of(PartyKind::IndirectReseller, op.a)?;
            let direct = of(PartyKind::DirectBill, op.b)?;
            reseller.tenant = direct.tenant.clone();
            Some(Edit::UpdateParty(reseller))
        }
        13 if !parties.is_empty() => Some(Edit::MoveParty(
            parties[op.a % parties.len()],
            Some(csp_explorer::model::Position {
                x: op.b as f32 % 500.0,
                y: 0.0,
            }),
        )),
        _ => None,
    }
}

/// A complete, valid channel of both chains in two regions: the starting point that random ops then
/// bend and break. `with_via` decides, purchase by purchase, whether the billing provider is named
/// (without it the engine has to find the provider through the reseller's partnerships).
pub fn base_channel(with_via: [bool; 2]) -> Scenario {
    let mut s = Scenario::new("random");
    s.meta.as_of = Some(date("2021-06-01"));
    let signed = date("2019-06-01");
    let parties = [
        Party::new("ms", PartyKind::Microsoft),
        Party::new("dist1", PartyKind::IndirectProvider)
            .in_country("US")
            .mpa(signed)
            .with_partner_id("111"),
        Party::new("dist2", PartyKind::IndirectProvider)
            .in_country("DE")
            .mpa(signed),
        Party::new("db", PartyKind::DirectBill)
            .in_country("US")
            .mpa(signed),
        Party::new("res1", PartyKind::IndirectReseller)
            .in_country("US")
            .mpa(signed)
            .ready()
            .with_partner_id("333"),
        Party::new("res2", PartyKind::IndirectReseller)
            .in_country("DE")
            .mpa(signed)
            .ready(),
        Party::new("c1", PartyKind::Customer)
            .in_country("US")
            .mca(signed),
        Party::new("c2", PartyKind::Customer)
            .in_country("DE")
            .mca(signed),
        Party::new("c3", PartyKind::Customer)
            .in_country("US")
            .mca(signed),
    ];
    for p in parties {
        s.add_party(p).expect("base party");
    }
    let day = date("2020-06-01");
    let sale = date("2020-07-01");
    let mut links = vec![
        Link::new("s1", LinkKind::Supply, "ms", "dist1", day),
        Link::new("s2", LinkKind::Supply, "ms", "dist2", day),
        Link::new("s3", LinkKind::Supply, "ms", "db", day),
        Link::new("pa1", LinkKind::Partnership, "dist1", "res1", day),
        Link::new("pa2", LinkKind::Partnership, "dist2", "res2", day),
        Link::new("rd1", LinkKind::Reseller, "dist1", "c1", day),
        Link::new("rd2", LinkKind::Reseller, "dist2", "c2", day),
        Link::new("rc3", LinkKind::Reseller, "db", "c3", day),
        Link::new("b3", LinkKind::Purchase, "db", "c3", sale),
        Link::new("a3", LinkKind::Admin, "db", "c3", day).gdap(&["Directory Readers"], 90, true),
    ];
    for (i, (reseller, provider, customer)) in [("res1", "dist1", "c1"), ("res2", "dist2", "c2")]
        .into_iter()
        .enumerate()
    {
        let mut relationship = Link::new(
            format!("rr{i}"),
            LinkKind::Reseller,
            reseller,
            customer,
            day,
        );
        let mut purchase = Link::new(
            format!("b{i}"),
            LinkKind::Purchase,
            reseller,
            customer,
            sale,
        );
        if with_via[i] {
            relationship.via = Some(provider.into());
            purchase.via = Some(provider.into());
        }
        // The reseller's own PartnerID on the order line, as it must be.
        purchase.partner_id_on_record = s
            .party(reseller)
            .and_then(|p| p.partner_id.as_deref().map(Into::into));
        links.push(relationship);
        links.push(purchase);
    }
    for l in links {
        s.add_link(l).expect("base link");
    }
    s
}
