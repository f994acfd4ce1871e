//! Every lesson's success condition: its solution passes, its start and near misses do not; the lesson
//! verifier over every built-in lesson (and what it finds in lesson 17 as it was); *Show me* from a
//! trainee's own state; the quiz scoring on real lessons; and malformed lesson files named by file,
//! line and field.

use csp_explorer::model::{Date, Link, LinkKind};
use csp_explorer::training::{
    Change, LESSONS, LessonRun, LinkPatch, LoadedLesson, Observed, PartyPatch, builtin_lesson,
    solves, verify,
};
use std::collections::BTreeSet;

fn lesson(key: &str) -> LoadedLesson {
    builtin_lesson(key)
        .unwrap_or_else(|| panic!("no lesson {key}"))
        .load()
        .unwrap()
}

fn d(s: &str) -> Date {
    Date::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn every_lesson_is_solved_by_its_solution_and_not_by_its_start() {
    assert!(
        LESSONS.len() >= 12,
        "the course has {} lessons",
        LESSONS.len()
    );
    for l in LESSONS {
        let loaded = l.load().unwrap_or_else(|e| panic!("{e}"));
        verify(&loaded).unwrap_or_else(|e| panic!("{}:\n{}", l.key, e.join("\n")));
    }
}

/// Lesson 17 as it was before the verifier: its third step ("record Contoso's MPA signature") was
/// "no `mpa_missing`", true as soon as the trainee travelled to January (the June purchase does not
/// exist yet), and its solution skipped the first step.
#[test]
fn the_verifier_finds_what_was_wrong_with_lesson_17() {
    let text = include_str!("fixtures/lesson-17-before-the-verifier.ron");
    let loaded = LoadedLesson::parse("17-old", text, "lesson-17.ron", None).unwrap();
    let problems = verify(&loaded).expect_err("lesson 17 as it was lies to the trainee");
    let has = |start: &str, end: &str| {
        problems
            .iter()
            .any(|p| p.starts_with(start) && p.contains(end))
    };
    assert!(
        has(
            "step 3 (\"Select Contoso and record its MPA",
            "is ticked by changing the date alone (to 1990-01-01, at the start)"
        ),
        "{problems:#?}"
    );
    assert!(
        has("step 1 (", "is never ticked by the solution"),
        "{problems:#?}"
    );
}

/// The fixed lesson 17: the January sale is valid at the end of January, and step 3 asks for the
/// June sale to be clean, which only the MPA signature makes it.
#[test]
fn lesson_17s_january_sale_is_fine_and_its_steps_tick_one_by_one() {
    let l = lesson("17-mpa-as-of");
    let mut scenario = l.start.clone();
    csp_explorer::edit::Edit::SetAsOf(Some(d("2020-01-31")))
        .apply(&mut scenario)
        .unwrap();
    let checker = csp_explorer::rules::Checker::new(&scenario);
    assert_eq!(
        checker.counts().violation,
        0,
        "{:?}",
        checker.iter().collect::<Vec<_>>()
    );
    verify(&l).unwrap();
}

/// A lesson whose steps are each true for the wrong reason: every kind of lie the verifier looks for.
#[test]
fn the_verifier_names_each_kind_of_lie() {
    let text = r#"(
        version: 1,
        title: "Lies",
        scenario: "partner-types-direct-bill",
        setup: [SetParty("tailspin", (clear: ["mca_accepted"]))],
        goal: "Fix the MCA.",
        steps: [
            (say: "Already done.", done_when: Link(kind: supply, from: "microsoft", to: "fabrikam")),
            (say: "Fill in the MCA.", done_when: NoFinding("mca_missing")),
            (say: "Select Tailspin.", done_when: Selected("tailspin")),
        ],
        success: NoFinding("mca_missing"),
        answer: "Fill it in.",
        solution: [SetParty("tailspin", (mca_accepted: "2020-03-01")), Select("tailspin")],
    )"#;
    let loaded = LoadedLesson::parse("lies", text, "lies.ron", None).unwrap();
    let all = verify(&loaded).unwrap_err().join("\n");
    for expected in [
        "step 1 (\"Already done.\") is ticked in the starting scenario",
        "step 2 (\"Fill in the MCA.\") is ticked by changing the date alone (to 1990-01-01, at the start)",
        "the goal is met by changing the date alone",
    ] {
        assert!(all.contains(expected), "{expected}\nnot in:\n{all}");
    }
}

/// *Show me* after the trainee did a step their own way: the link they drew is kept (not doubled),
/// and the rest of the answer is played as one edit.
#[test]
fn show_me_plays_only_what_is_missing() {
    let l = lesson("04-sample-1-two-chains");
    let mut scenario = l.start.clone();
    // The trainee deleted the supply and drew the partnership themselves, dated today.
    csp_explorer::edit::Edit::RemoveLink("supply-contoso".into())
        .apply(&mut scenario)
        .unwrap();
    csp_explorer::edit::Edit::AddLink(Link::new(
        "link-7",
        LinkKind::Partnership,
        "adatum",
        "contoso",
        d("2024-06-01"),
    ))
    .apply(&mut scenario)
    .unwrap();
    let played = csp_explorer::training::show_me(&l, &scenario).unwrap();
    let csp_explorer::edit::Edit::Batch(edits) = &played.edit else {
        panic!("one batch: {:?}", played.edit)
    };
    assert!(
        edits.iter().all(|e| !matches!(
            e,
            csp_explorer::edit::Edit::RemoveLink(_)
                | csp_explorer::edit::Edit::AddLink(Link {
                    kind: LinkKind::Partnership,
                    ..
                })
        )),
        "{edits:?}"
    );
    played.edit.apply(&mut scenario).unwrap();
    let partnerships: Vec<_> = scenario
        .links()
        .filter(|l| l.kind == LinkKind::Partnership && l.to.as_str() == "contoso")
        .map(|l| (l.id.to_string(), l.date))
        .collect();
    assert_eq!(partnerships, [("link-7".to_owned(), d("2020-02-15"))]);
    assert_eq!(played.select, None, "the supply it selects is gone");
    let checker = csp_explorer::rules::Checker::new(&scenario);
    assert_eq!(checker.counts().violation, 0);
}

/// Lesson 4's fourth step ("select the red purchase and apply the quick fix") ticks only once the
/// purchase is clean: a reseller relationship Adatum → Tailspin drawn by hand is dated at the as-of
/// date, after the sale, and leaves no_reseller_relationship in place. A presenter walk-through saw
/// the step ticked with the purchase still red.
#[test]
fn lesson_4s_reseller_step_waits_for_the_purchase_to_be_clean() {
    let l = lesson("04-sample-1-two-chains");
    let step = &l.lesson.steps[3].done_when.clone().expect("a condition");
    let mut scenario = l.start.clone();
    for edit in [
        csp_explorer::edit::Edit::RemoveLink("supply-contoso".into()),
        csp_explorer::edit::Edit::AddLink(Link::new(
            "link-7",
            LinkKind::Partnership,
            "adatum",
            "contoso",
            d("2020-02-15"),
        )),
        csp_explorer::edit::Edit::AddLink(Link::new(
            "link-8",
            LinkKind::Reseller,
            "adatum",
            "tailspin",
            scenario.as_of(),
        )),
    ] {
        edit.apply(&mut scenario).unwrap();
    }
    let marked = BTreeSet::new();
    let holds = |scenario: &csp_explorer::model::Scenario| {
        let checker = csp_explorer::rules::Checker::new(scenario);
        step.holds(&Observed {
            scenario,
            checker: &checker,
            selected: None,
            marked: &marked,
        })
    };
    assert!(
        !holds(&scenario),
        "dated after the sale, the purchase is still red"
    );
    // Dated before the sale (what the quick fix does), the step is done.
    let mut link = scenario.link("link-8").unwrap().clone();
    link.date = d("2020-03-01");
    csp_explorer::edit::Edit::UpdateLink(link)
        .apply(&mut scenario)
        .unwrap();
    assert!(
        holds(&scenario),
        "the reseller relationship before the sale"
    );
}

/// The what-if lessons: the trainee ran the operation in its window; *Show me* does not run it again
/// (a second indirect reseller, a second set of links) but plays only the rest.
#[test]
fn show_me_after_the_trainee_ran_the_operation_does_not_run_it_again() {
    use csp_explorer::model::PartyKind;
    let l = lesson("22-direct-bill-goes-indirect");
    let mut scenario = l.start.clone();
    let Some(Change::Operate(op)) = l.lesson.solution.get(1) else {
        panic!("the second move is the operation")
    };
    op.apply(&mut scenario).unwrap();
    let played = csp_explorer::training::show_me(&l, &scenario).unwrap();
    played.edit.apply(&mut scenario).unwrap();
    let resellers: Vec<_> = scenario
        .parties_of_kind(PartyKind::IndirectReseller)
        .map(|p| p.id.to_string())
        .collect();
    assert_eq!(resellers, ["fabrikam-indirect"]);
    let checker = csp_explorer::rules::Checker::new(&scenario);
    let marked = BTreeSet::new();
    let seen = Observed {
        scenario: &scenario,
        checker: &checker,
        selected: None,
        marked: &marked,
    };
    assert!(l.lesson.success.holds(&seen), "Show me finished the lesson");
}

#[test]
fn a_solution_missing_its_last_change_does_not_pass() {
    for l in LESSONS {
        let loaded = l.load().unwrap();
        let solution = &loaded.lesson.solution;
        if solution.len() < 2 {
            continue; // the start itself is that non-solution
        }
        let partial = &solution[..solution.len() - 1];
        assert_eq!(
            solves(&loaded, partial),
            Ok(false),
            "{}: the solution without its last change passes",
            l.key
        );
    }
}

fn set_party(id: &str, patch: PartyPatch) -> Change {
    Change::SetParty(id.to_owned(), patch)
}

fn set_link(id: &str, patch: LinkPatch) -> Change {
    Change::SetLink(id.to_owned(), patch)
}

#[test]
fn near_misses_do_not_pass() {
    // Half of a reseller's readiness.
    let l = lesson("03-indirect-reseller");
    let half = set_party(
        "contoso",
        PartyPatch {
            onboarded: Some(true),
            ..Default::default()
        },
    );
    assert_eq!(solves(&l, &[half]), Ok(false));

    // An MCA accepted after the order.
    let l = lesson("13-mca");
    let late = set_party(
        "tailspin",
        PartyPatch {
            mca_accepted: Some(d("2020-05-01")),
            ..Default::default()
        },
    );
    assert_eq!(solves(&l, &[late]), Ok(false));

    // The provider's reseller relationship drawn today, after the 2020 purchase.
    let l = lesson("14-reseller-relationships");
    let today = Change::AddLink(Link::new(
        "reseller-adatum-tailspin",
        LinkKind::Reseller,
        "adatum",
        "tailspin",
        d("2024-06-01"),
    ));
    assert_eq!(solves(&l, &[today]), Ok(false));

    // GDAP: the duration fixed, Global Administrator still auto-extending.
    let l = lesson("16-gdap");
    let duration_only = set_link(
        "admin-contoso-northwind",
        LinkPatch {
            duration_days: Some(730),
            ..Default::default()
        },
    );
    assert_eq!(solves(&l, std::slice::from_ref(&duration_only)), Ok(false));
    let roles = set_link(
        "admin-contoso-northwind",
        LinkPatch {
            roles: Some(vec!["License Administrator".to_owned()]),
            ..Default::default()
        },
    );
    assert_eq!(
        solves(&l, &[duration_only, roles]),
        Ok(true),
        "least privilege is a solution too"
    );

    // Sample 4: a separate tenant that is still a CSP tenant.
    let l = lesson("07-sample-4-own-use-tenant");
    let csp_tenant = set_party(
        "contoso-own",
        PartyPatch {
            tenant: Some("contoso-internal".to_owned()),
            ..Default::default()
        },
    );
    assert_eq!(solves(&l, &[csp_tenant]), Ok(false));

    // Sample 7: deleting the sale makes the channel valid but leaves the customer unserved.
    let l = lesson("11-sample-7-regions");
    let gone = Change::RemoveLink("purchase-tailspin-jp-m365".to_owned());
    assert_eq!(solves(&l, &[gone]), Ok(false));

    // Sample 1: giving up the sale is no answer either.
    let l = lesson("04-sample-1-two-chains");
    let removed = vec![
        Change::RemoveLink("supply-contoso".to_owned()),
        Change::RemoveLink("purchase-tailspin-azure".to_owned()),
    ];
    assert_eq!(solves(&l, &removed), Ok(false));
}

#[test]
fn sample_6_accepts_each_of_the_documents_options() {
    let l = lesson("10-sample-6-own-provider");
    // Option 2: end the partnership with Adatum, partner with Wingtip, buy from Fabrikam.
    let option_2 = vec![
        Change::RemoveLink("partnership-adatum-contoso".to_owned()),
        Change::AddLink(Link::new(
            "partnership-wingtip-contoso",
            LinkKind::Partnership,
            "wingtip",
            "contoso",
            d("2024-06-01"),
        )),
        set_party(
            "contoso-own",
            PartyPatch {
                tenant: Some("contoso-internal".to_owned()),
                tenant_type: Some(csp_explorer::model::TenantType::Customer),
                ..Default::default()
            },
        ),
    ];
    assert_eq!(solves(&l, &option_2), Ok(true));
}

#[test]
fn the_quiz_scores_marks_against_the_broken_links() {
    let l = lesson("18-quiz-sample-6");
    assert!(l.lesson.quiz);
    let scenario = l.start.clone();
    let checker = csp_explorer::rules::Checker::new(&scenario);
    let judge = |marks: &[&str]| {
        let marked: BTreeSet<String> = marks.iter().map(|m| (*m).to_owned()).collect();
        let seen = Observed {
            scenario: &scenario,
            checker: &checker,
            selected: None,
            marked: &marked,
        };
        let mut run = LessonRun::new(l.clone());
        let result = run.judge_quiz(&seen).clone();
        let progress = run.observe(&seen);
        (result, progress.success, run.solved)
    };
    let (all, success, solved) = judge(&[
        "purchase-contoso-own-m365",
        "reseller-litware-contoso-own",
        "reseller-adatum-contoso-own",
    ]);
    assert_eq!((all.score, success, solved), (100, true, Some(100)));
    let (some, success, _) = judge(&["purchase-contoso-own-m365", "supply-adatum"]);
    assert!(!success);
    assert_eq!(some.right, ["purchase-contoso-own-m365"]);
    assert_eq!(some.wrong, ["supply-adatum"]);
    assert_eq!(some.missed.len(), 2);
    assert_eq!(some.score, 0);
    let every: Vec<String> = scenario.links().map(|l| l.id.to_string()).collect();
    let every: Vec<&str> = every.iter().map(String::as_str).collect();
    let (noisy, success, _) = judge(&every);
    assert!(!success);
    assert_eq!(noisy.score, 0, "marking every link scores nothing");
}

/// A quiz's answer is what the room hears after "Check my answer": it names every rule each link it
/// expects marked breaks, not only the first one found. Quiz 19's answer named only `mca_missing` for
/// Fabrikam's Microsoft 365 sale, which (dated before the reseller relationship) also breaks
/// `no_reseller_relationship` (seen in a presenter walk-through).
#[test]
fn every_quiz_answer_names_each_rule_its_marked_links_break() {
    use csp_explorer::rules::{Checker, Severity};
    let quizzes: Vec<LoadedLesson> = LESSONS
        .iter()
        .map(|l| l.load().unwrap())
        .filter(|l| l.lesson.quiz)
        .collect();
    assert!(quizzes.len() >= 2, "{} quizzes", quizzes.len());
    let mut unnamed = Vec::new();
    for l in quizzes {
        let checker = Checker::new(&l.start);
        for change in &l.lesson.solution {
            let Change::Mark(link) = change else { continue };
            let broken: BTreeSet<&str> = checker
                .for_link(link)
                .iter()
                .filter(|f| f.severity == Severity::Violation)
                .map(|f| f.rule.key())
                .collect();
            assert!(
                !broken.is_empty(),
                "{}: {link} breaks nothing",
                l.lesson.title
            );
            unnamed.extend(
                broken
                    .into_iter()
                    .filter(|rule| !l.lesson.answer.contains(rule))
                    .map(|rule| format!("{}: {link} breaks {rule}", l.lesson.title)),
            );
        }
    }
    assert!(
        unnamed.is_empty(),
        "answers that do not name a rule:\n{}",
        unnamed.join("\n")
    );
}

/// Lesson 5 as a room draws it: the purchase Contoso → Northwind drawn by hand is for the default
/// offer (Microsoft 365 Business Premium). The step asking for an Azure purchase does not tick for
/// it (it did), and *Show me* brings that purchase to the answer's offer and billing instead of adding
/// a second purchase beside it (it did that too); the result solves the lesson.
#[test]
fn lesson_5_waits_for_azure_and_show_me_completes_the_purchase_drawn_by_hand() {
    let l = lesson("05-sample-2-multi-partner");
    let mut scenario = l.start.clone();
    let mut drawn = Link::new(
        "purchase-contoso-northwind",
        LinkKind::Purchase,
        "contoso",
        "northwind",
        scenario.as_of(),
    );
    drawn.offer = Some("Microsoft 365 Business Premium".into());
    drawn.via = Some("adatum".into());
    csp_explorer::edit::Edit::AddLink(drawn)
        .apply(&mut scenario)
        .unwrap();
    let marked = BTreeSet::new();
    let step_2_ticked = |s: &csp_explorer::model::Scenario| {
        let checker = csp_explorer::rules::Checker::new(s);
        let seen = Observed {
            scenario: s,
            checker: &checker,
            selected: None,
            marked: &marked,
        };
        LessonRun::new(l.clone()).observe(&seen).steps[1]
    };
    assert!(
        !step_2_ticked(&scenario),
        "a Microsoft 365 purchase is not the Azure one"
    );

    let played = csp_explorer::training::show_me(&l, &scenario).unwrap();
    played.edit.apply(&mut scenario).unwrap();
    let purchases: Vec<_> = scenario
        .links_to("northwind")
        .filter(|x| x.kind == LinkKind::Purchase && x.from.as_str() == "contoso")
        .map(|x| (x.id.to_string(), x.offer.as_deref().map(String::from)))
        .collect();
    assert_eq!(
        purchases,
        [(
            "purchase-contoso-northwind".to_owned(),
            Some("Azure plan".to_owned())
        )],
        "one purchase, the one drawn, now for Azure"
    );
    assert!(step_2_ticked(&scenario));
    let checker = csp_explorer::rules::Checker::new(&scenario);
    let seen = Observed {
        scenario: &scenario,
        checker: &checker,
        selected: None,
        marked: &marked,
    };
    assert!(LessonRun::new(l.clone()).observe(&seen).success, "solved");
}

/// A hint is for the step the trainee is on: lesson 5's room, drawing the purchase, is told that
/// a purchase drawn by hand is for Microsoft 365 (its last hint when hints came in one fixed
/// order), and a room still reading the findings hears about reseller relationships first.
#[test]
fn a_hint_is_for_the_step_the_trainee_is_on() {
    let l = lesson("05-sample-2-multi-partner");
    let s = &l.start;
    let checker = csp_explorer::rules::Checker::new(s);
    let marked = BTreeSet::new();
    let seen = Observed {
        scenario: s,
        checker: &checker,
        selected: None,
        marked: &marked,
    };
    let mut run = LessonRun::new(l.clone());
    let progress = run.observe(&seen);
    assert_eq!(progress.on_step(), Some(0), "nothing is done at the start");
    // Step 1 is narration ("Ask the graph"): the room is on the purchase, step 2 of 4.
    assert_eq!(run.hint_step(&progress), Some(1));
    let hint = run.next_hint(Some(1)).expect("a hint").to_owned();
    assert!(hint.contains("Azure plan"), "{hint}");
    assert_eq!(run.next_hint(Some(1)), None, "no other step's hint");
    // The presenter moved on to step 3: the hints are that step's.
    run.next_step();
    run.next_step();
    assert_eq!(run.hint_step(&progress), Some(2));
    assert_eq!(run.shown_hints_for(Some(2)), Vec::<&str>::new());
    // On the reseller-relationship step: its two, in order, and no more.
    let mut later = LessonRun::new(l.clone());
    let first = later.next_hint(Some(2)).expect("a hint").to_owned();
    assert!(first.contains("reseller relationship"), "{first}");
    let second = later.next_hint(Some(2)).expect("a hint").to_owned();
    assert!(second.contains("quick fixes"), "{second}");
    assert_eq!(later.next_hint(Some(2)), None);
    assert_eq!(later.hints_left(Some(2)), 0);
    assert_eq!(later.hints_left(Some(1)), 1, "step 2's is still there");
    assert_eq!(later.shown_hints(), [first.as_str(), &second]);
    // Kept across a restart in the order shown.
    let resumed = LessonRun::resume(l.clone(), later.attempt());
    assert_eq!(resumed.shown_hints(), later.shown_hints());
    assert_eq!(resumed.score_now(), later.score_now());
}

/// What a room reads and hears, the steps and hints, names a finding by its title, never by its
/// rule id ("read reseller_customer_of_own_provider" was read aloud in a presenter walk-through);
/// the answers keep the ids, for the trainer.
#[test]
fn steps_and_hints_name_findings_by_title_not_rule_id() {
    use csp_explorer::rules::RuleId;
    let mut named = Vec::new();
    for l in LESSONS {
        let lesson = l.load().unwrap().lesson;
        let texts = lesson
            .steps
            .iter()
            .flat_map(|s| std::iter::once(&s.say).chain(&s.hints))
            .chain(&lesson.hints);
        for text in texts {
            for rule in RuleId::ALL {
                let id = rule.key();
                let word = text
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .any(|w| w == id);
                if word {
                    named.push(format!("{}: {id} in {text:?}", l.key));
                }
            }
        }
    }
    assert!(named.is_empty(), "{}", named.join("\n"));
}

#[test]
fn hints_and_revealing_cost_points() {
    let l = lesson("01-direct-bill");
    let mut run = LessonRun::new(l.clone());
    assert_eq!(run.score_now(), 100);
    assert!(run.next_hint(None).is_some());
    assert_eq!(run.score_now(), 85);
    assert!(run.next_hint(None).is_some());
    assert!(run.next_hint(None).is_none(), "two hints only");
    assert_eq!(run.shown_hints().len(), 2);
    assert_eq!(run.score_now(), 70);
    run.revealed = true;
    assert_eq!(run.score_now(), 0);
    // The presenter steps through the lesson.
    assert_eq!(run.step, 0);
    assert!(run.next_step() && run.next_step());
    assert!(!run.next_step(), "three steps");
    assert!(run.previous_step());
    assert_eq!(run.step, 1);
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn malformed_lessons_are_named_by_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let good = builtin_lesson("13-mca").unwrap().text;

    let typo = write(&dir, "typo.ron", &good.replace("goal:", "gaol:"));
    let e = LoadedLesson::load(&typo).unwrap_err();
    let text = e.to_string();
    assert!(text.starts_with(&format!("{}:", typo.display())), "{text}");
    assert!(text.contains("gaol"), "{text}");
    assert_eq!(e.line, 7, "{text}");

    let rule = write(
        &dir,
        "rule.ron",
        &good.replace("NoFinding(\"mca_missing\")", "NoFinding(\"mca_mising\")"),
    );
    let e = LoadedLesson::load(&rule).unwrap_err();
    assert!(e.message.contains("no rule has id `mca_mising`"), "{e}");
    assert_eq!(e.line, 10, "{e}");

    let scenario = write(
        &dir,
        "scenario.ron",
        &good.replace("\"partner-types-direct-bill\"", "\"no-such-channel.ron\""),
    );
    let e = LoadedLesson::load(&scenario).unwrap_err();
    assert!(e.message.contains("field `scenario`"), "{e}");
    assert!(e.message.contains("no-such-channel.ron"), "{e}");
    assert_eq!(e.line, 5, "{e}");

    let setup = write(
        &dir,
        "setup.ron",
        &good.replace(
            "SetParty(\"tailspin\", (clear",
            "SetParty(\"tailspn\", (clear",
        ),
    );
    let e = LoadedLesson::load(&setup).unwrap_err();
    assert!(
        e.message
            .contains("field `setup`: change 1 (SetParty(\"tailspn\")): no party has id `tailspn`"),
        "{e}"
    );

    let missing = write(&dir, "missing.ron", "(version: 1, title: \"x\")");
    let e = LoadedLesson::load(&missing).unwrap_err();
    assert!(e.message.contains("scenario"), "{e}");

    // A lesson of the trainer's own, next to its own scenario file.
    let channel = csp_explorer::scenarios::builtin("sample-7-forbidden")
        .unwrap()
        .text;
    std::fs::write(dir.path().join("channel.ron"), channel).unwrap();
    let own = write(
        &dir,
        "own.ron",
        &builtin_lesson("11-sample-7-regions")
            .unwrap()
            .text
            .replace("\"sample-7-forbidden\"", "\"channel.ron\""),
    );
    let loaded = LoadedLesson::load(&own).unwrap();
    verify(&loaded).unwrap();
}

#[test]
fn a_lesson_names_its_scenario_by_built_in_or_plain_file_name_only() {
    let dir = tempfile::tempdir().unwrap();
    let good = builtin_lesson("13-mca").unwrap().text;
    let with = |name: &str, scenario: &str| {
        write(
            &dir,
            name,
            &good.replace("\"partner-types-direct-bill\"", &format!("{scenario:?}")),
        )
    };
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "(top secret first token").unwrap();
    let refused = [
        secret.display().to_string(),
        "../secret.txt".to_owned(),
        "sub/channel.ron".to_owned(),
        "..".to_owned(),
        "/dev/zero".to_owned(),
        "C:\\channel.ron".to_owned(),
    ];
    for scenario in refused {
        let e = LoadedLesson::load(&with("paths.ron", &scenario)).unwrap_err();
        assert_eq!(e.line, 5, "{e}");
        assert!(
            e.message.contains("nor a plain file name")
                && e.message.contains("must sit beside the lesson"),
            "{scenario}: {e}"
        );
        assert!(!e.message.contains("top secret"), "{e}");
    }
    // A FIFO beside the lesson is refused at once instead of blocking the app.
    let fifo = dir.path().join("pipe.ron");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let e = LoadedLesson::load(&with("fifo.ron", "pipe.ron")).unwrap_err();
    assert!(e.message.contains("named pipe (FIFO), not a file"), "{e}");
    // A save too large for a lesson is refused by its size, without reading it all.
    let big = std::fs::File::create(dir.path().join("big.ron")).unwrap();
    big.set_len(csp_explorer::training::MAX_LESSON_SCENARIO_BYTES + 1)
        .unwrap();
    let e = LoadedLesson::load(&with("big-lesson.ron", "big.ron")).unwrap_err();
    assert!(e.message.contains("larger than 16 MB"), "{e}");
}

/// A link beside the lesson may lead anywhere: it is followed only within the lesson's folder.
#[cfg(unix)]
#[test]
fn a_link_beside_a_lesson_leads_only_to_a_file_in_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let good = builtin_lesson("13-mca").unwrap().text;
    let with = |name: &str, scenario: &str| {
        write(
            &dir,
            name,
            &good.replace("\"partner-types-direct-bill\"", &format!("{scenario:?}")),
        )
    };
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "(top secret first token").unwrap();
    std::os::unix::fs::symlink(&secret, dir.path().join("channel.ron")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("passwd.ron")).unwrap();
    for name in ["channel.ron", "passwd.ron"] {
        let e = LoadedLesson::load(&with("linked.ron", name)).unwrap_err();
        assert_eq!(e.line, 5, "{e}");
        assert!(
            e.message
                .contains("leads to a file outside the lesson's folder"),
            "{name}: {e}"
        );
        assert!(
            !e.message.contains("top secret") && !e.message.contains("root:"),
            "{e}"
        );
    }
    // A link to a save in the lesson's own folder is fine.
    let channel = csp_explorer::scenarios::builtin("partner-types-direct-bill")
        .unwrap()
        .text;
    std::fs::write(dir.path().join("real.ron"), channel).unwrap();
    std::os::unix::fs::symlink("real.ron", dir.path().join("alias.ron")).unwrap();
    LoadedLesson::load(&with("aliased.ron", "alias.ron")).expect("a link within the folder");
}

#[test]
fn lesson_files_take_a_bom_and_are_refused_by_version_and_size_first() {
    let dir = tempfile::tempdir().unwrap();
    let good = builtin_lesson("13-mca").unwrap().text;
    let bom = write(&dir, "bom.ron", &format!("\u{feff}{good}"));
    LoadedLesson::load(&bom).expect("a byte order mark is fine");
    // A newer lesson with fields this build does not know: the version is the reason given.
    let newer = good.replacen("version: 1", "version: 2", 1).replacen(
        "goal:",
        "narrator: \"someone\",\n    goal:",
        1,
    );
    let e = LoadedLesson::load(&write(&dir, "newer.ron", &newer)).unwrap_err();
    assert!(
        e.message
            .contains("lesson format version 2 was written by a newer csp-explorer")
            && e.message.contains("update csp-explorer"),
        "{e}"
    );
    let negative = good.replacen("version: 1", "version: -1", 1);
    let e = LoadedLesson::load(&write(&dir, "neg.ron", &negative)).unwrap_err();
    assert!(
        e.message
            .contains("lesson format version -1 is not a version csp-explorer has written"),
        "{e}"
    );
    let huge = std::fs::File::create(dir.path().join("huge.ron")).unwrap();
    huge.set_len(csp_explorer::training::MAX_LESSON_BYTES + 1)
        .unwrap();
    let e = LoadedLesson::load(&dir.path().join("huge.ron")).unwrap_err();
    assert!(e.message.contains("larger than 1 MB"), "{e}");
    let latin1 = [b"(version: 1, title: \"Caf".as_slice(), b"\xe9\")"].concat();
    std::fs::write(dir.path().join("latin1.ron"), latin1).unwrap();
    let e = LoadedLesson::load(&dir.path().join("latin1.ron")).unwrap_err();
    assert_eq!((e.line, e.column), (1, 25), "{e}");
    assert!(e.message.contains("save it as UTF-8"), "{e}");
    let date = good.replacen(
        "SetParty(\"tailspin\", (clear",
        "SetAsOf(\"2024-02-30\"), SetParty(\"tailspin\", (clear",
        1,
    );
    let e = LoadedLesson::load(&write(&dir, "date.ron", &date)).unwrap_err();
    assert!(
        e.message.contains(
            "field `SetAsOf`: \"2024-02-30\" is not a date: expected a date written YYYY-MM-DD"
        ),
        "{e}"
    );
}
