//! `diesel print-schema` (the real diesel_cli) against a migrated seekdb database, with
//! the project's `diesel.toml`: vector, sparse and array columns come out as
//! diesel_seekdb's SQL types, the output is the committed `src/schema.rs`, and a small
//! crate that uses the generated `table!`s in typed vector queries compiles.
//!
//! diesel_cli is installed by `scripts/dev setup` (or `scripts/dev diesel-cli`);
//! `scripts/dev test` passes its path in `DIESEL_CLI`.

use std::path::{Path, PathBuf};
use std::process::Command;

use diesel_migrations::MigrationHarness;
use diesel_seekdb_suite::{TestDb, MIGRATIONS};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The diesel binary: `DIESEL_CLI`, else where `scripts/dev` installs it.
fn diesel_cli() -> PathBuf {
    if let Some(path) = std::env::var_os("DIESEL_CLI") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "DIESEL_CLI={} does not exist; run `scripts/dev diesel-cli`",
            path.display()
        );
        return path;
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")));
    let candidates = cache
        .map(|c| c.join("diesel-seekdb/diesel_cli-2.3.14/bin/diesel"))
        .into_iter()
        .chain([Path::new(ROOT).join(".seekdb/tools/bin/diesel")]);
    let tried: Vec<PathBuf> = candidates.collect();
    tried
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "diesel_cli not found (tried DIESEL_CLI and {tried:?}); \
                 install it with `scripts/dev setup` (or `scripts/dev diesel-cli`) and run \
                 the suite with `scripts/dev test`"
            )
        })
}

fn print_schema(database_url: &str) -> String {
    let out = Command::new(diesel_cli())
        .current_dir(ROOT)
        .args(["print-schema", "--config-file"])
        .arg(Path::new(ROOT).join("diesel.toml"))
        .args(["--database-url", database_url])
        .output()
        .expect("run diesel print-schema");
    assert!(
        out.status.success(),
        "diesel print-schema failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("print-schema output is UTF-8")
}

/// The `table!` body that starts with `head` in generated schema text.
fn table_block<'a>(schema: &'a str, head: &str) -> &'a str {
    let start = schema
        .find(head)
        .unwrap_or_else(|| panic!("no `{head}` in:\n{schema}"));
    let end = schema[start..]
        .find('}')
        .map_or(schema.len(), |e| start + e);
    &schema[start..end]
}

#[test]
fn print_schema_maps_seekdb_types_and_the_result_compiles() {
    let mut db = TestDb::new("pschema");
    db.conn.run_pending_migrations(MIGRATIONS).unwrap();
    let schema = print_schema(&db.url);

    assert!(
        !schema.contains("mod sql_types"),
        "no per-column custom types:\n{schema}"
    );
    assert!(schema.contains("use diesel_seekdb::sql_types::*;"));
    let articles = table_block(&schema, "articles (id) {");
    assert!(articles.contains("embedding -> Vector,"), "{articles}");
    let features = table_block(&schema, "item_features (id) {");
    for line in [
        "terms -> Sparsevector,",
        "scores -> Nullable<Array>,",
        "tags -> Nullable<Array>,",
        "grid -> Nullable<Array>,",
    ] {
        assert!(features.contains(line), "{line} missing in:\n{features}");
    }
    let events = table_block(&schema, "tenant_events (id, tenant) {");
    assert!(events.contains("embedding -> Vector,"), "{events}");
    assert!(events.contains("tenant -> Integer,"), "{events}");

    // The committed schema is exactly what diesel_cli generates.
    let committed = std::fs::read_to_string(Path::new(ROOT).join("src/schema.rs")).unwrap();
    assert!(
        committed == schema,
        "src/schema.rs differs from `diesel print-schema` output; replace it with:\n{schema}"
    );

    compile_with(&schema);
}

/// A query of every vector kind, written against the generated schema only.
const USES_SCHEMA: &str = r#"
mod schema;

use diesel::prelude::*;
use diesel_seekdb::prelude::*;
use schema::{articles, item_features, items, tenant_events};

pub fn nearest_items(conn: &mut MysqlConnection, q: &Vector) -> QueryResult<Vec<(i64, String, f64)>> {
    items::table
        .filter(items::category.eq("music"))
        .select((items::id, items::title, items::embedding.l2_distance(q)))
        .order(items::embedding.l2_distance(q).approximate())
        .limit(5)
        .load(conn)
}

pub fn nearest_articles(conn: &mut MysqlConnection, q: &Vector) -> QueryResult<Vec<(String, Vector)>> {
    articles::table
        .filter(match_against(articles::body, "向量").matches())
        .select((articles::title, articles::embedding))
        .order(articles::embedding.cosine_distance(q).approximate())
        .limit(3)
        .load(conn)
}

pub fn tenant_nearest(conn: &mut MysqlConnection, q: &Vector) -> QueryResult<Vec<(i64, i32)>> {
    tenant_events::table
        .filter(tenant_events::tenant.lt(100))
        .select((tenant_events::id, tenant_events::tenant))
        .order(tenant_events::embedding.l2_distance(q).approximate())
        .limit(10)
        .load(conn)
}

pub fn sparse_matches(
    conn: &mut MysqlConnection,
    q: &SparseVector,
) -> QueryResult<Vec<(i64, SparseVector, Option<Vec<f32>>, Option<Vec<String>>)>> {
    item_features::table
        .filter(item_features::tags.array_contains("rust".to_string()))
        .select((item_features::item_id, item_features::terms, item_features::scores, item_features::tags))
        .order(item_features::terms.negative_inner_product(q).approximate())
        .limit(10)
        .load(conn)
}

pub fn joinable() -> impl diesel::query_builder::QueryFragment<diesel::mysql::Mysql> {
    items::table.select(items::id).filter(items::id.eq_any(articles::table.select(articles::id)))
}

fn main() {}
"#;

/// Builds a throwaway crate (under the test's target tmp dir) from `schema` and
/// `USES_SCHEMA` with `cargo check --offline`, against this workspace's lock file.
fn compile_with(schema: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("print_schema_check");
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    let manifest = format!(
        r#"[package]
name = "print-schema-check"
version = "0.0.0"
edition = "2021"
publish = false

# Not part of the diesel-seekdb workspace that encloses target/.
[workspace]

[dependencies]
diesel = {{ version = "2.3", default-features = false, features = ["mysql"] }}
diesel-seekdb = {{ path = {:?} }}
"#,
        Path::new(ROOT).join("diesel-seekdb")
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(Path::new(ROOT).join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::write(src.join("schema.rs"), schema).unwrap();
    std::fs::write(src.join("main.rs"), USES_SCHEMA).unwrap();

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // A target dir of its own: the outer `cargo test` holds the lock on its own.
    let out = Command::new(cargo)
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .args(["check", "--offline", "--quiet", "--message-format", "short"])
        .output()
        .expect("run cargo check");
    assert!(
        out.status.success(),
        "the generated schema does not compile in {}:\n{}{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
