//! The number of cases a property test runs: the test's own, unless `PROPTEST_CASES` asks for more
//! (or fewer).
//!
//! `ProptestConfig { cases: N, ..ProptestConfig::default() }` on its own ignores the variable, which
//! only `default()` reads, so `PROPTEST_CASES=20000 cargo test --release --test incremental` (a long
//! hunt before a release) would silently run the short gate. Shared through `#[path]`.

use proptest::test_runner::Config;

/// `cases` unless `PROPTEST_CASES` is set, in which case proptest's own reading of it wins.
pub fn config(cases: u32) -> Config {
    let from_environment = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_some() {
        from_environment
    } else {
        Config {
            cases,
            ..from_environment
        }
    }
}
