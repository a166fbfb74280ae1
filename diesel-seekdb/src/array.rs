//! The `SqlArray` value type of seekdb `ARRAY(t)` columns.

use crate::array_codec::{decode_array, encode_array, ArrayElement};
use crate::error::Result;
use crate::sql_types::Array;

/// The Rust value of a seekdb `ARRAY(t)` column: a `Vec<T>` that binds as
/// [`Array`](crate::sql_types::Array).
///
/// `Vec<T>` itself also reads from and binds as `Array`; `SqlArray` adds
/// `AsExpression`, so it can be used in `.eq(..)`, `insert_into(..).values(..)` and
/// `.filter(..)`.
///
/// ```
/// use diesel::prelude::*;
/// use diesel_seekdb::diesel_ext::SqlArray;
/// diesel::table! {
///     use diesel::sql_types::*;
///     use diesel_seekdb::sql_types::Array;
///     posts (id) { id -> Integer, tags -> Nullable<Array> }
/// }
/// let tags = SqlArray::from(vec!["rust".to_string(), "db".to_string()]);
/// assert_eq!(tags.to_sql_text().unwrap(), r#"["rust","db"]"#);
/// let insert = diesel::insert_into(posts::table).values((posts::id.eq(1), posts::tags.eq(tags)));
/// let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(&insert).to_string();
/// assert!(sql.starts_with("INSERT INTO `posts` (`id`, `tags`) VALUES (?, ?)"));
/// ```
#[derive(
    Clone,
    Debug,
    Default,
    PartialEq,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = Array)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct SqlArray<T>(pub Vec<T>);

impl<T: ArrayElement> SqlArray<T> {
    /// The JSON text seekdb accepts for this value (see [`encode_array`]).
    pub fn to_sql_text(&self) -> Result<String> {
        encode_array(&self.0)
    }

    /// Parses seekdb's text form (see [`decode_array`]).
    ///
    /// ```
    /// let a = diesel_seekdb::diesel_ext::SqlArray::<i64>::parse("[1, 2]").unwrap();
    /// assert_eq!(a.into_inner(), vec![1, 2]);
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        decode_array(text.as_bytes()).map(SqlArray)
    }
}

impl<T> SqlArray<T> {
    /// The elements.
    pub fn into_inner(self) -> Vec<T> {
        self.0
    }
}

impl<T> std::ops::Deref for SqlArray<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> std::ops::DerefMut for SqlArray<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.0
    }
}

impl<T> From<Vec<T>> for SqlArray<T> {
    fn from(values: Vec<T>) -> Self {
        SqlArray(values)
    }
}

impl<T> From<SqlArray<T>> for Vec<T> {
    fn from(values: SqlArray<T>) -> Self {
        values.0
    }
}

impl<T> FromIterator<T> for SqlArray<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        SqlArray(iter.into_iter().collect())
    }
}

impl<T> IntoIterator for SqlArray<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
