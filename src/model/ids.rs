//! Stable string ids for parties and links.
//!
//! Saves, CSV files, the CLI and findings all speak in these ids; petgraph indices are an in-memory detail
//! that never leaves a [`crate::model::Scenario`].
//!
//! An id is a shared, immutable text (`Arc<str>`): a party's id is held by its node, the id map,
//! four index entries, every link that names it and the findings about it, and at 300,000 parties
//! and 1,000,000 links copying it into a `String` each time cost millions of allocations and a
//! few hundred megabytes. The scenario hands every link the very id its parties hold (see
//! `Scenario::add_link`), so an id's text is in memory once; a clone is a reference count.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Arc<str>);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// True when both are the same shared text, not only equal texts.
            pub fn shares_text_with(&self, other: &Self) -> bool {
                Arc::ptr_eq(&self.0, &other.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(Arc::from(s))
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(Arc::from(s))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0.as_ref().to_owned()
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str(IdVisitor).map(Self)
            }
        }
    };
}

/// Reads an id as text without an intermediate `String` when the format lends it.
struct IdVisitor;

impl serde::de::Visitor<'_> for IdVisitor {
    type Value = Arc<str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Arc<str>, E> {
        Ok(Arc::from(v))
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
