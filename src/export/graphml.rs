//! GraphML with every party and link attribute as a typed key, for yEd, Gephi and other tools.

use super::Sheet;
use super::sanitize::xml as escape;
use std::fmt::Write as _;

const PARTY_KEYS: &[(&str, &str)] = &[
    ("kind", "string"),
    ("name", "string"),
    ("country", "string"),
    ("region", "string"),
    ("organization", "string"),
    ("affiliate_group", "string"),
    ("tenant", "string"),
    ("tenant_type", "string"),
    ("mpa_signed", "string"),
    ("onboarded", "boolean"),
    ("enrolled", "boolean"),
    ("restricted_since", "string"),
    ("mca_accepted", "string"),
    ("x", "double"),
    ("y", "double"),
    ("worst_severity", "string"),
    ("rules", "string"),
];
const LINK_KEYS: &[(&str, &str)] = &[
    ("kind", "string"),
    ("date", "string"),
    ("status", "string"),
    ("offer", "string"),
    ("publisher", "string"),
    ("tenant", "string"),
    ("via", "string"),
    ("roles", "string"),
    ("duration_days", "int"),
    ("auto_extend", "boolean"),
    ("exists_as_of", "boolean"),
    ("worst_severity", "string"),
    ("rules", "string"),
];

fn data(out: &mut String, prefix: &str, key: &str, value: Option<String>) {
    if let Some(v) = value {
        let _ = writeln!(
            out,
            "      <data key=\"{prefix}_{key}\">{}</data>",
            escape(&v)
        );
    }
}

pub(crate) fn render(sheet: &Sheet) -> String {
    let s = sheet.scenario;
    let positions = crate::layout::effective_positions(s);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    for (key, ty) in PARTY_KEYS {
        let _ = writeln!(
            out,
            "  <key id=\"p_{key}\" for=\"node\" attr.name=\"{key}\" attr.type=\"{ty}\"/>"
        );
    }
    for (key, ty) in LINK_KEYS {
        let _ = writeln!(
            out,
            "  <key id=\"l_{key}\" for=\"edge\" attr.name=\"{key}\" attr.type=\"{ty}\"/>"
        );
    }
    let _ = writeln!(
        out,
        "  <graph id=\"{}\" edgedefault=\"directed\">",
        super::sanitize::name_token(&s.meta.title)
    );
    let _ = writeln!(
        out,
        "    <desc>{} (checked as of {})</desc>",
        escape(s.meta.description.as_str()),
        sheet.as_of
    );
    for p in s.parties() {
        let _ = writeln!(out, "    <node id=\"{}\">", escape(p.id.as_str()));
        let findings = sheet.checker.for_party(p.id.as_str());
        let pos = positions.get(&p.id);
        let region = p
            .country
            .as_deref()
            .and_then(|c| crate::model::markets().region_of(c))
            .map(|r| r.id.clone());
        for (key, value) in [
            ("kind", Some(p.kind.key().to_owned())),
            ("name", Some(p.name.clone())),
            ("country", p.country.clone()),
            ("region", region),
            ("organization", Some(p.organization.clone())),
            ("affiliate_group", p.affiliate_group.clone()),
            ("tenant", Some(p.tenant.clone())),
            ("tenant_type", Some(p.tenant_type.key().to_owned())),
            ("mpa_signed", p.mpa_signed.map(|d| d.to_string())),
            ("onboarded", Some(p.onboarded.to_string())),
            ("enrolled", Some(p.enrolled.to_string())),
            (
                "restricted_since",
                p.restricted_since.map(|d| d.to_string()),
            ),
            ("mca_accepted", p.mca_accepted.map(|d| d.to_string())),
            ("x", pos.map(|p| p.x.to_string())),
            ("y", pos.map(|p| p.y.to_string())),
            (
                "worst_severity",
                findings
                    .iter()
                    .map(|f| f.severity)
                    .max()
                    .map(|s| s.key().to_owned()),
            ),
            (
                "rules",
                (!findings.is_empty()).then(|| {
                    findings
                        .iter()
                        .map(|f| f.rule.key())
                        .collect::<Vec<_>>()
                        .join(" ")
                }),
            ),
        ] {
            data(&mut out, "p", key, value);
        }
        out.push_str("    </node>\n");
    }
    for l in s.links() {
        let _ = writeln!(
            out,
            "    <edge id=\"{}\" source=\"{}\" target=\"{}\">",
            escape(l.id.as_str()),
            escape(l.from.as_str()),
            escape(l.to.as_str())
        );
        let findings = sheet.checker.for_link(l.id.as_str());
        for (key, value) in [
            ("kind", Some(l.kind.key().to_owned())),
            ("date", Some(l.date.to_string())),
            ("status", Some(l.status.key().to_owned())),
            ("offer", l.offer.clone()),
            ("publisher", Some(l.publisher.key().to_owned())),
            ("tenant", l.tenant.clone()),
            ("via", l.via.as_ref().map(|v| v.to_string())),
            ("roles", (!l.roles.is_empty()).then(|| l.roles.join(";"))),
            ("duration_days", l.duration_days.map(|d| d.to_string())),
            ("auto_extend", Some(l.auto_extend.to_string())),
            ("exists_as_of", Some(l.exists_at(sheet.as_of).to_string())),
            (
                "worst_severity",
                findings
                    .iter()
                    .map(|f| f.severity)
                    .max()
                    .map(|s| s.key().to_owned()),
            ),
            (
                "rules",
                (!findings.is_empty()).then(|| {
                    findings
                        .iter()
                        .map(|f| f.rule.key())
                        .collect::<Vec<_>>()
                        .join(" ")
                }),
            ),
        ] {
            data(&mut out, "l", key, value);
        }
        out.push_str("    </edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}
