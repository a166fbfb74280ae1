//! The `Vector` value type (independent of any database driver).

use crate::codec;
use crate::error::{Error, Result};

/// A dense `f32` vector, the Rust value of a seekdb `VECTOR(n)` column.
///
/// Construction never fails; values are validated (finite, 1..=16000 dimensions)
/// when they are encoded for the server, before anything is sent.
///
/// ```
/// use diesel_seekdb::Vector;
/// let v = Vector::from(vec![1.0, 2.0, 3.0]);
/// assert_eq!(v.len(), 3);
/// assert_eq!(v.as_slice(), &[1.0, 2.0, 3.0]);
/// let back: Vec<f32> = v.into();
/// assert_eq!(back, vec![1.0, 2.0, 3.0]);
/// ```
#[derive(
    Clone,
    Debug,
    Default,
    PartialEq,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = crate::sql_types::Vector)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Vector(Vec<f32>);

impl Vector {
    /// Wraps `values` after checking they can be stored (see [`codec::validate`]).
    pub fn try_new(values: Vec<f32>) -> Result<Self> {
        codec::validate(&values)?;
        Ok(Vector(values))
    }

    /// The elements.
    pub fn as_slice(&self) -> &[f32] {
        &self.0
    }

    /// A copy of the elements.
    pub fn to_vec(&self) -> Vec<f32> {
        self.0.clone()
    }

    /// The number of dimensions.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the vector has no elements (such a vector cannot be stored).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether every element is zero (also true for an empty vector).
    ///
    /// seekdb's `cosine_distance` is NULL for a zero vector, so such a vector can never
    /// be a cosine query: the clients refuse one.
    pub fn is_zero(&self) -> bool {
        is_zero(&self.0)
    }

    /// Checks the value is storable and has `expected` dimensions.
    pub fn check_dimensions(&self, expected: u32) -> Result<()> {
        check_dimensions(&self.0, expected)
    }

    /// The text seekdb accepts for this value, e.g. `[1,2,3]`.
    pub fn to_sql_text(&self) -> Result<String> {
        codec::encode(&self.0)
    }

    /// Parses seekdb's text form.
    pub fn parse(text: &str) -> Result<Self> {
        codec::decode(text.as_bytes()).map(Vector)
    }
}

/// Checks a slice is storable and has `expected` dimensions.
pub(crate) fn check_dimensions(values: &[f32], expected: u32) -> Result<()> {
    codec::validate(values)?;
    if u32::try_from(values.len()).ok() != Some(expected) {
        return Err(Error::Dimension {
            expected,
            actual: values.len(),
        });
    }
    Ok(())
}

/// Whether every element of `values` is zero.
pub(crate) fn is_zero(values: &[f32]) -> bool {
    values.iter().all(|x| *x == 0.0)
}

/// Refuses a zero vector where it would meet `cosine_distance`: seekdb answers NULL
/// for it, and NULL sorts before every real distance.
pub(crate) fn check_cosine_operand(parameter: &str, values: &[f32]) -> Result<()> {
    if is_zero(values) {
        return Err(Error::validation(
            parameter,
            "a zero vector has no cosine distance (seekdb returns NULL for it); \
             use a non-zero vector or another metric",
        ));
    }
    Ok(())
}

impl From<Vec<f32>> for Vector {
    fn from(values: Vec<f32>) -> Self {
        Vector(values)
    }
}

impl From<&[f32]> for Vector {
    fn from(values: &[f32]) -> Self {
        Vector(values.to_vec())
    }
}

impl<const N: usize> From<[f32; N]> for Vector {
    fn from(values: [f32; N]) -> Self {
        Vector(values.to_vec())
    }
}

impl From<Vector> for Vec<f32> {
    fn from(v: Vector) -> Self {
        v.0
    }
}

impl AsRef<[f32]> for Vector {
    fn as_ref(&self) -> &[f32] {
        &self.0
    }
}

impl std::str::FromStr for Vector {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Vector::parse(s)
    }
}

impl std::fmt::Display for Vector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = Vec::new();
        codec::encode_unchecked(&self.0, &mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimension_check_names_both_sizes() {
        let v = Vector::from(vec![1.0, 2.0]);
        let err = v.check_dimensions(3).unwrap_err();
        assert_eq!(
            err.to_string(),
            "vector dimension mismatch: expected 3 dimensions, got 2"
        );
        assert!(v.check_dimensions(2).is_ok());
        assert!(Vector::try_new(vec![f32::NAN]).is_err());
    }

    #[test]
    fn zero_vectors_are_refused_for_cosine() {
        assert!(Vector::from(vec![0.0, -0.0]).is_zero());
        assert!(!Vector::from(vec![0.0, 1e-30]).is_zero());
        let err = check_cosine_operand("data", &[0.0, 0.0]).unwrap_err();
        assert!(err.to_string().contains("zero vector"), "{err}");
        assert!(check_cosine_operand("data", &[0.0, 1.0]).is_ok());
    }

    #[test]
    fn text_round_trip() {
        let v: Vector = "[1, 2.5]".parse().unwrap();
        assert_eq!(v.to_string(), "[1,2.5]");
    }
}
