//! The README's "From `cargo add` to a searched table" walkthrough, run for real:
//! a Diesel migration with a VECTOR column and an HNSW index, the schema
//! `diesel print-schema` generates, a model with Diesel derives, an r2d2 pool whose
//! connections carry session settings, an insert and a filtered ANN query.
//!
//! `scripts/dev example walkthrough`, or
//! `SEEKDB_URL=mysql://root@127.0.0.1:2881/test cargo run --example walkthrough`.

use diesel::prelude::*;
use diesel::r2d2::Pool;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use diesel_seekdb::prelude::*;

/// In an application this is `embed_migrations!()` (the crate's `migrations/`).
const MIGRATIONS: EmbeddedMigrations = embed_migrations!("examples/walkthrough/migrations");

// What `diesel print-schema` writes for the migration, with the repository's diesel.toml.
diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::*;

    documents (id) {
        id -> Bigint,
        title -> Varchar,
        category -> Varchar,
        embedding -> Vector,
    }
}

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = documents, check_for_backend(diesel::mysql::Mysql))]
struct Document {
    id: i64,
    title: String,
    category: String,
}

#[derive(Insertable)]
#[diesel(table_name = documents)]
struct NewDocument<'a> {
    title: &'a str,
    category: &'a str,
    embedding: Vector,
}

fn main() -> std::process::ExitCode {
    diesel_seekdb_suite::exit_code(run())
}

fn run() -> Result<(), diesel_seekdb_suite::BoxError> {
    let url = diesel_seekdb_suite::database_url();
    // Every checkout gets these session settings (SessionManager re-applies them as
    // r2d2's checkout check, so a borrower's change does not leak to the next one).
    let pool = Pool::builder().max_size(4).build(SessionManager::new(
        url.clone(),
        SessionSettings::new().ef_search(100),
    )?)?;
    let mut conn = pool.get()?;
    let applied = conn.run_pending_migrations(MIGRATIONS)?;
    println!(
        "connected to {url}; migrations applied now: {}",
        applied.len()
    );

    // Start clean so every run prints the same.
    diesel::delete(documents::table).execute(&mut conn)?;
    let new = vec![
        NewDocument {
            title: "Install seekdb",
            category: "guide",
            embedding: Vector::from(vec![0.9, 0.1, 0.0, 0.0]),
        },
        NewDocument {
            title: "Tune ef_search",
            category: "guide",
            embedding: Vector::from(vec![0.7, 0.3, 0.1, 0.0]),
        },
        NewDocument {
            title: "Release notes",
            category: "news",
            embedding: Vector::from(vec![0.9, 0.0, 0.1, 0.0]),
        },
        NewDocument {
            title: "Partitioning",
            category: "guide",
            embedding: Vector::from(vec![0.0, 0.1, 0.9, 0.2]),
        },
    ];
    let inserted = diesel::insert_into(documents::table)
        .values(&new)
        .execute(&mut conn)?;
    println!("inserted {inserted} documents");

    // ORDER BY l2_distance(embedding, ?) APPROXIMATE LIMIT 3: the HNSW index, with the
    // `category` filter applied before the top 3 are chosen.
    let query = Vector::from(vec![1.0, 0.0, 0.0, 0.0]);
    let nearest: Vec<(Document, f64)> = documents::table
        .filter(documents::category.eq("guide"))
        .select((
            Document::as_select(),
            documents::embedding.l2_distance(&query),
        ))
        .order(documents::embedding.l2_distance(&query).approximate())
        .limit(3)
        .load(&mut conn)?;
    drop(conn);
    for (doc, distance) in &nearest {
        println!(
            "  {distance:.4}  {} [{}] #{}",
            doc.title, doc.category, doc.id
        );
    }

    // Any other checkout carries the pool's settings too.
    let ef = diesel_seekdb::ef_search(&mut *pool.get()?)?;
    println!("ob_hnsw_ef_search on a pooled connection: {ef}");

    let titles: Vec<&str> = nearest.iter().map(|(d, _)| d.title.as_str()).collect();
    if titles != ["Install seekdb", "Tune ef_search", "Partitioning"] || ef != 100 {
        return Err(format!("unexpected result: {titles:?}, ef_search {ef}").into());
    }
    println!("all checks passed");
    Ok(())
}
