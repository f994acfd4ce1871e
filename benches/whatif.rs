//! How long the what-if answers take on a large channel: comparing a what-if with its base (two
//! full checks and a field-by-field diff), asking whether a sale could happen, a role lens (one ask
//! per counterpart), and a force layout; and the what-if operations on a channel of 100,000
//! parties (see [`operations`]).
//!
//! `WHATIF_CPU=1` measures the CPU time of the whole process (every thread) instead of wall time,
//! for a machine shared with other work (see `support/process_cpu.rs`); figures are then printed as
//! times but are CPU seconds. Unix only.

#[path = "support/process_cpu.rs"]
mod process_cpu;

use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group};
use csp_explorer::edit::History;
use csp_explorer::generate::{GenerateOptions, generate};
use csp_explorer::layout::{effective_positions, force_positions};
use csp_explorer::model::{LinkKind, PartyId, PartyKind, Scenario, markets};
use csp_explorer::rules::Checker;
use csp_explorer::scenarios::synthetic;
use csp_explorer::whatif::operation::Customers;
use csp_explorer::whatif::{Operation, Query, Question, ask, diff, impact, lens, select};
use std::collections::{BTreeMap, BTreeSet};
use std::hint::black_box;

fn whatif<M: Measurement + 'static>(c: &mut Criterion<M>) {
    for size in [100, 1_000] {
        let base = synthetic(size);
        // The what-if moves one reseller to another provider.
        let mut branch = base.clone();
        let mut partnership = branch
            .link("partnership-3")
            .expect("synthetic partnership")
            .clone();
        partnership.from = "provider-0".into();
        branch.replace_link(partnership).expect("valid move");
        c.bench_with_input(BenchmarkId::new("diff", size), &size, |b, _| {
            b.iter(|| black_box(diff(&base, &branch)))
        });
        let question = Question {
            seller: "reseller-3".into(),
            customer: "customer-40".into(),
            offer: "Azure plan".into(),
        };
        c.bench_with_input(BenchmarkId::new("ask", size), &size, |b, _| {
            b.iter(|| black_box(ask(&base, &question)))
        });
        c.bench_with_input(BenchmarkId::new("lens", size), &size, |b, _| {
            b.iter(|| black_box(lens(&base, "reseller-3", "Azure plan")))
        });
        let start = effective_positions(&base);
        c.bench_with_input(BenchmarkId::new("force_layout", size), &size, |b, _| {
            b.iter(|| black_box(force_positions(&base, &start)))
        });
    }
}

/// The what-if operations at the size of a business (issue 21), on `csp-explorer generate`'s channel
/// of 100,000 parties (`WHATIF_PARTIES` changes it): moving the largest reseller's customers of its
/// own CSP region to a reseller of another provider and undoing it, each re-checked as the window does (one undo
/// step, the incremental checker), on the channel's as-of day and on a later day (the as-of date
/// moves with it, so everything is re-checked); the impact of that move (the diff of both sides,
/// checked as of its day, grouped by rule and party); and a selection by query of about 5,000
/// customers.
fn operations<M: Measurement>(c: &mut Criterion<M>) {
    let parties: usize = std::env::var("WHATIF_PARTIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let base = business(parties);
    let size = base.party_count();
    let (from, to) = largest_reseller_and_another_providers(&base);
    // Its customers of its own CSP region, as Select by query finds them in the window (the
    // generator puts a few of its customers abroad, deliberate breaks a move refuses to take).
    let region = base
        .party(from.as_str())
        .and_then(|p| p.country.as_deref())
        .and_then(|c| markets().region_of(c))
        .map(|r| r.id.clone());
    let customers: Vec<PartyId> = select(
        &base,
        &Checker::new(&base),
        &Query {
            kind: Some(PartyKind::Customer),
            of: Some(from),
            region,
            ..Query::default()
        },
    )
    .expect("a valid query")
    .into_iter()
    .collect();
    let moved_customers = customers.len();
    let mut group = c.benchmark_group("whatif_operation");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    for (name, on) in [
        (
            format!("move_{moved_customers}_customers_of_largest_reseller_and_undo"),
            base.as_of(),
        ),
        (
            format!("move_{moved_customers}_customers_of_largest_reseller_and_undo_later_day"),
            "2025-07-01".parse().expect("a date"),
        ),
    ] {
        let op = Operation::MoveCustomers {
            from,
            to,
            customers: Customers::Only(customers.clone()),
            admin: true,
            on,
        };
        let mut s = base.clone();
        let mut checker = Checker::new(&s);
        let mut history = History::default();
        group.bench_with_input(BenchmarkId::new(name, size), &size, |b, _| {
            b.iter(|| {
                let prepared = op.prepare(&s).expect("the move applies");
                let touched = history
                    .apply_labelled(&mut s, prepared.edit(), Some(prepared.summary))
                    .expect("edit applies");
                checker.update(&s, &touched);
                let touched = history.undo(&mut s).expect("undo").expect("undo applies");
                checker.update(&s, &touched);
                black_box(checker.for_party(from.as_str()).len())
            })
        });
    }
    let op = Operation::MoveCustomers {
        from,
        to,
        customers: Customers::Only(customers.clone()),
        admin: true,
        on: "2025-07-01".parse().expect("a date"),
    };
    let mut moved = base.clone();
    op.apply(&mut moved).expect("the move applies");
    group.bench_with_input(BenchmarkId::new("impact_diff", size), &size, |b, _| {
        b.iter(|| {
            let d = diff(&base, &moved);
            black_box(impact(&d, &base, &moved))
        })
    });
    let checker = Checker::new(&base);
    let query = about_5000_customers(&base);
    let found = select(&base, &checker, &query)
        .expect("a valid query")
        .len();
    group.bench_with_input(
        BenchmarkId::new(format!("select_by_query_{found}_customers"), size),
        &size,
        |b, _| b.iter(|| black_box(select(&base, &checker, &query))),
    );
    group.finish();
}

/// `csp-explorer generate`'s channel of `parties` parties: at 100,000, `generate --providers 21
/// --resellers 10000 --direct-bill 100 --customers 89878` (21 providers, so that some countries
/// have two and a reseller can move to one of another provider).
fn business(parties: usize) -> Scenario {
    let providers = 21;
    let resellers = parties / 10;
    let direct_bill = (parties / 1_000).max(2);
    generate(&GenerateOptions {
        providers,
        resellers,
        direct_bill,
        customers: parties - providers - resellers - direct_bill - 1,
        seed: 1,
        break_rate: 0.02,
    })
    .expect("the bench's options are valid")
}

/// The reseller selling to the most customers, and the largest reseller of its country partnered
/// with none of its providers (a reseller of another provider).
fn largest_reseller_and_another_providers(s: &Scenario) -> (PartyId, PartyId) {
    let providers = |id: &PartyId| -> BTreeSet<PartyId> {
        s.links_to(id.as_str())
            .filter(|l| l.kind == LinkKind::Partnership && l.exists_at(s.as_of()))
            .map(|l| l.from)
            .collect()
    };
    let customers = |id: &PartyId| {
        s.links_from(id.as_str())
            .filter(|l| l.kind == LinkKind::Purchase)
            .map(|l| &l.to)
            .collect::<BTreeSet<_>>()
            .len()
    };
    let largest = s
        .parties_of_kind(PartyKind::IndirectReseller)
        .max_by_key(|p| customers(&p.id))
        .expect("a reseller");
    let theirs = providers(&largest.id);
    let other = s
        .parties_of_kind(PartyKind::IndirectReseller)
        .filter(|p| p.country == largest.country && p.id != largest.id)
        .filter(|p| {
            let mine = providers(&p.id);
            !mine.is_empty() && mine.is_disjoint(&theirs)
        })
        .max_by_key(|p| (customers(&p.id), std::cmp::Reverse(p.id)))
        .expect("a reseller of another provider in the same country");
    (largest.id, other.id)
}

/// Customers of the country whose count is nearest 5,000.
fn about_5000_customers(s: &Scenario) -> Query {
    let mut by_country: BTreeMap<&str, usize> = BTreeMap::new();
    for p in s.parties_of_kind(PartyKind::Customer) {
        *by_country
            .entry(p.country.as_deref().unwrap_or(""))
            .or_default() += 1;
    }
    let country = by_country
        .into_iter()
        .min_by_key(|(_, n)| n.abs_diff(5_000))
        .map(|(c, _)| c.to_owned())
        .expect("customers");
    Query {
        kind: Some(PartyKind::Customer),
        country: Some(country),
        ..Query::default()
    }
}

criterion_group!(benches, whatif, operations);
criterion_group! {
    name = cpu_benches;
    config = Criterion::default().with_measurement(process_cpu::ProcessCpu);
    targets = whatif, operations
}

fn main() {
    if process_cpu::requested("WHATIF_CPU") {
        cpu_benches();
    } else {
        benches();
    }
    Criterion::default().configure_from_args().final_summary();
}
