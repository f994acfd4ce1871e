//! How the channel's identities are compared: tenant ids, PartnerIDs and organizations.
//! Owns: the one normalisation every comparison uses. Must not: change a value a party or link
//! holds (only the imports store a GUID in its canonical form, through [`canonical_tenant`]).
//!
//! People type these by hand, spreadsheets keep them as written and Partner Center gives tenant
//! GUIDs in lower case: `Contoso` and `contoso `, or `0A1B…` and `0a1b…`, are one company and one
//! tenant. Every comparison the rules, the scenario's indexes, the imports and `ask` make goes
//! through the keys below, so that one normalisation decides them all (docs/rules-notes.md §17):
//!
//! - **tenant**: trimmed; a GUID (32 hexadecimal digits, with or without the four hyphens, with or
//!   without braces) in its canonical form, lower case with hyphens; any other tenant id (a domain
//!   such as `contoso.onmicrosoft.com`, or a short name in a drawing) trimmed, its inner runs of
//!   white space made one space, and lower-cased;
//! - **organization** and **affiliate group**: trimmed, inner white space made one space,
//!   lower-cased;
//! - **PartnerID**: every white space removed (`123 4567` is `1234567`), lower-cased; an empty one
//!   is no PartnerID.
//!
//! The values themselves are kept as the user wrote them (a name reads as typed); only a GUID is
//! stored canonical by the imports ([`canonical_tenant`]), since its case carries nothing.

use std::borrow::Cow;

/// The canonical form of a GUID (`0a1b2c3d-0000-4000-8000-000000000001`): lower case, with its
/// four hyphens, without braces. `None` when `s` (trimmed) is not a GUID.
pub fn canonical_guid(s: &str) -> Option<String> {
    let t = s.trim();
    let t = t
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(t);
    let hex: Vec<u8> = match t.len() {
        32 => t.bytes().collect(),
        36 => {
            let b = t.as_bytes();
            if [8, 13, 18, 23].iter().any(|&i| b[i] != b'-') {
                return None;
            }
            t.bytes().filter(|c| *c != b'-').collect()
        }
        _ => return None,
    };
    if hex.len() != 32 || !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let lower: String = hex
        .iter()
        .map(|c| char::from(c.to_ascii_lowercase()))
        .collect();
    Some(format!(
        "{}-{}-{}-{}-{}",
        &lower[..8],
        &lower[8..12],
        &lower[12..16],
        &lower[16..20],
        &lower[20..]
    ))
}

/// True when `s` is already what [`fold`] would make of it: no upper case, no white space at the
/// ends, no run of white space inside, ASCII only (the common case, answered without allocating).
fn folded(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut space_before = true;
    for &b in bytes {
        if !b.is_ascii() || b.is_ascii_uppercase() {
            return false;
        }
        let space = b.is_ascii_whitespace();
        if space && (space_before || b != b' ') {
            return false;
        }
        space_before = space;
    }
    !space_before || bytes.is_empty()
}

/// Trimmed, inner white space made one space, lower-cased (Unicode lower case).
fn fold(s: &str) -> Cow<'_, str> {
    if folded(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    Cow::Owned(out)
}

/// The key a tenant id is compared by (see the module documentation).
pub fn tenant_key(tenant: &str) -> Cow<'_, str> {
    let t = tenant.trim();
    // A canonical GUID is its own key; most drawings use short lower-case names, their own keys too.
    let looks_like_guid = matches!(t.len(), 32 | 36 | 38);
    if looks_like_guid && let Some(guid) = canonical_guid(t) {
        return if guid == t {
            Cow::Borrowed(t)
        } else {
            Cow::Owned(guid)
        };
    }
    fold(t)
}

/// The key an organization or affiliate group is compared by (see the module documentation).
pub fn organization_key(organization: &str) -> Cow<'_, str> {
    fold(organization)
}

/// The key a PartnerID is compared by (see the module documentation); empty for a PartnerID that
/// is only white space, which is no PartnerID.
pub fn partner_id_key(partner_id: &str) -> Cow<'_, str> {
    if partner_id
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_whitespace() && !b.is_ascii_uppercase())
    {
        return Cow::Borrowed(partner_id);
    }
    Cow::Owned(
        partner_id
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect(),
    )
}

/// True when two tenant ids name one tenant.
pub fn same_tenant(a: &str, b: &str) -> bool {
    a == b || tenant_key(a) == tenant_key(b)
}

/// True when two organizations (or affiliate groups) name one company.
pub fn same_organization(a: &str, b: &str) -> bool {
    a == b || organization_key(a) == organization_key(b)
}

/// True when two PartnerIDs are one, and not empty.
pub fn same_partner_id(a: &str, b: &str) -> bool {
    let key = partner_id_key(a);
    !key.is_empty() && key == partner_id_key(b)
}

/// A PartnerID as a key, `None` when it is missing or only white space.
pub fn partner_id_of(partner_id: Option<&str>) -> Option<Cow<'_, str>> {
    partner_id.map(partner_id_key).filter(|k| !k.is_empty())
}

/// What the imports store for a tenant id they read: a GUID in its canonical form, anything else
/// trimmed and as written (so a CSV and a Partner Center body give the same text for one tenant).
pub fn canonical_tenant(tenant: &str) -> String {
    canonical_guid(tenant).unwrap_or_else(|| tenant.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_compare_in_any_case_with_or_without_hyphens_and_braces() {
        let canonical = "0a1b2c3d-0000-4000-8000-00000000000f";
        for written in [
            canonical,
            "0A1B2C3D-0000-4000-8000-00000000000F",
            " {0a1b2c3d-0000-4000-8000-00000000000F} ",
            "0a1b2c3d00004000800000000000000f",
        ] {
            assert_eq!(tenant_key(written), canonical, "{written:?}");
            assert_eq!(canonical_tenant(written), canonical);
            assert!(same_tenant(written, canonical));
        }
        assert!(matches!(tenant_key(canonical), Cow::Borrowed(_)));
        assert_eq!(canonical_guid("0a1b2c3d-0000-4000-8000-00000000000g"), None);
        assert_eq!(canonical_guid("0a1b2c3d_0000-4000-8000-00000000000f"), None);
    }

    #[test]
    fn other_tenants_and_organizations_are_trimmed_and_case_folded() {
        assert_eq!(
            tenant_key(" Contoso.OnMicrosoft.com "),
            "contoso.onmicrosoft.com"
        );
        assert!(matches!(tenant_key("contoso"), Cow::Borrowed("contoso")));
        assert!(same_organization("Contoso", "contoso"));
        assert!(same_organization("Contoso  Ltd ", " contoso ltd"));
        assert!(same_organization("Überland", "überland"));
        assert!(!same_organization("Contoso", "Contoso Ltd"));
        assert_eq!(canonical_tenant("  Contoso "), "Contoso");
        assert!(matches!(organization_key("a b"), Cow::Borrowed("a b")));
        assert_eq!(organization_key("a\tb"), "a b");
    }

    #[test]
    fn partner_ids_ignore_white_space_and_an_empty_one_matches_nothing() {
        assert!(same_partner_id("123 4567", "1234567 "));
        assert!(same_partner_id("ab12", "AB12"));
        assert!(!same_partner_id(" ", ""));
        assert_eq!(partner_id_of(Some("  ")), None);
        assert_eq!(partner_id_of(Some(" 12 3")).as_deref(), Some("123"));
    }
}
