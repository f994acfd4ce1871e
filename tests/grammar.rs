//! Sentences people read are checked for grammar: articles ("a customer", "an indirect reseller",
//! "Microsoft" without one) and plurals (no "link(s)"), in every finding, quick fix, rule text and
//! connect-gesture reason the built-in scenarios and lessons produce.

use csp_explorer::model::{Party, PartyId, PartyKind, Scenario};
use csp_explorer::rules::{RuleId, check};
use csp_explorer::ui::Document;
use csp_explorer::ui::canvas::best_verdict;

/// Words after "a" that take "an" in speech, and the other way round, are few in this domain: the
/// check uses the first letter, with the exceptions English needs here.
fn grammar_problems(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut problems = Vec::new();
    for pair in words.windows(2) {
        let (article, next) = (pair[0].to_ascii_lowercase(), pair[1]);
        let next_lower = next.to_ascii_lowercase();
        let vowel = next_lower.starts_with(['a', 'e', 'i', 'o', 'u'])
            && !next_lower.starts_with("one")
            && !next_lower.starts_with("us") // "a user", "a US customer"
            && !next_lower.starts_with("eu");
        let vowel = vowel || next_lower.starts_with("mpa") || next_lower.starts_with("mca");
        if article == "a" && vowel {
            problems.push(format!("\"a {next}\" in: {text}"));
        }
        if article == "an" && !vowel && !next_lower.starts_with('h') {
            problems.push(format!("\"an {next}\" in: {text}"));
        }
        if (article == "a" || article == "an") && next == "Microsoft" {
            problems.push(format!("\"{} Microsoft\" in: {text}", pair[0]));
        }
    }
    for bad in ["(s)", "(es)", "(ies)", "(y/ies)"] {
        if text.contains(bad) {
            problems.push(format!("\"{bad}\" in: {text}"));
        }
    }
    problems
}

#[test]
fn the_checker_itself_catches_what_it_should() {
    assert_eq!(
        grammar_problems("no program chain runs from a Microsoft to a indirect reseller").len(),
        2
    );
    assert_eq!(grammar_problems("3 link(s) have a violation").len(), 1);
    assert_eq!(grammar_problems("2 part(y/ies) without a country").len(), 1);
    assert!(grammar_problems("an indirect reseller sells to a customer under an MPA").is_empty());
}

fn scenarios() -> Vec<Scenario> {
    let mut all: Vec<Scenario> = csp_explorer::scenarios::BUILTIN
        .iter()
        .map(|b| b.load().expect("built-in scenario loads"))
        .collect();
    for lesson in csp_explorer::training::LESSONS {
        all.push(lesson.load().expect("lesson loads").start);
    }
    all.push(csp_explorer::scenarios::synthetic(60));
    all
}

#[test]
fn findings_fixes_and_rule_texts_read_as_english() {
    let mut problems = Vec::new();
    for s in scenarios() {
        for f in check(&s) {
            problems.extend(grammar_problems(&f.message));
            for fix in &f.fixes {
                problems.extend(grammar_problems(&fix.label));
            }
        }
    }
    for rule in RuleId::ALL {
        let info = rule.info();
        for text in [info.title, info.what, info.why, info.fix] {
            problems.extend(grammar_problems(text));
        }
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn connect_gesture_reasons_read_as_english() {
    let mut s = Scenario::new("every pair");
    for (i, kind) in PartyKind::ALL.into_iter().enumerate() {
        s.add_party(Party::new(PartyId::from(format!("p{i}").as_str()), kind))
            .expect("a fresh party");
    }
    let doc = Document::new(s);
    let ids: Vec<PartyId> = doc.scenario().parties().map(|p| p.id).collect();
    let mut problems = Vec::new();
    for a in &ids {
        for b in &ids {
            problems.extend(grammar_problems(&best_verdict(&doc, a, b).reason));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn lessons_and_quizzes_read_as_english() {
    let mut problems = Vec::new();
    let mut lessons: Vec<_> = csp_explorer::training::LESSONS
        .iter()
        .map(|l| l.load().expect("lesson loads"))
        .collect();
    for s in scenarios() {
        lessons.push(csp_explorer::ui::training::quiz_on(&Document::new(s)));
    }
    for loaded in lessons {
        let l = &loaded.lesson;
        let texts = [&l.title, &l.goal, &l.answer]
            .into_iter()
            .chain(&l.hints)
            .chain(l.steps.iter().map(|s| &s.say));
        for text in texts {
            problems.extend(grammar_problems(text));
        }
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The importer's notes on a whole Partner Center export, the slide's subtitle and the CLI's
/// check summary count things in the singular or the plural, never "partnership(s)".
#[test]
fn import_notes_slide_subtitles_and_check_summaries_count_in_proper_plurals() {
    use csp_explorer::io::import::{self, SignedInPartner, Source};
    let dir = std::path::Path::new("docs/examples/partner-center");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("the example")
        .map(|e| e.expect("an entry").path())
        .collect();
    paths.sort();
    let sources: Vec<Source> = paths
        .iter()
        .map(|p| Source::read(p).expect("readable"))
        .collect();
    let options = import::Options {
        partner: Some(SignedInPartner {
            name: "Contoso Distribution".to_owned(),
            kind: PartyKind::IndirectProvider,
            country: "US".to_owned(),
            partner_id: None,
        }),
        ..Default::default()
    };
    let imported = import::import(&sources, &options).expect("the example imports");
    let notes = imported.notes.join("\n");
    assert!(
        notes.contains(" partnerships with indirect resellers"),
        "{notes}"
    );
    assert!(notes.contains(" reseller relationships: "), "{notes}");
    assert!(
        notes.contains(" customers with no Microsoft Customer Agreement"),
        "{notes}"
    );
    let mut problems = Vec::new();
    for text in imported.notes.iter().chain(&imported.unknown_columns) {
        problems.extend(grammar_problems(text));
    }

    let mut subtitles = 0;
    for s in scenarios().iter().take(4) {
        let svg = csp_explorer::export::export(
            s,
            csp_explorer::export::ExportFormat::Svg,
            &Default::default(),
        )
        .expect("exports");
        let svg = String::from_utf8(svg).expect("UTF-8");
        for line in svg.lines().filter(|l| l.contains("Checked as of")) {
            subtitles += 1;
            problems.extend(grammar_problems(line));
        }
        let today = csp_explorer::model::Date::from_ymd_opt(2025, 6, 1).expect("a date");
        let findings = csp_explorer::rules::check_as_of(s, today);
        let text = csp_explorer::cli::render_check_text(s, today, &findings);
        assert!(text.contains(" violation"), "{text}");
        problems.extend(grammar_problems(&text));
    }
    assert!(subtitles > 0, "the slides have a subtitle");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
