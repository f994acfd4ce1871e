//! How long the what-if answers take on a large channel: comparing a what-if with its base (two
//! full checks and a field-by-field diff), asking whether a sale could happen, a role lens (one ask
//! per counterpart), and a force layout.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use csp_explorer::layout::{effective_positions, force_positions};
use csp_explorer::scenarios::synthetic;
use csp_explorer::whatif::{Question, ask, diff, lens};
use std::hint::black_box;

fn whatif(c: &mut Criterion) {
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

criterion_group!(benches, whatif);
criterion_main!(benches);
