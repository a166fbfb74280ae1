//! Full-text search: `MATCH (col, ...) AGAINST (? [IN ... MODE])` as a typed Diesel
//! expression.
//!
//! The expression is the relevance score (`Double`, 0.0 for rows that do not match):
//! select it, or order by it (`.desc()`). For `.filter(..)`, call
//! [`.matches()`](MatchAgainst::matches), which renders the same `MATCH ... AGAINST`
//! as a boolean condition (MySQL treats a positive score as true) so seekdb answers it
//! with a `TEXT RETRIEVAL SCAN` of the full-text index.
//!
//! The column list must be exactly the columns of one `FULLTEXT` index, otherwise
//! seekdb fails with 1191 ("Can't find FULLTEXT index matching the column list").

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::query_source::Column;
use diesel::sql_types::{Bool, Double, Nullable, SqlType, Text};
use diesel::QueryResult;

mod sealed {
    pub trait Sealed {}
}

/// SQL types a full-text column may have: `Text` (also `Varchar`, `Longtext`, ...) and
/// `Nullable<Text>`.
pub trait TextSqlType: SqlType + sealed::Sealed {}
impl sealed::Sealed for Text {}
impl sealed::Sealed for Nullable<Text> {}
impl TextSqlType for Text {}
impl TextSqlType for Nullable<Text> {}

/// One text column or a tuple of text columns of the same table: the column list of
/// `MATCH (...)`. `Kind` is [`SingleColumn`] or [`ColumnTuple`] and is inferred.
pub trait FullTextColumns<Kind> {
    /// The table all the columns belong to.
    type Table;
}

/// [`FullTextColumns`] kind of a single column.
#[derive(Debug, Clone, Copy)]
pub struct SingleColumn;

/// [`FullTextColumns`] kind of a tuple of columns.
#[derive(Debug, Clone, Copy)]
pub struct ColumnTuple;

impl<C> FullTextColumns<SingleColumn> for C
where
    C: Column,
    C::SqlType: TextSqlType,
{
    type Table = C::Table;
}

macro_rules! tuple_columns {
    ($first:ident $(, $rest:ident)*) => {
        impl<$first, $($rest),*> FullTextColumns<ColumnTuple> for ($first, $($rest,)*)
        where
            $first: Column,
            $first::SqlType: TextSqlType,
            $($rest: Column<Table = $first::Table>, $rest::SqlType: TextSqlType,)*
        {
            type Table = $first::Table;
        }
    };
}

tuple_columns!(A);
tuple_columns!(A, B);
tuple_columns!(A, B, C);
tuple_columns!(A, B, C, D);
tuple_columns!(A, B, C, D, E);
tuple_columns!(A, B, C, D, E, F);
tuple_columns!(A, B, C, D, E, F, G);
tuple_columns!(A, B, C, D, E, F, G, H);

/// Search modes of `AGAINST (...)`.
pub trait SearchMode: Copy + Default + 'static {
    /// The text after the query parameter (`""`, `" IN BOOLEAN MODE"`, ...).
    const SQL: &'static str;
}

/// No explicit mode: `AGAINST (?)` (seekdb's default, natural language).
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultMode;
/// `IN NATURAL LANGUAGE MODE`: ranked relevance search.
#[derive(Debug, Clone, Copy, Default)]
pub struct NaturalLanguageMode;
/// `IN BOOLEAN MODE`: `+required`, `-excluded`, plain optional terms and nested `( )`.
/// seekdb treats a quoted phrase as plain terms here and refuses `*`, `>`, `<`, `~`.
#[derive(Debug, Clone, Copy, Default)]
pub struct BooleanMode;
/// `IN MATCH PHRASE MODE`: the words must appear together, in order.
#[derive(Debug, Clone, Copy, Default)]
pub struct PhraseMode;

impl SearchMode for DefaultMode {
    const SQL: &'static str = "";
}
impl SearchMode for NaturalLanguageMode {
    const SQL: &'static str = " IN NATURAL LANGUAGE MODE";
}
impl SearchMode for BooleanMode {
    const SQL: &'static str = " IN BOOLEAN MODE";
}
impl SearchMode for PhraseMode {
    const SQL: &'static str = " IN MATCH PHRASE MODE";
}

/// `MATCH (columns) AGAINST (? [mode])`: the relevance score, a `Double`.
///
/// Built by [`match_against`]. The search text is a bound parameter.
#[derive(Debug, Clone)]
pub struct MatchAgainst<C, M = DefaultMode> {
    columns: C,
    query: String,
    mode: PhantomData<M>,
}

/// `MATCH (columns) AGAINST (?)`: full-text relevance of `query` against `columns`.
///
/// `columns` is one text column or a tuple of text columns of one table (the columns
/// of a `FULLTEXT` index, in its order). Pick a mode with
/// [`natural_language`](MatchAgainst::natural_language),
/// [`boolean_mode`](MatchAgainst::boolean_mode) or
/// [`phrase_mode`](MatchAgainst::phrase_mode).
///
/// ```
/// use diesel::prelude::*;
/// use diesel_seekdb::diesel_ext::match_against;
/// diesel::table! {
///     posts (id) { id -> Integer, title -> Varchar, body -> Nullable<Text> }
/// }
/// let score = match_against((posts::title, posts::body), "like").natural_language();
/// let query = posts::table
///     .select((posts::id, score.clone()))
///     .filter(score.clone().matches())
///     .filter(posts::id.gt(4))
///     .order(score.desc())
///     .limit(3);
/// let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(&query).to_string();
/// assert!(sql.starts_with(
///     "SELECT `posts`.`id`, MATCH (`posts`.`title`, `posts`.`body`) AGAINST (? IN NATURAL LANGUAGE MODE) \
///      FROM `posts` WHERE (MATCH (`posts`.`title`, `posts`.`body`) AGAINST (? IN NATURAL LANGUAGE MODE) \
///      AND (`posts`.`id` > ?)) ORDER BY MATCH (`posts`.`title`, `posts`.`body`) AGAINST (? IN NATURAL LANGUAGE MODE) DESC"
/// ), "{sql}");
/// ```
pub fn match_against<C, K>(columns: C, query: impl Into<String>) -> MatchAgainst<C>
where
    C: FullTextColumns<K>,
{
    MatchAgainst {
        columns,
        query: query.into(),
        mode: PhantomData,
    }
}

impl<C, M> MatchAgainst<C, M> {
    fn with_mode<N>(self) -> MatchAgainst<C, N> {
        MatchAgainst {
            columns: self.columns,
            query: self.query,
            mode: PhantomData,
        }
    }

    /// `IN NATURAL LANGUAGE MODE`.
    pub fn natural_language(self) -> MatchAgainst<C, NaturalLanguageMode> {
        self.with_mode()
    }

    /// `IN BOOLEAN MODE` (`+must -must_not optional`).
    ///
    /// ```
    /// use diesel_seekdb::diesel_ext::match_against;
    /// diesel::table! { docs (id) { id -> Integer, body -> Text } }
    /// let m = match_against(docs::body, "+rust -java").boolean_mode();
    /// let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(&m).to_string();
    /// assert!(sql.starts_with("MATCH (`docs`.`body`) AGAINST (? IN BOOLEAN MODE)"), "{sql}");
    /// ```
    pub fn boolean_mode(self) -> MatchAgainst<C, BooleanMode> {
        self.with_mode()
    }

    /// `IN MATCH PHRASE MODE`.
    pub fn phrase_mode(self) -> MatchAgainst<C, PhraseMode> {
        self.with_mode()
    }

    /// The search text.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The same `MATCH ... AGAINST` as a `Bool` condition for `.filter(..)`:
    /// true for rows with a positive score.
    pub fn matches(self) -> Matches<C, M> {
        Matches { inner: self }
    }
}

impl<C, M> Expression for MatchAgainst<C, M> {
    type SqlType = Double;
}

impl<C, M, QS> AppearsOnTable<QS> for MatchAgainst<C, M> where C: AppearsOnTable<QS> {}

impl<C, M, QS> SelectableExpression<QS> for MatchAgainst<C, M> where C: SelectableExpression<QS> {}

impl<C, M, GB> ValidGrouping<GB> for MatchAgainst<C, M>
where
    C: ValidGrouping<GB>,
{
    type IsAggregate = C::IsAggregate;
}

impl<C, M> QueryId for MatchAgainst<C, M>
where
    C: QueryId,
    M: SearchMode,
{
    type QueryId = MatchAgainst<C::QueryId, M>;
    const HAS_STATIC_QUERY_ID: bool = C::HAS_STATIC_QUERY_ID;
}

impl<C, M, DB> QueryFragment<DB> for MatchAgainst<C, M>
where
    DB: Backend + diesel::sql_types::HasSqlType<Text>,
    C: QueryFragment<DB>,
    M: SearchMode,
    String: diesel::serialize::ToSql<Text, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("MATCH (");
        // A column renders as `t`.`c`, a tuple as `t`.`a`, `t`.`b`.
        self.columns.walk_ast(out.reborrow())?;
        out.push_sql(") AGAINST (");
        out.push_bind_param::<Text, String>(&self.query)?;
        out.push_sql(M::SQL);
        out.push_sql(")");
        Ok(())
    }
}

/// [`MatchAgainst`] as a `Bool` condition, from [`MatchAgainst::matches`].
#[derive(Debug, Clone)]
pub struct Matches<C, M> {
    inner: MatchAgainst<C, M>,
}

impl<C, M> Expression for Matches<C, M> {
    type SqlType = Bool;
}

impl<C, M, QS> AppearsOnTable<QS> for Matches<C, M> where MatchAgainst<C, M>: AppearsOnTable<QS> {}

impl<C, M, QS> SelectableExpression<QS> for Matches<C, M> where
    MatchAgainst<C, M>: SelectableExpression<QS>
{
}

impl<C, M, GB> ValidGrouping<GB> for Matches<C, M>
where
    MatchAgainst<C, M>: ValidGrouping<GB>,
{
    type IsAggregate = <MatchAgainst<C, M> as ValidGrouping<GB>>::IsAggregate;
}

impl<C, M> QueryId for Matches<C, M>
where
    MatchAgainst<C, M>: QueryId,
{
    type QueryId = Matches<<MatchAgainst<C, M> as QueryId>::QueryId, ()>;
    const HAS_STATIC_QUERY_ID: bool = <MatchAgainst<C, M> as QueryId>::HAS_STATIC_QUERY_ID;
}

impl<C, M, DB> QueryFragment<DB> for Matches<C, M>
where
    DB: Backend,
    MatchAgainst<C, M>: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.inner.walk_ast(out)
    }
}
