//! How fast the rules answer: a full check, the incremental re-check after one edit (what the canvas
//! pays per gesture), and loading and saving a scenario.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use csp_explorer::edit::{Edit, History};
use csp_explorer::io::{scenario_from_ron, scenario_to_ron};
use csp_explorer::rules::{Checker, check};
use csp_explorer::scenarios::synthetic;
use std::hint::black_box;

fn full_check(c: &mut Criterion) {
    let mut group = c.benchmark_group("full_check");
    for size in [100, 1_000, 5_000] {
        let s = synthetic(size);
        group.bench_with_input(BenchmarkId::from_parameter(size), &s, |b, s| {
            b.iter(|| black_box(check(s)))
        });
    }
    group.finish();
}

/// One attribute change on a customer (its MCA date), applied, re-checked and undone.
fn incremental_update(c: &mut Criterion) {
    let mut group = c.benchmark_group("incremental_update");
    for size in [100, 1_000, 5_000] {
        let mut s = synthetic(size);
        let mut checker = Checker::new(&s);
        let mut history = History::default();
        let mut customer = s
            .party("customer-5")
            .cloned()
            .expect("synthetic has customer-5");
        customer.mca_accepted = None;
        group.bench_function(BenchmarkId::from_parameter(size), |b| {
            b.iter(|| {
                let touched = history
                    .apply(&mut s, Edit::UpdateParty(customer.clone()))
                    .expect("edit applies");
                checker.update(&s, &touched);
                let touched = history.undo(&mut s).expect("undo").expect("undo applies");
                checker.update(&s, &touched);
                black_box(checker.counts())
            })
        });
    }
    group.finish();
}

fn save_and_load(c: &mut Criterion) {
    let s = synthetic(1_000);
    let text = scenario_to_ron(&s).expect("serializes");
    c.bench_function("save_ron/1000", |b| {
        b.iter(|| black_box(scenario_to_ron(&s)))
    });
    c.bench_function("load_ron/1000", |b| {
        b.iter(|| black_box(scenario_from_ron(&text, "bench.ron")))
    });
}

criterion_group!(benches, full_check, incremental_update, save_and_load);
criterion_main!(benches);
