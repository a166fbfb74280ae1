//! Quickstart: migrate, insert a few hundred vectors, run a filtered ANN search.
//!
//! Run it with `scripts/dev quickstart` (installs and starts a local seekdb), or
//! `SEEKDB_URL=mysql://root@127.0.0.1:2881/test cargo run --example quickstart`.

use diesel::prelude::*;
use diesel_migrations::MigrationHarness;
use diesel_seekdb::prelude::*;
use diesel_seekdb_suite::schema::items;
use diesel_seekdb_suite::{database_url, MIGRATIONS};

#[derive(Insertable)]
#[diesel(table_name = items)]
struct NewItem {
    title: String,
    category: String,
    meta: Option<serde_json::Value>,
    embedding: Vector,
}

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = items)]
#[allow(dead_code)]
struct Item {
    id: i64,
    title: String,
    category: String,
    embedding: Vector,
}

const CATEGORIES: [&str; 4] = ["books", "music", "films", "games"];
const DIM: usize = 8;

/// A deterministic embedding: each category clusters around its own centre.
fn embedding(i: usize) -> Vector {
    let centre = i % CATEGORIES.len();
    let mut state = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let values = (0..DIM)
        .map(|d| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let noise = (state % 1000) as f32 / 10_000.0;
            if d == centre {
                1.0 + noise
            } else {
                noise
            }
        })
        .collect::<Vec<f32>>();
    Vector::from(values)
}

fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let url = database_url();
    let mut conn = MysqlConnection::establish(&url)?;
    println!("connected to {url}");

    let applied = conn.run_pending_migrations(MIGRATIONS)?;
    println!("migrations applied: {}", applied.len());

    // Start from a clean table so the output is the same on every run.
    diesel::delete(items::table).execute(&mut conn)?;
    let rows: Vec<NewItem> = (0..300)
        .map(|i| NewItem {
            title: format!("item {i}"),
            category: CATEGORIES[i % CATEGORIES.len()].to_string(),
            meta: Some(serde_json::json!({ "page": i % 10 })),
            embedding: embedding(i),
        })
        .collect();
    let inserted = diesel::insert_into(items::table)
        .values(&rows)
        .execute(&mut conn)?;
    println!("inserted {inserted} rows");

    // Nearest neighbours of a "music"-like query, restricted to one category, through
    // the HNSW index: ORDER BY l2_distance(..) APPROXIMATE LIMIT 5.
    set_ef_search_for_demo(&mut conn)?;
    let query = Vector::from(vec![0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    let hits: Vec<(Item, f64)> = items::table
        .filter(items::category.eq("music"))
        .select((Item::as_select(), items::embedding.l2_distance(&query)))
        .order(items::embedding.l2_distance(&query).approximate())
        .limit(5)
        .load(&mut conn)?;

    println!("\nnearest 5 'music' items to {query}:");
    for (item, distance) in &hits {
        println!(
            "  id={:<4} {:<10} {:<6} distance={distance:.4}",
            item.id, item.title, item.category
        );
    }
    check_hits(&rows, &query, &hits)?;
    println!("checked: 5 music items, nearest first, distances as computed here");
    Ok(())
}

/// The search must return 5 rows, nearest first, the first being the music row nearest
/// to `query` by an exact computation over what was inserted, and each distance must be
/// the one this program computes for that row (the WHERE alone guarantees only the
/// category).
fn check_hits(
    rows: &[NewItem],
    query: &Vector,
    hits: &[(Item, f64)],
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let l2 = |v: &Vector| {
        let sum: f64 = v
            .as_slice()
            .iter()
            .zip(query.as_slice())
            .map(|(a, b)| (f64::from(*a) - f64::from(*b)).powi(2))
            .sum();
        sum.sqrt()
    };
    let expected = rows
        .iter()
        .filter(|row| row.category == "music")
        .min_by(|a, b| l2(&a.embedding).total_cmp(&l2(&b.embedding)))
        .ok_or("no music rows were inserted")?;
    if hits.len() != 5 || hits.iter().any(|(item, _)| item.category != "music") {
        return Err(format!("expected 5 music items, got {hits:?}").into());
    }
    if hits.windows(2).any(|pair| pair[0].1 > pair[1].1) {
        return Err(format!("distances are not in ascending order: {hits:?}").into());
    }
    if hits[0].0.title != expected.title {
        return Err(format!(
            "nearest is {:?}, expected {:?} (distance {:.6})",
            hits[0].0.title,
            expected.title,
            l2(&expected.embedding)
        )
        .into());
    }
    for (item, distance) in hits {
        let row = rows
            .iter()
            .find(|row| row.title == item.title)
            .ok_or_else(|| format!("{:?} was never inserted", item.title))?;
        // The server computes in f32 and prints 6 significant digits.
        if (l2(&row.embedding) - distance).abs() > 1e-4 {
            return Err(format!(
                "{}: server distance {distance}, computed {}",
                item.title,
                l2(&row.embedding)
            )
            .into());
        }
    }
    Ok(())
}

fn set_ef_search_for_demo(conn: &mut MysqlConnection) -> diesel_seekdb::Result<()> {
    diesel_seekdb::set_ef_search(conn, 100)?;
    println!("ob_hnsw_ef_search = {}", diesel_seekdb::ef_search(conn)?);
    Ok(())
}
