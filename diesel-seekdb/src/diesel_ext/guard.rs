//! The index-use guard for typed Diesel queries: the plan of an ANN query built with
//! the DSL (`order(d.approximate()).limit(k)`), and a load that refuses to run one
//! that would scan every row.
//!
//! The query's ordering is read from its rendered SQL (Diesel builds each clause on
//! its own, so this is where the whole statement is visible), the table's vector
//! indexes from the server, and the plan from `EXPLAIN`.

use diesel::mysql::{Mysql, MysqlConnection};
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::query_dsl::methods::LoadQuery;
use diesel::sql_types::{Text, Untyped};
use diesel::{QueryResult, QueryableByName, RunQueryDsl};

use crate::client::explain::{classify, predicted, SearchShape};
use crate::client::{describe_table, SearchPlan, TableInfo};
use crate::error::{Error, Result};

/// One significant piece of SQL text.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Ident(String),
    Open,
    Close,
    Comma,
    Dot,
}

fn tokens(sql: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' => {
                let mut name = String::new();
                while let Some(q) = chars.next() {
                    if q == '`' {
                        if chars.peek() == Some(&'`') {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    name.push(q);
                }
                out.push(Tok::Ident(name));
            }
            '\'' | '"' => {
                while let Some(q) = chars.next() {
                    if q == '\\' {
                        chars.next();
                    } else if q == c {
                        if chars.peek() == Some(&c) {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
            }
            '(' => out.push(Tok::Open),
            ')' => out.push(Tok::Close),
            ',' => out.push(Tok::Comma),
            '.' => out.push(Tok::Dot),
            c if c.is_alphanumeric() || c == '_' => {
                let mut word = c.to_string();
                while let Some(&n) = chars.peek() {
                    if n.is_alphanumeric() || n == '_' {
                        word.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(Tok::Word(word.to_ascii_lowercase()));
            }
            _ => {}
        }
    }
    out
}

fn not_a_search(reason: &str) -> Error {
    Error::validation("query", format!("not a vector search: {reason}"))
}

/// The table and the guard's view of a rendered `SELECT .. ORDER BY f(col, ?) ..`.
fn shape_of(sql: &str) -> Result<(String, SearchShape)> {
    let t = tokens(sql);
    let word = |i: usize, w: &str| matches!(t.get(i), Some(Tok::Word(x)) if x == w);
    // Depth of each token: only the outermost statement's clauses count.
    let mut depth = 0usize;
    let depths: Vec<usize> = t
        .iter()
        .map(|tok| {
            match tok {
                Tok::Open => depth += 1,
                Tok::Close => depth = depth.saturating_sub(1),
                _ => {}
            }
            depth
        })
        .collect();
    let top = |i: usize| depths[i] == 0;
    let order = (1..t.len())
        .rev()
        .find(|&i| top(i) && word(i - 1, "order") && word(i, "by"))
        .ok_or_else(|| not_a_search("it has no ORDER BY"))?;
    let Some(Tok::Word(function)) = t.get(order + 1) else {
        return Err(not_a_search("it is not ordered by a distance function"));
    };
    if t.get(order + 2) != Some(&Tok::Open) {
        return Err(not_a_search("it is not ordered by a distance function"));
    }
    // The first argument: `table`.`column` or `column`.
    let mut first_arg = Vec::new();
    let mut i = order + 3;
    while let Some(tok) = t.get(i) {
        if matches!(tok, Tok::Comma | Tok::Close) && depths[i] <= 1 {
            break;
        }
        if let Tok::Ident(name) = tok {
            first_arg.push(name.clone());
        }
        i += 1;
    }
    let column = first_arg
        .last()
        .cloned()
        .ok_or_else(|| not_a_search("the distance's first argument is not a column"))?;
    let close = (order + 2..t.len())
        .find(|&i| t[i] == Tok::Close && depths[i] == 0)
        .ok_or_else(|| not_a_search("unbalanced parentheses"))?;
    let mut next = close + 1;
    if word(next, "asc") || word(next, "desc") {
        next += 1;
    }
    let approximate = word(next, "approximate") || word(next, "approx");
    let limit = (next..t.len()).any(|i| top(i) && word(i, "limit"));
    let filtered = (0..order).any(|i| top(i) && word(i, "where"));
    let table = match first_arg.as_slice() {
        [.., table, _] => table.clone(),
        _ => (0..order)
            .find(|&i| top(i) && word(i, "from"))
            .and_then(|i| match t.get(i + 1) {
                Some(Tok::Ident(n)) => Some(n.clone()),
                _ => None,
            })
            .ok_or_else(|| not_a_search("no table found"))?,
    };
    Ok((
        table,
        SearchShape {
            column,
            order_fn: function.clone(),
            approximate,
            limit,
            filtered,
        },
    ))
}

/// `EXPLAIN <query>`.
#[derive(Debug, Clone, Copy)]
struct Explain<'q, Q>(&'q Q);

impl<Q> QueryId for Explain<'_, Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q> Query for Explain<'_, Q> {
    type SqlType = Untyped;
}

impl<Q: QueryFragment<Mysql>> QueryFragment<Mysql> for Explain<'_, Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        out.push_sql("EXPLAIN ");
        self.0.walk_ast(out)
    }
}

impl<Q, Conn> RunQueryDsl<Conn> for Explain<'_, Q> {}

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text, column_name = "Query Plan")]
    line: String,
}

/// The parts of a typed query's plan known before `EXPLAIN`: the table and the shape,
/// or the plan itself when the query cannot use an index whatever the server has
/// (`EXPLAIN` of an `APPROXIMATE` without `LIMIT` is refused with 1064).
fn prepare<Q: QueryFragment<Mysql>>(query: &Q) -> Result<(String, SearchShape)> {
    let debug = diesel::debug_query::<Mysql, _>(query).to_string();
    let sql = debug.split(" -- binds: ").next().unwrap_or_default();
    shape_of(sql)
}

fn static_plan(info: &TableInfo, shape: &SearchShape) -> Option<SearchPlan> {
    (!shape.approximate || !shape.limit).then(|| predicted(info, shape))
}

/// The plan of a typed ANN query: the vector index it uses (and how a filter is
/// applied), or a full scan and why ([`FullScanReason`](crate::client::FullScanReason)).
/// Reads the table's description and runs `EXPLAIN`; the query itself is not run.
///
/// ```no_run
/// # use diesel::prelude::*;
/// # use diesel_seekdb::prelude::*;
/// use diesel_seekdb::diesel_ext::explain_search;
/// diesel::table! {
///     use diesel::sql_types::*;
///     use diesel_seekdb::sql_types::Vector;
///     items (id) { id -> Integer, embedding -> Vector }
/// }
/// # fn f(conn: &mut MysqlConnection) -> diesel_seekdb::Result<()> {
/// let d = items::embedding.cosine_distance(Vector::from(vec![1.0, 0.0]));
/// let q = items::table.select(items::id).order(d.approximate()).limit(10);
/// let plan = explain_search(conn, &q)?;
/// if let Some(reason) = plan.full_scan_reason() {
///     eprintln!("full scan: {reason}; fix: {}", reason.fix());
/// }
/// # Ok(()) }
/// ```
pub fn explain_search<Q: QueryFragment<Mysql>>(
    conn: &mut MysqlConnection,
    query: &Q,
) -> Result<SearchPlan> {
    let (table, shape) = prepare(query)?;
    let info = describe_table(conn, &table)?;
    if let Some(plan) = static_plan(&info, &shape) {
        return Ok(plan);
    }
    let lines: Vec<PlanLine> = Explain(query).load(conn)?;
    let text = lines
        .into_iter()
        .map(|l| l.line)
        .collect::<Vec<_>>()
        .join("\n");
    Ok(classify(text, &info, &shape))
}

/// [`explain_search`] on diesel-async's connection.
#[cfg(feature = "async")]
pub async fn explain_search_async<Q: QueryFragment<Mysql> + Send + Sync>(
    conn: &mut diesel_async::AsyncMysqlConnection,
    query: &Q,
) -> Result<SearchPlan> {
    let (table, shape) = prepare(query)?;
    let info = crate::client::describe_table_async(conn, &table).await?;
    if let Some(plan) = static_plan(&info, &shape) {
        return Ok(plan);
    }
    let lines: Vec<PlanLine> = diesel_async::RunQueryDsl::load(Explain(query), conn).await?;
    let text = lines
        .into_iter()
        .map(|l| l.line)
        .collect::<Vec<_>>()
        .join("\n");
    Ok(classify(text, &info, &shape))
}

/// The typed builder's strict mode: [`explain_search`], and an error naming the
/// reason and the fix when the query would scan every row.
pub fn require_vector_index<Q: QueryFragment<Mysql>>(
    conn: &mut MysqlConnection,
    query: &Q,
) -> Result<SearchPlan> {
    explain_search(conn, query)?.require_index()
}

/// Adds [`load_through_index`](Self::load_through_index) to Diesel queries.
pub trait IndexGuardDsl: Sized {
    /// Loads the rows only when the query uses a vector index
    /// ([`require_vector_index`] first: extra round trips for the table's description
    /// and `EXPLAIN`).
    fn load_through_index<'q, U>(self, conn: &mut MysqlConnection) -> Result<Vec<U>>
    where
        Self:
            QueryFragment<Mysql> + LoadQuery<'q, MysqlConnection, U> + RunQueryDsl<MysqlConnection>,
    {
        require_vector_index(conn, &self)?;
        Ok(RunQueryDsl::load(self, conn)?)
    }
}

impl<Q: Query> IndexGuardDsl for Q {}

#[cfg(test)]
#[path = "guard_tests.rs"]
mod tests;
