//! The columns a filter may name, as the caller describes them.

use crate::ddl::json_index::{parse_path, PathStep};
use crate::ddl::JsonCast;

/// A scalar column type (also the element type of an ARRAY column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ScalarKind {
    /// TINYINT / INT8.
    Int8,
    /// SMALLINT / INT16.
    Int16,
    /// INT / INT32.
    Int32,
    /// BIGINT / INT64.
    Int64,
    /// FLOAT (32-bit).
    Float,
    /// DOUBLE.
    Double,
    /// BOOL.
    Bool,
    /// VARCHAR / STRING.
    VarChar,
}

impl ScalarKind {
    pub(crate) fn is_int(self) -> bool {
        matches!(
            self,
            ScalarKind::Int8 | ScalarKind::Int16 | ScalarKind::Int32 | ScalarKind::Int64
        )
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            ScalarKind::Int8 => "INT8",
            ScalarKind::Int16 => "INT16",
            ScalarKind::Int32 => "INT32",
            ScalarKind::Int64 => "INT64",
            ScalarKind::Float => "FLOAT",
            ScalarKind::Double => "DOUBLE",
            ScalarKind::Bool => "BOOL",
            ScalarKind::VarChar => "VARCHAR",
        }
    }
}

/// What a collection column holds, as far as filters care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldKind {
    /// A scalar column.
    Scalar(ScalarKind),
    /// A JSON column (paths `meta["k"][0]` reach into it).
    Json,
    /// An ARRAY column with the given element type.
    Array(ScalarKind),
    /// A dense vector column (never filterable).
    FloatVector,
    /// A sparse vector column (never filterable).
    SparseVector,
}

impl FieldKind {
    pub(crate) fn describe(self) -> String {
        match self {
            FieldKind::Scalar(s) => s.name().to_string(),
            FieldKind::Json => "JSON".into(),
            FieldKind::Array(e) => format!("ARRAY({})", e.name()),
            FieldKind::FloatVector => "FLOAT_VECTOR".into(),
            FieldKind::SparseVector => "SPARSE_FLOAT_VECTOR".into(),
        }
    }
}

/// The columns of a collection that a filter is checked against.
///
/// ```
/// use diesel_seekdb::milvus::filter::{FieldKind, FilterSchema, ScalarKind};
/// let schema = FilterSchema::new()
///     .field("id", FieldKind::Scalar(ScalarKind::Int64))
///     .field("meta", FieldKind::Json)
///     .table_alias("t");
/// assert_eq!(schema.kind("meta"), Some(FieldKind::Json));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterSchema {
    fields: Vec<(String, FieldKind)>,
    alias: Option<String>,
    dynamic_field: Option<String>,
    json_indexes: Vec<JsonIndexed>,
}

/// A functional index over a JSON path, as a filter can use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonIndexed {
    pub(crate) column: String,
    steps: Vec<PathStep>,
    /// The path exactly as the index is written (the rendered literal must match it).
    pub(crate) path: String,
    pub(crate) cast: JsonCast,
}

impl FilterSchema {
    /// A schema with no columns.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a column.
    pub fn field(mut self, name: impl Into<String>, kind: FieldKind) -> Self {
        self.add_field(name, kind);
        self
    }

    /// Adds (or replaces) a column in place.
    pub fn add_field(&mut self, name: impl Into<String>, kind: FieldKind) {
        let name = name.into();
        match self.fields.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = kind,
            None => self.fields.push((name, kind)),
        }
    }

    /// Qualifies every rendered column with this table alias (`` `t`.`id` ``).
    pub fn table_alias(mut self, alias: impl Into<String>) -> Self {
        self.alias = Some(alias.into());
        self
    }

    /// Names a JSON column that holds Milvus's dynamic fields: an unknown name `x`
    /// then means `dynamic["x"]` instead of being an error.
    pub fn dynamic_field(mut self, column: impl Into<String>) -> Self {
        self.dynamic_field = Some(column.into());
        self
    }

    /// Declares a functional index on `CAST(JSON_EXTRACT(column, path) AS cast)` (see
    /// [`crate::ddl::JsonPathIndex`]): comparisons of that path with literals of the
    /// cast's type then also test the indexed expression, written exactly as the index
    /// is, so seekdb finds the rows through the index. The Milvus client declares the
    /// table's indexes by itself. A path that is not a plain member/array path is
    /// ignored.
    ///
    /// ```
    /// use diesel_seekdb::ddl::JsonCast;
    /// use diesel_seekdb::milvus::filter::{compile, FieldKind, FilterSchema};
    /// let schema = FilterSchema::new()
    ///     .field("meta", FieldKind::Json)
    ///     .json_index("meta", "$.page", JsonCast::Signed);
    /// let frag = compile(r#"meta["page"] == 3"#, &schema, None)?.unwrap();
    /// assert_eq!(
    ///     frag.sql,
    ///     "((CAST(JSON_EXTRACT(`meta`, '$.page') AS SIGNED) = ?) AND (JSON_EXTRACT(`meta`, ?) = ?))"
    /// );
    /// # Ok::<(), diesel_seekdb::Error>(())
    /// ```
    pub fn json_index(mut self, column: impl Into<String>, path: &str, cast: JsonCast) -> Self {
        if let Some(steps) = parse_path(path).filter(|s| !s.is_empty()) {
            let column = column.into();
            self.json_indexes
                .retain(|j| !(j.column == column && j.steps == steps));
            self.json_indexes.push(JsonIndexed {
                column,
                steps,
                path: path.to_string(),
                cast,
            });
        }
        self
    }

    /// The functional index on `path` (as the filter checker writes it) of `column`.
    pub(crate) fn json_indexed(&self, column: &str, path: &str) -> Option<&JsonIndexed> {
        let steps = parse_path(path)?;
        self.json_indexes
            .iter()
            .find(|j| j.column.eq_ignore_ascii_case(column) && j.steps == steps)
    }

    /// The kind of a column (names are case-sensitive, as in Milvus).
    pub fn kind(&self, name: &str) -> Option<FieldKind> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, k)| *k)
    }

    /// The column names, in the order they were added.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|(n, _)| n.as_str())
    }

    pub(crate) fn alias(&self) -> Option<&str> {
        self.alias.as_deref()
    }

    pub(crate) fn dynamic(&self) -> Option<&str> {
        self.dynamic_field
            .as_deref()
            .filter(|d| self.kind(d) == Some(FieldKind::Json))
    }
}
