//! Slides without collisions: the exported SVG is parsed and laid out by usvg with the fonts resvg
//! draws it with, every text, callout, party shape and legend swatch is boxed, and no two boxes may
//! overlap — on every built-in scenario, a 60-party channel and names in several scripts.

use csp_explorer::export::{ExportFormat, ExportOptions, export};
use csp_explorer::fonts::Fonts;
use csp_explorer::model::{Party, PartyKind, Scenario};
use csp_explorer::scenarios::{BUILTIN, builtin, synthetic};
use resvg::{tiny_skia, usvg};

/// A box with what it is, for the failure message.
struct Boxed {
    what: String,
    rect: tiny_skia::Rect,
}

fn collect(group: &usvg::Group, out: &mut Vec<Boxed>) {
    for node in group.children() {
        match node {
            usvg::Node::Group(g) => {
                let id = g.id();
                if ["shape-", "swatch-", "callout-"]
                    .iter()
                    .any(|p| id.starts_with(p))
                {
                    out.push(Boxed {
                        what: id.to_owned(),
                        rect: g.abs_bounding_box(),
                    });
                } else {
                    collect(g, out);
                }
            }
            // A party's shape is the element itself (Microsoft's, with its logo, a group).
            usvg::Node::Path(p) if p.id().starts_with("shape-") => {
                out.push(Boxed {
                    what: p.id().to_owned(),
                    rect: p.abs_bounding_box(),
                });
            }
            usvg::Node::Text(t) => {
                let text: String = t.chunks().iter().map(|c| c.text()).collect();
                out.push(Boxed {
                    what: format!("text {text:?}"),
                    rect: t.abs_bounding_box(),
                });
            }
            _ => {}
        }
    }
}

/// Every pair of overlapping boxes (touching within half a pixel is allowed).
fn overlaps(svg: &str) -> Vec<String> {
    let tree = usvg::Tree::from_str(svg, &Fonts::shared().usvg_options()).expect("usvg parses");
    let mut boxes = Vec::new();
    collect(tree.root(), &mut boxes);
    assert!(boxes.len() > 10, "boxes found: {}", boxes.len());
    let mut out = Vec::new();
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let (ra, rb) = (a.rect, b.rect);
            let w = ra.right().min(rb.right()) - ra.left().max(rb.left());
            let h = ra.bottom().min(rb.bottom()) - ra.top().max(rb.top());
            if w > 0.5 && h > 0.5 {
                out.push(format!("{} {:?} × {} {:?}", a.what, ra, b.what, rb));
            }
        }
    }
    out
}

fn svg(s: &Scenario) -> String {
    String::from_utf8(export(s, ExportFormat::Svg, &ExportOptions::default()).expect("exports"))
        .expect("utf-8")
}

#[test]
fn no_label_marker_shape_or_legend_overlaps_on_any_builtin_scenario() {
    for b in BUILTIN {
        let s = b.load().expect("loads");
        let found = overlaps(&svg(&s));
        assert!(found.is_empty(), "{}: {:#?}", b.slug, found);
    }
}

#[test]
fn no_overlaps_on_a_sixty_party_channel() {
    let s = synthetic(60);
    assert!(s.party_count() >= 60);
    let found = overlaps(&svg(&s));
    assert!(found.is_empty(), "{found:#?}");
}

/// Sample 7 with Japanese, Arabic, German and over-long names.
fn international() -> Scenario {
    let mut s = builtin("sample-7-forbidden")
        .and_then(|b| b.load().ok())
        .expect("sample 7 loads");
    let names = [
        "東京ソフトウェア株式会社",
        "شركة القاهرة للحلول السحابية",
        "Müller & Söhne Cloud-Vertriebsgesellschaft mit beschränkter Haftung",
        "Αθήνα Cloud 🚀",
    ];
    let ids: Vec<String> = s
        .parties()
        .filter(|p| p.kind != PartyKind::Microsoft)
        .map(|p| p.id.to_string())
        .collect();
    for (id, name) in ids.iter().zip(names) {
        let mut p: Party = s.party(id).cloned().expect("party");
        p.name = name.to_owned();
        s.replace_party(p).expect("replace");
    }
    s
}

#[test]
fn long_and_foreign_names_are_wrapped_with_the_full_name_in_a_title_and_do_not_collide() {
    let s = international();
    let text = svg(&s);
    let found = overlaps(&text);
    assert!(found.is_empty(), "{found:#?}");
    let doc = roxmltree::Document::parse(&text).expect("well-formed");
    let long = "Müller & Söhne Cloud-Vertriebsgesellschaft mit beschränkter Haftung";
    let party = doc
        .descendants()
        .find(|n| {
            n.attribute("id").is_some_and(|id| id.starts_with("party-"))
                && n.children()
                    .any(|c| c.has_tag_name("title") && c.text().is_some_and(|t| t.contains(long)))
        })
        .expect("the full name is in the party's tooltip");
    let lines: Vec<&str> = party
        .children()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        !lines.iter().any(|l| l.contains(long)),
        "wrapped, not drawn whole: {lines:?}"
    );
    assert!(lines.iter().any(|l| l.ends_with('…')), "{lines:?}");
}

#[test]
fn the_png_draws_the_microsoft_logo_and_real_bold() {
    let s = builtin("sample-1")
        .and_then(|b| b.load().ok())
        .expect("sample 1");
    let png = export(&s, ExportFormat::Png, &ExportOptions::default()).expect("renders");
    let pixmap = tiny_skia::Pixmap::decode_png(&png).expect("decodes");
    let count = |r: u8, g: u8, b: u8| {
        pixmap
            .pixels()
            .iter()
            .filter(|p| {
                p.red().abs_diff(r) < 8 && p.green().abs_diff(g) < 8 && p.blue().abs_diff(b) < 8
            })
            .count()
    };
    // The logo's four colours (the legend's small Microsoft square has them too).
    for (r, g, b) in [(242, 80, 34), (127, 186, 0), (0, 164, 239), (255, 185, 0)] {
        assert!(
            count(r, g, b) > 30,
            "logo colour {r},{g},{b}: {}",
            count(r, g, b)
        );
    }
    // Bold is a bold face: the same word in bold is wider than in regular.
    let fonts = Fonts::shared();
    let word = "Microsoft";
    assert!(
        fonts.width(word, csp_explorer::fonts::TextStyle::bold(15.0))
            > 1.1 * fonts.width(word, csp_explorer::fonts::TextStyle::regular(15.0))
    );
    let svg = svg(&s);
    assert!(
        svg.contains(r#"font-family="DejaVu Sans"#),
        "bold text names the bold family"
    );
}

#[test]
fn measured_widths_are_what_resvg_draws() {
    use csp_explorer::fonts::{SVG_BOLD, SVG_REGULAR, TextStyle};
    let fonts = Fonts::shared();
    for text in [
        "Contoso Deutschland",
        "WWW iii",
        "Müller &amp; Söhne",
        "شركة القاهرة",
        "Αθήνα Москва",
        "Cloud 🚀 ☁",
        "東京ソフト Tokyo",
    ] {
        for style in [TextStyle::regular(15.0), TextStyle::bold(15.0)] {
            let (family, weight) = if style.bold {
                (SVG_BOLD, "bold")
            } else {
                (SVG_REGULAR, "normal")
            };
            let svg = format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="600" height="100"><text x="10" y="50" font-family="{family}" font-weight="{weight}" font-size="15">{text}</text></svg>"#
            );
            let tree = usvg::Tree::from_str(&svg, &fonts.usvg_options()).expect("parses");
            let mut boxes = Vec::new();
            collect(tree.root(), &mut boxes);
            assert_eq!(boxes.len(), 1, "{text}");
            let drawn = boxes[0].rect;
            let measured = fonts.measure(&text.replace("&amp;", "&"), style);
            // Within a pixel, or 2 % where a bold base falls back to a regular CJK face (the
            // layout keeps 3 px of room on each side of every label).
            assert!(
                (drawn.width() - measured.width).abs() < (0.02 * drawn.width()).max(1.0),
                "{text} {style:?}: drawn {} measured {}",
                drawn.width(),
                measured.width
            );
            assert!(
                (drawn.height() - measured.height()).abs() < 1.0,
                "{text} {style:?}: drawn {} measured {}",
                drawn.height(),
                measured.height()
            );
        }
    }
}

/// The numbers of a slide: those of the findings list (first lines, not indented) and the runs the
/// callouts on the links carry ("3" or "3–4").
fn numbering(svg: &str) -> (Vec<usize>, Vec<(usize, usize)>) {
    let doc = roxmltree::Document::parse(svg).expect("well-formed");
    let list: Vec<(f64, &str)> = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("findings"))
        .map(|g| {
            g.children()
                .filter(|n| n.has_tag_name("text"))
                .filter_map(|n| Some((n.attribute("x")?.parse().ok()?, n.text()?)))
                .collect()
        })
        .unwrap_or_default();
    let left = list.iter().map(|(x, _)| *x).fold(f64::INFINITY, f64::min);
    let listed = list
        .iter()
        .filter(|(x, _)| *x == left)
        .filter_map(|(_, line)| line.split_once(". ")?.0.parse().ok())
        .collect();
    let mut runs: Vec<(usize, usize)> = doc
        .descendants()
        .filter(|n| {
            n.attribute("id")
                .is_some_and(|id| id.starts_with("callout-"))
        })
        .map(|g| {
            let text = g
                .children()
                .find(|n| n.has_tag_name("text"))
                .and_then(|t| t.text())
                .expect("a callout has its number");
            let (a, b) = text.split_once('–').unwrap_or((text, text));
            (a.parse().expect("a number"), b.parse().expect("a number"))
        })
        .collect();
    runs.sort();
    (listed, runs)
}

#[test]
fn every_finding_on_a_slide_has_a_number_of_its_own_and_a_links_callout_names_its_run() {
    let (mut runs_seen, mut bullets_seen) = (0, 0);
    for b in BUILTIN {
        let s = b.load().expect("loads");
        let svg = svg(&s);
        // A finding without a number (a note about a party) is a bullet, not "•.".
        assert!(
            !svg.contains(">•."),
            "{}: a bullet with a full stop",
            b.slug
        );
        bullets_seen += svg.matches(">• ").count();
        let (listed, runs) = numbering(&svg);
        // The list counts 1, 2, 3…: no number twice (it read "1., 1., 2." before).
        let expected: Vec<usize> = (1..=listed.len()).collect();
        assert_eq!(listed, expected, "{}: the list's numbers", b.slug);
        // The callouts' runs cover exactly those numbers, each once, in order along the list.
        let mut next = 1;
        for (first, last) in &runs {
            assert_eq!(*first, next, "{}: callouts {runs:?}", b.slug);
            assert!(last >= first, "{}: callouts {runs:?}", b.slug);
            next = last + 1;
        }
        assert_eq!(next, listed.len() + 1, "{}: callouts {runs:?}", b.slug);
        runs_seen += runs.iter().filter(|(a, b)| b > a).count();
    }
    assert!(
        runs_seen > 0,
        "some built-in scenario has a link with several findings"
    );
    assert!(
        bullets_seen > 0,
        "some built-in scenario lists an unnumbered finding"
    );
}

/// The texts of the findings list, in order, with their x.
fn list_texts(svg: &str) -> Vec<(f64, String)> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed");
    doc.descendants()
        .find(|n| n.attribute("id") == Some("findings"))
        .map(|g| {
            g.children()
                .filter(|n| n.has_tag_name("text"))
                .filter_map(|n| Some((n.attribute("x")?.parse().ok()?, n.text()?.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

/// A channel with hundreds of findings: many customers break a rule.
fn troubled() -> Scenario {
    csp_explorer::generate::generate(&csp_explorer::generate::GenerateOptions {
        providers: 3,
        resellers: 20,
        direct_bill: 2,
        customers: 160,
        seed: 3,
        break_rate: 0.3,
    })
    .expect("valid options")
}

/// Above 30 findings a slide lists them by rule: how many of each, the first few with their numbers,
/// the fix, and where the full list is; the callouts keep their numbers on the drawing, and the
/// handout and the data exports carry the same numbers for the same findings.
#[test]
fn many_findings_are_summarised_by_rule_with_the_numbers_the_handout_carries() {
    use csp_explorer::rules::Checker;
    let s = troubled();
    let all = Checker::new(&s).sorted();
    assert!(all.len() > 100, "{} findings", all.len());
    let text = svg(&s);
    let list = list_texts(&text);
    assert_eq!(
        list[0].1,
        format!("Findings by rule ({} in all)", all.len()),
        "the heading"
    );
    assert!(
        list.len() < all.len() / 2,
        "a summary: {} lines",
        list.len()
    );
    // Every rule that found something, per severity (a rule can warn of some cases and forbid
    // others), with its count, worst first.
    let mut per_rule: std::collections::BTreeMap<(&str, String), usize> = Default::default();
    for f in &all {
        *per_rule
            .entry((f.info().title, f.severity.to_string()))
            .or_default() += 1;
    }
    let mut heads = Vec::new();
    for ((title, severity), n) in &per_rule {
        let noun = if *n == 1 { "finding" } else { "findings" };
        let head = format!("{title} ({severity}): {n} {noun}");
        let at = list.iter().position(|(_, t)| *t == head);
        heads.push((
            at.unwrap_or_else(|| panic!("{head} in {list:#?}")),
            severity.clone(),
        ));
    }
    heads.sort();
    let rank = |s: &str| {
        ["violation", "warning", "note"]
            .iter()
            .position(|k| *k == s)
    };
    assert!(
        heads.windows(2).all(|w| rank(&w[0].1) <= rank(&w[1].1)),
        "worst first: {heads:?}"
    );
    assert!(
        list.last()
            .is_some_and(|(_, t)| t.contains("numbered as on the drawing")),
        "{list:#?}"
    );
    // The callouts still number every numbered finding, 1 to n.
    let (_, runs) = numbering(&text);
    let numbered = runs.last().map_or(0, |r| r.1);
    assert!(numbered > 30, "{numbered} numbered findings");
    let mut next = 1;
    for (first, last) in &runs {
        assert_eq!(*first, next, "callouts {runs:?}");
        next = last + 1;
    }
    // Each example's number is that finding's number in the handout, the CSV and the JSON.
    let md = String::from_utf8(
        export(&s, ExportFormat::Markdown, &ExportOptions::default()).expect("exports"),
    )
    .expect("utf-8");
    let json: serde_json::Value = serde_json::from_slice(
        &export(&s, ExportFormat::Json, &ExportOptions::default()).expect("exports"),
    )
    .expect("json");
    let csv_bytes = export(&s, ExportFormat::Csv, &ExportOptions::default()).expect("exports");
    let mut csv = csv::Reader::from_reader(csv_bytes.as_slice());
    let header = csv.headers().expect("a header").clone();
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (number_at, message_at) = (column("number"), column("message"));
    let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.expect("a row")).collect();
    let mut examples = 0;
    let mut rule = String::new();
    for (_, line) in &list[1..] {
        if let Some((title, severity)) = line.split_once(" (") {
            let severity = severity.split_once(')').map_or("", |(s, _)| s);
            if per_rule.contains_key(&(title, severity.to_owned())) {
                rule = title.to_owned();
                continue;
            }
        }
        let Some((n, message)) = line.split_once(". ") else {
            continue;
        };
        let Ok(n) = n.parse::<usize>() else {
            continue;
        };
        examples += 1;
        assert!(
            md.contains(&format!("### {n}. {rule} (")),
            "{n}. {rule} in the handout"
        );
        let message = message.trim_end_matches('…');
        let row = rows
            .iter()
            .find(|r| r[number_at] == n.to_string())
            .unwrap_or_else(|| panic!("number {n} in the CSV"));
        // The slide may add the link's name to words another finding repeats, or shorten them.
        let same = |full: &str| full.starts_with(message) || message.starts_with(full);
        assert!(same(&row[message_at]), "{n}: {message}");
        let finding = json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["number"] == n)
            .unwrap_or_else(|| panic!("number {n} in the JSON"));
        assert!(same(finding["message"].as_str().unwrap()), "{n}");
    }
    assert!(examples >= 3, "{examples} numbered examples");

    // All of them on request; none on request (the callouts stay).
    let all_listed = |choice| {
        let options = ExportOptions {
            findings: choice,
            ..ExportOptions::default()
        };
        String::from_utf8(export(&s, ExportFormat::Svg, &options).expect("exports")).unwrap()
    };
    let full = all_listed(csp_explorer::export::FindingsList::All);
    assert!(list_texts(&full).len() > all.len());
    let bare = all_listed(csp_explorer::export::FindingsList::None);
    assert!(list_texts(&bare).is_empty());
    assert_eq!(numbering(&bare).1, runs, "the callouts stay");
}

/// The texts inside the group with `id`, excluding the callouts' numbers.
fn texts_in(svg: &str, id: &str) -> usize {
    let doc = roxmltree::Document::parse(svg).expect("well-formed");
    doc.descendants()
        .find(|n| n.attribute("id") == Some(id))
        .map_or(0, |g| {
            g.descendants()
                .filter(|n| n.has_tag_name("text"))
                .filter(|n| {
                    !n.ancestors()
                        .any(|a| a.attribute("id").is_some_and(|i| i.starts_with("callout-")))
                })
                .count()
        })
}

/// `--detail` leaves out the labels a small picture cannot show: kinds at `names`, names too at
/// `shapes`; the shapes and callouts stay.
#[test]
fn the_level_of_detail_leaves_out_kind_labels_then_names() {
    use csp_explorer::export::Detail;
    let s = builtin("sample-7-forbidden")
        .and_then(|b| b.load().ok())
        .expect("sample 7 loads");
    let at = |detail| {
        let options = ExportOptions {
            detail,
            ..ExportOptions::default()
        };
        String::from_utf8(export(&s, ExportFormat::Svg, &options).expect("exports")).unwrap()
    };
    let (full, names, shapes) = (at(Detail::Full), at(Detail::Names), at(Detail::Shapes));
    assert_eq!(at(Detail::Auto), full, "an SVG shows everything by default");
    assert!(texts_in(&full, "parties") >= s.party_count());
    assert!(texts_in(&full, "link-labels") > 0);
    assert_eq!(texts_in(&names, "parties"), texts_in(&full, "parties"));
    assert_eq!(texts_in(&names, "link-labels"), 0);
    assert_eq!(texts_in(&shapes, "parties"), 0);
    assert_eq!(texts_in(&shapes, "link-labels"), 0);
    for svg in [&names, &shapes] {
        assert_eq!(numbering(svg), numbering(&full), "the callouts stay");
        assert_eq!(svg.matches("id=\"shape-").count(), s.party_count());
    }
}

/// A partner without the MPA that sells two offers to one customer on one day breaks both sales in
/// the same words: the list names each link ("Fabrikam → Northwind, purchase of …") rather than
/// reading the same sentence twice.
#[test]
fn repeated_findings_name_their_link() {
    let mut s = builtin("sample-1")
        .and_then(|b| b.load().ok())
        .expect("sample-1 loads");
    let mut fabrikam = s.party("fabrikam").cloned().expect("fabrikam");
    fabrikam.mpa_signed = None;
    s.replace_party(fabrikam).expect("replace");
    let mut teams = s
        .link("purchase-northwind-m365")
        .cloned()
        .expect("the M365 sale");
    teams.id = "purchase-northwind-teams".into();
    teams.offer = Some("Teams Essentials".into());
    s.add_link(teams).expect("a second sale");
    let list = list_texts(&svg(&s));
    // An entry: its first line (at the margin, its marker dropped) and the indented lines below it.
    let mut entries: Vec<String> = Vec::new();
    for (x, line) in &list[1..] {
        if *x < 71.0 {
            let text = line.split_once(' ').map_or(line.as_str(), |(_, t)| t);
            entries.push(text.to_owned());
        } else if let Some(last) = entries.last_mut() {
            last.push(' ');
            last.push_str(line);
        }
    }
    let named: Vec<&String> = entries.iter().filter(|e| e.contains(" → ")).collect();
    assert_eq!(named.len(), 2, "{entries:#?}");
    assert!(
        named
            .iter()
            .any(|e| e.contains("purchase of Teams Essentials")),
        "{named:#?}"
    );
    let mut seen = std::collections::HashSet::new();
    for entry in &entries {
        assert!(seen.insert(entry), "said twice: {entry}");
    }
}

/// `--text-as-paths`: no text is left to a renderer's fonts. Drawn with no font at all, the slide
/// looks as csp-explorer draws it; the plain SVG drawn so loses its words.
#[test]
fn a_slide_with_text_as_paths_needs_no_fonts() {
    let s = builtin("sample-1")
        .and_then(|b| b.load().ok())
        .expect("sample 1");
    let options = ExportOptions {
        text_as_paths: true,
        ..ExportOptions::default()
    };
    let outlined =
        String::from_utf8(export(&s, ExportFormat::Svg, &options).expect("exports")).unwrap();
    assert!(!outlined.contains("<text"), "no text element left");
    let plain = svg(&s);
    let draw = |svg: &str, options: &usvg::Options| {
        let tree = usvg::Tree::from_str(svg, options).expect("parses");
        let size = tree.size().to_int_size();
        let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).expect("a pixmap");
        pixmap.fill(tiny_skia::Color::WHITE);
        resvg::render(
            &tree,
            tiny_skia::Transform::identity(),
            &mut pixmap.as_mut(),
        );
        pixmap
    };
    let no_fonts = usvg::Options::default();
    let reference = draw(&plain, &Fonts::shared().usvg_options());
    let differing = |other: &tiny_skia::Pixmap| {
        assert_eq!(other.width(), reference.width());
        reference
            .pixels()
            .iter()
            .zip(other.pixels())
            .filter(|(a, b)| {
                a.red().abs_diff(b.red()) > 64
                    || a.green().abs_diff(b.green()) > 64
                    || a.blue().abs_diff(b.blue()) > 64
            })
            .count()
    };
    let total = reference.pixels().len();
    let with_paths = differing(&draw(&outlined, &no_fonts));
    let without = differing(&draw(&plain, &no_fonts));
    assert!(
        with_paths * 1000 < total,
        "{with_paths} of {total} pixels differ"
    );
    assert!(
        without > 20 * with_paths.max(50),
        "the words need fonts: {without}"
    );
}
