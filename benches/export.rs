//! How long a trainer waits for an export of a large channel.

use criterion::{Criterion, criterion_group, criterion_main};
use csp_explorer::export::{ExportFormat, ExportOptions, export};
use csp_explorer::scenarios::synthetic;
use std::hint::black_box;

fn exports(c: &mut Criterion) {
    let s = synthetic(200);
    let options = ExportOptions::default();
    for format in [
        ExportFormat::Svg,
        ExportFormat::Png,
        ExportFormat::Graphml,
        ExportFormat::Gexf,
        ExportFormat::Drawio,
        ExportFormat::Dot,
    ] {
        c.bench_function(&format!("export_{}/200", format.key()), |b| {
            b.iter(|| black_box(export(&s, format, &options)))
        });
    }
}

criterion_group!(benches, exports);
criterion_main!(benches);
