//! Sparse vectors, ARRAY columns and full-text search against a real seekdb, through
//! typed Diesel queries.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::mysql::Mysql;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel_seekdb::diesel_ext::match_against;
use diesel_seekdb::prelude::*;
use diesel_seekdb_suite::TestDb;

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::Sparsevector;
    sparse_docs (id) {
        id -> Integer,
        sp -> Nullable<Sparsevector>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::Array;
    tagged (id) {
        id -> Integer,
        tags -> Nullable<Array>,
        nums -> Nullable<Array>,
        flags -> Nullable<Array>,
        scores -> Nullable<Array>,
    }
}

diesel::table! {
    articles (id) {
        id -> Integer,
        doc -> Varchar,
        tag -> Nullable<Varchar>,
    }
}

/// `EXPLAIN <query>`, with the query's bind parameters, loading the plan lines.
#[derive(Debug)]
struct Explain<Q>(Q);

impl<Q> QueryId for Explain<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q> Query for Explain<Q> {
    type SqlType = diesel::sql_types::Text;
}

impl<Q: QueryFragment<Mysql>> QueryFragment<Mysql> for Explain<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        out.push_sql("EXPLAIN ");
        self.0.walk_ast(out.reborrow())
    }
}

impl<Q> RunQueryDsl<MysqlConnection> for Explain<Q> {}

type TaggedRow = (i32, Option<SqlArray<String>>, Option<SqlArray<i64>>);

fn sparse(pairs: &[(u32, f32)]) -> SparseVector {
    SparseVector::from_pairs(pairs.iter().copied()).unwrap()
}

#[test]
fn sparse_vectors_round_trip_and_search_a_sindi_index() {
    let mut db = TestDb::new("sparse");
    db.conn
        .batch_execute(
            "CREATE TABLE sparse_docs (id INT PRIMARY KEY, sp SPARSEVECTOR, \
             VECTOR INDEX si(sp) WITH (distance=inner_product, type=sindi))",
        )
        .unwrap();
    let rows = vec![
        (1, Some(sparse(&[(1, 0.5), (3, 1.25)]))),
        (2, Some(sparse(&[(1, 2.0), (7, 0.125)]))),
        (3, Some(sparse(&[(3, 4.0), (400_000, -1.5)]))),
        (4, Some(SparseVector::new())),
        (5, None),
        (6, Some(sparse(&[(1, 1.0), (3, 1.0), (9, 3.0)]))),
    ];
    let values: Vec<_> = rows
        .iter()
        .map(|(id, sp)| (sparse_docs::id.eq(*id), sparse_docs::sp.eq(sp.clone())))
        .collect();
    diesel::insert_into(sparse_docs::table)
        .values(&values)
        .execute(&mut db.conn)
        .unwrap();

    let back: Vec<(i32, Option<SparseVector>)> = sparse_docs::table
        .order(sparse_docs::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(back, rows);

    // Text written by hand is normalised by the server exactly as by the client.
    db.conn
        .batch_execute("INSERT INTO sparse_docs VALUES (7, '{ 5:1, 2:0.5, 5:2 }')")
        .unwrap();
    let seven: Option<SparseVector> = sparse_docs::table
        .find(7)
        .select(sparse_docs::sp)
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(seven, Some(SparseVector::parse("{5:1,2:0.5,5:2}").unwrap()));

    // Exact scores agree with the client-side inner product.
    let query = sparse(&[(1, 1.0), (3, 2.0)]);
    let scored: Vec<(i32, Option<f64>)> = sparse_docs::table
        .select((
            sparse_docs::id,
            sparse_docs::sp.inner_product(query.clone()),
        ))
        .filter(sparse_docs::sp.is_not_null())
        .order(sparse_docs::id)
        .load(&mut db.conn)
        .unwrap();
    for (id, score) in &scored {
        let expected = rows
            .iter()
            .chain([(7, seven.clone())].iter())
            .find(|(i, _)| i == id)
            .and_then(|(_, sp)| sp.as_ref())
            .map(|sp| sp.dot(&query))
            .unwrap();
        assert!(
            (score.unwrap() - expected).abs() < 1e-6,
            "{id}: {score:?} vs {expected}"
        );
    }

    // Approximate top-k through the sindi index: most similar first.
    let ann = sparse_docs::table
        .select(sparse_docs::id)
        .order(
            sparse_docs::sp
                .negative_inner_product(query.clone())
                .approximate(),
        )
        .limit(3);
    let sql = diesel::debug_query::<Mysql, _>(&ann).to_string();
    assert!(
        sql.contains("ORDER BY negative_inner_product(`sparse_docs`.`sp`, ?) APPROXIMATE LIMIT ?"),
        "{sql}"
    );
    let top: Vec<i32> = ann.clone().load(&mut db.conn).unwrap();
    // Scores: 1 → 3.0, 2 → 2.0, 3 → 8.0, 6 → 3.0; ids 1 and 6 tie.
    assert_eq!(top.len(), 3);
    assert_eq!(top[0], 3);
    assert!(top[1..].iter().all(|id| [1, 6].contains(id)), "{top:?}");

    let plan: Vec<String> = Explain(ann).load(&mut db.conn).unwrap();
    let plan = plan.join("\n");
    assert!(plan.contains("VECTOR INDEX SCAN"), "{plan}");
    assert!(plan.contains("si"), "{plan}");

    // Client-side validation: NaN never reaches the server.
    assert!(SparseVector::from_pairs([(1, f32::NAN)]).is_err());
}

#[test]
fn arrays_round_trip_and_filter() {
    let mut db = TestDb::new("sparse");
    db.conn
        .batch_execute(
            "CREATE TABLE tagged (id INT PRIMARY KEY, tags ARRAY(VARCHAR(32)), \
             nums ARRAY(BIGINT), flags ARRAY(BOOL), scores ARRAY(FLOAT))",
        )
        .unwrap();
    let s = |v: &[&str]| {
        Some(SqlArray(
            v.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
        ))
    };
    let rows: Vec<TaggedRow> = vec![
        (
            1,
            s(&["rust", "db", "quote\"d"]),
            Some(SqlArray(vec![1, 2, 9_007_199_254_740_993])),
        ),
        (2, s(&["python", "db"]), Some(SqlArray(vec![2, 3]))),
        (3, s(&["go", "x,y", "ünï"]), Some(SqlArray(vec![-5]))),
        (4, s(&[]), Some(SqlArray(vec![]))),
        (5, None, None),
    ];
    for (id, tags, nums) in &rows {
        diesel::insert_into(tagged::table)
            .values((
                tagged::id.eq(id),
                tagged::tags.eq(tags.clone()),
                tagged::nums.eq(nums.clone()),
            ))
            .execute(&mut db.conn)
            .unwrap();
    }
    diesel::update(tagged::table.find(1))
        .set((
            tagged::flags.eq(SqlArray(vec![true, false])),
            tagged::scores.eq(SqlArray(vec![0.5f32, 1.25, 3.4e38])),
        ))
        .execute(&mut db.conn)
        .unwrap();

    let back: Vec<TaggedRow> = tagged::table
        .select((tagged::id, tagged::tags, tagged::nums))
        .order(tagged::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(back, rows);

    // Plain Vec<T> reads too; BOOL arrays come back as [1,0]; FLOAT at 6 digits.
    let (flags, scores): (Option<Vec<bool>>, Option<Vec<f32>>) = tagged::table
        .find(1)
        .select((tagged::flags, tagged::scores))
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(flags, Some(vec![true, false]));
    assert_eq!(scores, Some(vec![0.5, 1.25, 3.4e38]));

    fn load<Q>(conn: &mut MysqlConnection, q: Q) -> Vec<i32>
    where
        Q: diesel::query_dsl::LoadQuery<'static, MysqlConnection, i32>,
    {
        q.load(conn).unwrap()
    }
    let base = || tagged::table.select(tagged::id).order(tagged::id);

    let c = &mut db.conn;
    assert_eq!(
        load(
            c,
            base().filter(tagged::tags.array_contains("db".to_string()))
        ),
        vec![1, 2]
    );
    assert_eq!(
        load(
            c,
            base().filter(tagged::tags.array_contains("quote\"d".to_string()))
        ),
        vec![1]
    );
    assert_eq!(
        load(
            c,
            base().filter(tagged::tags.array_contains("x,y".to_string()))
        ),
        vec![3]
    );
    assert_eq!(
        load(c, base().filter(tagged::nums.array_contains(2i64))),
        vec![1, 2]
    );
    assert_eq!(
        load(
            c,
            base().filter(tagged::nums.array_contains(9_007_199_254_740_993i64))
        ),
        vec![1]
    );
    assert_eq!(
        load(c, base().filter(tagged::flags.array_contains(true))),
        vec![1]
    );
    assert_eq!(
        load(c, base().filter(tagged::scores.array_contains(1.25f32))),
        vec![1]
    );
    assert_eq!(
        load(
            c,
            base().filter(tagged::tags.array_contains_all(["db", "rust"].map(String::from)))
        ),
        vec![1]
    );
    assert_eq!(
        load(
            c,
            base().filter(tagged::tags.array_overlaps(["go", "python"].map(String::from)))
        ),
        vec![2, 3]
    );
    assert_eq!(
        load(
            c,
            base().filter(tagged::nums.array_contains_any(vec![3i64, -5]))
        ),
        vec![2, 3]
    );
    // Empty lists: contains-all of nothing is true, overlap with nothing is false,
    // and NULL arrays stay NULL (filtered out) either way.
    assert_eq!(
        load(
            c,
            base().filter(tagged::tags.array_contains_all(Vec::<String>::new()))
        ),
        vec![1, 2, 3, 4]
    );
    assert_eq!(
        load(
            c,
            base().filter(tagged::tags.array_overlaps(Vec::<String>::new()))
        ),
        Vec::<i32>::new()
    );
    assert_eq!(
        load(
            c,
            base().filter(diesel::dsl::not(
                tagged::nums.array_overlaps(Vec::<i64>::new())
            ))
        ),
        vec![1, 2, 3, 4]
    );

    let lengths: Vec<(i32, Option<i64>, Option<i64>)> = tagged::table
        .select((
            tagged::id,
            tagged::tags.cardinality(),
            tagged::nums.array_length(),
        ))
        .order(tagged::id)
        .load(c)
        .unwrap();
    assert_eq!(
        lengths,
        vec![
            (1, Some(3), Some(3)),
            (2, Some(2), Some(2)),
            (3, Some(3), Some(1)),
            (4, Some(0), Some(0)),
            (5, None, None),
        ]
    );

    // Non-finite floats are refused before anything is sent.
    let err = diesel::update(tagged::table.find(2))
        .set(tagged::scores.eq(SqlArray(vec![f32::NAN])))
        .execute(c)
        .unwrap_err();
    assert!(err.to_string().contains("not a finite number"), "{err}");
}

#[test]
fn full_text_match_against_in_every_mode() {
    let mut db = TestDb::new("sparse");
    db.conn
        .batch_execute(
            "CREATE TABLE articles (id INT PRIMARY KEY, doc VARCHAR(255) NOT NULL, tag VARCHAR(64), \
             FULLTEXT INDEX fi(doc) WITH PARSER ngram, \
             FULLTEXT INDEX fi2(doc, tag) WITH PARSER ngram)",
        )
        .unwrap();
    let docs = [
        "pLease porridge in the pot",
        "please say sorry",
        "nine years old",
        "some like it hot, some like it cold",
        "i like coding",
        "i like my company",
    ];
    let values: Vec<_> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let tag = if i == 2 { Some("rusty") } else { None };
            (
                articles::id.eq(i as i32 + 1),
                articles::doc.eq(*d),
                articles::tag.eq(tag),
            )
        })
        .collect();
    diesel::insert_into(articles::table)
        .values(&values)
        .execute(&mut db.conn)
        .unwrap();

    // A fresh full-text index may need a moment before it sees new rows.
    let started = Instant::now();
    let please: Vec<i32> = loop {
        let found: Vec<i32> = articles::table
            .select(articles::id)
            .filter(match_against(articles::doc, "please").matches())
            .order(articles::id)
            .load(&mut db.conn)
            .unwrap();
        if found.len() >= 3 || started.elapsed() > Duration::from_secs(10) {
            break found;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(please.len(), 3, "{please:?}");
    assert!(please.contains(&1) && please.contains(&2), "{please:?}");

    // pyobvector's scenario: MATCH 'like' AND id > 4 LIMIT 1.
    let first: (i32, String) = articles::table
        .select((articles::id, articles::doc))
        .filter(match_against(articles::doc, "like").matches())
        .filter(articles::id.gt(4))
        .order(articles::id)
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(first, (5, "i like coding".to_string()));

    // Score in the select list and as the ordering, most relevant first.
    let score = match_against(articles::doc, "like").natural_language();
    let ranked: Vec<(i32, f64)> = articles::table
        .select((articles::id, score.clone()))
        .filter(score.clone().matches())
        .order(score.desc())
        .load(&mut db.conn)
        .unwrap();
    let mut ids: Vec<i32> = ranked.iter().map(|(id, _)| *id).collect();
    assert!(ranked.windows(2).all(|w| w[0].1 >= w[1].1), "{ranked:?}");
    assert!(ranked.iter().all(|(_, s)| *s > 0.0), "{ranked:?}");
    ids.sort();
    assert_eq!(ids, vec![4, 5, 6]);

    // Non-matching rows score 0.
    let zero: f64 = articles::table
        .find(3)
        .select(match_against(articles::doc, "like"))
        .first(&mut db.conn)
        .unwrap();
    assert_eq!(zero, 0.0);

    // Boolean mode: with ngram, terms of the n-gram size (2) match.
    let boolean: Vec<i32> = articles::table
        .select(articles::id)
        .filter(
            match_against(articles::doc, "+pl -po")
                .boolean_mode()
                .matches(),
        )
        .order(articles::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(boolean, vec![2]);
    let both: Vec<i32> = articles::table
        .select(articles::id)
        .filter(
            match_against(articles::doc, "+li +co")
                .boolean_mode()
                .matches(),
        )
        .order(articles::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(both, vec![4, 5, 6]);

    // Phrase mode: words together and in order.
    let phrase: Vec<i32> = articles::table
        .select(articles::id)
        .filter(
            match_against(articles::doc, "like coding")
                .phrase_mode()
                .matches(),
        )
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(phrase, vec![5]);
    let reversed: Vec<i32> = articles::table
        .select(articles::id)
        .filter(
            match_against(articles::doc, "coding like")
                .phrase_mode()
                .matches(),
        )
        .load(&mut db.conn)
        .unwrap();
    assert!(reversed.is_empty(), "{reversed:?}");

    // Several columns of one table, matching a two-column FULLTEXT index.
    let multi = match_against((articles::doc, articles::tag), "rusty");
    let sql = diesel::debug_query::<Mysql, _>(&articles::table.filter(multi.clone().matches()))
        .to_string();
    assert!(
        sql.contains("MATCH (`articles`.`doc`, `articles`.`tag`) AGAINST (?)"),
        "{sql}"
    );
    let started = Instant::now();
    let tagged: Vec<i32> = loop {
        let found: Vec<i32> = articles::table
            .select(articles::id)
            .filter(multi.clone().matches())
            .order(multi.clone().desc())
            .limit(1)
            .load(&mut db.conn)
            .unwrap();
        if !found.is_empty() || started.elapsed() > Duration::from_secs(10) {
            break found;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(tagged, vec![3]);

    // The plan uses the full-text index.
    let plan: Vec<String> = Explain(
        articles::table
            .select(articles::id)
            .filter(match_against(articles::doc, "like").matches()),
    )
    .load(&mut db.conn)
    .unwrap();
    let plan = plan.join("\n");
    assert!(plan.contains("TEXT RETRIEVAL SCAN"), "{plan}");
}
