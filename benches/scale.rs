//! How the app scales with the size of a channel: 1k, 10k, 100k and 1M links of a generated channel
//! (`csp-explorer generate`, the same shape the README's figures use).
//!
//! `cargo bench --bench scale` runs everything (the 1M-link cases take a few minutes each: every
//! sample is one full pass); filter with e.g. `cargo bench --bench scale -- full_check`. Sizes can be
//! limited with `SCALE_MAX_LINKS=100000` and `SCALE_MIN_LINKS=1000000` (a filter alone still builds
//! the channels of every size). Each group keeps criterion's minimum of ten samples and a short
//! measurement time; from 100k links every sample is a single pass (flat sampling), so that a case
//! costs eleven passes (one to warm up): the 1M-link SVG export, about 50 s of CPU a pass, is about
//! ten minutes, not the hours linear sampling would take.
//!
//! `cargo bench --bench scale -- partner_center_import` imports Partner Center customer lists of
//! 1k to 300k customers (`PC_MAX_CUSTOMERS` limits them).
//!
//! The export benches (`export_svg`, `export_drawio`, … one per format, and `export_png_slide` the
//! whole channel on a 1920×1080 PNG slide) run on channels of 1k, 10k,
//! 100k and 300k parties instead (`SCALE_MIN_PARTIES`, `SCALE_MAX_PARTIES` limit them), shaped like
//! the shared channels of the README: `cargo bench --bench scale -- export_` runs only them.
//!
//! `SCALE_CPU=1` measures the CPU time of the whole process (every thread) instead of wall time:
//! on a machine shared with other work, wall time says more about the neighbours than about the
//! code (a single-threaded pass gets a fraction of a core). Figures are then printed as times but
//! are CPU seconds. Unix only.

#[path = "support/process_cpu.rs"]
mod process_cpu;

use criterion::measurement::Measurement;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, criterion_group};
use csp_explorer::edit::{Edit, History};
use csp_explorer::export::{ExportFormat, ExportOptions, Slide, export, export_to_file};
use csp_explorer::generate::{GenerateOptions, generate};
use csp_explorer::io::import::{Options, Source, import};
use csp_explorer::io::{
    scenario_from_bytes, scenario_from_ron, scenario_to_bytes, scenario_to_ron,
};
use csp_explorer::model::{Link, LinkKind, PartyKind, Scenario};
use csp_explorer::progress::Progress;
use csp_explorer::rules::Checker;
use csp_explorer::rules::fixes::prove_with;
use csp_explorer::whatif::diff;
use std::hint::black_box;
use std::time::Duration;

const SIZES: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];

/// The sizes to run, in links, within `SCALE_MIN_LINKS` and `SCALE_MAX_LINKS`.
fn sizes() -> Vec<usize> {
    let bound = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (min, max) = (
        bound("SCALE_MIN_LINKS", 0),
        bound("SCALE_MAX_LINKS", usize::MAX),
    );
    SIZES
        .into_iter()
        .filter(|s| (min..=max).contains(s))
        .collect()
}

/// A generated channel of about `links` links (about 4.2 links per customer).
fn channel(links: usize) -> Scenario {
    let customers = links * 10 / 42;
    generate(&GenerateOptions {
        providers: (customers / 2_000).max(3),
        resellers: (customers / 10).max(5),
        direct_bill: (customers / 1_000).max(2),
        customers,
        seed: 1,
        break_rate: 0.02,
    })
    .expect("the bench's options are valid")
}

fn configure<M: Measurement>(group: &mut BenchmarkGroup<'_, M>, links: usize) {
    group.sample_size(10);
    if links >= 100_000 {
        // One pass per sample: linear sampling would run 1 + 2 + … + 10 = 55 passes.
        group.sampling_mode(SamplingMode::Flat);
    }
    group.warm_up_time(Duration::from_millis(if links >= 100_000 {
        1
    } else {
        300
    }));
    group.measurement_time(Duration::from_secs(if links >= 100_000 { 1 } else { 2 }));
}

/// The figures name the links the channel really has, not the target.
fn id(s: &Scenario) -> BenchmarkId {
    BenchmarkId::from_parameter(format!("{}_links", s.link_count()))
}

fn rules<M: Measurement>(c: &mut Criterion<M>) {
    for links in sizes() {
        let mut s = channel(links);
        let mut group = c.benchmark_group("full_check");
        configure(&mut group, links);
        group.bench_function(id(&s), |b| b.iter(|| black_box(Checker::new(&s).counts())));
        group.finish();

        // What `check` does after the full check: each finding's quick fixes worked out (its
        // subject checked again with fixes), then each fix proven on the channel and taken back.
        // A fix that listed every seller of a region made the first grow with the square of the
        // channel while `full_check` stayed flat.
        let mut checker = Checker::new(&s);
        let mut group = c.benchmark_group("findings_with_fixes");
        configure(&mut group, links);
        group.bench_function(id(&s), |b| {
            b.iter(|| black_box(checker.sorted_with_fixes(&s).len()))
        });
        group.finish();
        let findings = checker.sorted_with_fixes(&s);
        let mut work = s.clone();
        let mut group = c.benchmark_group("prove_fixes");
        configure(&mut group, links);
        group.bench_function(id(&s), |b| {
            b.iter(|| black_box(prove_with(&mut work, &mut checker, &findings).len()))
        });
        group.finish();

        // Edits re-checked, then undone and re-checked: what dragging or editing costs in the
        // app, and what proving one quick fix costs in `check`.
        let mut checker = Checker::new(&s);
        // Typical: a customer loses its MCA (its purchases break).
        let mut customer = s
            .parties()
            .find(|p| p.kind == PartyKind::Customer && p.mca_accepted.is_some())
            .cloned()
            .expect("a generated channel has customers");
        customer.mca_accepted = None;
        edit_row(
            c,
            "one_edit_recheck",
            links,
            &mut s,
            &mut checker,
            Edit::UpdateParty(customer),
        );
        // The busiest provider: the party with the most links.
        let provider = s
            .parties()
            .filter(|p| p.kind == PartyKind::IndirectProvider)
            .max_by_key(|p| s.links_naming(p.id.as_str()).count())
            .cloned()
            .expect("a generated channel has providers");
        // A new reseller relationship from it (what a quick fix adds): it re-checks the
        // customer's purchases, not the provider's other links.
        let target = s
            .parties()
            .find(|p| {
                p.kind == PartyKind::Customer
                    && s.links_to(p.id.as_str()).all(|l| l.from != provider.id)
            })
            .expect("a customer the provider has no link to");
        let relationship = Link::new(
            s.fresh_link_id("bench-reseller"),
            LinkKind::Reseller,
            provider.id,
            target.id,
            s.as_of(),
        );
        edit_row(
            c,
            "edit_add_link_of_busiest_provider",
            links,
            &mut s,
            &mut checker,
            Edit::AddLink(relationship),
        );
        // Renaming it: a name only words findings, so only its dependents that have one.
        let mut renamed = provider.clone();
        renamed.name.push_str(" (renamed)");
        edit_row(
            c,
            "edit_rename_busiest_provider",
            links,
            &mut s,
            &mut checker,
            Edit::UpdateParty(renamed),
        );
        // The worst case: its agreement date, which every one of its links reads. The figure is
        // for that many links (printed), not for the channel.
        let mut unsigned = provider.clone();
        unsigned.mpa_signed = None;
        eprintln!(
            "{} links: the busiest provider names {} links",
            s.link_count(),
            s.links_naming(provider.id.as_str()).count()
        );
        edit_row(
            c,
            "edit_busiest_provider_agreement",
            links,
            &mut s,
            &mut checker,
            Edit::UpdateParty(unsigned),
        );
    }
}

/// One bench row: `edit` applied and re-checked, then undone and re-checked.
fn edit_row<M: Measurement>(
    c: &mut Criterion<M>,
    name: &str,
    links: usize,
    s: &mut Scenario,
    checker: &mut Checker,
    edit: Edit,
) {
    let mut history = History::default();
    let mut group = c.benchmark_group(name);
    configure(&mut group, links);
    group.bench_function(id(s), |b| {
        b.iter(|| {
            let touched = history.apply(s, edit.clone()).expect("edit applies");
            checker.update(s, &touched);
            let touched = history.undo(s).expect("undo").expect("undo applies");
            checker.update(s, &touched);
            // One subject's findings, not a tally of all of them (that walk is the channel's size).
            black_box(checker.for_link("bench").len())
        })
    });
    group.finish();
}

fn files<M: Measurement>(c: &mut Criterion<M>) {
    for links in sizes() {
        let s = channel(links);
        let text = scenario_to_ron(&s).expect("serializes");
        let mut group = c.benchmark_group("save_ron");
        configure(&mut group, links);
        group.bench_function(id(&s), |b| b.iter(|| black_box(scenario_to_ron(&s))));
        group.finish();
        let mut group = c.benchmark_group("load_ron");
        configure(&mut group, links);
        group.bench_function(id(&s), |b| {
            b.iter(|| black_box(scenario_from_ron(&text, "bench.ron")))
        });
        group.finish();
        // The compact binary save (.cspx): what a channel of 300,000 parties is opened and saved in.
        let bytes = scenario_to_bytes(&s).expect("encodes");
        let mut group = c.benchmark_group("save_cspx");
        configure(&mut group, links);
        group.bench_function(id(&s), |b| b.iter(|| black_box(scenario_to_bytes(&s))));
        group.finish();
        let mut group = c.benchmark_group("load_cspx");
        configure(&mut group, links);
        let none = Progress::none();
        group.bench_function(id(&s), |b| {
            b.iter(|| black_box(scenario_from_bytes(&bytes, "bench.cspx", &none)))
        });
        group.finish();
        // `convert` of a `.cspx` to a `.cspx`: the records checked and written again, no channel
        // built (the file's reading and writing aside).
        let mut group = c.benchmark_group("resave_cspx");
        configure(&mut group, links);
        group.bench_function(id(&s), |b| {
            b.iter(|| black_box(csp_explorer::io::binary::resaved(&bytes)))
        });
        group.finish();
    }
}

/// Importing the channel from the importer's two CSV files (parties, links), as File → Import and
/// `csp-explorer import` read them.
fn csv_import<M: Measurement>(c: &mut Criterion<M>) {
    for links in sizes() {
        let s = channel(links);
        let (parties, link_rows) = to_csv(&s);
        let sources = [
            Source {
                name: "parties.csv".to_owned(),
                bytes: parties.into_bytes(),
            },
            Source {
                name: "links.csv".to_owned(),
                bytes: link_rows.into_bytes(),
            },
        ];
        let mut group = c.benchmark_group("csv_import");
        configure(&mut group, links);
        group.bench_function(id(&s), |b| {
            b.iter(|| black_box(import(&sources, &Options::default())))
        });
        group.finish();
    }
}

/// The sizes of the Partner Center import, in customers, up to `PC_MAX_CUSTOMERS`.
const CUSTOMERS: [usize; 6] = [1_000, 3_000, 10_000, 30_000, 100_000, 300_000];

/// A Partner Center customer list (the body of `GET /v1/customers`) of `n` customers in eight
/// countries, as the API returns it.
fn customers_json(n: usize) -> Vec<u8> {
    const COUNTRIES: [&str; 8] = ["US", "DE", "JP", "BR", "AU", "FR", "GB", "CA"];
    let items: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let id = format!("0a1b2c3d-0000-4000-8000-{i:012}");
            let name = format!("Customer {i} Ltd");
            serde_json::json!({
                "id": id,
                "companyProfile": {"tenantId": id, "domain": format!("c{i}.onmicrosoft.com"),
                    "companyName": name},
                "billingProfile": {"companyName": name,
                    "defaultAddress": {"country": COUNTRIES[i % COUNTRIES.len()]}},
                "relationshipToPartner": "reseller",
                "attributes": {"objectType": "Customer"},
            })
        })
        .collect();
    serde_json::to_vec_pretty(&serde_json::json!({"totalCount": n, "items": items}))
        .expect("JSON of plain values")
}

/// Importing a Partner Center customer list of 1k to 300k customers, as `csp-explorer import
/// customers.json --partner … --country …` does before writing the save. It was quadratic (the
/// place of each customer in the text was looked up whether or not its name needed an error):
/// 30,000 customers took 292 s.
fn partner_center_import<M: Measurement>(c: &mut Criterion<M>) {
    let max = std::env::var("PC_MAX_CUSTOMERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX);
    let options = Options {
        partner: Some(csp_explorer::io::import::SignedInPartner {
            name: "Contoso Distribution".to_owned(),
            kind: PartyKind::IndirectProvider,
            country: "US".to_owned(),
            partner_id: None,
        }),
        ..Options::default()
    };
    for customers in CUSTOMERS.into_iter().filter(|n| *n <= max) {
        let sources = [Source {
            name: "customers.json".to_owned(),
            bytes: customers_json(customers),
        }];
        let mut group = c.benchmark_group("partner_center_import");
        // Sampled like a channel of as many links as the import makes (about two a customer).
        configure(&mut group, customers * 2);
        group.bench_function(
            BenchmarkId::from_parameter(format!("{customers}_customers")),
            |b| b.iter(|| black_box(import(&sources, &options))),
        );
        group.finish();
    }
}

/// What the recovery autosave costs the UI thread after a change: before, the whole scenario as
/// RON (`SavedDocument::of`); now the snapshot handed to the writer thread (`DocSnapshot::of`: the
/// scenario shared, the drawn positions copied).
fn autosave<M: Measurement>(c: &mut Criterion<M>) {
    use csp_explorer::ui::Document;
    use csp_explorer::ui::recovery::{DocSnapshot, SavedDocument};
    for links in sizes() {
        let doc = Document::new(channel(links));
        let mut group = c.benchmark_group("autosave_ui_before");
        configure(&mut group, links);
        group.bench_function(id(doc.scenario()), |b| {
            b.iter(|| black_box(SavedDocument::of(&doc)))
        });
        group.finish();
        let mut group = c.benchmark_group("autosave_ui_now");
        configure(&mut group, links);
        group.bench_function(id(doc.scenario()), |b| {
            b.iter(|| black_box(DocSnapshot::of(&doc)))
        });
        group.finish();
    }
}

/// A what-if of the channel with one in fifty customers losing its MCA, compared with its base (both
/// checked, then the parties, links and findings told apart: what `csp-explorer diff` does after
/// loading the two files).
fn compare<M: Measurement>(c: &mut Criterion<M>) {
    for links in sizes() {
        let base = channel(links);
        let mut whatif = base.clone();
        let changed: Vec<_> = whatif
            .parties()
            .filter(|p| p.kind == PartyKind::Customer)
            .step_by(50)
            .cloned()
            .collect();
        for mut p in changed {
            p.mca_accepted = None;
            whatif.replace_party(p).expect("the party exists");
        }
        let mut group = c.benchmark_group("diff");
        configure(&mut group, links);
        group.bench_function(id(&base), |b| b.iter(|| black_box(diff(&base, &whatif))));
        group.finish();
        // What `csp-explorer diff` of two `.cspx` saves does once the base is loaded: the
        // what-if's records read against the base, which is edited into the what-if and back.
        let bytes = scenario_to_bytes(&whatif).expect("encodes");
        let mut group = c.benchmark_group("diff_cspx_changes");
        configure(&mut group, links);
        group.bench_function(id(&base), |b| {
            b.iter_batched(
                || base.clone(),
                |mut edited| {
                    let changes = csp_explorer::io::binary::whatif_changes(&bytes, &edited)
                        .expect("read as changes");
                    let diff = csp_explorer::whatif::diff_changes(&mut edited, &changes);
                    (black_box(diff), edited)
                },
                criterion::BatchSize::LargeInput,
            )
        });
        group.finish();
    }
}

fn svg<M: Measurement>(c: &mut Criterion<M>) {
    let options = ExportOptions::default();
    for links in sizes() {
        let s = channel(links);
        let mut group = c.benchmark_group("svg_export");
        configure(&mut group, links);
        group.bench_function(id(&s), |b| {
            b.iter(|| black_box(export(&s, ExportFormat::Svg, &options)))
        });
        group.finish();
    }
}

/// The channel sizes of the export benches, in parties, within `SCALE_MIN_PARTIES` and
/// `SCALE_MAX_PARTIES`.
const EXPORT_SIZES: [usize; 4] = [1_000, 10_000, 100_000, 300_000];

/// A generated channel of about `parties` parties, shaped like the shared ones of the README
/// (`generate --providers 10 --resellers 10000 --direct-bill 100 --customers 90000` at 100k).
fn channel_of_parties(parties: usize) -> Scenario {
    let providers = (parties / 1_000).clamp(3, 10);
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

/// Every export format with its default options (what `csp-explorer export` writes without flags),
/// the rules checked for each: draw.io, GraphML and SVG should grow about linearly with the parties
/// (at most ×12 per ×10), and the PNG either draws or is refused in well under a second.
fn exports<M: Measurement>(c: &mut Criterion<M>) {
    let bound = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (min, max) = (
        bound("SCALE_MIN_PARTIES", 0),
        bound("SCALE_MAX_PARTIES", usize::MAX),
    );
    let options = ExportOptions::default();
    // Each export is written to a file as `csp-explorer export -o` writes it (atomically, the
    // large diagrams as they are made): what a user waits for, the writing included.
    let dir = tempfile::tempdir().expect("a temporary folder for the exports");
    for parties in EXPORT_SIZES.into_iter().filter(|n| (min..=max).contains(n)) {
        let s = channel_of_parties(parties);
        eprintln!("{} parties, {} links", s.party_count(), s.link_count());
        for format in ExportFormat::ALL {
            let mut group = c.benchmark_group(format!("export_{}", format.key()));
            // Flat sampling from 100k links up, as the other groups (about 30k parties).
            configure(&mut group, parties * 4);
            let path = dir.path().join(format!("channel.{}", format.extension()));
            group.bench_function(
                BenchmarkId::from_parameter(format!("{}_parties", s.party_count())),
                |b| b.iter(|| black_box(export_to_file(&s, format, &options, &path))),
            );
            group.finish();
            // A 300,000-party GraphML is 1.6 GB: not kept for the next format.
            let _ = std::fs::remove_file(&path);
        }
        // The whole channel as one 1920×1080 PNG slide (`export --format png --slide`), what a
        // PNG too large at its scale offers: a couple of seconds at 100,000 parties.
        let mut group = c.benchmark_group("export_png_slide");
        configure(&mut group, parties * 4);
        let path = dir.path().join("slide.png");
        let slide = ExportOptions {
            slide: Some(Slide::default()),
            ..ExportOptions::default()
        };
        group.bench_function(
            BenchmarkId::from_parameter(format!("{}_parties", s.party_count())),
            |b| b.iter(|| black_box(export_to_file(&s, ExportFormat::Png, &slide, &path))),
        );
        group.finish();
    }
}

/// The importer's two files for a scenario.
fn to_csv(s: &Scenario) -> (String, String) {
    let mut parties = csv::Writer::from_writer(Vec::new());
    let date = |d: Option<csp_explorer::model::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let flag = |b: bool| if b { "true" } else { "false" }.to_owned();
    parties
        .write_record([
            "id",
            "kind",
            "name",
            "country",
            "organization",
            "tenant",
            "tenant_type",
            "mpa_signed",
            "onboarded",
            "enrolled",
            "mca_accepted",
        ])
        .expect("writes to memory");
    for p in s.parties() {
        parties
            .write_record([
                p.id.to_string(),
                p.kind.key().to_owned(),
                p.name.clone(),
                p.country.map(String::from).unwrap_or_default(),
                p.organization.clone(),
                p.tenant.clone(),
                p.tenant_type.key().to_owned(),
                date(p.mpa_signed),
                flag(p.onboarded),
                flag(p.enrolled),
                date(p.mca_accepted),
            ])
            .expect("writes to memory");
    }
    let mut links = csv::Writer::from_writer(Vec::new());
    links
        .write_record([
            "id",
            "kind",
            "from",
            "to",
            "date",
            "via",
            "offer",
            "roles",
            "duration_days",
            "auto_extend",
        ])
        .expect("writes to memory");
    for l in s.links() {
        links
            .write_record([
                l.id.to_string(),
                l.kind.key().to_owned(),
                l.from.to_string(),
                l.to.to_string(),
                l.date.to_string(),
                l.via.as_ref().map(ToString::to_string).unwrap_or_default(),
                l.offer.map(String::from).unwrap_or_default(),
                l.roles.join(";"),
                l.duration_days.map(|d| d.to_string()).unwrap_or_default(),
                flag(l.auto_extend),
            ])
            .expect("writes to memory");
    }
    let text = |w: csv::Writer<Vec<u8>>| {
        String::from_utf8(w.into_inner().expect("flushes to memory")).expect("UTF-8 fields")
    };
    (text(parties), text(links))
}

criterion_group!(
    benches,
    rules,
    files,
    csv_import,
    partner_center_import,
    autosave,
    compare,
    svg,
    exports
);
criterion_group! {
    name = cpu_benches;
    config = Criterion::default().with_measurement(process_cpu::ProcessCpu);
    targets = rules, files, csv_import, partner_center_import, autosave, compare, svg, exports
}

fn main() {
    if process_cpu::requested("SCALE_CPU") {
        cpu_benches();
    } else {
        benches();
    }
    Criterion::default().configure_from_args().final_summary();
}
