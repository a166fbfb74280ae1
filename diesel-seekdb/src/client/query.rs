//! A statement assembled at run time from SQL text, bound values and Diesel
//! expressions, executed through Diesel with every value as a bind parameter.

use diesel::mysql::Mysql;
use diesel::query_builder::{AstPass, Query, QueryBuilder, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Bool, Double, Nullable, Text, Unsigned, Untyped};
use diesel::{QueryResult, RunQueryDsl};

use crate::fragment::{BindValue, SqlFragment};
use crate::sql_types::Vector as VectorType;

/// A boolean Diesel expression used as a filter, e.g. `items::id.gt(3)` or
/// `diesel::dsl::sql::<Bool>("...")`. Its values stay bind parameters.
pub type BoxedFilter = Box<dyn QueryFragment<Mysql> + Send + 'static>;

/// A `WHERE` condition: a Diesel expression or a fragment built by this crate.
pub enum Filter {
    /// Any boolean Diesel expression.
    Expr(BoxedFilter),
    /// SQL text with bound values (e.g. a compiled Milvus filter).
    Fragment(SqlFragment),
}

impl Filter {
    /// Wraps a boolean Diesel expression.
    ///
    /// ```
    /// use diesel::prelude::*;
    /// use diesel_seekdb::client::Filter;
    /// diesel::table! { items (id) { id -> Integer } }
    /// let f = Filter::expr(items::id.gt(3));
    /// # let _ = f;
    /// ```
    pub fn expr<E>(expr: E) -> Self
    where
        E: diesel::Expression<SqlType = diesel::sql_types::Bool>
            + QueryFragment<Mysql>
            + Send
            + 'static,
    {
        Filter::Expr(Box::new(expr))
    }
}

impl std::fmt::Debug for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Filter::Expr(_) => f.write_str("Filter::Expr(..)"),
            Filter::Fragment(frag) => f.debug_tuple("Filter::Fragment").field(frag).finish(),
        }
    }
}

impl From<SqlFragment> for Filter {
    fn from(frag: SqlFragment) -> Self {
        Filter::Fragment(frag)
    }
}

/// Byte offsets of the `?` placeholders in `sql`, skipping any inside quoted
/// identifiers (`` `a?b` ``) and string literals (`'?'`, `"?"`).
pub(crate) fn placeholders(sql: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let mut quote: Option<u8> = None;
    let mut bytes = sql.bytes().enumerate();
    while let Some((i, b)) = bytes.next() {
        match (quote, b) {
            (None, b'?') => found.push(i),
            (None, b'`' | b'\'' | b'"') => quote = Some(b),
            // A backslash escapes the next byte inside string literals (not identifiers).
            (Some(q), b'\\') if q != b'`' => {
                bytes.next();
            }
            // A doubled quote stays inside; the next iteration reopens it.
            (Some(q), _) if b == q => quote = None,
            _ => {}
        }
    }
    found
}

enum Piece {
    Sql(String),
    Bind(BindValue),
    Expr(BoxedFilter),
}

/// SQL assembled piece by piece; run it with Diesel's `RunQueryDsl`
/// (`load::<T>` for any `QueryableByName` type, `execute`).
#[derive(Default)]
pub struct DynQuery {
    pieces: Vec<Piece>,
    cached: bool,
}

/// How many distinct statement texts [`DynQuery::cache_if_few_shapes`] lets Diesel keep
/// prepared. Diesel's statement cache never evicts, and each entry holds a server cursor
/// for the connection's lifetime (seekdb refuses new ones past its `open_cursors`), so
/// only a bounded set of texts may enter it; later shapes are prepared per call again.
const MAX_CACHED_SHAPES: usize = 16;

/// The texts admitted so far, process-wide, so every connection caches at most
/// [`MAX_CACHED_SHAPES`] of them.
static CACHED_SHAPES: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

impl DynQuery {
    /// An empty statement.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends fixed SQL text (never user data).
    pub fn sql(&mut self, sql: impl Into<String>) -> &mut Self {
        let sql = sql.into();
        if let Some(Piece::Sql(last)) = self.pieces.last_mut() {
            last.push_str(&sql);
        } else {
            self.pieces.push(Piece::Sql(sql));
        }
        self
    }

    /// Appends a `?` bound to `value`.
    pub fn bind(&mut self, value: BindValue) -> &mut Self {
        // seekdb refuses parameters typed as JSON; as text they convert implicitly.
        let value = match value {
            BindValue::Json(v) if v.is_null() => BindValue::Null,
            BindValue::Json(v) => BindValue::Text(v.to_string()),
            other => other,
        };
        self.pieces.push(Piece::Bind(value));
        self
    }

    /// Appends a fragment (its text and its binds).
    pub fn fragment(&mut self, frag: SqlFragment) -> &mut Self {
        let mut binds = frag.binds.into_iter();
        let mut start = 0;
        for at in placeholders(&frag.sql) {
            self.sql(&frag.sql[start..at]);
            match binds.next() {
                Some(value) => self.bind(value),
                // More `?` than values: keep the text so the server reports it.
                None => self.sql("?"),
            };
            start = at + 1;
        }
        self.sql(&frag.sql[start..])
    }

    /// Appends another statement's pieces.
    pub fn append(&mut self, other: DynQuery) -> &mut Self {
        for piece in other.pieces {
            match piece {
                Piece::Sql(sql) => {
                    self.sql(sql);
                }
                other => self.pieces.push(other),
            }
        }
        self
    }

    /// Appends a filter in parentheses.
    pub fn filter(&mut self, filter: Filter) -> &mut Self {
        self.sql("(");
        match filter {
            Filter::Expr(e) => self.pieces.push(Piece::Expr(e)),
            Filter::Fragment(frag) => {
                self.fragment(frag);
            }
        }
        self.sql(")")
    }

    /// Lets Diesel keep this statement prepared (one round trip per execution instead
    /// of prepare + execute) when its text is one of the first [`MAX_CACHED_SHAPES`]
    /// admitted. For statements whose text depends only on the schema and options, such
    /// as a search without a filter; never for caller-written filters or row counts.
    pub(crate) fn cache_if_few_shapes(&mut self) -> &mut Self {
        let mut shape = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Sql(sql) => shape.push_str(sql),
                Piece::Bind(_) => shape.push('?'),
                // A Diesel expression may render differently per call: never cached.
                Piece::Expr(_) => return self,
            }
        }
        let mut admitted = CACHED_SHAPES.lock().unwrap_or_else(|p| p.into_inner());
        if admitted.contains(&shape) {
            self.cached = true;
        } else if admitted.len() < MAX_CACHED_SHAPES {
            admitted.push(shape);
            self.cached = true;
        }
        self
    }

    /// The SQL text with `?` placeholders (for logs and tests).
    pub fn to_sql(&self) -> String {
        // Rendered directly rather than cut out of `debug_query`'s "SQL -- binds: [..]",
        // which SQL containing " -- binds: " would truncate.
        let mut builder = diesel::mysql::MysqlQueryBuilder::new();
        // Only a Diesel expression can fail to render; the text up to it is kept.
        let _ = QueryFragment::<Mysql>::to_sql(self, &mut builder, &Mysql);
        builder.finish()
    }
}

/// Placeholders one prepared statement may have (the protocol counts them in 16 bits).
const MAX_PLACEHOLDERS: usize = 65_535;

/// Bound values one statement of ours may hold; past it integers are written into the
/// text instead, so a long id list (`id IN (...)`, a Milvus `id in [...]`) does not run
/// out of placeholders. Below the protocol's limit to leave room for the binds of
/// Diesel expressions in the statement.
pub(crate) const BIND_BUDGET: usize = MAX_PLACEHOLDERS - 4096;

impl QueryFragment<Mysql> for DynQuery {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        let binds = self
            .pieces
            .iter()
            .filter(|p| matches!(p, Piece::Bind(_)))
            .count();
        // Only numbers we format ourselves become text; strings stay bound.
        let inline_integers = binds > BIND_BUDGET;
        // Diesel's statement cache never evicts, and run-time SQL has unboundedly many
        // shapes (filters, row counts): cached, they exhaust seekdb's open cursors.
        if !self.cached {
            out.unsafe_to_cache_prepared();
        }
        for piece in &self.pieces {
            match piece {
                Piece::Sql(sql) => out.push_sql(sql),
                Piece::Expr(e) => e.walk_ast(out.reborrow())?,
                Piece::Bind(value) => match value {
                    BindValue::Null => out.push_bind_param::<Nullable<Text>, _>(&None::<String>)?,
                    BindValue::Int(v) if inline_integers => out.push_sql(&v.to_string()),
                    BindValue::UInt(v) if inline_integers => out.push_sql(&v.to_string()),
                    BindValue::Int(v) => out.push_bind_param::<BigInt, _>(v)?,
                    BindValue::UInt(v) => out.push_bind_param::<Unsigned<BigInt>, _>(v)?,
                    BindValue::Float(v) => out.push_bind_param::<Double, _>(v)?,
                    BindValue::Bool(v) => out.push_bind_param::<Bool, _>(v)?,
                    BindValue::Text(v) => out.push_bind_param::<Text, _>(v)?,
                    BindValue::Vector(v) => out.push_bind_param::<VectorType, _>(v)?,
                    BindValue::Point(p) => crate::diesel_ext::walk_point(p, out.reborrow())?,
                    // DynQuery::bind stores JSON as text; nothing else can build a piece.
                    BindValue::Json(_) => {
                        return Err(diesel::result::Error::SerializationError(
                            "JSON bind values must be converted to text".into(),
                        ))
                    }
                },
            }
        }
        Ok(())
    }
}

impl QueryId for DynQuery {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for DynQuery {
    type SqlType = Untyped;
}

impl<Conn> RunQueryDsl<Conn> for DynQuery {}

// Lives here, not in `fragment`, so the fragment module does not depend on the client.
impl SqlFragment {
    /// A statement with every value bound, run with Diesel's `RunQueryDsl`
    /// (`load::<T>` for any `QueryableByName` type, `execute`).
    ///
    /// ```
    /// use diesel_seekdb::fragment::{BindValue, SqlFragment};
    /// let mut f = SqlFragment::raw("`id` < ");
    /// f.push_bind(BindValue::Int(100));
    /// let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(&f.into_query()).to_string();
    /// assert!(sql.starts_with("`id` < ?"), "{sql}");
    /// ```
    pub fn into_query(self) -> DynQuery {
        let mut query = DynQuery::new();
        query.fragment(self);
        query
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_inside_quotes_are_text() {
        assert_eq!(placeholders("a = ? AND b = ?"), vec![4, 14]);
        assert_eq!(placeholders("`a?b` = ? AND c = '?' AND d = \"?\""), vec![8]);
        assert_eq!(placeholders("'it''s ?' = ?"), vec![12]);
        assert_eq!(placeholders(r"'a\'?' = ?"), vec![9]);
        assert_eq!(placeholders("`we``ird?` = ?"), vec![13]);
    }

    #[test]
    fn integers_go_inline_only_past_the_placeholder_budget() {
        let list = |n: usize| {
            let mut q = DynQuery::new();
            q.sql("SELECT 1 FROM t WHERE id IN (");
            for i in 0..n {
                q.sql(if i == 0 { "" } else { ", " })
                    .bind(BindValue::Int(i as i64 - 1));
            }
            q.sql(") AND name = ").bind(BindValue::Text("x".into()));
            q
        };
        assert!(list(3).to_sql().ends_with("IN (?, ?, ?) AND name = ?"));
        let big = list(BIND_BUDGET + 1).to_sql();
        assert!(big.contains("IN (-1, 0, 1, 2,"), "{}", &big[..60]);
        assert!(big.ends_with(") AND name = ?"));
        assert_eq!(placeholders(&big).len(), 1);
    }

    #[test]
    fn fragment_binds_line_up_with_placeholders() {
        let mut frag = SqlFragment::raw("SELECT `a?b` FROM t WHERE `a?b` = ");
        frag.push_bind(BindValue::Int(7));
        let mut q = DynQuery::new();
        q.fragment(frag);
        let sql = diesel::debug_query::<Mysql, _>(&q).to_string();
        assert_eq!(sql, "SELECT `a?b` FROM t WHERE `a?b` = ? -- binds: [7]");
    }
}
