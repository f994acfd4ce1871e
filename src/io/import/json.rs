//! Owns: reading JSON text into a [`serde_json::Value`] with memory bounded by its content, counted
//! as it is parsed. Must not: know what the JSON means (`partner_center/` does).
//!
//! A parsed value costs far more than its text: 32 bytes a value, and a B-tree node of 632 bytes
//! for even the smallest object. So `[0,0,0,…]` takes sixteen times its size and `[{"a":{}},…]`
//! nearly a hundred: a 100 MB file would need gigabytes before anything could say it is not a
//! Partner Center body. Here every value is charged, as it is built, what it allocates, against
//! [`MEMORY_PER_BYTE`] times the JSON read so far (plus [`MEMORY_FLOOR`]): a file of tiny values is
//! refused within its first megabytes, and a real one (mostly text) reads at about twelve times its
//! content. The count of values stops at [`MAX_JSON_VALUES`] too.

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::cell::Cell;
use std::fmt;

/// The most values (objects, arrays, strings, numbers…) a JSON file may hold: Partner Center's
/// customers body takes about 17 a customer, so this is close to a million customers.
pub const MAX_JSON_VALUES: usize = 16_000_000;

/// The most memory a parsed JSON value may take for each byte of its content (its text without the
/// white space between values): a Partner Center body takes about 12 (its objects are small, and
/// each costs a B-tree node); arrays of numbers or empty objects take 16 to 100.
pub const MEMORY_PER_BYTE: usize = 24;

/// Memory every JSON may take whatever its size: a small file of small objects is never refused.
/// (With the rest it bounds the text and the tree of a 100 MB file of tiny values to under 200 MB.)
pub const MEMORY_FLOOR: usize = 16 << 20;

/// Why JSON text was not read.
#[derive(Debug)]
pub enum JsonRefused {
    /// It is not JSON (serde_json says where and why).
    Syntax(serde_json::Error),
    /// Reading it would take more memory than its content allows, or more values than
    /// [`MAX_JSON_VALUES`]: the message says which, at what line and column reading stopped.
    TooLarge {
        line: usize,
        column: usize,
        message: String,
    },
}

/// Parses JSON text, refusing it as soon as it outgrows its budget (see the module's notes).
pub fn parse(text: &str) -> Result<Value, JsonRefused> {
    let budget = Budget::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = Counted(&budget)
        .deserialize(&mut de)
        .and_then(|value| de.end().map(|()| value));
    match (parsed, budget.refusal.take()) {
        (Err(e), Some(message)) => Err(JsonRefused::TooLarge {
            line: e.line(),
            column: e.column(),
            message,
        }),
        (Err(e), None) => Err(JsonRefused::Syntax(e)),
        (Ok(value), _) => Ok(value),
    }
}

/// What the value parsed so far takes, and what of the text it was parsed from.
#[derive(Default)]
struct Budget {
    /// Bytes allocated for the values (their slots, strings and nodes).
    memory: Cell<usize>,
    /// Bytes of the text they were read from, white space left out (a lower bound).
    content: Cell<usize>,
    values: Cell<usize>,
    /// Set when the budget ran out: the error serde_json returns is then this.
    refusal: Cell<Option<String>>,
}

/// The memory of a map with its first entries: one B-tree leaf (11 keys and values, and links).
const MAP_NODE: usize = 632;
/// Each entry past the first node's: its key and value slots in nodes about two-thirds full.
const MAP_ENTRY: usize = 88;
const VALUE: usize = std::mem::size_of::<Value>();

impl Budget {
    /// Charges a value: what it allocates and the bytes of text it was read from.
    fn charge<E: serde::de::Error>(&self, memory: usize, content: usize) -> Result<(), E> {
        self.content.set(self.content.get().saturating_add(content));
        self.values.set(self.values.get() + 1);
        self.allocate(memory)
    }

    /// Charges memory about to be allocated, refusing it beyond the budget (before it is).
    fn allocate<E: serde::de::Error>(&self, memory: usize) -> Result<(), E> {
        self.memory.set(self.memory.get().saturating_add(memory));
        let allowed = self
            .content
            .get()
            .saturating_mul(MEMORY_PER_BYTE)
            .saturating_add(MEMORY_FLOOR);
        let message = if self.values.get() > MAX_JSON_VALUES {
            format!(
                "JSON of more than {} values; csp-explorer reads at most that many (about a \
                 million Partner Center customers): is this the right file?",
                crate::text::thousands(MAX_JSON_VALUES)
            )
        } else if self.memory.get() > allowed {
            format!(
                "JSON of tiny values that would take more than {MEMORY_PER_BYTE} times its size \
                 in memory ({} MB for its first {} MB); Partner Center bodies are mostly text: is \
                 this the right file?",
                crate::text::thousands(self.memory.get() >> 20),
                crate::text::thousands(self.content.get().div_ceil(1 << 20))
            )
        } else {
            return Ok(());
        };
        self.refusal.set(Some(message));
        Err(E::custom("the JSON outgrew its budget"))
    }

    /// Charges the growth of an array about to take one more value (a `Vec` doubles), before it
    /// grows.
    fn grow<E: serde::de::Error>(&self, items: &Vec<Value>) -> Result<(), E> {
        if items.len() < items.capacity() {
            return Ok(());
        }
        self.allocate(items.capacity().max(4) * VALUE)
    }
}

/// A value read against a budget.
struct Counted<'b>(&'b Budget);

impl<'de> DeserializeSeed<'de> for Counted<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// The digits of a whole number as written (its sign too).
fn digits(mut n: u64) -> usize {
    let mut count = 1;
    while n >= 10 {
        n /= 10;
        count += 1;
    }
    count
}

impl<'de> Visitor<'de> for Counted<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Value, E> {
        self.0.charge::<E>(0, if b { 4 } else { 5 })?;
        Ok(Value::Bool(b))
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Value, E> {
        self.0.charge::<E>(0, digits(n.unsigned_abs()) + 1)?;
        Ok(Value::from(n))
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Value, E> {
        self.0.charge::<E>(0, digits(n))?;
        Ok(Value::from(n))
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Value, E> {
        // At least a digit, a point and a digit.
        self.0.charge::<E>(0, 3)?;
        Ok(Value::from(n))
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Value, E> {
        self.0.charge::<E>(s.len(), s.len() + 2)?;
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Value, E> {
        self.0.charge::<E>(s.len(), s.len() + 2)?;
        Ok(Value::String(s))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        self.0.charge::<E>(0, 4)?;
        Ok(Value::Null)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.0.charge::<A::Error>(0, 2)?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Counted(self.0))? {
            self.0.grow::<A::Error>(&items)?;
            items.push(item);
            // The comma before it (one too many for the first: the brackets make up for it).
            self.0.content.set(self.0.content.get() + 1);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.0.charge::<A::Error>(0, 2)?;
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            // The key, its quotes, the colon and the comma; the first node with the first entry (an
            // empty map allocates nothing), a slot in another once it is full.
            let slot = match object.len() {
                0 => MAP_NODE,
                1..11 => 0,
                _ => MAP_ENTRY,
            };
            self.0.charge::<A::Error>(key.len() + slot, key.len() + 4)?;
            let value = map.next_value_seed(Counted(self.0))?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_reads_as_serde_json_reads_it() {
        let text = r#"{"items": [1, -2, 3.5, true, null, "x,[{", {"a": {"b": []}}], "n": 18446744073709551615}"#;
        let value = parse(text).unwrap();
        assert_eq!(value, serde_json::from_str::<Value>(text).unwrap());
        match parse("{\"a\": [1, 2,]}") {
            Err(JsonRefused::Syntax(e)) => assert_eq!((e.line(), e.column()), (1, 13)),
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse("[1] 2"), Err(JsonRefused::Syntax(_))));
    }

    /// Arrays of numbers or of empty objects take 16 to 100 times their size once parsed: each is
    /// refused early, saying where it stopped; the count of values stops a file of them too.
    #[test]
    fn json_of_tiny_values_is_refused_as_it_is_read() {
        for (what, text) in [
            ("numbers", format!("[{}0]", "0,".repeat(20 << 20))),
            (
                "objects",
                format!("[{}{{}}]", "{\"a\":{}},".repeat(2 << 20)),
            ),
        ] {
            match parse(&text) {
                Err(JsonRefused::TooLarge {
                    line,
                    column,
                    message,
                }) => {
                    assert_eq!(line, 1, "{what}");
                    assert!(
                        column < text.len() / 2,
                        "{what}: refused early, at {column}"
                    );
                    assert!(
                        message.starts_with(
                            "JSON of tiny values that would take more than 24 times its size"
                        ),
                        "{what}: {message}"
                    );
                }
                other => panic!("{what}: {other:?}"),
            }
        }
        // Commas inside strings are not values; text reads at about its size.
        let strings = format!("[\"{}\\\",\"]", ",".repeat(MAX_JSON_VALUES + 10));
        assert!(parse(&strings).is_ok());
    }
}
