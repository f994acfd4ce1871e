//! Fuzzing on the stable toolchain: every loader of outside data gets valid inputs broken the way
//! files get broken (bits flipped, cut short, pieces of another file spliced in, lines doubled,
//! dropped or swapped, stray unicode, numbers far out of range), and must answer with a scenario or
//! with errors that are not empty and name the input, never a panic, a hang or a runaway allocation.
//!
//! Targets: the RON save loader (UTF-8 text and raw bytes through a file), the `.cspx` loader (its
//! counts and lengths made huge, under the allocation bound), the importer with the
//! project's parties + links CSVs and every Partner Center format (REST JSON customers, indirect
//! resellers, subscriptions, a customer's relationships and agreements; the customer and reseller CSV
//! downloads), and the lesson loader. Whatever loads is then checked by the rules engine, and a
//! loaded save must write back to the same text.
//!
//! `cargo test` runs a short, bounded pass (`DEFAULT_CASES` per target). A longer run:
//! `CSP_FUZZ_CASES=200000 cargo test --test fuzz -- --nocapture` (the README records the last one);
//! the short pass draws the same cases every time, a long run new ones.
//! proptest shrinks a failure to the fewest mutations and prints them with the seed's name.

use csp_explorer::io::import::{Options, SignedInPartner, Source, import};
use csp_explorer::model::PartyKind;
use csp_explorer::rules::Checker;
use csp_explorer::training::LoadedLesson;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Counts the bytes allocated, and the most at any moment: a case that allocates far more than its
/// input could ever need is a finding even if it does not run out of memory here.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is the system allocator's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let grow = new_size - layout.size();
                let now = CURRENT.fetch_add(grow, Ordering::Relaxed) + grow;
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Cases per target in a plain `cargo test`: a few seconds in all on a slow machine.
const DEFAULT_CASES: u32 = 256;

/// Past this a case counts as hung. Generous on purpose: it catches loops, not slowness (speed is
/// measured by the criterion benchmarks).
const HANG: Duration = Duration::from_secs(30);

/// A case slower than this is printed (not failed): the place to look when the pass takes long.
const SLOW: Duration = Duration::from_secs(2);

/// The most a case may allocate on top of what was live before it, besides 1000 bytes per input
/// byte: inputs are a few kilobytes, so this is far beyond any honest need.
const MEMORY: usize = 64 << 20;

fn cases() -> u32 {
    std::env::var("CSP_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

/// Values that break parsers and arithmetic: beyond every integer width, non-finite floats, dates
/// beyond chrono's calendar, negatives where counts are expected.
const HUGE: [&str; 14] = [
    "99999999999999999999999999",
    "4294967296",
    "18446744073709551616",
    "340282366920938463463374607431768211456",
    "-1",
    "-9223372036854775809",
    "1e309",
    "1e50",
    "NaN",
    "inf",
    "-inf",
    "-262143",
    "262143",
    "0",
];

/// One way to break an input.
#[derive(Clone, Debug)]
enum Mutation {
    FlipBit {
        at: usize,
        bit: u8,
    },
    SetByte {
        at: usize,
        byte: u8,
    },
    Truncate {
        at: usize,
    },
    Delete {
        at: usize,
        len: usize,
    },
    Insert {
        at: usize,
        text: String,
    },
    Splice {
        at: usize,
        seed: usize,
        from: usize,
        len: usize,
    },
    DuplicateLine {
        line: usize,
    },
    RemoveLine {
        line: usize,
    },
    SwapLines {
        a: usize,
        b: usize,
    },
    HugeNumber {
        nth: usize,
        value: usize,
    },
    QuotedString {
        nth: usize,
        value: usize,
    },
}

/// Strings that loaders must bound or refuse: empty, huge, control characters and terminal escapes,
/// bidi overrides, paths out of the folder, a readable file that is not a save, dates out of range.
/// (No `/dev/zero` or FIFO: until the lesson loader refuses them, they would exhaust this machine's
/// memory or hang; tests/malformed covers them by hand.)
fn strange_string(i: usize) -> String {
    match i {
        0 => String::new(),
        1 => "x".repeat(70_000),
        2 => "\u{0}\u{1b}[31mred\u{7}".to_owned(),
        3 => "\u{202e}evil\u{202c}".to_owned(),
        4 => "../../../../etc/hostname".to_owned(),
        5 => "/dev/null".to_owned(),
        6 => "-262143-01-01".to_owned(),
        7 => "+262142-12-31".to_owned(),
        8 => "2024-02-30".to_owned(),
        9 => "1899-12-31".to_owned(),
        10 => "channel.ron".to_owned(),
        _ => "💥".repeat(1000),
    }
}
const STRANGE: usize = 12;

/// Weighted towards changes that keep the syntax (numbers, strings, whole lines), so that many
/// broken inputs still parse and reach the checks behind the parser.
fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Mutation::FlipBit { at, bit }),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::SetByte { at, byte }),
        1 => any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        1 => (any::<usize>(), 1usize..64).prop_map(|(at, len)| Mutation::Delete { at, len }),
        // Any unicode: controls, combining marks, right-to-left text, noncharacters, emoji.
        2 => (any::<usize>(), "\\PC{0,12}|[\\x00-\\x1f\"'\\\\(){}\\[\\],;:\u{feff}\u{202e}]{1,4}")
            .prop_map(|(at, text)| Mutation::Insert { at, text }),
        2 => (any::<usize>(), any::<usize>(), any::<usize>(), 1usize..400).prop_map(
            |(at, seed, from, len)| Mutation::Splice {
                at,
                seed,
                from,
                len
            }
        ),
        3 => any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
        3 => any::<usize>().prop_map(|line| Mutation::RemoveLine { line }),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
        4 => (any::<usize>(), 0..HUGE.len()).prop_map(|(nth, value)| Mutation::HugeNumber { nth, value }),
        4 => (any::<usize>(), 0..STRANGE).prop_map(|(nth, value)| Mutation::QuotedString { nth, value }),
    ]
}

fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect()
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation, seeds: &[Vec<u8>]) {
    let pos = |at: usize, len: usize| if len == 0 { 0 } else { at % (len + 1) };
    match m {
        Mutation::FlipBit { at, bit } if !bytes.is_empty() => {
            let i = at % bytes.len();
            bytes[i] ^= 1 << bit;
        }
        Mutation::SetByte { at, byte } if !bytes.is_empty() => {
            let i = at % bytes.len();
            bytes[i] = *byte;
        }
        Mutation::Truncate { at } => bytes.truncate(pos(*at, bytes.len())),
        Mutation::Delete { at, len } => {
            let start = pos(*at, bytes.len());
            let end = (start + len).min(bytes.len());
            bytes.drain(start..end);
        }
        Mutation::Insert { at, text } => {
            let at = pos(*at, bytes.len());
            bytes.splice(at..at, text.bytes());
        }
        Mutation::Splice {
            at,
            seed,
            from,
            len,
        } => {
            let other = &seeds[seed % seeds.len()];
            let from = pos(*from, other.len());
            let end = (from + len).min(other.len());
            let at = pos(*at, bytes.len());
            bytes.splice(at..at, other[from..end].iter().copied());
        }
        Mutation::DuplicateLine { line } => {
            let mut ls = lines(bytes);
            let i = line % ls.len();
            ls.insert(i, ls[i].clone());
            *bytes = ls.join(&b'\n');
        }
        Mutation::RemoveLine { line } => {
            let mut ls = lines(bytes);
            ls.remove(line % ls.len());
            *bytes = ls.join(&b'\n');
        }
        Mutation::SwapLines { a, b } => {
            let mut ls = lines(bytes);
            let n = ls.len();
            ls.swap(a % n, b % n);
            *bytes = ls.join(&b'\n');
        }
        Mutation::HugeNumber { nth, value } => {
            // The nth run of digits (with its sign and decimals) becomes a huge value.
            let mut runs = Vec::new();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i].is_ascii_digit() {
                    let start = if i > 0 && bytes[i - 1] == b'-' {
                        i - 1
                    } else {
                        i
                    };
                    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                        i += 1;
                    }
                    runs.push(start..i);
                } else {
                    i += 1;
                }
            }
            if !runs.is_empty() {
                let run = runs[nth % runs.len()].clone();
                bytes.splice(run, HUGE[*value].bytes());
            }
        }
        Mutation::QuotedString { nth, value } => {
            // The contents of the nth "…" (or of the nth CSV cell when there are no quotes).
            let quotes: Vec<usize> = (0..bytes.len()).filter(|i| bytes[*i] == b'"').collect();
            let (start, end) = if quotes.len() >= 2 {
                let k = nth % (quotes.len() / 2);
                (quotes[2 * k] + 1, quotes[2 * k + 1])
            } else {
                let cells: Vec<usize> = (0..bytes.len())
                    .filter(|i| matches!(bytes[*i], b',' | b';' | b'\t'))
                    .collect();
                if cells.len() < 2 {
                    return;
                }
                let k = nth % (cells.len() - 1);
                (cells[k] + 1, cells[k + 1])
            };
            bytes.splice(start..end, strange_string(*value).into_bytes());
        }
        _ => {}
    }
}

/// A case: which seed, and how it is broken.
fn case(seeds: usize) -> impl Strategy<Value = (usize, Vec<Mutation>)> {
    (0..seeds, prop::collection::vec(mutation(), 1..4))
}

/// Runs `f` on its own thread and fails the case if it hangs, panics or allocates beyond bound.
fn guarded(
    what: &str,
    input_len: usize,
    f: impl FnOnce() -> Result<(), String> + Send + 'static,
) -> Result<(), TestCaseError> {
    RAN.fetch_add(1, Ordering::Relaxed);
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let (tx, rx) = std::sync::mpsc::channel();
    let start = Instant::now();
    let worker = std::thread::spawn(move || {
        let result = f();
        let _ = tx.send(result);
    });
    match rx.recv_timeout(HANG) {
        Ok(result) => {
            worker.join().ok();
            let took = start.elapsed();
            if took > SLOW {
                eprintln!("slow case ({took:.1?}): {what}");
            }
            WORST.with_borrow_mut(|worst| {
                if took > worst.slowest.0 {
                    worst.slowest = (took, what.to_owned());
                }
            });
            result.map_err(TestCaseError::fail)?;
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            return Err(TestCaseError::fail(format!(
                "{what}: still running after {:?} (a hang)",
                start.elapsed()
            )));
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            let panic = worker.join().expect_err("the worker sent nothing");
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            return Err(TestCaseError::fail(format!("{what}: panicked: {message}")));
        }
    }
    let grew = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    WORST.with_borrow_mut(|worst| {
        if grew > worst.most_memory.0 {
            worst.most_memory = (grew, what.to_owned());
        }
    });
    prop_assert!(
        grew <= MEMORY + 1000 * input_len,
        "{what}: allocated {grew} bytes for a {input_len}-byte input"
    );
    Ok(())
}

/// What the app does with a scenario once loaded: check it, lay it out for the canvas, and export
/// it in the text formats (the drawings measure text with fonts: too slow for every case here).
fn after_load(scenario: &csp_explorer::model::Scenario) -> Result<(), String> {
    use csp_explorer::export::{ExportFormat, ExportOptions, export};
    let _ = Checker::new(scenario).sorted();
    let _ = csp_explorer::ui::Document::new(scenario.clone());
    for format in [ExportFormat::Dot, ExportFormat::Mermaid, ExportFormat::Json] {
        export(scenario, format, &ExportOptions::default())
            .map_err(|e| format!("a loaded scenario does not export as {format:?}: {e}"))?;
    }
    Ok(())
}

fn check_message(message: &str, names: &[&str]) -> Result<(), String> {
    if message.trim().is_empty() {
        return Err("an empty error message".to_owned());
    }
    if !names.iter().any(|n| message.contains(n)) {
        return Err(format!(
            "the error does not name the input {names:?}: {message}"
        ));
    }
    Ok(())
}

fn read_dir_sorted(dir: &str, ext: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The short pass draws the same cases on every run (a gate that passes once passes again, and a
/// failure is a change's doing, not the dice's); a long run (`CSP_FUZZ_CASES`) or
/// `PROPTEST_RNG_SEED` explores new ones.
fn config() -> Config {
    let explore = std::env::var_os("CSP_FUZZ_CASES").is_some()
        || std::env::var_os("PROPTEST_RNG_SEED").is_some();
    let defaults = Config::default();
    Config {
        cases: cases(),
        failure_persistence: None,
        rng_seed: if explore {
            defaults.rng_seed
        } else {
            RngSeed::Fixed(0x00c5_9e7a)
        },
        ..defaults
    }
}

/// Cases whose broken input still loaded (the rest were refused with errors), for the summary: a
/// target where nothing loads would test only the first lines of its parser.
static LOADED: AtomicUsize = AtomicUsize::new(0);

/// Cases run so far by the target (a failing run stops early).
static RAN: AtomicUsize = AtomicUsize::new(0);

/// The slowest case of a target and the one that allocated the most, for the summary (what the
/// README records of a long run).
#[derive(Default)]
struct Worst {
    slowest: (Duration, String),
    most_memory: (usize, String),
}

thread_local! {
    /// The cases run on the thread that runs the target (each on a worker of its own, measured
    /// from here).
    static WORST: std::cell::RefCell<Worst> = std::cell::RefCell::default();
}

/// A case's description cut to a line for the summary (a mutation may hold 70,000 characters).
fn short(what: &str) -> String {
    let mut out: String = what.chars().take(160).collect();
    if out.len() < what.len() {
        out.push('…');
    }
    out.escape_debug().to_string()
}

fn run_target<S: Strategy>(
    name: &str,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let start = Instant::now();
    LOADED.store(0, Ordering::Relaxed);
    RAN.store(0, Ordering::Relaxed);
    WORST.set(Worst::default());
    let mut runner = TestRunner::new(config());
    let result = runner.run(&strategy, test);
    let worst = WORST.take();
    eprintln!(
        "fuzz {name}: {} cases (with shrinking) in {:.1?}, {} still loaded, the rest refused \
         with a message; slowest case {:.2?} ({}); most memory {} KB ({})",
        RAN.load(Ordering::Relaxed),
        start.elapsed(),
        LOADED.load(Ordering::Relaxed),
        worst.slowest.0,
        short(&worst.slowest.1),
        worst.most_memory.0 >> 10,
        short(&worst.most_memory.1)
    );
    if let Err(e) = result {
        panic!("fuzz {name}: {e}");
    }
    // A target where nothing loads tests only the first lines of its parser: whatever is behind
    // them (the checks, the write back) would never run (the .cspx target's did not). About one
    // .cspx case in twenty loads: a few dozen cases may all be refused.
    assert!(
        config().cases < DEFAULT_CASES || LOADED.load(Ordering::Relaxed) > 0,
        "fuzz {name}: no case loaded, so nothing behind the parser was tested"
    );
}

/// The save loader: whatever loads is checked by the rules and writes back to the same text.
fn save_target() {
    let mut seeds = read_dir_sorted("assets/scenarios", "ron");
    // A save with every field the format has: positions, ended links, admin types, registration and
    // partner ids, pending requests, third-party offers.
    seeds.push(("full.ron".to_owned(), full_save().into_bytes()));
    let bytes: Vec<Vec<u8>> = seeds.iter().map(|(_, b)| b.clone()).collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fuzz.ron");
    run_target("save loader", case(seeds.len()), |(seed, mutations)| {
        let mut input = bytes[seed].clone();
        for m in &mutations {
            apply(&mut input, m, &bytes);
        }
        let len = input.len();
        let file = file.clone();
        guarded(
            &format!("{} {mutations:?}", seeds[seed].0),
            len,
            move || {
                let (loaded, names) = match std::str::from_utf8(&input) {
                    Ok(text) => (
                        csp_explorer::io::scenario_from_ron(text, "fuzz.ron"),
                        "fuzz.ron".to_owned(),
                    ),
                    Err(_) => {
                        std::fs::write(&file, &input).unwrap();
                        (csp_explorer::io::load(&file), file.display().to_string())
                    }
                };
                match loaded {
                    Err(e) => check_message(&e.to_string(), &[&names]),
                    Ok(scenario) => {
                        LOADED.fetch_add(1, Ordering::Relaxed);
                        after_load(&scenario)?;
                        let text = csp_explorer::io::scenario_to_ron(&scenario)
                            .map_err(|e| format!("a loaded save cannot be written: {e}"))?;
                        let again = csp_explorer::io::scenario_from_ron(&text, "again.ron")
                            .map_err(|e| format!("a written save does not load: {e}\n{text}"))?;
                        let text2 = csp_explorer::io::scenario_to_ron(&again).unwrap();
                        if text2 != text {
                            return Err(format!(
                                "save → load → save differs:\n{text}\n---\n{text2}"
                            ));
                        }
                        Ok(())
                    }
                }
            },
        )
    });
}

fn full_save() -> String {
    use csp_explorer::model::{AdminType, Link, LinkKind, LinkStatus, Party, Publisher, Scenario};
    let d = |s: &str| s.parse().unwrap();
    let mut s = Scenario::new("Every field");
    s.meta.description = "A save with every field set, for the fuzzer.".into();
    s.meta.as_of = Some(d("2024-01-01"));
    s.add_party(Party::new("ms", PartyKind::Microsoft).at(0.0, 0.0))
        .unwrap();
    let mut dist = Party::new("dist", PartyKind::IndirectProvider)
        .named("Adatum")
        .in_country("BR")
        .mpa(d("2019-10-01"))
        .at(-120.5, 170.0);
    dist.partner_id = Some("1234567".into());
    dist.registration_id = Some("12.345.678/0001-90".into());
    dist.affiliate_group = Some("adatum-group".into());
    s.add_party(dist).unwrap();
    let mut res = Party::new("res", PartyKind::IndirectReseller)
        .named("Contoso")
        .in_country("BR")
        .mpa(d("2020-01-01"))
        .ready();
    res.restricted_since = Some(d("2023-05-01"));
    s.add_party(res).unwrap();
    s.add_party(
        Party::new("cust", PartyKind::Customer)
            .named("Northwind")
            .in_country("BR")
            .mca(d("2020-02-01"))
            .at(40.0, 510.0),
    )
    .unwrap();
    let mut links = vec![
        Link::new("s", LinkKind::Supply, "ms", "dist", d("2020-01-01")),
        Link::new("p", LinkKind::Partnership, "dist", "res", d("2020-01-15")),
        Link::new("r", LinkKind::Reseller, "res", "cust", d("2020-02-01")),
        Link::new("a", LinkKind::Admin, "res", "cust", d("2020-02-01")).gdap(
            &["Helpdesk Administrator"],
            730,
            true,
        ),
    ];
    links[1].ended = Some(d("2023-06-30"));
    links[3].status = LinkStatus::Pending;
    links[3].admin_type = AdminType::Dap;
    let mut buy = Link::new("b", LinkKind::Purchase, "res", "cust", d("2020-03-01"));
    buy.via = Some("dist".into());
    buy.offer = Some("Microsoft 365 Business Premium".into());
    buy.publisher = Publisher::ThirdParty;
    buy.tenant = Some("cust".into());
    links.push(buy);
    for l in links {
        s.add_link(l).unwrap();
    }
    csp_explorer::io::scenario_to_ron(&s).unwrap()
}

/// A set of files imported together, and who is signed in to Partner Center.
struct ImportSeed {
    name: &'static str,
    files: Vec<(String, Vec<u8>)>,
}

fn import_seeds() -> Vec<ImportSeed> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read(root.join(p)).unwrap();
    let mut seeds = vec![ImportSeed {
        name: "project parties + links CSV",
        files: vec![
            ("parties.csv".into(), read("saves/examples/parties.csv")),
            ("links.csv".into(), read("saves/examples/links.csv")),
        ],
    }];
    let pc = read_dir_sorted("tests/fixtures/partner-center", "json");
    seeds.push(ImportSeed {
        name: "every Partner Center REST body together",
        files: pc.clone(),
    });
    // Each body on its own; one customer's bodies need the customer list beside them.
    let customers = pc
        .iter()
        .find(|(name, _)| name == "customers.json")
        .expect("the customers fixture")
        .clone();
    for (name, bytes) in pc {
        let label: &'static str = Box::leak(format!("Partner Center {name}").into_boxed_str());
        let mut files = vec![(name.clone(), bytes)];
        if name.starts_with("0a1b2c3d") {
            files.push(customers.clone());
        }
        seeds.push(ImportSeed { name: label, files });
    }
    seeds.push(ImportSeed {
        name: "Partner Center customer list CSV",
        files: vec![(
            "customers.csv".into(),
            b"Microsoft ID,Company name,Primary domain name,Relationship,Tags,Country/Region\r\n\
              0a1b2c3d-0000-4000-8000-000000000001,Northwind Traders,northwind.onmicrosoft.com,Reseller,,US\r\n\
              0a1b2c3d-0000-4000-8000-000000000002,\"Wide World Importers, Ltd\",wwi.onmicrosoft.com,Reseller,vip,Germany\r\n"
                .to_vec(),
        )],
    });
    seeds.push(ImportSeed {
        name: "Partner Center indirect resellers CSV",
        files: vec![(
            "resellers.csv".into(),
            "Reseller name;PartnerID;Relationship status;Location;Microsoft ID\r\n\
             Tailspin Toys;1234567;Active;US;0a1b2c3d-0000-4000-8000-0000000000aa\r\n\
             Fourth Coffee;7654321;Inactive;Germany;\r\n"
                .as_bytes()
                .to_vec(),
        )],
    });
    seeds
}

fn partner() -> Options {
    Options {
        partner: Some(SignedInPartner {
            name: "Adatum Distribution".into(),
            kind: PartyKind::IndirectProvider,
            country: "US".into(),
            partner_id: Some("1111111".into()),
        }),
        ..Options::default()
    }
}

/// The importer: each case breaks one file of a set (the others stay valid).
fn import_target() {
    let seeds = import_seeds();
    // Every seed imports cleanly before it is broken (or the fuzzer would test only error paths).
    for seed in &seeds {
        let sources: Vec<Source> = seed
            .files
            .iter()
            .map(|(name, bytes)| Source {
                name: name.clone(),
                bytes: bytes.clone(),
            })
            .collect();
        if let Err(e) = import(&sources, &partner()) {
            panic!("seed {} does not import: {e}", seed.name);
        }
    }
    let all: Vec<Vec<u8>> = seeds
        .iter()
        .flat_map(|s| s.files.iter().map(|(_, b)| b.clone()))
        .collect();
    let strategy = (case(seeds.len()), any::<usize>());
    run_target("importer", strategy, |((seed, mutations), which)| {
        let seed = &seeds[seed];
        let which = which % seed.files.len();
        let mut sources: Vec<Source> = seed
            .files
            .iter()
            .map(|(name, bytes)| Source {
                name: name.clone(),
                bytes: bytes.clone(),
            })
            .collect();
        for m in &mutations {
            apply(&mut sources[which].bytes, m, &all);
        }
        let len = sources.iter().map(|s| s.bytes.len()).sum();
        let what = format!("{} (file {which}) {mutations:?}", seed.name);
        guarded(&what, len, move || {
            let names: Vec<String> = sources.iter().map(|s| s.name.clone()).collect();
            match import(&sources, &partner()) {
                Ok(imported) => {
                    LOADED.fetch_add(1, Ordering::Relaxed);
                    after_load(&imported.scenario)
                }
                Err(errors) => {
                    if errors.0.is_empty() {
                        return Err("an import failed without an error".to_owned());
                    }
                    for e in &errors.0 {
                        if !names.contains(&e.file) {
                            return Err(format!("the error names no input: {e}"));
                        }
                        check_message(&e.message, &[""])?;
                    }
                    Ok(())
                }
            }
        })
    });
}

/// The lesson loader, with a folder holding a scenario file a lesson may name.
fn lesson_target() {
    let seeds = read_dir_sorted("assets/lessons", "ron");
    let bytes: Vec<Vec<u8>> = seeds.iter().map(|(_, b)| b.clone()).collect();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("channel.ron"), full_save()).unwrap();
    let folder = dir.path().to_owned();
    run_target("lesson loader", case(seeds.len()), |(seed, mutations)| {
        let mut input = bytes[seed].clone();
        for m in &mutations {
            apply(&mut input, m, &bytes);
        }
        let len = input.len();
        let folder = folder.clone();
        guarded(
            &format!("{} {mutations:?}", seeds[seed].0),
            len,
            move || {
                let text = String::from_utf8_lossy(&input);
                match LoadedLesson::parse("fuzz", &text, "fuzz-lesson.ron", Some(&folder)) {
                    Ok(loaded) => {
                        LOADED.fetch_add(1, Ordering::Relaxed);
                        let _ =
                            csp_explorer::training::play(&loaded.start, &loaded.lesson.solution);
                        after_load(&loaded.start)
                    }
                    Err(e) => {
                        if e.path != "fuzz-lesson.ron" {
                            return Err(format!("the error names another input: {e}"));
                        }
                        check_message(&e.to_string(), &["fuzz-lesson.ron"])
                    }
                }
            },
        )
    });
}

/// Values a `.cspx` count or length may be broken into: just past what fits, far beyond any file,
/// and every width's maximum.
const HUGE_COUNTS: [u64; 8] = [
    1 << 20,
    1_000_001,
    5_000_001,
    300_000_000,
    u32::MAX as u64,
    u32::MAX as u64 + 1,
    i64::MAX as u64,
    u64::MAX,
];

/// A postcard varint.
fn varint(mut n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// One way to break a `.cspx` file besides the byte-level ones: a count or a length made huge.
#[derive(Clone, Debug)]
enum CountMutation {
    /// The header's party count (the first varint after the title and description).
    Parties(usize),
    /// The header's link count.
    Links(usize),
    /// A varint written over the bytes at a position: a string's length, a vector's count, a date.
    Varint { at: usize, value: usize },
}

fn count_mutation() -> impl Strategy<Value = CountMutation> {
    prop_oneof![
        (0..HUGE_COUNTS.len()).prop_map(CountMutation::Parties),
        (0..HUGE_COUNTS.len()).prop_map(CountMutation::Links),
        (any::<usize>(), 0..HUGE_COUNTS.len())
            .prop_map(|(at, value)| CountMutation::Varint { at, value }),
    ]
}

/// Where the header's counts are in a `.cspx` file written by this build: after the magic, the
/// version, the model version, the title, the description and the as-of date.
fn header_counts(bytes: &[u8]) -> Option<(usize, usize, usize)> {
    let read_varint = |at: &mut usize| -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *bytes.get(*at)?;
            *at += 1;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    };
    let mut at = 8;
    read_varint(&mut at)?; // model version
    for _ in 0..2 {
        // A length made huge by an earlier count mutation: no header to find.
        let len = usize::try_from(read_varint(&mut at)?).ok()?; // title, description
        at = at.checked_add(len)?;
    }
    match bytes.get(at)? {
        0 => at += 1,
        _ => {
            at += 1;
            read_varint(&mut at)?; // the as-of date
        }
    }
    let parties = at;
    read_varint(&mut at)?;
    let links = at;
    read_varint(&mut at)?;
    Some((parties, links, at))
}

fn apply_count(bytes: &mut Vec<u8>, m: &CountMutation) {
    let replace_varint = |bytes: &mut Vec<u8>, at: usize, value: u64| {
        let mut end = at;
        while end < bytes.len() && bytes[end] & 0x80 != 0 {
            end += 1;
        }
        let end = (end + 1).min(bytes.len());
        bytes.splice(at..end, varint(value));
    };
    match m {
        CountMutation::Parties(v) | CountMutation::Links(v) => {
            if let Some((parties, links, _)) = header_counts(bytes) {
                let at = if matches!(m, CountMutation::Parties(_)) {
                    parties
                } else {
                    links
                };
                replace_varint(bytes, at, HUGE_COUNTS[*v]);
            }
        }
        CountMutation::Varint { at, value } if bytes.len() > 8 => {
            let at = 8 + at % (bytes.len() - 8);
            replace_varint(bytes, at, HUGE_COUNTS[*value]);
        }
        CountMutation::Varint { .. } => {}
    }
}

/// The `.cspx` loader: the save seeds in the binary format, their counts and lengths made huge
/// (and broken the byte-level ways too), loaded through a file as the app loads them.
fn cspx_target() {
    let mut seeds = read_dir_sorted("assets/scenarios", "ron");
    seeds.push(("full.ron".to_owned(), full_save().into_bytes()));
    let bytes: Vec<Vec<u8>> = seeds
        .iter()
        .map(|(name, text)| {
            let text = std::str::from_utf8(text).unwrap();
            let s = csp_explorer::io::scenario_from_ron(text, name).unwrap();
            csp_explorer::io::scenario_to_bytes(&s).unwrap()
        })
        .collect();
    for seed in &bytes {
        assert!(header_counts(seed).is_some(), "the header is found");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fuzz.cspx");
    // Half the cases make a count or a length huge (and are refused, all of them); the other half
    // break bytes only, so that some still load and what loads is checked and written back.
    let strategy = (
        0..seeds.len(),
        prop_oneof![
            (
                prop::collection::vec(count_mutation(), 1..3),
                prop::collection::vec(mutation(), 0..2),
            ),
            (
                Just(Vec::<CountMutation>::new()),
                prop::collection::vec(mutation(), 1..3)
            ),
        ],
    );
    run_target("cspx loader", strategy, |(seed, (counts, mutations))| {
        let mut input = bytes[seed].clone();
        for m in &counts {
            apply_count(&mut input, m);
        }
        for m in &mutations {
            apply(&mut input, m, &bytes);
        }
        let len = input.len();
        let file = file.clone();
        guarded(
            &format!("{} {counts:?} {mutations:?}", seeds[seed].0),
            len,
            move || {
                std::fs::write(&file, &input).unwrap();
                let name = file.display().to_string();
                match csp_explorer::io::load(&file) {
                    Err(e) => check_message(&e.to_string(), &[&name]),
                    Ok(scenario) => {
                        LOADED.fetch_add(1, Ordering::Relaxed);
                        after_load(&scenario)?;
                        // What loads writes back, and what is written loads as the same channel.
                        let bytes = csp_explorer::io::scenario_to_bytes(&scenario)
                            .map_err(|e| format!("a loaded .cspx cannot be written: {e}"))?;
                        std::fs::write(&file, &bytes).unwrap();
                        let again = csp_explorer::io::load(&file)
                            .map_err(|e| format!("a written .cspx does not load: {e}"))?;
                        if csp_explorer::io::scenario_to_bytes(&again).ok() != Some(bytes) {
                            return Err("save → load → save of a .cspx differs".to_owned());
                        }
                        Ok(())
                    }
                }
            },
        )
    });
}

/// How much more memory was allocated at the most while `f` ran than before it.
fn peak_while(f: impl FnOnce()) -> usize {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    f();
    PEAK.load(Ordering::Relaxed).saturating_sub(base)
}

/// The bombs of issue 26, each refused with under 200 MB of memory beyond its input's bytes: a
/// `.cspx` header announcing 300 million parties over 300 MB of padding (it asked for 70 GB), a
/// 100 MB CSV of one-letter cells (6.9 GB), a 100 MB header of 35 million columns (minutes and
/// 4.3 GB), a one-line file no reader knows (its error message was the whole line), JSON and
/// workbooks of tiny values, and recognised parties and links files of 100 MB of one-letter cells
/// (a 5 MB one took 3.2 s and 83 MB while its cells were copied).
fn bombs() {
    const BOUND: usize = 200 << 20;
    let dir = tempfile::tempdir().unwrap();
    // The count bomb, its padding sparse on disk.
    let bomb = dir.path().join("bomb.cspx");
    let mut head = b"CSPX".to_vec();
    head.extend_from_slice(&1u32.to_le_bytes());
    head.extend(varint(2));
    head.extend(varint(4));
    head.extend_from_slice(b"bomb");
    head.extend(varint(0));
    head.push(0);
    head.extend(varint(300_000_000));
    head.extend(varint(0));
    std::fs::write(&bomb, &head).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&bomb)
        .unwrap()
        .set_len(300 << 20)
        .unwrap();
    let start = Instant::now();
    let grew = peak_while(|| {
        let e = csp_explorer::io::load(&bomb).unwrap_err().to_string();
        assert!(
            e.contains(
                "the header announces 300,000,000 parties; csp-explorer opens at most 1,000,000"
            ),
            "{e}"
        );
    });
    eprintln!(
        "bomb .cspx count: refused in {:.2?}, {} MB at the most",
        start.elapsed(),
        grew >> 20
    );
    assert!(grew < BOUND, "the .cspx count bomb took {grew} bytes");

    let parties = Source {
        name: "parties.csv".to_owned(),
        bytes: std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("saves/examples/parties.csv"),
        )
        .unwrap(),
    };
    let csv_bombs = [
        (
            "links.csv of one-letter cells",
            "x,x,x,x,x,x,x,x\n".repeat(100 << 16).into_bytes(),
            "not a file csp-explorer can import",
        ),
        (
            "header of 35 million columns",
            "xx,".repeat(35_000_000).into_bytes(),
            "line 1: this line is 105,000,000 bytes long",
        ),
        (
            "one line no reader knows",
            "not json; not a csv header ".repeat(1 << 18).into_bytes(),
            "line 1: this line is 7,077,888 bytes long",
        ),
        (
            "a half-megabyte line no reader knows",
            "neither json nor a csv header "
                .repeat(1 << 14)
                .into_bytes(),
            "not a file csp-explorer can import",
        ),
    ];
    for (what, bytes, expected) in csv_bombs {
        let sources = vec![
            parties.clone(),
            Source {
                name: "links.csv".to_owned(),
                bytes,
            },
        ];
        let start = Instant::now();
        let grew = peak_while(|| {
            let errors = import(&sources, &partner()).unwrap_err();
            let message = errors.to_string();
            assert!(message.contains(expected), "{what}: {message}");
            assert!(
                message.len() < 2_000,
                "{what}: a short message, not {} bytes",
                message.len()
            );
        });
        eprintln!(
            "bomb {what}: refused in {:.2?}, {} MB at the most",
            start.elapsed(),
            grew >> 20
        );
        assert!(grew < BOUND, "{what} took {grew} bytes");
    }
    // JSON of tiny values (a parsed value takes 16 to 100 times its text) and workbooks of a few
    // kilobytes whose sheets claim billions of cells: each refused as it is read.
    let other_bombs = [
        (
            "bomb.json",
            "100 MB of JSON numbers",
            format!("[{}0]", "0,".repeat(50 << 20)).into_bytes(),
            "JSON of tiny values that would take more than 24 times its size in memory",
        ),
        (
            "bomb.json",
            "100 MB of JSON objects",
            format!("[{}{{}}]", "{\"a\":{}},".repeat((100 << 20) / 9)).into_bytes(),
            "JSON of tiny values",
        ),
        (
            "bomb.ods",
            "an .ods row of 900 values repeated a million times",
            ods_with_row(
                "<table:table-row table:number-rows-repeated=\"1048576\"><table:table-cell \
                 office:value-type=\"float\" office:value=\"1\" \
                 table:number-columns-repeated=\"900\"/></table:table-row>",
            ),
            "csp-explorer reads sheets of at most 16,000,000 cells",
        ),
        (
            "bomb.ods",
            "an .ods cell of a billion spaces",
            ods_with_row(
                "<table:table-row><table:table-cell office:value-type=\"string\"><text:p>\
                 <text:s text:c=\"1000000000\"/></text:p></table:table-cell></table:table-row>",
            ),
            "this cell is longer than 1,048,576 bytes",
        ),
    ];
    for (name, what, bytes, expected) in other_bombs {
        let sources = vec![Source {
            name: name.to_owned(),
            bytes,
        }];
        let start = Instant::now();
        let grew = peak_while(|| {
            let message = import(&sources, &partner()).unwrap_err().to_string();
            assert!(message.contains(expected), "{what}: {message}");
        });
        eprintln!(
            "bomb {what}: refused in {:.2?}, {} MB at the most",
            start.elapsed(),
            grew >> 20
        );
        assert!(grew < BOUND, "{what} took {grew} bytes");
    }
    // Recognised files of one-letter cells: a links file's header (or a parties file's), then
    // 100 MB of rows whose every cell is wrong. Their rows
    // are read one at a time: the memory is the decoded text and what the rows make (the errors
    // kept), not 2.6 million cells per 5 MB, and reading stops at the errors a report shows.
    let rows = "x,x,x,x,x\n".repeat(10 << 20);
    let recognised = [
        ("links.csv", "id,kind,from,to,date\n"),
        ("more-parties.csv", "id,kind,name,country\n"),
    ];
    for (name, header) in recognised {
        let sources = vec![
            parties.clone(),
            Source {
                name: name.to_owned(),
                bytes: format!("{header}{rows}").into_bytes(),
            },
        ];
        let start = Instant::now();
        let grew = peak_while(|| {
            let errors = import(&sources, &partner()).unwrap_err();
            assert!(
                errors
                    .0
                    .iter()
                    .all(|e| e.line.is_some() && !e.file.is_empty()),
                "{name}: every error names its file and line: {errors}"
            );
            assert!(
                errors.0.iter().any(|e| e.file == name),
                "{name}: the errors are about the bomb: {errors}"
            );
        });
        eprintln!(
            "bomb {name} recognised, of 100 MB of one-letter cells: refused in {:.2?}, {} MB at \
             the most",
            start.elapsed(),
            grew >> 20
        );
        assert!(grew < BOUND, "{name} of one-letter cells took {grew} bytes");
    }
}

/// An OpenDocument spreadsheet of one sheet, `Bomb`, holding `row`.
fn ods_with_row(row: &str) -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("content.xml", stored).unwrap();
    write!(
        zip,
        "<?xml version=\"1.0\"?><office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body>\
         <office:spreadsheet><table:table table:name=\"Bomb\">{row}</table:table>\
         </office:spreadsheet></office:body></office:document-content>"
    )
    .unwrap();
    zip.finish().unwrap();
    out.into_inner()
}

/// One test, the targets one after another: the allocation bound reads a process-wide counter,
/// which tests running side by side would blur.
#[test]
fn broken_inputs_never_panic_hang_or_run_away() {
    bombs();
    save_target();
    cspx_target();
    import_target();
    lesson_target();
}

#[test]
fn every_mutation_changes_or_keeps_an_input_without_panicking() {
    let seeds = vec![b"a\nbb\n12 x -3.5\n".to_vec(), Vec::new()];
    let all = [
        Mutation::FlipBit { at: 99, bit: 7 },
        Mutation::SetByte { at: 3, byte: 0 },
        Mutation::Truncate { at: 5 },
        Mutation::Delete { at: 1, len: 60 },
        Mutation::Insert {
            at: 2,
            text: "\u{202e}é".into(),
        },
        Mutation::Splice {
            at: 1,
            seed: 0,
            from: 2,
            len: 3,
        },
        Mutation::DuplicateLine { line: 1 },
        Mutation::RemoveLine { line: 7 },
        Mutation::SwapLines { a: 0, b: 2 },
        Mutation::HugeNumber { nth: 1, value: 8 },
    ];
    let mut input = seeds[0].clone();
    apply(
        &mut input,
        &Mutation::HugeNumber { nth: 1, value: 8 },
        &seeds,
    );
    assert_eq!(input, b"a\nbb\n12 x NaN\n");
    for seed in &seeds {
        for m in &all {
            let mut input = seed.clone();
            apply(&mut input, m, &seeds);
        }
    }
}
