//! A partitioned vector collection with `ObVecClient`.
//!
//! Sensor readings are partitioned by year (RANGE, one partition per year) and
//! hash sub-partitioned by id, with one HNSW index over all of them. The example loads
//! a few thousand generated rows, then searches one partition (`PARTITION (p2024)`),
//! the whole table, and the table with a `year = 2024` filter that the optimizer
//! prunes to that partition, and shows the plans confirming the vector index is used.
//!
//! `scripts/dev example partitioned`, or
//! `SEEKDB_URL=mysql://root@127.0.0.1:2881/test cargo run --example partitioned`.

use diesel::dsl::sql;
use diesel::sql_types::{Bool, Integer};
use diesel_seekdb::client::{AnnSearch, Distance, Filter};
use diesel_seekdb::ddl::{
    Column, ColumnType, CreateTable, Partition, PartitionDef, PartitionValue, VecIndexType,
    VectorIndex,
};
use diesel_seekdb::ObVecClient;
use diesel_seekdb_suite::database_url;
use diesel_seekdb_suite::progress::Progress;
use serde_json::{json, Map, Value};

use diesel_seekdb_suite::BoxError;

const TABLE: &str = "partitioned_readings";
const INDEX: &str = "partitioned_readings_vidx";
const YEARS: [i32; 4] = [2022, 2023, 2024, 2025];
const REGIONS: [&str; 3] = ["north", "south", "west"];
const ROWS: usize = 4000;
const DIM: usize = 32;
const BATCH: usize = 500;
const TOPK: usize = 10;

fn main() -> std::process::ExitCode {
    diesel_seekdb_suite::exit_code(run())
}

fn run() -> Result<(), BoxError> {
    let url = database_url();
    let client = ObVecClient::from_url(&url)?;
    println!("connected to {url}");

    create_table(&client)?;
    load(&client)?;

    // A bulk load leaves fresh rows in the index's incremental part; merging them
    // makes searches fast again (seekdb is 5-40x slower until it runs).
    let started = std::time::Instant::now();
    client.rebuild_index(TABLE, INDEX, 0.0)?;
    println!("rebuilt {INDEX} in {:.2}s", started.elapsed().as_secs_f64());
    client.set_ef_search(200)?;

    let mut failures = Vec::new();
    // A query vector equal to one stored 2023 reading: the whole-table search must
    // find it at distance 0, a search confined to 2024 must not.
    let target = 990;
    let target_year = year_of(target);
    let query = embedding(target);
    let search = || {
        AnnSearch::new(TABLE, "embedding", query.clone())
            .distance(Distance::L2)
            .with_dist(true)
            .topk(TOPK)
            .output_columns(["id", "year", "region"])
    };

    let all = client.ann_search(search())?;
    print_hits("whole table", &all);
    match all.first() {
        Some(top) if top["id"] == json!(target) && top["distance"].as_f64() == Some(0.0) => {}
        other => failures.push(format!(
            "whole-table search: expected id {target} at distance 0 first, got {other:?}"
        )),
    }
    let years: std::collections::BTreeSet<i64> =
        all.iter().filter_map(|r| r["year"].as_i64()).collect();
    println!("  years among the whole-table hits: {years:?}");

    let in_2024 = client.ann_search(search().partitions(["p2024"]))?;
    print_hits("PARTITION (p2024)", &in_2024);
    check_year("PARTITION (p2024)", &in_2024, 2024, &mut failures);
    if in_2024.iter().any(|r| r["id"] == json!(target)) {
        failures.push(format!("row {target} ({target_year}) leaked into p2024"));
    }
    // Nothing in one partition can be nearer than the nearest in the whole table.
    let best = |rows: &[Map<String, Value>]| rows.first().and_then(|r| r["distance"].as_f64());
    if best(&in_2024) < best(&all) {
        failures.push("a partition search beat the whole-table search".into());
    }

    // The same rows through a WHERE on the partition key: the optimizer prunes to p2024.
    let year_filter = || Filter::expr(sql::<Bool>("`year` = ").bind::<Integer, _>(2024));
    let filtered = client.ann_search(search().filter(year_filter()))?;
    check_year("WHERE year = 2024", &filtered, 2024, &mut failures);
    let ids = |rows: &[Map<String, Value>]| -> Vec<i64> {
        rows.iter().filter_map(|r| r["id"].as_i64()).collect()
    };
    println!(
        "\nWHERE year = 2024 returned {} rows; same ids as PARTITION (p2024): {}",
        filtered.len(),
        ids(&filtered) == ids(&in_2024)
    );

    // Recall of the partition search against an exact scan of the same partition.
    let exact = client.precise_search(search().partitions(["p2024"]))?;
    let exact_ids = ids(&exact);
    let found = ids(&in_2024)
        .iter()
        .filter(|id| exact_ids.contains(id))
        .count();
    println!("recall@{TOPK} of PARTITION (p2024) vs an exact scan: {found}/{TOPK}");
    if found * 10 < TOPK * 8 {
        failures.push(format!("recall {found}/{TOPK} is below 0.8"));
    }

    // EXPLAIN names partitions by position: p2sp[0-1] is both sub-partitions of the
    // third RANGE partition (p2024); a whole-table scan shows p[0-3]sp[0-1].
    let pruned = format!(
        "partitions(p{}sp",
        YEARS.iter().position(|&y| y == 2024).unwrap_or_default()
    );
    println!("\nplans (vector index and partition lines):");
    for (label, plan, must_prune) in [
        ("whole table", client.explain_ann_search(search())?, false),
        (
            "PARTITION (p2024)",
            client.explain_ann_search(search().partitions(["p2024"]))?,
            true,
        ),
        (
            "WHERE year = 2024",
            client.explain_ann_search(search().filter(year_filter()))?,
            true,
        ),
    ] {
        println!("  {label}:");
        for line in plan.lines().filter(|l| l.contains("VECTOR INDEX")) {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            println!("    {}", cells.get(2..4).unwrap_or_default().join("  "));
        }
        if let Some(at) = plan.find("partitions(") {
            // Long partition lists wrap onto the next plan line.
            let rest = &plan[at..];
            let list = &rest[..rest.find(')').map_or(rest.len(), |end| end + 1)];
            println!("    {}", list.split_whitespace().collect::<String>());
        }
        if !plan.contains("VECTOR INDEX") {
            failures.push(format!("{label}: the plan does not use the vector index"));
        }
        if must_prune != plan.contains(&pruned) {
            failures.push(format!(
                "{label}: expected {pruned}..) in the plan: {must_prune}"
            ));
        }
    }

    if failures.is_empty() {
        println!("\nall checks passed");
        Ok(())
    } else {
        Err(format!("partitioned checks failed:\n  {}", failures.join("\n  ")).into())
    }
}

fn create_table(client: &ObVecClient) -> Result<(), BoxError> {
    client.drop_table(TABLE)?;
    let mut years = Partition::range("year");
    for year in &YEARS[..YEARS.len() - 1] {
        years = years.partition(PartitionDef::less_than(format!("p{year}"), year + 1));
    }
    years = years.partition(PartitionDef::less_than(
        format!("p{}", YEARS[YEARS.len() - 1]),
        PartitionValue::MaxValue,
    ));
    // The primary key must cover every partitioning column.
    let table = CreateTable::new(TABLE)
        .column(Column::new("id", ColumnType::BigInt).not_null())
        .column(Column::new("year", ColumnType::Int).not_null())
        .column(Column::new("region", ColumnType::Varchar(16)).not_null())
        .column(Column::new("embedding", ColumnType::Vector(DIM as u32)).not_null())
        .primary_key(["id", "year"])
        .vector_index(
            VectorIndex::new(INDEX, "embedding")
                .index_type(VecIndexType::Hnsw)
                .distance(Distance::L2),
        )
        .partition(years.subpartition_by(Partition::hash("id").partitions(2)));
    client.create_table(&table)?;
    let info = client.table_info(TABLE)?;
    println!(
        "created {TABLE}: RANGE (year) x HASH (id), sub-partitions {}",
        info.partitions.join(", ")
    );
    Ok(())
}

fn load(client: &ObVecClient) -> Result<(), BoxError> {
    let rows: Vec<Value> = (0..ROWS)
        .map(|i| {
            json!({
                "id": i,
                "year": year_of(i),
                "region": REGIONS[i % REGIONS.len()],
                "embedding": embedding(i),
            })
        })
        .collect();
    let mut progress = Progress::new("inserting", rows.len());
    let mut inserted = 0;
    for batch in rows.chunks(BATCH) {
        inserted += client.insert(TABLE, batch, None)?;
        progress.advance(batch.len());
    }
    let secs = progress.finish();
    println!("inserted {inserted} rows in {secs:.2}s");
    let counts = client.raw_sql(&format!(
        "SELECT `year`, COUNT(*) AS n FROM `{TABLE}` GROUP BY `year` ORDER BY `year`"
    ))?;
    let per_year: Vec<String> = counts
        .iter()
        .map(|r| format!("{}: {}", r["year"], r["n"]))
        .collect();
    println!("rows per year: {}", per_year.join(", "));
    if inserted != ROWS {
        return Err(format!("inserted {inserted} of {ROWS} rows").into());
    }
    Ok(())
}

fn year_of(i: usize) -> i32 {
    YEARS[(i / 7) % YEARS.len()]
}

/// A deterministic pseudo-random reading in [0, 1)^DIM (xorshift seeded by the id).
fn embedding(i: usize) -> Vec<f32> {
    let mut state = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (0..DIM)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / (1u64 << 24) as f32
        })
        .collect()
}

fn print_hits(label: &str, rows: &[Map<String, Value>]) {
    println!("\n{label}: top {} of {}", rows.len().min(5), rows.len());
    for r in rows.iter().take(5) {
        println!(
            "  id={:<5} year={} region={:<5} distance={:.4}",
            r["id"],
            r["year"],
            r["region"].as_str().unwrap_or("?"),
            r["distance"].as_f64().unwrap_or(f64::NAN)
        );
    }
}

fn check_year(label: &str, rows: &[Map<String, Value>], year: i64, failures: &mut Vec<String>) {
    if rows.len() != TOPK {
        failures.push(format!("{label}: {} rows, expected {TOPK}", rows.len()));
    }
    if let Some(r) = rows.iter().find(|r| r["year"].as_i64() != Some(year)) {
        failures.push(format!("{label}: row {} is from {}", r["id"], r["year"]));
    }
}
