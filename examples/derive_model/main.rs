//! A table declared on the model struct with `#[derive(SeekdbTable)]`: columns, an HNSW
//! index, a full-text index and hash partitions come from one struct, which Diesel then
//! uses to insert and query rows.
//!
//! `SEEKDB_URL=mysql://root@127.0.0.1:2881/test cargo run --example derive_model`
//! (drops and recreates its own table `derive_model_articles` on every run).

use diesel::prelude::*;
use diesel_seekdb::diesel_ext::match_against;
use diesel_seekdb::model::SeekdbTable;
use diesel_seekdb::prelude::*;
use diesel_seekdb_derive::SeekdbTable;
use diesel_seekdb_suite::database_url;

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::*;

    derive_model_articles (id) {
        id -> Bigint,
        topic -> Varchar,
        title -> Varchar,
        embedding -> Vector,
    }
}

/// One struct: Diesel's model and the seekdb table definition.
#[derive(Queryable, Selectable, Insertable, SeekdbTable, Debug)]
#[diesel(table_name = derive_model_articles, check_for_backend(diesel::mysql::Mysql))]
#[seekdb(
    comment = "articles for the derive_model example",
    partition(key(id), partitions = 4)
)]
struct Article {
    #[seekdb(primary_key)]
    id: i64,
    #[seekdb(varchar(len = 32))]
    topic: String,
    #[seekdb(varchar(len = 200), fulltext(parser = "ngram", ngram_token_size = 3))]
    title: String,
    #[seekdb(
        vector(dim = 8),
        index(kind = "hnsw", distance = "l2", m = 16, ef_construction = 200)
    )]
    embedding: Vector,
}

const TOPICS: [&str; 4] = ["databases", "search", "compilers", "networks"];
const ROWS: i64 = 400;
const BATCH: usize = 100;

/// A deterministic embedding: each topic clusters around its own axis.
fn embedding(i: i64) -> Vector {
    let centre = (i as usize) % TOPICS.len();
    let mut state = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let values: Vec<f32> = (0..8)
        .map(|d| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let noise = (state % 1000) as f32 / 5_000.0;
            if d == centre {
                1.0 + noise
            } else {
                noise
            }
        })
        .collect();
    Vector::from(values)
}

fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let url = database_url();
    let mut conn = MysqlConnection::establish(&url)?;
    println!("connected to {url}");

    println!(
        "DDL generated from the struct:\n  {}",
        Article::create_table_sql()?
    );
    Article::drop_if_exists(&mut conn)?;
    Article::create(&mut conn)?;
    println!("created table `{}`", Article::TABLE_NAME);

    let rows: Vec<Article> = (0..ROWS)
        .map(|i| Article {
            id: i,
            topic: TOPICS[(i as usize) % TOPICS.len()].to_string(),
            title: format!("{} note number {i}", TOPICS[(i as usize) % TOPICS.len()]),
            embedding: embedding(i),
        })
        .collect();
    let mut inserted = 0;
    for batch in rows.chunks(BATCH) {
        for row in batch {
            row.check_vectors()?;
        }
        inserted += diesel::insert_into(derive_model_articles::table)
            .values(batch)
            .execute(&mut conn)?;
        println!("  inserted {inserted}/{ROWS} rows");
    }

    // ORDER BY l2_distance(..) APPROXIMATE LIMIT 5: the HNSW index the struct declared.
    let query = Vector::from(vec![0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    let nearest: Vec<(Article, f64)> = derive_model_articles::table
        .select((
            Article::as_select(),
            derive_model_articles::embedding.l2_distance(&query),
        ))
        .order(
            derive_model_articles::embedding
                .l2_distance(&query)
                .approximate(),
        )
        .limit(5)
        .load(&mut conn)?;
    println!("\nnearest 5 articles to {query}:");
    for (a, distance) in &nearest {
        println!(
            "  id={:<4} {:<10} {:<28} distance={distance:.4}",
            a.id, a.topic, a.title
        );
    }
    if nearest.len() != 5 || nearest.iter().any(|(a, _)| a.topic != "search") {
        return Err("the ANN search did not return 5 'search' articles".into());
    }

    // The full-text index the struct declared (ngram, 3-character tokens).
    let score = match_against(derive_model_articles::title, "compilers").natural_language();
    let matches: Vec<(i64, String, f64)> = derive_model_articles::table
        .select((
            derive_model_articles::id,
            derive_model_articles::title,
            score.clone(),
        ))
        .filter(score.clone().matches())
        .order((score.desc(), derive_model_articles::id))
        .limit(3)
        .load(&mut conn)?;
    println!("\nfull-text matches for \"compilers\":");
    for (id, title, score) in &matches {
        println!("  id={id:<4} {title:<28} score={score:.4}");
    }
    if matches.is_empty() || matches.iter().any(|(_, t, _)| !t.starts_with("compilers")) {
        return Err("the full-text search did not find the 'compilers' articles".into());
    }
    Ok(())
}
