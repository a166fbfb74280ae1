//! The typed Diesel view of the benchmark table (the path a Diesel user writes).

diesel::table! {
    use diesel::sql_types::{Integer, Text};
    use diesel_seekdb::sql_types::Vector;

    seekdb_bench_diesel (id) {
        id -> Integer,
        v -> Vector,
        meta -> Text,
    }
}

pub use seekdb_bench_diesel as items;

/// Table names: one per insert path, so each path loads its own copy.
pub const T_DIESEL: &str = "seekdb_bench_diesel";
pub const T_OBVEC: &str = "seekdb_bench_obvec";
pub const T_RAW: &str = "seekdb_bench_raw";
/// pyobvector's table when it runs interleaved (created and dropped by its worker).
pub const T_PY: &str = "seekdb_bench_pyobvector";
/// The typed API's text-protocol inserts (`diesel_ext::insert_rows`).
pub const T_TYPED_TEXT: &str = "seekdb_bench_typed_text";
/// Time to searchable: the library's bulk load, and the raw-SQL floor's direct load.
pub const T_LOAD_LIB: &str = "seekdb_bench_load_lib";
pub const T_LOAD_RAW: &str = "seekdb_bench_load_raw";
pub const TABLES: [&str; 7] = [
    T_DIESEL,
    T_OBVEC,
    T_RAW,
    T_PY,
    T_TYPED_TEXT,
    T_LOAD_LIB,
    T_LOAD_RAW,
];

/// A row as a typed-API user hands it to `diesel_ext::insert_rows` / `bulk_load`.
#[derive(serde::Serialize)]
pub struct TypedRow<'a> {
    pub id: i32,
    pub v: &'a [f32],
    pub meta: serde_json::Value,
}

#[derive(diesel::Insertable)]
#[diesel(table_name = seekdb_bench_diesel)]
pub struct NewItem {
    pub id: i32,
    pub v: diesel_seekdb::Vector,
    pub meta: String,
}

#[derive(diesel::QueryableByName)]
pub struct IdRow {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub id: i32,
}
