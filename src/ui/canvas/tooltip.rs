//! Hover texts for parties, links, badges, bundles, trunks, marks and passing strokes. Must not paint
//! or change anything: each returns the words to show.

use super::far::{Mark, Trunk, TrunkEnd};
use super::passing::PassingStroke;
use super::scene::{Bundle, End, Group, Scene};
use crate::model::{Link, Party, PartyId, PartyKind};
use crate::rules::Severity;
use crate::text::thousands;
use crate::ui::document::Document;
use crate::ui::style::severity_symbol;

pub(super) fn party_tooltip(doc: &Document, party: &Party, hide_findings: bool) -> String {
    let region = party
        .country
        .as_deref()
        .and_then(|c| crate::model::markets().region_of(c))
        .map_or("no CSP region".to_owned(), |r| r.name.clone());
    let mut text = format!(
        "{} ({})\nid {} · {} · {}\norganization {} · tenant {} ({})",
        party.name,
        party.kind,
        party.id,
        party.country.as_deref().unwrap_or("no country"),
        region,
        party.organization,
        party.tenant,
        party.tenant_type.key()
    );
    let mut details = Vec::new();
    if let Some(d) = party.mpa_signed {
        details.push(format!("MPA signed {d}"));
    }
    if party.kind == PartyKind::IndirectReseller {
        details.push(format!(
            "{} · {}",
            if party.onboarded {
                "onboarded"
            } else {
                "not onboarded"
            },
            if party.enrolled {
                "enrolled"
            } else {
                "not enrolled"
            }
        ));
    }
    if let Some(d) = party.mca_accepted {
        details.push(format!("MCA accepted {d}"));
    }
    if let Some(d) = party.restricted_since {
        details.push(format!("restricted since {d}"));
    }
    if let Some(g) = &party.affiliate_group {
        details.push(format!("affiliate group {g}"));
    }
    if !details.is_empty() {
        text.push('\n');
        text.push_str(&details.join(" · "));
    }
    if hide_findings {
        return text;
    }
    for f in doc.checker().for_party(party.id.as_str()) {
        text.push_str(&format!("\n{} {}", severity_symbol(f.severity), f.message));
    }
    text
}

pub(super) fn link_tooltip(doc: &Document, link: &Link, hide_findings: bool) -> String {
    let name = |id: &PartyId| {
        doc.scenario()
            .party(id.as_str())
            .map_or(id.to_string(), |p| p.name.clone())
    };
    let mut text = format!(
        "{} {} → {}\nid {} · dated {}",
        link.kind.label(),
        name(&link.from),
        name(&link.to),
        link.id,
        link.date
    );
    if let Some(offer) = &link.offer {
        text.push_str(&format!(" · {offer}"));
    }
    if let Some(via) = &link.via {
        text.push_str(&format!(" · billed by {}", name(via)));
    }
    if link.status == crate::model::LinkStatus::Pending {
        text.push_str(" · pending");
    }
    if let Some(ended) = link.ended {
        // Ended links are drawn faded like future ones; the tooltip says which they are.
        let as_of = doc.scenario().as_of();
        let when = if ended <= as_of { "ended" } else { "ends" };
        text.push_str(&format!(" · {when} {ended}"));
    }
    if link.kind == crate::model::LinkKind::Admin && link.admin_type == crate::model::AdminType::Dap
    {
        text.push_str(" · DAP");
    }
    if hide_findings {
        return text;
    }
    let findings = doc.checker().for_link(link.id.as_str());
    if findings.is_empty() {
        text.push_str("\n✔ valid");
    }
    for f in findings {
        text.push_str(&format!(
            "\n{} [{}] {}",
            severity_symbol(f.severity),
            f.rule,
            f.message
        ));
    }
    text
}

/// The plural of a link kind's label ("purchases", "supplies").
fn kind_plural(kind: crate::model::LinkKind) -> String {
    match kind {
        crate::model::LinkKind::Supply => "supplies".to_owned(),
        other => format!("{}s", other.label()),
    }
}

/// What a bundle end is called: the party's name, or "N customers of Seller".
fn end_name(doc: &Document, scene: &Scene, end: End) -> String {
    let g = doc.scenario().graph();
    match end {
        End::Party(n) => g[n].name.clone(),
        End::Group(number) => {
            let group = &scene.groups[number as usize];
            format!(
                "{} customers of {}",
                thousands(group.members.len()),
                g[group.head].name
            )
        }
    }
}

/// The hover text of a collapsed group of customers.
pub(super) fn group_tooltip(doc: &Document, group: &Group, hide_findings: bool) -> String {
    let g = doc.scenario().graph();
    let mut text = format!(
        "{} customers of {} ({})\nzoom in or click to see them",
        thousands(group.members.len()),
        g[group.head].name,
        g[group.head].kind.label()
    );
    if hide_findings {
        return text;
    }
    let checker = doc.checker();
    let with = |severity: Severity| {
        group
            .members
            .iter()
            .filter(|&&m| {
                let id = g[m].id.as_str();
                checker.worst_for_party(id) == Some(severity)
                    || doc
                        .scenario()
                        .links_naming(id)
                        .any(|l| checker.worst_for_link(l.id.as_str()) == Some(severity))
            })
            .count()
    };
    for severity in [Severity::Violation, Severity::Warning] {
        let n = with(severity);
        if n > 0 {
            let noun = if severity == Severity::Violation {
                ("violation", "violations")
            } else {
                ("warning", "warnings")
            };
            text.push_str(&format!(
                "\n{} {} with {}",
                severity_symbol(severity),
                crate::ui::style::count(n, "customer", "customers"),
                noun.1
            ));
        }
    }
    text
}

/// The plural of a party kind's label ("resellers", "customers").
fn party_plural(kind: PartyKind) -> &'static str {
    match kind {
        PartyKind::Microsoft => "Microsoft",
        PartyKind::IndirectProvider => "indirect providers",
        PartyKind::DirectBill => "direct-bill partners",
        PartyKind::IndirectReseller => "indirect resellers",
        PartyKind::Customer => "customers",
    }
}

/// The worst finding among several, in words.
fn worst_words(worst: Severity) -> String {
    format!(
        "{} the worst finding among them is a {}",
        severity_symbol(worst),
        match worst {
            Severity::Violation => "violation",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    )
}

/// The hover text of a far-view trunk: links of one kind gathered between two areas.
pub(super) fn trunk_tooltip(doc: &Document, trunk: &Trunk, hide_findings: bool) -> String {
    let g = doc.scenario().graph();
    let end = |e: &TrunkEnd| match e.party {
        Some(n) => g[n].name.clone(),
        None => format!("{} around here", party_plural(e.kind)),
    };
    let label = if trunk.count == 1 {
        trunk.kind.label().to_owned()
    } else {
        kind_plural(trunk.kind)
    };
    let mut text = format!(
        "{} {label}\n{} → {}",
        thousands(trunk.count as usize),
        end(&trunk.from),
        end(&trunk.to)
    );
    gathered_state(
        &mut text,
        (trunk.count, trunk.current, trunk.broken, trunk.worst),
        hide_findings,
    );
    text.push_str("\nzoom in to see them one by one");
    text
}

/// The hover text of links passing through a zoomed-in view, gathered into one stroke.
pub(super) fn passing_tooltip(stroke: &PassingStroke, hide_findings: bool) -> String {
    let mut text = format!(
        "{} {} passing through\ntheir parties are off screen",
        thousands(stroke.count as usize),
        kind_plural(stroke.kind)
    );
    gathered_state(
        &mut text,
        (stroke.count, stroke.current, stroke.broken, stroke.worst),
        hide_findings,
    );
    text.push_str("\nzoom out or pan to follow them");
    text
}

/// What a trunk's or a passing stroke's hover text says of the links it gathers: how many are
/// not in force at the as-of date, and how many are broken (or the worst finding among them).
/// `(count, current, broken, worst)` are the stroke's own counts.
fn gathered_state(
    text: &mut String,
    (count, current, broken, worst): (u32, u32, u32, Option<Severity>),
    hide_findings: bool,
) {
    if current < count {
        text.push_str(&format!(
            "\n{} not in force at the as-of date",
            thousands((count - current) as usize)
        ));
    }
    if !hide_findings {
        if broken > 0 {
            text.push_str(&format!(
                "\n{} {} with a violation",
                severity_symbol(Severity::Violation),
                thousands(broken as usize)
            ));
        } else if let Some(worst) = worst {
            text.push('\n');
            text.push_str(&worst_words(worst));
        }
    }
}

/// The hover text of a far-view mark: the parties gathered in a few pixels.
pub(super) fn mark_tooltip(mark: &Mark, hide_findings: bool) -> String {
    let mut parts = Vec::new();
    if mark.resellers > 0 {
        parts.push(crate::ui::style::count(
            mark.resellers as usize,
            "indirect reseller",
            "indirect resellers",
        ));
    }
    if mark.customers > 0 {
        parts.push(crate::ui::style::count(
            mark.customers as usize,
            "customer",
            "customers",
        ));
    }
    let mut text = format!("{} here", parts.join(" and "));
    if !hide_findings && let Some(worst) = mark.worst {
        text.push_str(&format!(
            "\n{} a {} here or on a link from here",
            severity_symbol(worst),
            match worst {
                Severity::Violation => "violation",
                Severity::Warning => "warning",
                Severity::Note => "note",
            }
        ));
    }
    text.push_str("\nclick or zoom in to see them");
    text
}

/// The hover text of a bundle of links into a collapsed group.
pub(super) fn bundle_tooltip(
    doc: &Document,
    scene: &Scene,
    bundle: &Bundle,
    hide_findings: bool,
) -> String {
    let label = if bundle.count == 1 {
        bundle.kind.label().to_owned()
    } else {
        kind_plural(bundle.kind)
    };
    let mut text = format!(
        "{} {label}\n{} → {}",
        thousands(bundle.count as usize),
        end_name(doc, scene, bundle.from),
        end_name(doc, scene, bundle.to)
    );
    if bundle.current < bundle.count {
        text.push_str(&format!(
            "\n{} not in force at the as-of date",
            thousands((bundle.count - bundle.current) as usize)
        ));
    }
    if !hide_findings && let Some(worst) = bundle.worst {
        text.push('\n');
        text.push_str(&worst_words(worst));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LinkKind;

    /// Gathered links are counted with their thousands separated, as the status bar and the group
    /// badges write them: the fitted c300k said "5987 reseller relationships" beside a badge of
    /// "✖ 4,268 customers".
    #[test]
    fn gathered_counts_separate_their_thousands() {
        let stroke = PassingStroke {
            a: egui::pos2(0.0, 0.0),
            z: egui::pos2(10.0, 0.0),
            kind: LinkKind::Reseller,
            count: 5987,
            broken: 1043,
            current: 4900,
            worst: Some(Severity::Violation),
            single: None,
        };
        let text = passing_tooltip(&stroke, false);
        assert!(
            text.starts_with("5,987 reseller relationships passing through"),
            "{text}"
        );
        assert!(text.contains("\n1,087 not in force"), "{text}");
        assert!(text.contains("✖ 1,043 with a violation"), "{text}");
        // Hidden findings hide the broken count, never the sizes.
        let quiet = passing_tooltip(&stroke, true);
        assert!(
            !quiet.contains("violation") && quiet.contains("1,087"),
            "{quiet}"
        );
    }

    #[test]
    fn an_ended_link_says_when_it_ended_or_ends() {
        let mut s = crate::scenarios::builtin("sample-6-forbidden")
            .expect("built in")
            .load()
            .expect("loads");
        let mut partnership = s
            .link("partnership-adatum-contoso")
            .expect("sample 6 has it")
            .clone();
        partnership.ended = Some("2023-06-01".parse().expect("a date"));
        s.replace_link(partnership).expect("a valid end");
        let doc = Document::new(s.clone());
        let link = doc.scenario().link("partnership-adatum-contoso").unwrap();
        assert!(link_tooltip(&doc, link, true).contains("ended 2023-06-01"));
        s.meta.as_of = Some("2023-01-01".parse().unwrap());
        let doc = Document::new(s);
        let link = doc.scenario().link("partnership-adatum-contoso").unwrap();
        assert!(link_tooltip(&doc, link, true).contains("ends 2023-06-01"));
    }
}
