//! The texts that many links or parties repeat: a purchase's offer ("Microsoft 365 E3"), the
//! tenant it is provisioned to, the PartnerID on its order line, an admin link's GDAP roles, a
//! party's country (a few dozen across 300,000 parties, a heap copy per party as `String`s), its
//! affiliate group, PartnerID and registration number (a `Party` was 208 bytes, now 144).
//!
//! A channel names a handful of offers and roles across a million links. As `String`s each link
//! held 24 bytes per field and a heap copy of every offer and role it names: at 300,000 parties
//! and 1,000,000 links that was 70 MB of `check`'s 597 MB peak (a `Link` of 152 bytes, now 104)
//! and an allocation per purchase and per role while loading. A [`SharedText`] is the text
//! interned once ([`super::texts`], as party and link ids are): 8 bytes, `Copy`, and it reads as
//! the `str` it holds (`Deref`), so code that read the `String` reads it unchanged.
//!
//! Interned texts are never freed (see [`super::ids`] for why that is bounded); these are few
//! distinct texts repeated many times, which is what an interner is for.

use super::texts::Text;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::hash::{Hash, Hasher};

/// A text many links may hold the same of (an offer, a tenant, a PartnerID, a GDAP role), held
/// once for the process: equal texts are one entry, compared by pointer.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SharedText(Text);

impl SharedText {
    /// The text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// Reads as its text: `link.offer.as_deref()`, `role.eq_ignore_ascii_case(..)` and the like work
/// as they did on a `String`.
impl std::ops::Deref for SharedText {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for SharedText {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

/// The text's hash, as `str` hashes it (`Borrow<str>` needs both equal).
impl Hash for SharedText {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

/// As a `String`'s debug form, so messages and test failures read as before.
impl fmt::Debug for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for SharedText {
    fn from(s: &str) -> Self {
        SharedText(Text::of(s))
    }
}

impl From<String> for SharedText {
    fn from(s: String) -> Self {
        SharedText(Text::of(&s))
    }
}

impl From<&String> for SharedText {
    fn from(s: &String) -> Self {
        SharedText(Text::of(s))
    }
}

impl From<SharedText> for String {
    fn from(text: SharedText) -> String {
        text.as_str().to_owned()
    }
}

impl PartialEq<str> for SharedText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for SharedText {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl Serialize for SharedText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SharedText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_str(super::ids::IdVisitor)
            .map(SharedText)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Equal texts are one entry however they come (a `&str`, a `String`, a file), and the text
    /// reads, orders, hashes and prints as the `String` it replaces.
    #[test]
    fn a_shared_text_is_one_pointer_and_reads_as_its_string() {
        assert_eq!(std::mem::size_of::<SharedText>(), 8);
        assert_eq!(std::mem::size_of::<Option<SharedText>>(), 8);
        // A link's offer, tenant and PartnerID on record take 8 bytes each, not 24.
        assert_eq!(std::mem::size_of::<super::super::Link>(), 104);
        // A party's country, affiliate group, PartnerID and registration number likewise.
        assert_eq!(std::mem::size_of::<super::super::Party>(), 144);
        let a = SharedText::from("Microsoft 365 E3");
        let b = SharedText::from(String::from("Microsoft 365 E3"));
        assert!(std::ptr::eq(a.as_str(), b.as_str()), "one entry");
        assert_eq!(a, b);
        assert_eq!(a, "Microsoft 365 E3");
        assert_eq!(&*a, "Microsoft 365 E3");
        assert_eq!(format!("{a:?}"), format!("{:?}", "Microsoft 365 E3"));
        assert_eq!(a.to_string(), "Microsoft 365 E3");
        let mut sorted = ["b", "B", "a", ""].map(SharedText::from);
        sorted.sort();
        assert_eq!(sorted, ["", "B", "a", "b"]);
        let set: std::collections::HashSet<SharedText> = [a, b].into_iter().collect();
        assert!(set.contains("Microsoft 365 E3"));
        let json = serde_json::to_string(&Some(a)).unwrap();
        assert_eq!(json, r#""Microsoft 365 E3""#);
        assert_eq!(serde_json::from_str::<SharedText>(&json).unwrap(), a);
        let ron: SharedText = ron::from_str(r#""Azure plan""#).unwrap();
        assert_eq!(ron, "Azure plan");
    }
}
