//! The [`SparseVector`] value type and its text codec, as plain functions.
//!
//! seekdb sends and accepts sparse vectors as text: `{1:0.5,3:1.2}` (index, a `u32`,
//! then value, an `f32`). The server stores them sorted by index and keeps the last
//! value of a repeated index; [`SparseVector`] keeps the same normal form, so what you
//! build is what you read back (values up to the server's 6-significant-digit output).
//!
//! Encoding writes the shortest decimal that parses back to the identical `f32`;
//! decoding accepts whitespace, `{}`, and refuses negative or oversized indexes,
//! non-finite values and malformed text with [`Error::Decode`] (it never panics).
//!
//! ```
//! use diesel_seekdb::sparse::{decode, encode};
//! let v = decode(b"{ 3:1.5, 1:0.25 }").unwrap();
//! assert_eq!(v.indices(), &[1, 3]);
//! assert_eq!(encode(&v), "{1:0.25,3:1.5}");
//! ```

use std::collections::BTreeMap;

use crate::codec::{malformed, parse_f32, skip_ws};
use crate::error::{Error, Result};

/// Names sparse vectors in decode errors.
const WHAT: &str = "sparse vector";

/// A sparse `f32` vector, the Rust value of a seekdb `SPARSEVECTOR` column.
///
/// Entries are kept sorted by index with no repeated index, and every value is finite;
/// the constructors enforce this, so encoding never fails. Explicit zeros given to
/// [`from_pairs`](Self::from_pairs) are kept (seekdb stores them too);
/// [`from_dense`](Self::from_dense) drops them.
///
/// Indexes may use the whole `u32` range in a plain `SPARSEVECTOR` column, but a column
/// with a `sindi` vector index refuses indexes above 500000 (1235, "sparse
/// vector dimension greater than 500000 is not supported").
///
/// ```
/// use diesel_seekdb::SparseVector;
/// let v = SparseVector::from_pairs([(3, 1.0), (1, 0.5), (3, 2.0)]).unwrap();
/// assert_eq!(v.indices(), &[1, 3]);
/// assert_eq!(v.values(), &[0.5, 2.0]); // the last value of a repeated index wins
/// assert_eq!(v.to_string(), "{1:0.5,3:2}");
/// assert_eq!(v.to_dense(4).unwrap(), vec![0.0, 0.5, 0.0, 2.0]);
/// assert!(SparseVector::from_pairs([(0, f32::NAN)]).is_err());
/// ```
#[derive(
    Clone,
    Debug,
    Default,
    PartialEq,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = crate::sql_types::SparseVector)]
pub struct SparseVector {
    indices: Vec<u32>,
    values: Vec<f32>,
}

impl SparseVector {
    /// An empty sparse vector (`{}`).
    ///
    /// ```
    /// assert!(diesel_seekdb::SparseVector::new().is_empty());
    /// ```
    pub fn new() -> Self {
        SparseVector::default()
    }

    /// Builds a sparse vector from `(index, value)` pairs in any order.
    ///
    /// A repeated index keeps its last value, as seekdb does. Non-finite values are
    /// refused with [`Error::Validation`] (seekdb refuses NaN in sparse literals).
    ///
    /// ```
    /// use diesel_seekdb::SparseVector;
    /// let v = SparseVector::from_pairs(vec![(7, 1.0), (2, -0.5)]).unwrap();
    /// assert_eq!(v.iter().collect::<Vec<_>>(), vec![(2, -0.5), (7, 1.0)]);
    /// ```
    pub fn from_pairs<I>(pairs: I) -> Result<Self>
    where
        I: IntoIterator<Item = (u32, f32)>,
    {
        let mut pairs: Vec<(u32, f32)> = pairs.into_iter().collect();
        if let Some((index, value)) = pairs.iter().find(|(_, v)| !v.is_finite()) {
            return Err(non_finite(*index, *value));
        }
        // A stable sort keeps repeated indexes in input order, so the last one wins.
        let sorted = pairs.windows(2).all(|w| w[0].0 < w[1].0);
        if !sorted {
            pairs.sort_by_key(|(index, _)| *index);
        }
        let mut out = SparseVector {
            indices: Vec::with_capacity(pairs.len()),
            values: Vec::with_capacity(pairs.len()),
        };
        for (index, value) in pairs {
            out.push_last_wins(index, value);
        }
        Ok(out)
    }

    /// Builds a sparse vector from a map of index to value (non-finite values are refused).
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use diesel_seekdb::SparseVector;
    /// let map = BTreeMap::from([(1, 0.5), (4, 2.0)]);
    /// let v = SparseVector::from_map(&map).unwrap();
    /// assert_eq!(v.len(), 2);
    /// ```
    pub fn from_map(map: &BTreeMap<u32, f32>) -> Result<Self> {
        if let Some((index, value)) = map.iter().find(|(_, v)| !v.is_finite()) {
            return Err(non_finite(*index, *value));
        }
        Ok(SparseVector {
            indices: map.keys().copied().collect(),
            values: map.values().copied().collect(),
        })
    }

    /// The non-zero entries of a dense vector (position `i` becomes index `i`).
    ///
    /// Fails for non-finite values and for slices longer than `u32::MAX + 1`.
    ///
    /// ```
    /// use diesel_seekdb::SparseVector;
    /// let v = SparseVector::from_dense(&[0.0, 1.5, 0.0, -2.0]).unwrap();
    /// assert_eq!(v.to_string(), "{1:1.5,3:-2}");
    /// ```
    pub fn from_dense(values: &[f32]) -> Result<Self> {
        let mut out = SparseVector::new();
        for (position, value) in values.iter().enumerate() {
            if *value == 0.0 {
                continue;
            }
            let index = u32::try_from(position).map_err(|_| {
                Error::validation(
                    "sparse vector",
                    format!("position {position} does not fit a u32 index"),
                )
            })?;
            if !value.is_finite() {
                return Err(non_finite(index, *value));
            }
            out.indices.push(index);
            out.values.push(*value);
        }
        Ok(out)
    }

    /// The indexes, ascending and without repeats.
    pub fn indices(&self) -> &[u32] {
        &self.indices
    }

    /// The values, in the order of [`indices`](Self::indices).
    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// The `(index, value)` entries in ascending index order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (u32, f32)> + '_ {
        self.indices
            .iter()
            .copied()
            .zip(self.values.iter().copied())
    }

    /// The number of stored entries.
    pub fn len(&self) -> usize {
        self.indices.len()
    }

    /// Whether there are no entries (`{}`).
    pub fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }

    /// The value stored at `index`, if any.
    ///
    /// ```
    /// let v = diesel_seekdb::SparseVector::from_pairs([(5, 2.0)]).unwrap();
    /// assert_eq!(v.get(5), Some(2.0));
    /// assert_eq!(v.get(4), None);
    /// ```
    pub fn get(&self, index: u32) -> Option<f32> {
        self.indices
            .binary_search(&index)
            .ok()
            .map(|position| self.values[position])
    }

    /// The inner product with `other` (what seekdb's `inner_product` computes), in `f64`.
    ///
    /// ```
    /// use diesel_seekdb::SparseVector;
    /// let a = SparseVector::from_pairs([(1, 2.0), (3, 1.0)]).unwrap();
    /// let b = SparseVector::from_pairs([(3, 4.0), (9, 1.0)]).unwrap();
    /// assert_eq!(a.dot(&b), 4.0);
    /// ```
    pub fn dot(&self, other: &SparseVector) -> f64 {
        let (mut i, mut j, mut sum) = (0, 0, 0.0f64);
        while i < self.indices.len() && j < other.indices.len() {
            match self.indices[i].cmp(&other.indices[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    sum += f64::from(self.values[i]) * f64::from(other.values[j]);
                    i += 1;
                    j += 1;
                }
            }
        }
        sum
    }

    /// A dense copy with `dim` elements; fails if an index is `dim` or larger.
    ///
    /// ```
    /// let v = diesel_seekdb::SparseVector::from_pairs([(2, 1.0)]).unwrap();
    /// assert_eq!(v.to_dense(3).unwrap(), vec![0.0, 0.0, 1.0]);
    /// assert!(v.to_dense(2).is_err());
    /// ```
    pub fn to_dense(&self, dim: u32) -> Result<Vec<f32>> {
        if let Some(&last) = self.indices.last() {
            if last >= dim {
                return Err(Error::validation(
                    "dim",
                    format!("index {last} does not fit in {dim} dimensions"),
                ));
            }
        }
        let mut out = vec![0.0; dim as usize];
        for (index, value) in self.iter() {
            out[index as usize] = value;
        }
        Ok(out)
    }

    /// The text seekdb accepts for this value, e.g. `{1:0.5,3:1}`.
    pub fn to_sql_text(&self) -> String {
        encode(self)
    }

    /// Parses seekdb's text form (see [`decode`]).
    ///
    /// ```
    /// let v = diesel_seekdb::SparseVector::parse("{1:0.5, 3:1}").unwrap();
    /// assert_eq!(v.values(), &[0.5, 1.0]);
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        decode(text.as_bytes())
    }

    /// Appends an entry whose index is not below the last one; an equal index replaces.
    fn push_last_wins(&mut self, index: u32, value: f32) {
        match self.indices.last() {
            Some(&last) if last == index => {
                if let Some(slot) = self.values.last_mut() {
                    *slot = value;
                }
            }
            _ => {
                self.indices.push(index);
                self.values.push(value);
            }
        }
    }
}

fn non_finite(index: u32, value: f32) -> Error {
    Error::validation(
        format!("sparse vector[{index}]"),
        format!("{value} is not a finite number"),
    )
}

impl TryFrom<BTreeMap<u32, f32>> for SparseVector {
    type Error = Error;
    fn try_from(map: BTreeMap<u32, f32>) -> Result<Self> {
        SparseVector::from_map(&map)
    }
}

impl TryFrom<Vec<(u32, f32)>> for SparseVector {
    type Error = Error;
    fn try_from(pairs: Vec<(u32, f32)>) -> Result<Self> {
        SparseVector::from_pairs(pairs)
    }
}

impl From<&SparseVector> for BTreeMap<u32, f32> {
    fn from(v: &SparseVector) -> Self {
        v.iter().collect()
    }
}

impl std::str::FromStr for SparseVector {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        SparseVector::parse(s)
    }
}

impl std::fmt::Display for SparseVector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&encode(self))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for SparseVector {
    /// Serializes as a map of index to value (`{"1":0.5,"3":1.0}` in JSON).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (index, value) in self.iter() {
            map.serialize_entry(&index, &value)?;
        }
        map.end()
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for SparseVector {
    /// Deserializes a map of index to value; non-finite values are refused.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<u32, f32>::deserialize(deserializer)?;
        SparseVector::from_map(&map).map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------------
// Text codec
// ---------------------------------------------------------------------------------

/// Appends the text form of `v` (`{1:0.5,3:1}`) to `out`.
///
/// ```
/// let v = diesel_seekdb::SparseVector::from_pairs([(0, 1.0), (10, 0.1)]).unwrap();
/// let mut out = Vec::new();
/// diesel_seekdb::sparse::encode_into(&v, &mut out);
/// assert_eq!(out, b"{0:1,10:0.1}");
/// ```
pub fn encode_into(v: &SparseVector, out: &mut Vec<u8>) {
    // "4294967295:-1.2345678e-12," is at most 26 bytes; most entries are far shorter.
    out.reserve(v.len() * 14 + 2);
    out.push(b'{');
    let mut buf = ryu::Buffer::new();
    for (i, (index, value)) in v.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_u32(index, out);
        out.push(b':');
        let text = buf.format_finite(value).as_bytes();
        // ryu writes integral values as "1.0"; the ".0" carries no information.
        let text = text.strip_suffix(b".0").unwrap_or(text);
        out.extend_from_slice(text);
    }
    out.push(b'}');
}

/// The text form of `v`, e.g. `{1:0.5,3:1}`.
///
/// ```
/// let v = diesel_seekdb::SparseVector::from_pairs([(1, 0.5), (3, 1.0)]).unwrap();
/// assert_eq!(diesel_seekdb::sparse::encode(&v), "{1:0.5,3:1}");
/// ```
pub fn encode(v: &SparseVector) -> String {
    let mut out = Vec::new();
    encode_into(v, &mut out);
    // Only ASCII digits and punctuation are written.
    String::from_utf8_lossy(&out).into_owned()
}

fn write_u32(mut n: u32, out: &mut Vec<u8>) {
    let mut digits = [0u8; 10];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

/// Parses the text form of a sparse vector (`{1:0.5, 3:1.2}`, `{}`).
///
/// Whitespace is allowed around every token, and a trailing comma is accepted (as
/// seekdb does). Entries are sorted and a repeated index keeps its last value.
/// Negative, fractional or oversized (`> u32::MAX`) indexes, non-finite or overflowing
/// values and malformed text are [`Error::Decode`] errors.
///
/// ```
/// use diesel_seekdb::sparse::decode;
/// let v = decode(b"{3:1, 1:2, 3:5}").unwrap();
/// assert_eq!(v.iter().collect::<Vec<_>>(), vec![(1, 2.0), (3, 5.0)]);
/// assert!(decode(b"{}").unwrap().is_empty());
/// assert!(decode(b"{-1:2}").is_err());
/// assert!(decode(b"[1,2]").is_err());
/// ```
pub fn decode(text: &[u8]) -> Result<SparseVector> {
    let mut pairs: Vec<(u32, f32)> = Vec::with_capacity(text.len() / 8 + 1);
    let mut pos = skip_ws(text, 0);
    if text.get(pos) != Some(&b'{') {
        return Err(malformed(WHAT, text, pos, "expected `{`"));
    }
    pos += 1;
    loop {
        pos = skip_ws(text, pos);
        if text.get(pos) == Some(&b'}') {
            break;
        }
        let (index, next) = parse_index(text, pos)?;
        pos = skip_ws(text, next);
        if text.get(pos) != Some(&b':') {
            return Err(malformed(WHAT, text, pos, "expected `:`"));
        }
        pos = skip_ws(text, pos + 1);
        let (value, next) = parse_f32(text, pos, WHAT)?;
        pairs.push((index, value));
        pos = skip_ws(text, next);
        match text.get(pos) {
            Some(b',') => pos += 1,
            Some(b'}') => break,
            _ => return Err(malformed(WHAT, text, pos, "expected `,` or `}`")),
        }
    }
    pos = skip_ws(text, pos + 1);
    if pos != text.len() {
        return Err(malformed(WHAT, text, pos, "unexpected text after `}`"));
    }
    SparseVector::from_pairs(pairs)
        .map_err(|e| Error::decode("sparse vector", format!("invalid value: {e}")))
}

/// An unsigned decimal index (leading zeros allowed, as seekdb allows them).
fn parse_index(text: &[u8], start: usize) -> Result<(u32, usize)> {
    let mut pos = start;
    let mut index: u64 = 0;
    while let Some(d @ b'0'..=b'9') = text.get(pos) {
        index = index * 10 + u64::from(d - b'0');
        if index > u64::from(u32::MAX) {
            return Err(Error::decode(
                "sparse vector",
                format!("index at byte {start} exceeds the maximum of {}", u32::MAX),
            ));
        }
        pos += 1;
    }
    if pos == start {
        return Err(malformed(
            WHAT,
            text,
            start,
            "expected an unsigned integer index",
        ));
    }
    Ok((index as u32, pos))
}

#[cfg(test)]
#[path = "sparse_tests.rs"]
mod tests;
