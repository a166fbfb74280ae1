//! `--filtered-layouts`: filtered ANN on the layouts that make it fast, against
//! pyobvector's JSON filter on the same table and data, at 10% and 1% selectivity.
//!
//! One table holds the metadata twice: as typed INT columns with secondary indexes
//! (`page` = id % 10, `bucket` = id % 100) and in a JSON column with functional
//! indexes on `CAST(JSON_EXTRACT(meta, '$.page') AS SIGNED)` (and `$.bucket`). Paths,
//! interleaved query by query (the order rotating) so load hits all alike:
//! * `pyobvector_json`: pyobvector `ann_search(where_clause=[JSON_EXTRACT(meta,'$.page') = 3])`;
//! * `obvec_json`: the same JSON text through `ObVecClient` (the layout, not the client, is slow);
//! * `obvec_int_hint`: `page = 3` with `index_hint("idx_page")`;
//! * `diesel_int_hint`: the typed DSL with `index_hint(..)` in `.select(..)`;
//! * `milvus_json_index`: `MilvusLikeClient::search(filter = meta["page"] == 3)`, which
//!   the translator turns into the indexed expression;
//! * on a second copy of the rows, LIST-partitioned by `page` (one partition per value,
//!   `PRIMARY KEY (id, page)`, a local vector index per partition), 10% case only:
//!   `diesel_partition_where`: the typed DSL's plain `page = 3` (the server prunes to one
//!   partition), and `obvec_partition`: `ObVecClient` searching partition `p3` with no
//!   filter (`AnnSearch::partitions`), which is a plain ANN on that partition's index.

use std::time::Instant;

use diesel::prelude::*;
use diesel_seekdb::client::{AnnSearch, Distance, Filter};
use diesel_seekdb::ddl::{
    Column, ColumnType, CreateTable, Index, JsonCast, JsonPathIndex, Partition, PartitionDef,
    VecIndexType, VectorIndex,
};
use diesel_seekdb::diesel_ext::index_hint;
use diesel_seekdb::fragment::{BindValue, SqlFragment};
use diesel_seekdb::milvus::{MilvusLikeClient, SearchRequest};
use diesel_seekdb::prelude::*;
use serde_json::{json, Map, Value};

use crate::data::{brute_force, TOPK};
use crate::phases::{bar, err, Bench, Res};
use crate::raw::process_cpu_seconds;
use crate::stats::{recall, Samples};

pub const T_FL: &str = "seekdb_bench_filtered";
pub const T_FLP: &str = "seekdb_bench_filtered_part";

diesel::table! {
    use diesel::sql_types::{Integer, Text};
    use diesel_seekdb::sql_types::Vector;

    seekdb_bench_filtered (id) {
        id -> Integer,
        v -> Vector,
        page -> Integer,
        bucket -> Integer,
        meta -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::{Integer, Text};
    use diesel_seekdb::sql_types::Vector;

    seekdb_bench_filtered_part (id, page) {
        id -> Integer,
        v -> Vector,
        page -> Integer,
        bucket -> Integer,
        meta -> Text,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum FPath {
    PyJson,
    ObvecJson,
    ObvecIntHint,
    DieselIntHint,
    MilvusJsonIndex,
    DieselPartitionWhere,
    ObvecPartition,
}

impl FPath {
    fn name(self) -> &'static str {
        match self {
            FPath::PyJson => "pyobvector_json",
            FPath::ObvecJson => "obvec_json",
            FPath::ObvecIntHint => "obvec_int_hint",
            FPath::DieselIntHint => "diesel_int_hint",
            FPath::MilvusJsonIndex => "milvus_json_index",
            FPath::DieselPartitionWhere => "diesel_partition_where",
            FPath::ObvecPartition => "obvec_partition",
        }
    }
}

/// One selectivity: the column, its value, the share of rows it keeps.
struct Case {
    label: &'static str,
    column: &'static str,
    value: i32,
    modulus: usize,
}

const CASES: [Case; 2] = [
    Case {
        label: "10%",
        column: "page",
        value: 3,
        modulus: 10,
    },
    Case {
        label: "1%",
        column: "bucket",
        value: 7,
        modulus: 100,
    },
];

fn load(b: &mut Bench) -> Res<Map<String, Value>> {
    let ds = b.ds;
    let dim = u32::try_from(ds.dim).map_err(err)?;
    b.client.drop_table_if_exist(T_FL).map_err(err)?;
    let table = CreateTable::new(T_FL)
        .column(Column::new("id", ColumnType::Int).primary_key())
        .column(Column::new("v", ColumnType::Vector(dim)))
        .column(Column::new("page", ColumnType::Int))
        .column(Column::new("bucket", ColumnType::Int))
        .column(Column::new("meta", ColumnType::Json))
        .index(Index::new("idx_page", ["page"]))
        .index(Index::new("idx_bucket", ["bucket"]))
        .json_index(JsonPathIndex::new(
            "jidx_page",
            "meta",
            "$.page",
            JsonCast::Signed,
        ))
        .json_index(JsonPathIndex::new(
            "jidx_bucket",
            "meta",
            "$.bucket",
            JsonCast::Signed,
        ));
    b.client.create_table(&table).map_err(err)?;
    // Rows first, the vector index after: the fast way to a searchable table.
    b.raw.execute("SET SESSION ob_query_timeout = 600000000")?;
    let t0 = Instant::now();
    let pb = bar(ds.n as u64, "load (filtered layouts)");
    for s in (0..ds.n).step_by(1000) {
        let e = (s + 1000).min(ds.n);
        let mut sql = format!("INSERT INTO {T_FL} (id, v, page, bucket, meta) VALUES ");
        for i in s..e {
            if i > s {
                sql.push(',');
            }
            let mut v = Vec::new();
            diesel_seekdb::codec::encode_into(ds.row(i), &mut v).map_err(err)?;
            sql.push_str(&format!(
                "({i}, '{}', {}, {}, '{{\"page\": {}, \"bucket\": {}, \"cluster\": {}}}')",
                String::from_utf8(v).map_err(err)?,
                i % 10,
                i % 100,
                i % 10,
                i % 100,
                ds.labels[i]
            ));
        }
        b.raw.execute(&sql)?;
        pb.inc((e - s) as u64);
    }
    pb.finish_and_clear();
    let load_s = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let vidx = VectorIndex::new("vidx", "v")
        .index_type(VecIndexType::Hnsw)
        .distance(Distance::L2)
        .m(16)
        .ef_construction(200)
        .dim(dim);
    b.raw.execute(&vidx.to_create_sql(T_FL).map_err(err)?)?;
    let index_s = t0.elapsed().as_secs_f64();
    // The partitioned copy: one LIST partition per page value.
    b.client.drop_table_if_exist(T_FLP).map_err(err)?;
    let mut by_page = Partition::list("page");
    for p in 0..10 {
        by_page = by_page.partition(PartitionDef::values_in(format!("p{p}"), [p]));
    }
    let part = CreateTable::new(T_FLP)
        .column(Column::new("id", ColumnType::Int))
        .column(Column::new("v", ColumnType::Vector(dim)))
        .column(Column::new("page", ColumnType::Int))
        .column(Column::new("bucket", ColumnType::Int))
        .column(Column::new("meta", ColumnType::Json))
        .primary_key(["id", "page"])
        .index(Index::new("idx_bucket", ["bucket"]))
        .partition(by_page);
    b.client.create_table(&part).map_err(err)?;
    let t0 = Instant::now();
    b.raw.execute(&format!(
        "INSERT INTO {T_FLP} (id, v, page, bucket, meta) SELECT id, v, page, bucket, meta FROM {T_FL}"
    ))?;
    b.raw.execute(&vidx.to_create_sql(T_FLP).map_err(err)?)?;
    let part_s = t0.elapsed().as_secs_f64();
    let mut m = Map::new();
    m.insert("partitioned_copy_and_index_s".into(), json!(part_s));
    m.insert("rows".into(), json!(ds.n));
    m.insert("insert_s".into(), json!(load_s));
    m.insert("create_vector_index_s".into(), json!(index_s));
    Ok(m)
}

fn fragment(sql: String, value: i32) -> Filter {
    Filter::from(SqlFragment {
        sql,
        binds: vec![BindValue::Int(i64::from(value))],
    })
}

fn search_one(
    b: &mut Bench,
    milvus: &MilvusLikeClient,
    path: FPath,
    case: &Case,
    qi: usize,
) -> Res<(Vec<i64>, f64)> {
    let q = b.ds.query(qi).to_vec();
    let json_sql = format!("JSON_EXTRACT(meta, '$.{}') = {}", case.column, case.value);
    let t0 = Instant::now();
    let ids = match path {
        FPath::PyJson => {
            let py = b.py.as_mut().ok_or("no pyobvector worker")?;
            let (lat, ids) = py.search_where(qi, T_FL, &json_sql)?;
            return Ok((ids, lat));
        }
        FPath::ObvecJson | FPath::ObvecIntHint => {
            let mut s = AnnSearch::new(T_FL, "v", q)
                .distance(Distance::L2)
                .topk(TOPK)
                .output_columns(["id"]);
            s = if path == FPath::ObvecJson {
                s.filter(Filter::from(SqlFragment::raw(json_sql)))
            } else {
                s.filter(fragment(format!("`{}` = ?", case.column), case.value))
                    .index_hint(&format!("idx_{}", case.column))
            };
            let rows = b.client.ann_search(s).map_err(err)?;
            rows.iter()
                .map(|r| r["id"].as_i64().ok_or_else(|| "id".to_string()))
                .collect::<Res<Vec<_>>>()?
        }
        FPath::DieselIntHint => {
            use seekdb_bench_filtered as t;
            let v = Vector::from(q);
            let index = format!("idx_{}", case.column);
            let rows: Vec<i32> = if case.column == "page" {
                t::table
                    .select(index_hint(t::table, &index, t::id))
                    .filter(t::page.eq(case.value))
                    .order(t::v.l2_distance(&v).approximate())
                    .limit(TOPK as i64)
                    .load(&mut b.conn)
            } else {
                t::table
                    .select(index_hint(t::table, &index, t::id))
                    .filter(t::bucket.eq(case.value))
                    .order(t::v.l2_distance(&v).approximate())
                    .limit(TOPK as i64)
                    .load(&mut b.conn)
            }
            .map_err(err)?;
            rows.into_iter().map(i64::from).collect()
        }
        FPath::DieselPartitionWhere => {
            use seekdb_bench_filtered_part as t;
            let v = Vector::from(q);
            let rows: Vec<i32> = t::table
                .select(t::id)
                .filter(t::page.eq(case.value))
                .order(t::v.l2_distance(&v).approximate())
                .limit(TOPK as i64)
                .load(&mut b.conn)
                .map_err(err)?;
            rows.into_iter().map(i64::from).collect()
        }
        FPath::ObvecPartition => {
            let s = AnnSearch::new(T_FLP, "v", q)
                .distance(Distance::L2)
                .topk(TOPK)
                .output_columns(["id"])
                .partitions([format!("p{}", case.value)]);
            let rows = b.client.ann_search(s).map_err(err)?;
            rows.iter()
                .map(|r| r["id"].as_i64().ok_or_else(|| "id".to_string()))
                .collect::<Res<Vec<_>>>()?
        }
        FPath::MilvusJsonIndex => {
            let req = SearchRequest::new("v", vec![q])
                .limit(TOPK)
                .filter(&format!("meta[\"{}\"] == {}", case.column, case.value));
            let hits = milvus.search(T_FL, req).map_err(err)?;
            hits.into_iter()
                .flatten()
                .map(|h| h.id.as_i64().ok_or_else(|| "id".to_string()))
                .collect::<Res<Vec<_>>>()?
        }
    };
    Ok((ids, t0.elapsed().as_secs_f64()))
}

/// Runs the layouts comparison; returns the JSON written to `filtered-layouts.json`.
pub fn run(b: &mut Bench, rounds: usize) -> Res<Value> {
    b.log("filtered layouts: load");
    let load = load(b)?;
    let milvus = MilvusLikeClient::from_url(&b.target.url()).map_err(err)?;
    let mut paths = vec![
        FPath::ObvecJson,
        FPath::ObvecIntHint,
        FPath::DieselIntHint,
        FPath::MilvusJsonIndex,
    ];
    if b.py.is_some() {
        paths.insert(0, FPath::PyJson);
    }
    let queries: Vec<usize> = (0..b.ds.nq).collect();
    let mut out = Map::new();
    out.insert("load".into(), Value::Object(load));
    for case in &CASES {
        b.log(&format!("filtered layouts: {} selectivity", case.label));
        // The table is partitioned by page: its layouts answer the page filter only.
        let mut paths = paths.clone();
        if case.column == "page" {
            paths.extend([FPath::DieselPartitionWhere, FPath::ObvecPartition]);
        }
        let modulus = case.modulus;
        let value = case.value as usize;
        let gt = brute_force(b.ds, |id| id % modulus == value);
        // Plans, to show which index each path's statement reads.
        let mut plans = Map::new();
        let q = b.ds.query(0).to_vec();
        let json = AnnSearch::new(T_FL, "v", q.clone())
            .topk(TOPK)
            .output_columns(["id"])
            .filter(Filter::from(SqlFragment::raw(format!(
                "JSON_EXTRACT(meta, '$.{}') = {}",
                case.column, case.value
            ))));
        plans.insert(
            "json_extract".into(),
            json!(b.client.explain_ann_search(json).map_err(err)?),
        );
        let hinted = AnnSearch::new(T_FL, "v", q.clone())
            .topk(TOPK)
            .output_columns(["id"])
            .filter(fragment(format!("`{}` = ?", case.column), case.value))
            .index_hint(&format!("idx_{}", case.column));
        plans.insert(
            "int_hint".into(),
            json!(b.client.explain_ann_search(hinted).map_err(err)?),
        );
        if case.column == "page" {
            let pruned = AnnSearch::new(T_FLP, "v", q.clone())
                .topk(TOPK)
                .output_columns(["id"])
                .filter(fragment("`page` = ?".into(), case.value));
            plans.insert(
                "partitioned_where".into(),
                json!(b.client.explain_ann_search(pruned).map_err(err)?),
            );
            let part = AnnSearch::new(T_FLP, "v", q.clone())
                .topk(TOPK)
                .output_columns(["id"])
                .partitions([format!("p{}", case.value)]);
            plans.insert(
                "partition_clause".into(),
                json!(b.client.explain_ann_search(part).map_err(err)?),
            );
        }
        // Warm-up: a few queries on every path.
        for &qi in queries.iter().take(5) {
            for &p in &paths {
                search_one(b, &milvus, p, case, qi)?;
            }
        }
        let mut samples: Vec<(FPath, Samples, Vec<Vec<i64>>)> = paths
            .iter()
            .map(|p| (*p, Samples::default(), Vec::new()))
            .collect();
        let pb = bar(
            (rounds * queries.len()) as u64,
            &format!("filtered {}", case.label),
        );
        let mut turn = 0;
        for r in 0..rounds {
            let before: Vec<f64> = samples.iter().map(|s| s.1.lat.iter().sum()).collect();
            for &qi in &queries {
                for j in 0..paths.len() {
                    let k = (j + turn) % paths.len();
                    let path = samples[k].0;
                    let c0 = process_cpu_seconds();
                    let (ids, lat) = search_one(b, &milvus, path, case, qi)?;
                    samples[k].1.lat.push(lat);
                    if path != FPath::PyJson {
                        samples[k].1.cpu_s += process_cpu_seconds() - c0;
                    }
                    if r == 0 {
                        samples[k].2.push(ids);
                    }
                }
                turn += 1;
                pb.inc(1);
            }
            for (s, before) in samples.iter_mut().zip(before) {
                let busy = s.1.lat.iter().sum::<f64>() - before;
                s.1.rounds.push((busy, queries.len()));
            }
        }
        pb.finish_and_clear();
        let mut rep = Map::new();
        let mut recalls = Map::new();
        for (p, s, found) in &samples {
            rep.insert(p.name().into(), s.summary(s.lat.len() as u64));
            recalls.insert(p.name().into(), json!(recall(found, &gt, TOPK)));
        }
        rep.insert("recall_at_10".into(), Value::Object(recalls));
        rep.insert("plans".into(), Value::Object(plans));
        rep.insert(
            "filter".into(),
            json!(format!(
                "{} = {} (id % {} = {})",
                case.column, case.value, case.modulus, case.value
            )),
        );
        if let Some(py) = samples.iter().find(|s| s.0 == FPath::PyJson) {
            let base = py.1.summary(py.1.lat.len() as u64)["per_s_from_mean_latency"]
                .as_f64()
                .unwrap_or(f64::NAN);
            let mut ratios = Map::new();
            for (p, s, _) in &samples {
                let r = s.summary(s.lat.len() as u64)["per_s_from_mean_latency"]
                    .as_f64()
                    .unwrap_or(f64::NAN);
                ratios.insert(p.name().into(), json!(r / base));
            }
            rep.insert("qps_vs_pyobvector_json".into(), Value::Object(ratios));
        }
        eprintln!("[seekdb-bench] filtered {}:", case.label);
        for (p, s, found) in &samples {
            let sum = s.summary(s.lat.len() as u64);
            eprintln!(
                "  {:<20} {:>9.1} q/s  p50 {:>7.2} ms  recall@10 {:.4}",
                p.name(),
                sum["per_s_from_mean_latency"].as_f64().unwrap_or(f64::NAN),
                sum["p50_ms"].as_f64().unwrap_or(f64::NAN),
                recall(found, &gt, TOPK)
            );
        }
        out.insert(case.label.into(), Value::Object(rep));
    }
    if !b.opt.keep {
        b.client.drop_table_if_exist(T_FL).map_err(err)?;
        b.client.drop_table_if_exist(T_FLP).map_err(err)?;
    }
    Ok(Value::Object(out))
}
