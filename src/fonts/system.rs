//! System faces for scripts the bundled fonts lack: one regular, upright face per probed script,
//! chosen in an order that does not depend on the folder scan. Must not change the bundled faces.

use super::shape::Face;
use resvg::usvg::fontdb::{self, Database};
use std::sync::{Arc, Mutex};

/// A character from every script the fallback chain looks for on the system (the first system face
/// with a glyph for it joins the chain).
const PROBES: &[(char, &str)] = &[
    ('日', "Han"),
    ('あ', "Japanese kana"),
    ('한', "Hangul"),
    ('ع', "Arabic"),
    ('א', "Hebrew"),
    ('क', "Devanagari"),
    ('ক', "Bengali"),
    ('க', "Tamil"),
    ('ก', "Thai"),
    ('ა', "Georgian"),
    ('Ա', "Armenian"),
    ('አ', "Ethiopic"),
    ('Ж', "Cyrillic"),
    ('Ω', "Greek"),
    ('😀', "emoji"),
];

/// One regular, upright system face per probed script the faces so far lack, loaded into `db`.
/// Prefers sans faces of normal weight; skips monospace faces.
pub(super) fn system_fallbacks(sys: &Database, db: &mut Database, have: &[Face]) -> Vec<Face> {
    let mut wanted: Vec<char> = PROBES
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| !have.iter().any(|f| f.covers(*c)))
        .collect();
    let mut candidates: Vec<&fontdb::FaceInfo> = sys
        .faces()
        .filter(|f| f.style == fontdb::Style::Normal && !f.monospaced)
        .filter(|f| (350..=500).contains(&f.weight.0))
        .collect();
    // Sans before serif, then by name, so the pick does not depend on the folder scan order.
    candidates.sort_by_key(|f| {
        let family = f
            .families
            .first()
            .map(|(n, _)| n.clone())
            .unwrap_or_default();
        (!family.contains("Sans"), family, f.index)
    });
    let mut out = Vec::new();
    for info in candidates {
        if wanted.is_empty() {
            break;
        }
        let covered: Vec<char> = sys
            .with_face_data(info.id, |data, index| {
                let face = ttf_parser_face(data, index)?;
                Some(
                    wanted
                        .iter()
                        .copied()
                        .filter(|c| face.glyph_index(*c).is_some())
                        .collect::<Vec<char>>(),
                )
            })
            .flatten()
            .unwrap_or_default();
        if covered.is_empty() {
            continue;
        }
        let path = match &info.source {
            fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => p.clone(),
            fontdb::Source::Binary(_) => continue,
        };
        // Loaded once per process and kept: the measurer, resvg and egui all read it for the
        // lifetime of the app.
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let data: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        let Some(face) = rustybuzz::Face::from_slice(data, info.index) else {
            continue;
        };
        let ids = db.load_font_source(fontdb::Source::Binary(Arc::new(data)));
        let Some(id) = ids.get(info.index as usize).or(ids.first()).copied() else {
            continue;
        };
        let tables = face.tables();
        let outlines = tables.glyf.is_some() || tables.cff.is_some() || tables.cff2.is_some();
        wanted.retain(|c| !covered.contains(c));
        out.push(Face {
            id,
            face,
            data,
            index: info.index,
            name: format!(
                "{} ({})",
                info.families
                    .first()
                    .map_or("system font", |(n, _)| n.as_str()),
                path.display()
            ),
            outlines,
            system: true,
            plans: Mutex::default(),
        });
    }
    out
}

fn ttf_parser_face(data: &[u8], index: u32) -> Option<rustybuzz::ttf_parser::Face<'_>> {
    rustybuzz::ttf_parser::Face::parse(data, index).ok()
}
