//! Semantic search over a small text corpus that ships with the repository.
//!
//! `corpus.jsonl` holds 168 short documents in six topics. Each is embedded locally
//! (see `embed.rs`: deterministic feature hashing standing in for a real model, since
//! nothing may be downloaded at run time), stored in a `VECTOR(256)` column with an
//! HNSW cosine index, and searched with natural-language questions through Diesel's
//! query builder. The example checks that every question's expected topic ranks first,
//! then shows a topic filter, a full-text query and a hybrid (full-text + vector)
//! search on the same table.
//!
//! `scripts/dev example semantic_search`, or
//! `SEEKDB_URL=mysql://root@127.0.0.1:2881/test cargo run --example semantic_search`.

mod embed;

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_seekdb::client::{HybridSearch, Knn, SearchQuery};
use diesel_seekdb::ddl::{
    Column, ColumnType, CreateTable, Distance, DropTable, FullTextIndex, Organization,
    VecIndexType, VectorIndex,
};
use diesel_seekdb::prelude::*;
use diesel_seekdb::ObVecClient;
use diesel_seekdb_suite::database_url;
use diesel_seekdb_suite::progress::Progress;

use diesel_seekdb_suite::BoxError;

const TABLE: &str = "semantic_docs";
const CORPUS: &str = include_str!("corpus.jsonl");
const BATCH: usize = 24;

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::Vector;
    semantic_docs (id) {
        id -> Bigint,
        topic -> Varchar,
        title -> Varchar,
        body -> Varchar,
        embedding -> Vector,
    }
}

#[derive(serde::Deserialize, Insertable)]
#[diesel(table_name = semantic_docs)]
struct Doc {
    id: i64,
    topic: String,
    title: String,
    #[serde(rename = "text")]
    body: String,
    #[serde(skip)]
    embedding: Vector,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = semantic_docs)]
struct DocHit {
    id: i64,
    topic: String,
    title: String,
}

/// Each question and the topic its best hit must come from.
const QUESTIONS: &[(&str, &str)] = &[
    ("how do telescopes show distant galaxies", "astronomy"),
    (
        "what can I cook for dinner with garlic and olive oil",
        "cooking",
    ),
    (
        "when should I prune roses and water the seedlings",
        "gardening",
    ),
    ("practising chords and scales on the piano", "music"),
    ("fixing a flat tyre on my bike", "cycling"),
    (
        "nearest neighbour search over embeddings with an index",
        "databases",
    ),
];

fn main() -> std::process::ExitCode {
    diesel_seekdb_suite::exit_code(run())
}

fn run() -> Result<(), BoxError> {
    let url = database_url();
    let mut conn = MysqlConnection::establish(&url)?;
    println!("connected to {url}");

    create_table(&mut conn)?;
    let docs = load_corpus()?;
    insert(&mut conn, &docs)?;
    wait_until_indexed(&mut conn, docs.len())?;

    // More candidates per graph step than the default 64: better recall for a few
    // microseconds per query.
    diesel_seekdb::set_ef_search(&mut conn, 128)?;

    println!("\nquestions (top 3 by cosine distance, through the HNSW index):");
    let mut failures = Vec::new();
    for (question, expected) in QUESTIONS {
        let hits = search(&mut conn, question, None)?;
        print_hits(question, &hits);
        match hits.first() {
            Some((top, _)) if top.topic == *expected => {}
            Some((top, _)) => failures.push(format!(
                "{question:?}: expected a {expected} document first, got {} ({})",
                top.title, top.topic
            )),
            None => failures.push(format!("{question:?}: no hits")),
        }
    }

    // A WHERE on the searched table is a pre-filter: still k rows, all from the topic.
    let question = "ripe tomatoes";
    let hits = search(&mut conn, question, Some("gardening"))?;
    print_hits(&format!("{question} (topic = gardening)"), &hits);
    if hits.len() != 3 || hits.iter().any(|(h, _)| h.topic != "gardening") {
        failures.push("the topic filter returned rows from other topics".into());
    }
    if !hits
        .first()
        .is_some_and(|(h, _)| h.title.to_lowercase().contains("tomato"))
    {
        failures.push("the filtered search did not put a tomato document first".into());
    }

    full_text(&mut conn, &mut failures)?;
    hybrid(&url, &mut failures)?;

    if failures.is_empty() {
        println!("\nall checks passed");
        Ok(())
    } else {
        Err(format!(
            "semantic search checks failed:\n  {}",
            failures.join("\n  ")
        )
        .into())
    }
}

fn create_table(conn: &mut MysqlConnection) -> Result<(), BoxError> {
    conn.batch_execute(&DropTable::new(TABLE).if_exists().to_sql()?)?;
    // Hybrid search (DBMS_HYBRID_SEARCH) needs a heap-organised table.
    let create = CreateTable::new(TABLE)
        .column(Column::new("id", ColumnType::BigInt).not_null())
        .column(Column::new("topic", ColumnType::Varchar(32)).not_null())
        .column(Column::new("title", ColumnType::Varchar(128)).not_null())
        .column(Column::new("body", ColumnType::Varchar(1024)).not_null())
        .column(Column::new("embedding", ColumnType::Vector(embed::DIM as u32)).not_null())
        .vector_index(
            VectorIndex::new("semantic_docs_vidx", "embedding")
                .index_type(VecIndexType::Hnsw)
                .distance(Distance::Cosine),
        )
        .fulltext_index(FullTextIndex::new("semantic_docs_ft", ["body"]))
        .organization(Organization::Heap);
    conn.batch_execute(&create.to_sql()?)?;
    println!(
        "created table {TABLE} (VECTOR({}), HNSW cosine, full-text on body)",
        embed::DIM
    );
    Ok(())
}

fn load_corpus() -> Result<Vec<Doc>, BoxError> {
    let lines: Vec<&str> = CORPUS.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut progress = Progress::new("embedding", lines.len());
    let mut docs = Vec::with_capacity(lines.len());
    for (n, line) in lines.iter().enumerate() {
        let mut doc: Doc =
            serde_json::from_str(line).map_err(|e| format!("corpus.jsonl line {}: {e}", n + 1))?;
        let text = format!("{} {}", doc.title, doc.body);
        let vector =
            embed::embed(&text).ok_or_else(|| format!("document {} has no words", doc.id))?;
        doc.embedding = Vector::from(vector);
        docs.push(doc);
        progress.advance(1);
    }
    let secs = progress.finish();
    println!("embedded {} documents in {:.2}s", docs.len(), secs);
    Ok(docs)
}

fn insert(conn: &mut MysqlConnection, docs: &[Doc]) -> Result<(), BoxError> {
    let mut progress = Progress::new("inserting", docs.len());
    let mut inserted = 0;
    conn.transaction::<_, BoxError, _>(|conn| {
        for batch in docs.chunks(BATCH) {
            inserted += diesel::insert_into(semantic_docs::table)
                .values(batch)
                .execute(conn)?;
            progress.advance(batch.len());
        }
        Ok(())
    })?;
    let secs = progress.finish();
    println!("inserted {inserted} rows in {secs:.2}s");
    if inserted != docs.len() {
        return Err(format!("inserted {inserted} of {} documents", docs.len()).into());
    }
    Ok(())
}

/// Heap tables add new rows to the vector index asynchronously (within a fraction of
/// a second): wait until an index scan sees every row, so the checks below are fair.
fn wait_until_indexed(conn: &mut MysqlConnection, expected: usize) -> Result<(), BoxError> {
    let probe = Vector::from(embed::embed("index probe").ok_or("empty probe")?);
    let started = Instant::now();
    loop {
        let seen: Vec<i64> = semantic_docs::table
            .select(semantic_docs::id)
            .order(
                semantic_docs::embedding
                    .cosine_distance(&probe)
                    .approximate(),
            )
            .limit(expected as i64)
            .load(conn)?;
        if seen.len() == expected {
            println!(
                "vector index covers all {expected} rows after {:.2}s",
                started.elapsed().as_secs_f64()
            );
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(30) {
            return Err(format!(
                "the vector index saw {} of {expected} rows after 30s",
                seen.len()
            )
            .into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn search(
    conn: &mut MysqlConnection,
    question: &str,
    topic: Option<&str>,
) -> Result<Vec<(DocHit, Option<f64>)>, BoxError> {
    let q = Vector::from(embed::embed(question).ok_or("the question has no words")?);
    // cosine_distance is NULL for a zero vector and NULL sorts first: keep such rows
    // out (the index is still used).
    let mut query = semantic_docs::table
        .select((
            DocHit::as_select(),
            semantic_docs::embedding.cosine_distance(&q),
        ))
        .filter(semantic_docs::embedding.cosine_distance(&q).is_not_null())
        .order(semantic_docs::embedding.cosine_distance(&q).approximate())
        .limit(3)
        .into_boxed();
    if let Some(topic) = topic {
        query = query.filter(semantic_docs::topic.eq(topic.to_string()));
    }
    Ok(query.load(conn)?)
}

fn print_hits(question: &str, hits: &[(DocHit, Option<f64>)]) {
    println!("  {question:?}");
    for (hit, distance) in hits {
        let distance = distance.unwrap_or(f64::NAN);
        println!(
            "    {distance:.3}  #{:<3} [{}] {}",
            hit.id, hit.topic, hit.title
        );
    }
}

/// `MATCH (body) AGAINST (...)` through the full-text index, ranked by relevance.
fn full_text(conn: &mut MysqlConnection, failures: &mut Vec<String>) -> Result<(), BoxError> {
    let words = "telescope galaxies";
    let load = |conn: &mut MysqlConnection| -> Result<Vec<(DocHit, f64)>, BoxError> {
        let relevance = || match_against(semantic_docs::body, words).natural_language();
        Ok(semantic_docs::table
            .filter(relevance().matches())
            .select((DocHit::as_select(), relevance()))
            .order(relevance().desc())
            .limit(3)
            .load(conn)?)
    };
    let hits = until_settled(|| load(conn), |hits: &Vec<_>| !hits.is_empty())?;
    println!("\nfull-text {words:?} (relevance):");
    for (hit, score) in &hits {
        println!(
            "    {score:.3}  #{:<3} [{}] {}",
            hit.id, hit.topic, hit.title
        );
    }
    if hits.is_empty() || hits.iter().any(|(h, _)| h.topic != "astronomy") {
        failures.push(format!(
            "full-text {words:?} did not return astronomy documents"
        ));
    }
    Ok(())
}

/// Keyword relevance and vector similarity in one call (`DBMS_HYBRID_SEARCH.SEARCH`).
fn hybrid(url: &str, failures: &mut Vec<String>) -> Result<(), BoxError> {
    let client = ObVecClient::from_url(url)?;
    let question = "oil the chain so the gears shift";
    let vector = embed::embed(question).ok_or("the question has no words")?;
    let body = HybridSearch::new()
        .query(SearchQuery::query_string(["body"], "chain gears"))
        .knn(Knn::new("embedding", 5, vector))
        .size(3)
        .source(["id", "topic", "title", "_keyword_score", "_semantic_score"]);
    // Both halves must have seen the rows: a heap table's indexes catch up with new
    // rows asynchronously, and in that window the top hit has no keyword score.
    let hits = until_settled(
        || Ok(client.hybrid_search(TABLE, &body)?),
        |hits: &Vec<serde_json::Map<String, serde_json::Value>>| {
            hits.first().is_some_and(|h| {
                num(h.get("_keyword_score")) > 0.0 && num(h.get("_semantic_score")) > 0.0
            })
        },
    )?;
    println!("\nhybrid: keywords \"chain gears\" + vector of {question:?}:");
    for hit in &hits {
        println!(
            "    score {:.3} (keyword {:.3}, semantic {:.3})  #{:<3} [{}] {}",
            num(hit.get("_score")),
            num(hit.get("_keyword_score")),
            num(hit.get("_semantic_score")),
            hit.get("id").unwrap_or(&serde_json::Value::Null),
            hit.get("topic").and_then(|v| v.as_str()).unwrap_or("?"),
            hit.get("title").and_then(|v| v.as_str()).unwrap_or("?"),
        );
    }
    let top_topic = hits
        .first()
        .and_then(|h| h.get("topic"))
        .and_then(|v| v.as_str());
    if top_topic != Some("cycling") {
        failures.push(format!(
            "hybrid search ranked {top_topic:?} first, expected cycling"
        ));
    }
    Ok(())
}

/// Runs `query` until `settled` accepts its result, for at most 10 s (then returns the
/// last result, for the checks to judge).
fn until_settled<T>(
    mut query: impl FnMut() -> Result<T, BoxError>,
    settled: impl Fn(&T) -> bool,
) -> Result<T, BoxError> {
    let started = Instant::now();
    loop {
        let result = query()?;
        if settled(&result) || started.elapsed() > Duration::from_secs(10) {
            return Ok(result);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn num(v: Option<&serde_json::Value>) -> f64 {
    v.and_then(serde_json::Value::as_f64).unwrap_or(0.0)
}
