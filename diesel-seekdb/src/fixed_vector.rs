//! [`FixedVector`]: a dense vector whose dimension is part of its Rust type.

use crate::codec;
use crate::error::{Error, Result};
use crate::Vector;

/// A dense `f32` vector of exactly `N` dimensions, e.g. `FixedVector<768>`.
///
/// It goes wherever [`Vector`] goes (Diesel inserts, loads and binds, the clients'
/// JSON rows through serde), and it also fits a column declared with the
/// dimension-carrying SQL type [`sql_types::VectorOf<N>`](crate::sql_types::VectorOf):
/// there, a value of another dimension does not compile. Loading a stored vector of
/// another dimension is an [`Error::Dimension`] naming both sizes, never a truncation.
///
/// ```
/// use diesel_seekdb::{FixedVector, Vector};
/// let v = FixedVector::new([1.0, 2.0, 3.0]);
/// assert_eq!(v.as_array(), &[1.0, 2.0, 3.0]);
/// let dynamic: Vector = v.into();
/// assert_eq!(dynamic.len(), 3);
/// // Back from a dynamic vector: the dimension is checked.
/// assert!(FixedVector::<3>::try_from(dynamic.clone()).is_ok());
/// let err = FixedVector::<4>::try_from(dynamic).unwrap_err();
/// assert_eq!(err.to_string(), "vector dimension mismatch: expected 4 dimensions, got 3");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, diesel::deserialize::FromSqlRow)]
pub struct FixedVector<const N: usize>(pub [f32; N]);

impl<const N: usize> FixedVector<N> {
    /// Wraps `values` (validated, like [`Vector`], when encoded for the server).
    pub const fn new(values: [f32; N]) -> Self {
        FixedVector(values)
    }

    /// Wraps `values` after checking they can be stored (finite, `1..=16000` dimensions).
    pub fn try_new(values: [f32; N]) -> Result<Self> {
        codec::validate(&values)?;
        Ok(FixedVector(values))
    }

    /// The number of dimensions, `N`.
    pub const fn dimensions() -> usize {
        N
    }

    /// The elements as an array.
    pub fn as_array(&self) -> &[f32; N] {
        &self.0
    }

    /// The elements as a slice.
    pub fn as_slice(&self) -> &[f32] {
        &self.0
    }

    /// The array.
    pub fn into_array(self) -> [f32; N] {
        self.0
    }

    /// Parses seekdb's text form, refusing another dimension (naming both).
    pub fn parse(text: &str) -> Result<Self> {
        Self::from_slice(&codec::decode(text.as_bytes())?)
    }

    /// Copies `values`, refusing another dimension with [`Error::Dimension`].
    pub fn from_slice(values: &[f32]) -> Result<Self> {
        <[f32; N]>::try_from(values)
            .map(FixedVector)
            .map_err(|_| Error::Dimension {
                expected: N,
                actual: values.len(),
            })
    }
}

impl<const N: usize> Default for FixedVector<N> {
    fn default() -> Self {
        FixedVector([0.0; N])
    }
}

impl<const N: usize> From<[f32; N]> for FixedVector<N> {
    fn from(values: [f32; N]) -> Self {
        FixedVector(values)
    }
}

impl<const N: usize> From<FixedVector<N>> for [f32; N] {
    fn from(v: FixedVector<N>) -> Self {
        v.0
    }
}

impl<const N: usize> From<FixedVector<N>> for Vector {
    fn from(v: FixedVector<N>) -> Self {
        Vector::from(v.0)
    }
}

impl<const N: usize> TryFrom<Vector> for FixedVector<N> {
    type Error = Error;
    fn try_from(v: Vector) -> Result<Self> {
        Self::from_slice(v.as_slice())
    }
}

impl<const N: usize> TryFrom<&[f32]> for FixedVector<N> {
    type Error = Error;
    fn try_from(values: &[f32]) -> Result<Self> {
        Self::from_slice(values)
    }
}

impl<const N: usize> AsRef<[f32]> for FixedVector<N> {
    fn as_ref(&self) -> &[f32] {
        &self.0
    }
}

impl<const N: usize> std::str::FromStr for FixedVector<N> {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl<const N: usize> std::fmt::Display for FixedVector<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = Vec::new();
        codec::encode_unchecked(&self.0, &mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

// serde derives arrays only up to 32 elements; embeddings are longer, so the value
// goes through a sequence (a JSON array, as `Vector` is) and its length is checked.
#[cfg(feature = "serde")]
impl<const N: usize> serde::Serialize for FixedVector<N> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter())
    }
}

#[cfg(feature = "serde")]
impl<'de, const N: usize> serde::Deserialize<'de> for FixedVector<N> {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let values = Vec::<f32>::deserialize(deserializer)?;
        Self::from_slice(&values).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_dimension_is_refused_naming_both() {
        let err = FixedVector::<3>::parse("[1,2]").unwrap_err();
        assert!(matches!(
            err,
            Error::Dimension {
                expected: 3,
                actual: 2
            }
        ));
        let v = FixedVector::<2>::parse("[1, 2.5]").unwrap();
        assert_eq!(v.into_array(), [1.0, 2.5]);
        assert_eq!(v.to_string(), "[1,2.5]");
        assert!(FixedVector::try_new([f32::NAN]).is_err());
        assert_eq!(FixedVector::<768>::dimensions(), 768);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_goes_through_a_json_array_of_any_length() {
        let v = FixedVector([0.5f32; 40]);
        let json = serde_json::to_value(v).unwrap();
        assert_eq!(json.as_array().map(Vec::len), Some(40));
        let back: FixedVector<40> = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, v);
        let err = serde_json::from_value::<FixedVector<41>>(json).unwrap_err();
        assert!(
            err.to_string().contains("expected 41 dimensions, got 40"),
            "{err}"
        );
    }
}
