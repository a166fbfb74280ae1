//! Checks a query's `APPROXIMATE` ordering against seekdb's rules before it is sent.
//!
//! Diesel builds each clause independently, so `Approximate` cannot see the `LIMIT`
//! or the other `ORDER BY` items at compile time; the rendered statement can. seekdb
//! would answer these mistakes with a bare 1064 or 1235.

use diesel::mysql::Mysql;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::QueryResult;

use crate::error::{Error, Result};
use diesel_seekdb_rules::MAX_TOPK;

/// One significant piece of SQL text outside quotes and identifiers.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Comma,
    Placeholder(usize),
}

/// Tokens with their parenthesis depth.
fn tokenize(sql: &str) -> Vec<(Token, usize)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut placeholders = 0;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' | '\'' | '"' => {
                // Skip the quoted text; a doubled quote is an escaped one.
                while let Some(q) = chars.next() {
                    if q == '\\' && c != '`' {
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
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' => out.push((Token::Comma, depth)),
            '?' => {
                out.push((Token::Placeholder(placeholders), depth));
                placeholders += 1;
            }
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
                out.push((Token::Word(word.to_ascii_uppercase()), depth));
            }
            _ => {}
        }
    }
    out
}

fn refuse(reason: impl Into<String>) -> Error {
    Error::validation("approximate", reason)
}

/// The `LIMIT`/`OFFSET` operand: a literal or a bound value (taken from `binds`).
fn operand(token: Option<&(Token, usize)>, binds: &[String]) -> Option<u64> {
    match token? {
        (Token::Word(w), _) => w.parse().ok(),
        (Token::Placeholder(i), _) => binds.get(*i)?.trim().parse().ok(),
        _ => None,
    }
}

/// The bound values as `debug_query` prints them, when each can be told apart
/// (integers are what matters here; anything else just stays unreadable).
fn split_binds(debug: &str) -> Vec<String> {
    let Some((_, list)) = debug.rsplit_once(" -- binds: [") else {
        return Vec::new();
    };
    let list = list.strip_suffix(']').unwrap_or(list);
    if list.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    let bytes = list.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quoted => i += 1,
            b'"' => quoted = !quoted,
            b'(' | b'[' | b'{' if !quoted => depth += 1,
            b')' | b']' | b'}' if !quoted => depth -= 1,
            b',' if !quoted && depth == 0 => {
                out.push(list[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(list[start..].trim().to_string());
    out
}

/// Checks every `APPROXIMATE` in `query`: it must be the only `ORDER BY` item and be
/// followed by a `LIMIT` whose value plus offset is at most 16384.
///
/// ```
/// # use diesel::prelude::*;
/// # use diesel_seekdb::prelude::*;
/// use diesel_seekdb::diesel_ext::check_approximate;
/// diesel::table! {
///     use diesel::sql_types::*;
///     use diesel_seekdb::sql_types::Vector;
///     items (id) { id -> Integer, embedding -> Vector }
/// }
/// let q = Vector::from(vec![1.0, 0.0]);
/// let d = items::embedding.l2_distance(q);
/// let good = items::table.select(items::id).order(d.clone().approximate()).limit(10);
/// assert!(check_approximate(&good).is_ok());
/// let no_limit = items::table.select(items::id).order(d.clone().approximate());
/// assert!(check_approximate(&no_limit).unwrap_err().to_string().contains("LIMIT"));
/// let two_items = items::table.select(items::id).order((d.clone().approximate(), items::id));
/// assert!(check_approximate(&two_items.limit(5)).is_err());
/// let too_many = items::table.select(items::id).order(d.approximate()).limit(20_000);
/// assert!(check_approximate(&too_many).is_err());
/// ```
pub fn check_approximate<Q: QueryFragment<Mysql>>(query: &Q) -> Result<()> {
    let debug = diesel::debug_query::<Mysql, _>(query).to_string();
    let sql = debug.split(" -- binds: ").next().unwrap_or_default();
    let tokens = tokenize(sql);
    let word = |i: usize, w: &str| matches!(&tokens.get(i), Some((Token::Word(x), _)) if x == w);
    let mut binds = None;
    for (at, (token, depth)) in tokens.iter().enumerate() {
        if *token != Token::Word("APPROXIMATE".into()) {
            continue;
        }
        let depth = *depth;
        // Walk back to this level's ORDER BY: a comma on the way means another item.
        let mut order_by = None;
        for back in (0..at).rev() {
            let (t, d) = &tokens[back];
            if *d < depth {
                break;
            }
            if *d > depth {
                continue;
            }
            if *t == Token::Comma {
                return Err(refuse(
                    "APPROXIMATE must be the only ORDER BY item: seekdb refuses a vector \
                     index search ordered by more than one expression",
                ));
            }
            if word(back, "BY") && back > 0 && word(back - 1, "ORDER") {
                order_by = Some(back);
                break;
            }
        }
        if order_by.is_none() {
            return Err(refuse("APPROXIMATE is only valid on an ORDER BY item"));
        }
        let next = tokens[at + 1..]
            .iter()
            .position(|(_, d)| *d <= depth)
            .map(|p| at + 1 + p)
            .filter(|&n| tokens[n].1 == depth);
        match next.map(|n| (n, &tokens[n].0)) {
            Some((_, Token::Comma)) => {
                return Err(refuse(
                    "APPROXIMATE must be the only ORDER BY item: seekdb refuses a vector \
                     index search ordered by more than one expression",
                ))
            }
            Some((n, Token::Word(w))) if w == "LIMIT" => {
                let binds = binds.get_or_insert_with(|| split_binds(&debug));
                let first = operand(tokens.get(n + 1), binds);
                let (limit, offset) = if matches!(tokens.get(n + 2), Some((Token::Comma, _))) {
                    // `LIMIT offset, count`.
                    (operand(tokens.get(n + 3), binds), first)
                } else if word(n + 2, "OFFSET") {
                    (first, operand(tokens.get(n + 3), binds))
                } else {
                    (first, Some(0))
                };
                if let (Some(limit), Some(offset)) = (limit, offset) {
                    let total = limit.saturating_add(offset);
                    if total > MAX_TOPK as u64 {
                        return Err(refuse(format!(
                            "LIMIT plus OFFSET is {total}; seekdb searches a vector index for \
                             at most {MAX_TOPK} rows"
                        )));
                    }
                }
            }
            _ => {
                return Err(refuse(
                    "APPROXIMATE needs a LIMIT (`.limit(k)`, k + offset <= 16384): seekdb \
                     cannot search a vector index without one",
                ))
            }
        }
    }
    Ok(())
}

/// A query whose `APPROXIMATE` ordering is checked by [`check_approximate`] each time
/// it is rendered, so a wrong one fails before anything is sent. Built by
/// [`ApproximateQueryDsl::checked_approximate`].
#[derive(Debug, Clone, Copy, QueryId)]
pub struct CheckedApproximate<Q>(Q);

/// Adds [`checked_approximate`](Self::checked_approximate) to Diesel queries.
pub trait ApproximateQueryDsl: Sized {
    /// Wraps the query so its `APPROXIMATE` ordering is checked before it is sent.
    ///
    /// ```
    /// # use diesel::prelude::*;
    /// # use diesel_seekdb::prelude::*;
    /// use diesel_seekdb::diesel_ext::ApproximateQueryDsl;
    /// diesel::table! {
    ///     use diesel::sql_types::*;
    ///     use diesel_seekdb::sql_types::Vector;
    ///     items (id) { id -> Integer, embedding -> Vector }
    /// }
    /// let d = items::embedding.l2_distance(Vector::from(vec![1.0, 0.0]));
    /// let query = items::table.select(items::id).order(d.approximate()).checked_approximate();
    /// let err = diesel::query_builder::QueryFragment::<diesel::mysql::Mysql>::to_sql(
    ///     &query,
    ///     &mut diesel::mysql::MysqlQueryBuilder::new(),
    ///     &diesel::mysql::Mysql,
    /// );
    /// assert!(err.unwrap_err().to_string().contains("needs a LIMIT"));
    /// ```
    fn checked_approximate(self) -> CheckedApproximate<Self> {
        CheckedApproximate(self)
    }
}

impl<Q: Query> ApproximateQueryDsl for Q {}

impl<Q: Query> Query for CheckedApproximate<Q> {
    type SqlType = Q::SqlType;
}

impl<Q: QueryFragment<Mysql>> QueryFragment<Mysql> for CheckedApproximate<Q> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        check_approximate(&self.0)
            .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
        self.0.walk_ast(out)
    }
}

impl<Q, Conn> diesel::RunQueryDsl<Conn> for CheckedApproximate<Q> {}

#[cfg(test)]
#[path = "approximate_check_tests.rs"]
mod tests;
