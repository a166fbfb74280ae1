//! The pymilvus `MilvusClient` workflow on seekdb, through `MilvusLikeClient`.
//!
//! A Milvus user should recognise every step: a schema built field by field, index
//! params, `create_collection`, `insert`, `search` with a filter expression and
//! `output_fields`, `query`, `get`, `upsert`, `delete` and `drop_collection`. Filters are
//! Milvus boolean expressions; the client compiles them to SQL with every literal bound.
//!
//! `scripts/dev example milvus_style`, or
//! `SEEKDB_URL=mysql://root@127.0.0.1:2881/test cargo run --example milvus_style`.

use diesel_seekdb::milvus::{DataType, FieldSchema, MilvusFilter, MilvusLikeClient, SearchRequest};
use diesel_seekdb_suite::database_url;
use diesel_seekdb_suite::progress::Progress;
use serde_json::{json, Map, Value};

use diesel_seekdb_suite::BoxError;

const COLLECTION: &str = "milvus_books";
const DIM: usize = 8;
const ROWS: usize = 600;
const GENRES: [&str; 4] = ["scifi", "mystery", "romance", "history"];

fn main() -> std::process::ExitCode {
    diesel_seekdb_suite::exit_code(run())
}

fn run() -> Result<(), BoxError> {
    let url = database_url();
    let client = MilvusLikeClient::from_url(&url)?;
    println!("connected to {url}");
    let mut failures = Vec::new();

    if client.has_collection(COLLECTION)? {
        client.drop_collection(COLLECTION)?;
    }

    // schema = MilvusClient.create_schema(); schema.add_field(...)
    let mut schema = MilvusLikeClient::create_schema();
    schema
        .add_field(FieldSchema::new("id", DataType::Int64).primary())
        .add_field(FieldSchema::new("title", DataType::VarChar).max_length(200))
        .add_field(FieldSchema::new("genre", DataType::VarChar).max_length(32))
        .add_field(FieldSchema::new("year", DataType::Int32))
        .add_field(
            FieldSchema::new("tags", DataType::Array)
                .element_type(DataType::VarChar)
                .max_length(20)
                .nullable(true),
        )
        .add_field(FieldSchema::new("meta", DataType::Json).nullable(true))
        .add_field(FieldSchema::new("embedding", DataType::FloatVector).dim(DIM as u32));
    // index_params = MilvusClient.prepare_index_params(); index_params.add_index(...)
    let mut index_params = MilvusLikeClient::prepare_index_params();
    index_params.add_index(
        "embedding",
        "HNSW",
        "milvus_books_vidx",
        json!({ "metric_type": "COSINE", "params": { "M": 16, "efConstruction": 200 } }),
    )?;
    client.create_collection(COLLECTION, &schema, Some(&index_params))?;
    let desc = client.describe_collection(COLLECTION)?;
    let fields: Vec<String> = desc["fields"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|f| format!("{}:{}", str_of(&f["name"]), str_of(&f["type"])))
                .collect()
        })
        .unwrap_or_default();
    println!("created collection {COLLECTION}: {}", fields.join(", "));
    println!("indexes: {}", desc["indexes"]);

    // insert
    let rows: Vec<Value> = (0..ROWS).map(book).collect();
    let mut progress = Progress::new("inserting", rows.len());
    let mut inserted = 0;
    for batch in rows.chunks(150) {
        inserted += client.insert(COLLECTION, batch, None)?["insert_count"]
            .as_u64()
            .unwrap_or(0);
        progress.advance(batch.len());
    }
    progress.finish();
    let stats = client.get_collection_stats(COLLECTION)?;
    println!("insert_count {inserted}, collection stats {stats}");
    if stats["row_count"] != json!(ROWS) {
        failures.push(format!(
            "row_count {} after inserting {ROWS}",
            stats["row_count"]
        ));
    }

    // search: two query vectors, a filter expression and output_fields
    let filter = r#"genre == "scifi" and year >= 2000 and array_contains(tags, "classic")"#;
    let results = client.search(
        COLLECTION,
        SearchRequest::new("embedding", vec![centre(0), centre(1)])
            .limit(3)
            .filter(filter)
            .output_fields(["title", "genre", "year"])
            .search_params(json!({ "metric_type": "COSINE", "params": { "ef": 100 } }))?,
    )?;
    println!("\nsearch(filter={filter:?}, limit=3):");
    for (n, hits) in results.iter().enumerate() {
        println!("  query {n}:");
        for hit in hits {
            println!(
                "    id={:<4} distance={}  {} ({}, {})",
                hit.id,
                hit.distance.map_or("none".into(), |d| format!("{d:.4}")),
                str_of(&hit.entity["title"]),
                str_of(&hit.entity["genre"]),
                hit.entity["year"]
            );
            let ok = hit.entity["genre"] == "scifi"
                && hit.entity["year"].as_i64().is_some_and(|y| y >= 2000)
                && hit
                    .id
                    .as_u64()
                    .is_some_and(|id| tags(id as usize).contains(&"classic"));
            if !ok {
                failures.push(format!("search hit {} does not match the filter", hit.id));
            }
        }
        if hits.len() != 3 {
            failures.push(format!("query {n}: {} hits, expected 3", hits.len()));
        }
    }
    // The scifi centre is closer to scifi books than the mystery centre is.
    let top = |n: usize| results.get(n).and_then(|h| h.first()).map(|h| h.distance);
    if !matches!((top(0), top(1)), (Some(a), Some(b)) if a < b) {
        failures
            .push("the scifi query was not nearer to scifi books than the mystery query".into());
    }

    // query: filter only, no vector
    let filter = r#"meta["pages"] > 700 and title like "History%" and year in [1995, 2005, 2015]"#;
    let rows = client.query(
        COLLECTION,
        Some(filter.into()),
        &["id", "title", "year", "meta"],
        &[],
        Some(5),
    )?;
    println!("\nquery(filter={filter:?}, limit=5): {} rows", rows.len());
    for r in &rows {
        println!(
            "    id={:<4} {} ({}) meta={}",
            r["id"],
            str_of(&r["title"]),
            r["year"],
            r["meta"]
        );
    }
    let expected = (0..ROWS)
        .filter(|&i| {
            let b = book(i);
            b["meta"]["pages"].as_i64() > Some(700)
                && str_of(&b["title"]).starts_with("History")
                && [1995, 2005, 2015].contains(&b["year"].as_i64().unwrap_or(0))
        })
        .count();
    if rows.len() != expected.min(5) || rows.is_empty() {
        failures.push(format!(
            "query returned {} rows, expected {}",
            rows.len(),
            expected.min(5)
        ));
    }

    // query with a template value, like pymilvus's filter_params
    let rows = client.query(
        COLLECTION,
        Some(MilvusFilter::with_params(
            "id in {ids}",
            json!({ "ids": [1, 2, 3, 9999] }),
        )?),
        &["id"],
        &[],
        None,
    )?;
    println!(
        "query(\"id in {{ids}}\", ids=[1, 2, 3, 9999]): ids {:?}",
        ids(&rows)
    );
    if ids(&rows) != [1, 2, 3] {
        failures.push(format!("templated query returned {:?}", ids(&rows)));
    }

    // get by primary key
    let got = client.get(COLLECTION, &[json!(7), json!(8)], &["id", "title"], &[])?;
    println!("\nget([7, 8]): {}", titles(&got));

    // upsert replaces the row with the same primary key
    let mut changed = book(7);
    let new_title = format!("{} (second edition)", str_of(&changed["title"]));
    changed["title"] = json!(new_title);
    let upserted = client.upsert(COLLECTION, &[changed], None)?;
    let got = client.get(COLLECTION, &[json!(7)], &["id", "title"], &[])?;
    println!("upsert {upserted} -> get([7]): {}", titles(&got));
    if got.first().map(|r| &r["title"]) != Some(&json!(new_title)) {
        failures.push("upsert did not replace row 7".into());
    }

    // delete by ids and by filter
    let by_ids = client.delete(COLLECTION, &[json!(7), json!(8)], None, None)?;
    let old = (0..ROWS)
        .filter(|&i| ![7, 8].contains(&i) && year(i) < 1990)
        .count();
    let by_filter = client.delete(COLLECTION, &[], Some("year < 1990".into()), None)?;
    let stats = client.get_collection_stats(COLLECTION)?;
    println!(
        "\ndelete(ids=[7, 8]) {by_ids}, delete(filter=\"year < 1990\") {by_filter}, stats {stats}"
    );
    if by_ids["delete_count"] != json!(2) || by_filter["delete_count"] != json!(old) {
        failures.push(format!(
            "delete counts {by_ids} / {by_filter}, expected 2 / {old}"
        ));
    }
    if stats["row_count"] != json!(ROWS - 2 - old) {
        failures.push(format!(
            "row_count {} after deletes, expected {}",
            stats["row_count"],
            ROWS - 2 - old
        ));
    }

    // A filter naming a field the collection lacks is refused before anything runs.
    match client.query(COLLECTION, Some("rating > 4".into()), &["id"], &[], None) {
        Err(e) => println!("query(\"rating > 4\") refused: {e}"),
        Ok(_) => failures.push("a filter on an unknown field was accepted".into()),
    }

    client.drop_collection(COLLECTION)?;
    println!(
        "dropped {COLLECTION}; has_collection = {}",
        client.has_collection(COLLECTION)?
    );

    if failures.is_empty() {
        println!("\nall checks passed");
        Ok(())
    } else {
        Err(format!("milvus-style checks failed:\n  {}", failures.join("\n  ")).into())
    }
}

fn genre(i: usize) -> usize {
    i % GENRES.len()
}

fn year(i: usize) -> usize {
    1970 + (i * 7) % 55
}

fn tags(i: usize) -> Vec<&'static str> {
    match i % 3 {
        0 => vec!["classic"],
        1 => vec!["new", "bestseller"],
        _ => vec!["classic", "award"],
    }
}

/// Each genre clusters around its own direction.
fn centre(genre: usize) -> Vec<f32> {
    (0..DIM)
        .map(|d| if d == genre { 1.0 } else { 0.1 })
        .collect()
}

fn book(i: usize) -> Value {
    let g = genre(i);
    let mut v = centre(g);
    // A small deterministic wobble so books of a genre are not identical.
    for (d, x) in v.iter_mut().enumerate() {
        *x += ((i * 31 + d * 17) % 13) as f32 / 100.0;
    }
    let name = GENRES[g];
    let title = format!("{}{} {i}", name[..1].to_uppercase(), &name[1..]);
    json!({
        "id": i,
        "title": title,
        "genre": name,
        "year": year(i),
        "tags": tags(i),
        "meta": { "pages": 100 + (i * 37) % 900 },
        "embedding": v,
    })
}

fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or("?")
}

fn ids(rows: &[Map<String, Value>]) -> Vec<i64> {
    let mut ids: Vec<i64> = rows.iter().filter_map(|r| r["id"].as_i64()).collect();
    ids.sort_unstable();
    ids
}

fn titles(rows: &[Map<String, Value>]) -> String {
    rows.iter()
        .map(|r| format!("{}={:?}", r["id"], str_of(&r["title"])))
        .collect::<Vec<_>>()
        .join(", ")
}
