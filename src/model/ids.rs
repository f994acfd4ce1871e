//! Stable string ids for parties and links.
//!
//! Saves, CSV files, the CLI and findings all speak in these ids; petgraph indices are an in-memory detail
//! that never leaves a [`crate::model::Scenario`].
//!
//! An id is an interned text ([`super::texts`]): one pointer (8 bytes), `Copy`, equal when the pointers
//! are. A party's id is held by its node, the id map, four index entries, every link that names it and
//! the findings about it; at 300,000 parties and 1,000,000 links the former `Arc<str>` (16 bytes and a
//! reference count written on every clone, a cache miss per id at that size) cost three count bumps per
//! link read and 48 bytes of ids per link (now 24).
//!
//! The text behind an id is never freed (the interner is global and append-only). That is fine here:
//! ids are what saves, imports and edits name, the same channel opened again reuses its texts, and a
//! whole 300k channel's ids are about 50 MB; what a session can leak is bounded by the distinct ids it
//! ever reads, which [`crate::model::limits`] bounds per file. Hashing and ordering stay those of the
//! text (a `HashMap<PartyId, _>` is still looked up by `&str`, and output order is text order).

use super::texts::Text;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::hash::{Hash, Hasher};

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
        pub struct $name(Text);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }

            /// True when both are the same shared text, not only equal texts (interned: the same
            /// as `==`, kept for the callers that state they rely on sharing).
            pub fn shares_text_with(&self, other: &Self) -> bool {
                self.0 == other.0
            }
        }

        /// The text's hash, as `str` hashes it: maps keyed by ids are looked up by `&str`
        /// (`Borrow<str>`), which needs both hashes equal.
        impl Hash for $name {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.as_str().hash(state)
            }
        }

        /// As the text's own debug form, so messages and test failures read as before.
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.as_str()).finish()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(Text::of(&s))
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(Text::of(&s))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.as_str().to_owned()
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                self.as_str()
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str(IdVisitor).map(Self)
            }
        }
    };
}

/// Reads an id (or a [`super::SharedText`]) as text without an intermediate `String` when the
/// format lends it.
pub(super) struct IdVisitor;

impl serde::de::Visitor<'_> for IdVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
        Ok(Text::of(v))
    }
}

string_id!(
    /// The stable id of a party (Microsoft, a partner or a customer), unique within a scenario.
    PartyId
);
string_id!(
    /// The stable id of a link (supply, partnership, reseller, admin or purchase), unique within a scenario.
    LinkId
);

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeSet, HashMap};

    #[test]
    fn an_id_is_one_pointer_and_a_link_carries_three() {
        assert_eq!(std::mem::size_of::<PartyId>(), 8);
        assert_eq!(std::mem::size_of::<LinkId>(), 8);
        assert_eq!(std::mem::size_of::<Option<PartyId>>(), 8);
    }

    #[test]
    fn ids_hash_and_order_as_their_text() {
        // Maps keyed by ids are looked up by `&str` (Borrow<str>): the id's hash must be its text's.
        let mut by_id = HashMap::new();
        for n in 0..1000 {
            by_id.insert(PartyId::from(format!("customer-{n}")), n);
        }
        assert_eq!(by_id.get("customer-417"), Some(&417));
        assert_eq!(by_id.get("customer-1000"), None);
        // Text order, not the order the texts were interned in.
        let ids: BTreeSet<LinkId> = ["zeta", "alpha", "mid"]
            .into_iter()
            .map(LinkId::from)
            .collect();
        let texts: Vec<&str> = ids.iter().map(LinkId::as_str).collect();
        assert_eq!(texts, ["alpha", "mid", "zeta"]);
    }

    #[test]
    fn equal_texts_are_one_id_and_read_as_before() {
        let a = PartyId::from("contoso-ids-test");
        let b = PartyId::from(String::from("contoso-ids-test"));
        assert!(a.shares_text_with(&b));
        assert_eq!(format!("{a:?}"), r#"PartyId("contoso-ids-test")"#);
        assert_eq!(a.to_string(), "contoso-ids-test");
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, r#""contoso-ids-test""#);
        assert_eq!(serde_json::from_str::<PartyId>(&json).unwrap(), a);
    }
}
