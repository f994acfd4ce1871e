//! `diff` and `ask`: a what-if against its base, and whether a sale would be allowed.

use super::{csp, stderr, stdout};

#[test]
fn diff_compares_a_base_with_a_what_if() {
    let o = csp(&[
        "diff",
        "builtin:sample-6-forbidden",
        "builtin:sample-6-option-1",
    ]);
    assert_eq!(o.status.code(), Some(1), "differences exit with 1");
    let text = stdout(&o);
    assert!(
        text.contains("~ contoso-own (Contoso (as end customer)): tenant: contoso → contoso-internal; tenant_type: csp → customer"),
        "{text}"
    );
    assert!(text.contains("Findings resolved:"), "{text}");
    assert!(!text.contains("Findings introduced:"), "{text}");

    let o = csp(&[
        "diff",
        "builtin:sample-7-allowed",
        "builtin:sample-7-forbidden",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        json["findings_introduced"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "cross_region_sale")
    );
    assert!(
        json["parties"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == "tailspin-jp" && p["change"] == "added")
    );

    let same = csp(&["diff", "builtin:sample-1", "builtin:sample-1"]);
    assert_eq!(same.status.code(), Some(0));
    let missing = csp(&["diff", "builtin:sample-1", "nowhere.ron"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("nowhere.ron"),
        "{}",
        stderr(&missing)
    );
}

/// Two `.cspx` saves are compared with only the base loaded (the what-if read as its changes to
/// it): the same text and JSON as the same saves in RON, which are loaded both; a what-if that
/// would not load is refused in the load's words.
#[test]
fn diff_of_two_cspx_saves_says_what_diff_of_the_same_saves_in_ron_says() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    for (from, stem) in [
        ("builtin:sample-6-forbidden", "base"),
        ("builtin:sample-6-option-1", "whatif"),
    ] {
        for ext in ["cspx", "ron"] {
            let o = csp(&["convert", from, &file(&format!("{stem}.{ext}"))]);
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        }
    }
    for format in ["text", "json"] {
        let diff = |ext: &str| {
            let (a, b) = (file(&format!("base.{ext}")), file(&format!("whatif.{ext}")));
            let o = csp(&["diff", &a, &b, "--format", format]);
            assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
            stdout(&o).replace(&a, "BASE").replace(&b, "WHATIF")
        };
        let compact = diff("cspx");
        assert!(compact.contains("contoso-internal"), "{compact}");
        assert_eq!(compact, diff("ron"));
    }
    let same = csp(&["diff", &file("base.cspx"), &file("base.cspx")]);
    assert_eq!(same.status.code(), Some(0), "{}", stdout(&same));

    let bytes = std::fs::read(file("whatif.cspx")).unwrap();
    std::fs::write(file("cut.cspx"), &bytes[..bytes.len() - 3]).unwrap();
    let cut = csp(&["diff", &file("base.cspx"), &file("cut.cspx")]);
    assert_eq!(cut.status.code(), Some(2));
    let load = csp(&["check", &file("cut.cspx")]);
    assert_eq!(stderr(&cut), stderr(&load));
    assert!(stderr(&cut).contains("cut.cspx"), "{}", stderr(&cut));
}

#[test]
fn ask_answers_yes_or_no_with_the_chain_and_the_rules_in_the_way() {
    let o = csp(&["ask", "builtin:sample-1", "contoso", "tailspin"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("Yes."), "{text}");
    assert!(
        text.contains("Chain: Microsoft → Adatum Distribution → Contoso Reseller → Tailspin Toys"),
        "{text}"
    );

    let o = csp(&[
        "ask",
        "builtin:sample-7-forbidden",
        "contoso-de",
        "tailspin-jp",
        "--offer",
        "Microsoft 365 E3",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["answer"], "no");
    assert_eq!(json["offer"], "Microsoft 365 E3");
    assert_eq!(json["blockers"][0]["rule"], "cross_region_sale");

    // Before the partnership existed, Contoso had no provider to bill it.
    let o = csp(&[
        "ask",
        "builtin:sample-1",
        "contoso",
        "tailspin",
        "--as-of",
        "2020-02-10",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("incomplete_chain"), "{}", stdout(&o));

    let o = csp(&["ask", "builtin:sample-1", "contoso", "nobody"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no party has id `nobody`"),
        "{}",
        stderr(&o)
    );
}

/// A small generated channel for the `whatif` commands, saved in `dir`: five providers (US, GB,
/// DE, JP, FR), twelve resellers, two direct-bill partners (US, GB), sixty customers, no rule
/// broken, every third admin link DAP.
fn channel(dir: &std::path::Path) -> (std::path::PathBuf, csp_explorer::model::Scenario) {
    use csp_explorer::generate::{GenerateOptions, generate};
    use csp_explorer::model::{AdminType, LinkKind};
    let mut s = generate(&GenerateOptions {
        providers: 5,
        resellers: 12,
        direct_bill: 2,
        customers: 60,
        seed: 7,
        break_rate: 0.0,
    })
    .unwrap();
    let dap: Vec<_> = s
        .links()
        .filter(|l| l.kind == LinkKind::Admin)
        .step_by(3)
        .cloned()
        .collect();
    for mut l in dap {
        l.admin_type = AdminType::Dap;
        s.replace_link(l).unwrap();
    }
    let path = dir.join("channel.ron");
    csp_explorer::io::save(&s, &path).unwrap();
    (path, s)
}

fn load(path: &std::path::Path) -> csp_explorer::model::Scenario {
    csp_explorer::io::load(path).unwrap()
}

/// The reseller with the most customers, and its provider.
fn busiest_reseller(s: &csp_explorer::model::Scenario) -> (String, String) {
    use csp_explorer::model::{LinkKind, PartyKind};
    let r = s
        .parties()
        .filter(|p| p.kind == PartyKind::IndirectReseller)
        .max_by_key(|p| {
            s.links_from(p.id.as_str())
                .filter(|l| l.kind == LinkKind::Purchase)
                .count()
        })
        .unwrap();
    let provider = s
        .links_to(r.id.as_str())
        .find(|l| l.kind == LinkKind::Partnership)
        .unwrap()
        .from
        .to_string();
    (r.id.to_string(), provider)
}

/// The CSP region of a party's country.
fn region_of(p: &csp_explorer::model::Party) -> Option<String> {
    p.country
        .as_deref()
        .and_then(|c| csp_explorer::model::markets().region_of(c))
        .map(|r| r.id.clone())
}

/// Another indirect reseller in the same CSP region as `reseller` (customers may move to it).
fn reseller_near(s: &csp_explorer::model::Scenario, reseller: &str) -> String {
    let home = s.party(reseller).and_then(region_of);
    s.parties()
        .find(|p| {
            p.kind == csp_explorer::model::PartyKind::IndirectReseller
                && region_of(p) == home
                && p.id.as_str() != reseller
        })
        .expect("another reseller in the same region")
        .id
        .to_string()
}

/// Another provider in the same CSP region as `provider`, and one in another region.
fn providers_near_and_far(s: &csp_explorer::model::Scenario, provider: &str) -> (String, String) {
    use csp_explorer::model::PartyKind;
    let region = |id: &str| s.party(id).and_then(region_of);
    let others: Vec<String> = s
        .parties()
        .filter(|p| p.kind == PartyKind::IndirectProvider && p.id.as_str() != provider)
        .map(|p| p.id.to_string())
        .collect();
    let near = others
        .iter()
        .find(|p| region(p) == region(provider))
        .expect("a provider in the same region")
        .clone();
    let far = others
        .iter()
        .find(|p| region(p) != region(provider))
        .expect("a provider in another region")
        .clone();
    (near, far)
}

#[test]
fn whatif_change_provider_writes_the_result_and_prints_the_impact_and_refuses_another_region() {
    let dir = tempfile::tempdir().unwrap();
    let (path, s) = channel(dir.path());
    let (reseller, provider) = {
        // A European reseller: its region has three providers.
        use csp_explorer::model::{LinkKind, PartyKind};
        let r = s
            .parties()
            .find(|p| {
                p.kind == PartyKind::IndirectReseller
                    && matches!(
                        p.country.as_deref(),
                        Some("GB" | "DE" | "FR" | "NL" | "IT" | "ES" | "SE" | "PL")
                    )
                    && s.links_from(p.id.as_str())
                        .any(|l| l.kind == LinkKind::Purchase)
            })
            .expect("a European reseller with sales");
        let p = s
            .links_to(r.id.as_str())
            .find(|l| l.kind == LinkKind::Partnership)
            .unwrap()
            .from
            .to_string();
        (r.id.to_string(), p)
    };
    let (near, far) = providers_near_and_far(&s, &provider);
    let out = dir.path().join("changed.ron");
    // The reseller by its exact name, the providers by id.
    let name = s.party(&reseller).unwrap().name.clone();
    let o = csp(&[
        "whatif",
        "change-provider",
        path.to_str().unwrap(),
        "--reseller",
        &name,
        "--from",
        &provider,
        "--to",
        &near,
        "--on",
        "2025-07-01",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains(&format!("{name} (`{reseller}`) leaves")),
        "{text}"
    );
    assert!(text.contains("Findings as of 2025-07-01"), "{text}");
    assert!(
        text.contains(&format!("Wrote {}.", out.display())),
        "{text}"
    );
    let after = load(&out);
    let ended = after
        .links_to(&reseller)
        .find(|l| l.from.as_str() == provider)
        .unwrap();
    assert_eq!(ended.ended, Some("2025-07-01".parse().unwrap()));
    assert!(after.links_to(&reseller).any(|l| l.from.as_str() == near));

    let refused = dir.path().join("refused.ron");
    let o = csp(&[
        "whatif",
        "change-provider",
        path.to_str().unwrap(),
        "--reseller",
        &reseller,
        "--from",
        &provider,
        "--to",
        &far,
        "--on",
        "2025-07-01",
        "-o",
        refused.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with("error: Change provider cannot apply, nothing was changed:"),
        "{err}"
    );
    assert!(
        err.contains("partners can only establish relationships with partners of their own region"),
        "{err}"
    );
    assert!(!refused.exists(), "a refusal writes nothing");
}

#[test]
fn whatif_move_customers_by_id_or_name_and_refuses_a_customer_of_someone_else() {
    let dir = tempfile::tempdir().unwrap();
    let (path, s) = channel(dir.path());
    let (from, _) = busiest_reseller(&s);
    let to = reseller_near(&s, &from);
    let out = dir.path().join("moved.ron");
    let o = csp(&[
        "whatif",
        "move-customers",
        path.to_str().unwrap(),
        "--from",
        &from,
        "--to",
        &to,
        "--all",
        "--on",
        "2025-07-01",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("Move "), "{}", stdout(&o));
    let after = load(&out);
    let on: csp_explorer::model::Date = "2025-07-01".parse().unwrap();
    assert!(
        after
            .links_from(&from)
            .filter(|l| l.kind == csp_explorer::model::LinkKind::Purchase)
            .all(|l| !l.exists_at(on)),
        "no purchase of the old seller exists on the day"
    );
    // One customer by its exact name.
    let customer = s
        .links_from(&from)
        .find(|l| l.kind == csp_explorer::model::LinkKind::Purchase)
        .unwrap()
        .to
        .to_string();
    let name = s.party(&customer).unwrap().name.clone();
    let o = csp(&[
        "whatif",
        "move-customers",
        path.to_str().unwrap(),
        "--from",
        &from,
        "--to",
        &to,
        "--customers",
        &name,
        "--keep-admin",
        "--on",
        "2025-07-01",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("Move 1 customer of"),
        "{}",
        stdout(&o)
    );
    // A customer the seller does not sell to.
    let stranger = s
        .parties()
        .find(|p| {
            p.kind == csp_explorer::model::PartyKind::Customer
                && !s.links_to(p.id.as_str()).any(|l| l.from.as_str() == from)
        })
        .unwrap()
        .id
        .to_string();
    let refused = dir.path().join("refused.ron");
    let o = csp(&[
        "whatif",
        "move-customers",
        path.to_str().unwrap(),
        "--from",
        &from,
        "--to",
        &to,
        "--customers",
        &format!("{customer},{stranger}"),
        "--on",
        "2025-07-01",
        "-o",
        refused.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!("(`{stranger}`) is not a customer of")),
        "{}",
        stderr(&o)
    );
    assert!(!refused.exists());
    // Neither --customers nor --all: clap says so.
    let o = csp(&[
        "whatif",
        "move-customers",
        path.to_str().unwrap(),
        "--from",
        &from,
        "--to",
        &to,
        "--on",
        "2025-07-01",
        "-o",
        refused.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--customers"), "{}", stderr(&o));
    // A name nobody has.
    let o = csp(&[
        "whatif",
        "move-customers",
        path.to_str().unwrap(),
        "--from",
        "Nobody Ltd",
        "--to",
        &to,
        "--all",
        "--on",
        "2025-07-01",
        "-o",
        refused.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no party has id or name `Nobody Ltd`"),
        "{}",
        stderr(&o)
    );
}

/// `--country` and `--region` take the old seller's customers of one market only; a region
/// that does not exist is refused with the list of regions, and nothing is written.
#[test]
fn whatif_move_customers_of_one_country_or_region() {
    use csp_explorer::model::LinkKind;
    let dir = tempfile::tempdir().unwrap();
    let (path, s) = channel(dir.path());
    let (from, _) = busiest_reseller(&s);
    let country = s.party(&from).unwrap().country.unwrap();
    let to = reseller_near(&s, &from);
    let out = dir.path().join("moved.ron");
    let run = |place: &[&str], out: &std::path::Path| {
        let mut args = vec![
            "whatif",
            "move-customers",
            path.to_str().unwrap(),
            "--from",
            &from,
            "--to",
            &to,
            "--on",
            "2025-07-01",
            "-o",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(place);
        csp(&args)
    };
    let o = run(&["--country", &country.to_lowercase()], &out);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let after = load(&out);
    let on: csp_explorer::model::Date = "2025-07-01".parse().unwrap();
    let moved: Vec<_> = after
        .links_from(&to)
        .filter(|l| l.kind == LinkKind::Purchase && l.date == on)
        .map(|l| l.to)
        .collect();
    assert!(!moved.is_empty(), "{}", stdout(&o));
    for c in &moved {
        assert_eq!(
            after.party(c.as_str()).unwrap().country.as_deref(),
            Some(country.as_str())
        );
    }
    let refused = dir.path().join("refused.ron");
    let o = run(&["--region", "Atlantis"], &refused);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`Atlantis` is not a CSP region; the regions are AFRICA"),
        "{}",
        stderr(&o)
    );
    assert!(!refused.exists());
    let o = run(&["--all", "--region", "EUROPE"], &refused);
    assert_eq!(o.status.code(), Some(2), "--all and --region conflict");
}

#[test]
fn whatif_end_partnership_go_indirect_and_dap_to_gdap_apply_and_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let (path, s) = channel(dir.path());
    let out = dir.path().join("out.ron");
    let run = |args: &[&str]| {
        let mut all = vec!["whatif"];
        all.extend_from_slice(args);
        csp(&all)
    };
    let (reseller, provider) = busiest_reseller(&s);
    let country = s.party(&reseller).unwrap().country.unwrap();
    let region = csp_explorer::model::markets()
        .region_of(&country)
        .unwrap()
        .name
        .to_lowercase();
    for which in [
        vec!["--reseller", reseller.as_str()],
        vec!["--country", country.as_str()],
        vec!["--region", region.as_str()],
    ] {
        let mut args = vec![
            "end-partnership",
            path.to_str().unwrap(),
            "--provider",
            &provider,
        ];
        args.extend(which.iter().copied());
        args.extend(["--on", "2025-07-01", "-o", out.to_str().unwrap()]);
        let o = run(&args);
        // The customers left behind are violations now (their chain is incomplete).
        assert_eq!(
            o.status.code(),
            Some(1),
            "{which:?}: {}{}",
            stdout(&o),
            stderr(&o)
        );
        assert!(
            stdout(&o).contains("ends its partnerships with"),
            "{}",
            stdout(&o)
        );
        assert!(stdout(&o).contains("incomplete_chain"), "{}", stdout(&o));
    }
    let o = run(&[
        "end-partnership",
        path.to_str().unwrap(),
        "--provider",
        &provider,
        "--country",
        "ZZ",
        "--on",
        "2025-07-01",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("has no partnership on 2025-07-01 with a reseller in ZZ"),
        "{}",
        stderr(&o)
    );

    let o = run(&[
        "go-indirect",
        path.to_str().unwrap(),
        "--partner",
        "direct-0",
        "--provider",
        "provider-0",
        "--new-tenant",
        "--move-purchases",
        "--on",
        "2025-07-01",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let after = load(&out);
    let r = after.party("direct-0-indirect").expect("the new reseller");
    assert_eq!(r.tenant, "direct-0-indirect");
    assert_eq!(
        after.party("direct-0").unwrap().restricted_since,
        Some("2025-07-01".parse().unwrap())
    );
    let o = run(&[
        "go-indirect",
        path.to_str().unwrap(),
        "--partner",
        "direct-0",
        "--provider",
        "provider-3",
        "--on",
        "2025-07-01",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is in JP (Japan)"), "{}", stderr(&o));

    let dap_partner = s
        .links()
        .find(|l| l.admin_type == csp_explorer::model::AdminType::Dap)
        .unwrap()
        .from
        .to_string();
    let o = run(&[
        "dap-to-gdap",
        path.to_str().unwrap(),
        "--partner",
        &dap_partner,
        "--roles",
        "Helpdesk Administrator, License Administrator",
        "--days",
        "365",
        "--on",
        "2025-07-01",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("become GDAP on 2025-07-01"),
        "{}",
        stdout(&o)
    );
    let after = load(&out);
    assert!(
        after
            .links_from(&dap_partner)
            .filter(|l| l.admin_type == csp_explorer::model::AdminType::Dap)
            .all(|l| l.ended.is_some())
    );
    let o = run(&[
        "dap-to-gdap",
        path.to_str().unwrap(),
        "--partner",
        &dap_partner,
        "--roles",
        "Helpdesk Administrator",
        "--days",
        "0",
        "--on",
        "2025-07-01",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("a GDAP relationship lasts 1 to 730 days, not 0"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn whatif_apply_replays_a_plan_and_stops_at_a_step_that_no_longer_applies_unless_told_to_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let (path, s) = channel(dir.path());
    let (reseller, provider) = busiest_reseller(&s);
    let dap = s
        .links()
        .find(|l| {
            l.admin_type == csp_explorer::model::AdminType::Dap && l.from.as_str() != reseller
        })
        .unwrap()
        .from
        .to_string();
    let plan = dir.path().join("plan.ron");
    std::fs::write(
        &plan,
        format!(
            "(\n    version: 1,\n    title: \"Two steps\",\n    steps: [\n        DapToGdap(partner: \"{dap}\", roles: [\"Helpdesk Administrator\"], days: 90, on: \"2025-07-01\"),\n        EndPartnerships(provider: \"{provider}\", resellers: Only([\"{reseller}\"]), on: \"2025-08-01\"),\n    ],\n)\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("planned.ron");
    let o = csp(&[
        "whatif",
        "apply",
        plan.to_str().unwrap(),
        path.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("Applied 2 steps of plan “Two steps”"),
        "{}",
        stdout(&o)
    );
    // The same as applying the two operations one after the other.
    let by_hand = dir.path().join("by-hand.ron");
    let step1 = dir.path().join("step1.ron");
    let o = csp(&[
        "whatif",
        "dap-to-gdap",
        path.to_str().unwrap(),
        "--partner",
        &dap,
        "--roles",
        "Helpdesk Administrator",
        "--days",
        "90",
        "--on",
        "2025-07-01",
        "-o",
        step1.to_str().unwrap(),
    ]);
    assert!(step1.exists(), "{}", stderr(&o));
    csp(&[
        "whatif",
        "end-partnership",
        step1.to_str().unwrap(),
        "--provider",
        &provider,
        "--reseller",
        &reseller,
        "--on",
        "2025-08-01",
        "-o",
        by_hand.to_str().unwrap(),
    ]);
    let same = csp(&["diff", out.to_str().unwrap(), by_hand.to_str().unwrap()]);
    assert_eq!(same.status.code(), Some(0), "{}", stdout(&same));
    // A step naming a reseller that is gone.
    let mut gone = s.clone();
    gone.remove_party(&reseller.as_str().into()).unwrap();
    let gone_path = dir.path().join("gone.ron");
    csp_explorer::io::save(&gone, &gone_path).unwrap();
    let stopped = dir.path().join("stopped.ron");
    let o = csp(&[
        "whatif",
        "apply",
        plan.to_str().unwrap(),
        gone_path.to_str().unwrap(),
        "-o",
        stopped.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("step 2 of 2 (End partnerships)"), "{err}");
    assert!(err.contains("Nothing was written"), "{err}");
    assert!(!stopped.exists());
    let o = csp(&[
        "whatif",
        "apply",
        plan.to_str().unwrap(),
        gone_path.to_str().unwrap(),
        "--keep-going",
        "-o",
        stopped.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "a skipped step is still exit 2");
    assert!(stderr(&o).contains("skipped step"), "{}", stderr(&o));
    assert!(stopped.exists(), "with --keep-going the rest is written");

    // A plan that is not one.
    std::fs::write(&plan, "(version: 1, steps: [Jump(to: \"x\")])").unwrap();
    let o = csp(&[
        "whatif",
        "apply",
        plan.to_str().unwrap(),
        path.to_str().unwrap(),
        "-o",
        stopped.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("plan.ron, line 1"), "{}", stderr(&o));
}

#[test]
fn whatif_reads_the_channel_or_the_plan_from_standard_input_and_writes_to_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let (path, s) = channel(dir.path());
    let (reseller, provider) = busiest_reseller(&s);
    let text = std::fs::read(&path).unwrap();
    let o = super::csp_with_stdin(
        &[
            "whatif",
            "end-partnership",
            "-",
            "--provider",
            &provider,
            "--reseller",
            &reseller,
            "--on",
            "2025-07-01",
            "-o",
            "-",
        ],
        &text,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let result = stdout(&o);
    assert!(
        result.contains("version:"),
        "the result is the save file on stdout"
    );
    assert!(
        stderr(&o).contains("ends its partnerships with"),
        "the impact goes to stderr"
    );
    assert!(
        stderr(&o).contains("Wrote standard output."),
        "{}",
        stderr(&o)
    );
    let plan = format!(
        "(version: 1, steps: [EndPartnerships(provider: \"{provider}\", resellers: Only([\"{reseller}\"]), on: \"2025-07-01\")])"
    );
    let out = dir.path().join("from-plan.ron");
    let o = super::csp_with_stdin(
        &[
            "whatif",
            "apply",
            "-",
            path.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        plan.as_bytes(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        csp_explorer::io::load(&out).unwrap(),
        csp_explorer::io::scenario_from_ron(&result, "stdout").unwrap(),
        "the plan from stdin did what the command did"
    );
    let o = super::csp_with_stdin(&["whatif", "apply", "-", "-", "-o", "-"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("only one of the plan and the scenario"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn diff_writes_the_impact_as_a_markdown_handout_and_a_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (path, s) = channel(dir.path());
    let (reseller, provider) = busiest_reseller(&s);
    let out = dir.path().join("ended.ron");
    csp(&[
        "whatif",
        "end-partnership",
        path.to_str().unwrap(),
        "--provider",
        &provider,
        "--reseller",
        &reseller,
        "--on",
        "2025-07-01",
        "-o",
        out.to_str().unwrap(),
    ]);
    let o = csp(&[
        "diff",
        path.to_str().unwrap(),
        out.to_str().unwrap(),
        "--format",
        "md",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let md = stdout(&o);
    assert!(md.starts_with("# What-if impact: "), "{md}");
    assert!(md.contains("## What to do first"), "{md}");
    assert!(
        md.contains("| Rule | Severity | Introduced | Customers | Resolved | Customers |"),
        "{md}"
    );
    assert!(md.contains("## By party"), "{md}");
    assert!(md.contains(&format!("`{reseller}`")), "{md}");
    let o = csp(&[
        "diff",
        path.to_str().unwrap(),
        out.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let csv = stdout(&o);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("change,severity,rule,subject,subject_id,party_id,party,customer_id,customer,message")
    );
    assert!(
        lines.any(|l| l.starts_with("introduced,violation,incomplete_chain,link,")),
        "{csv}"
    );
}
