use super::limits::DEFAULT_MAX_ALLOWED_PACKET;
use super::*;
use crate::client::Filter;

fn column(name: &str, kind: ColumnKind, primary_key: bool) -> ColumnInfo {
    ColumnInfo {
        name: name.into(),
        column_type: String::new(),
        parsed_type: None,
        kind,
        nullable: !primary_key,
        primary_key,
        auto_increment: false,
        comment: String::new(),
    }
}

fn table(key: ColumnKind, columns: usize) -> TableInfo {
    let mut cols = vec![column("id", key, true)];
    cols.extend((0..columns).map(|c| column(&format!("c{c}"), ColumnKind::Text, false)));
    TableInfo {
        name: "t".into(),
        columns: cols,
        indexes: Vec::new(),
        partitions: Vec::new(),
    }
}

fn rows(n: usize, columns: usize, text: &str) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let mut row = Map::new();
            row.insert("id".into(), Value::from(i));
            for c in 0..columns {
                row.insert(format!("c{c}"), Value::from(text));
            }
            Value::Object(row)
        })
        .collect()
}

fn placeholders_per_statement(statements: &[DynQuery]) -> Vec<usize> {
    statements
        .iter()
        .map(|q| super::super::query::placeholders(&q.to_sql()).len())
        .collect()
}

#[test]
fn writes_are_cut_by_placeholders() {
    let info = table(ColumnKind::Integer { unsigned: false }, 70);
    let limits = StatementLimits::for_packet(DEFAULT_MAX_ALLOWED_PACKET);
    let statements =
        write_statements("INSERT INTO", &info, &rows(1000, 70, "x"), None, limits).unwrap();
    let counts = placeholders_per_statement(&statements);
    assert_eq!(counts.iter().sum::<usize>(), 71 * 1000);
    assert!(
        counts
            .iter()
            .all(|&c| c <= super::super::query::BIND_BUDGET),
        "{counts:?}"
    );
    assert_eq!(statements.len(), 2);
}

#[test]
fn writes_are_cut_by_bytes() {
    let info = table(ColumnKind::Integer { unsigned: false }, 1);
    let limits = StatementLimits::for_packet(1024 * 1024);
    let text = "y".repeat(10_000);
    let statements =
        write_statements("INSERT INTO", &info, &rows(300, 1, &text), None, limits).unwrap();
    // 3 MB of text under a 512 KiB budget: at least six statements, none empty.
    assert!(statements.len() >= 6, "{}", statements.len());
    let counts = placeholders_per_statement(&statements);
    assert_eq!(counts.iter().sum::<usize>(), 600);
    assert!(counts.iter().all(|&c| c > 0));
    // Small writes stay one statement.
    let one = write_statements("INSERT INTO", &info, &rows(10, 1, "z"), None, limits).unwrap();
    assert_eq!(one.len(), 1);
}

#[test]
fn a_row_larger_than_the_budget_gets_its_own_statement() {
    let info = table(ColumnKind::Integer { unsigned: false }, 1);
    let limits = StatementLimits::for_packet(8192);
    let big = "b".repeat(100_000);
    let statements =
        write_statements("INSERT INTO", &info, &rows(3, 1, &big), None, limits).unwrap();
    assert_eq!(statements.len(), 3);
}

#[test]
fn the_packet_limit_is_read_from_the_servers_row() {
    let mut row = Map::new();
    row.insert("value".into(), Value::from(4u64 * 1024 * 1024));
    let limits = StatementLimits::from_rows(&[JsonRow(row)]);
    assert_eq!(limits.max_bytes, 2 * 1024 * 1024);
    assert_eq!(
        StatementLimits::from_rows(&[]),
        StatementLimits::for_packet(DEFAULT_MAX_ALLOWED_PACKET)
    );
}

#[test]
fn long_id_lists_are_cut_unless_an_expression_filter_needs_one_statement() {
    let ids: Vec<Value> = (0..70_000).map(|i| Value::from(format!("k{i}"))).collect();
    let text = table(ColumnKind::Text, 0);
    let runs = id_runs(&text, &ids, None).unwrap();
    assert_eq!(runs.len(), 3);
    assert_eq!(runs.iter().map(|r| r.len()).sum::<usize>(), 70_000);
    let frag = Filter::Fragment(crate::fragment::SqlFragment::raw("TRUE"));
    assert_eq!(id_runs(&text, &ids, Some(&frag)).unwrap().len(), 3);
    let expr = Filter::Expr(Box::new(diesel::dsl::sql::<diesel::sql_types::Bool>(
        "TRUE",
    )));
    assert!(matches!(
        id_runs(&text, &ids, Some(&expr)),
        Err(Error::Validation { .. })
    ));
    assert_eq!(id_runs(&text, &ids[..10], Some(&expr)).unwrap().len(), 1);
    let int_ids: Vec<Value> = (0..70_000).map(Value::from).collect();
    let int = table(ColumnKind::Integer { unsigned: true }, 0);
    assert_eq!(id_runs(&int, &int_ids, Some(&expr)).unwrap().len(), 1);
    let int_runs = id_runs(&int, &int_ids, None).unwrap();
    assert_eq!(int_runs.len(), 3);
    assert_eq!(int_runs.iter().map(|r| r.len()).sum::<usize>(), 70_000);
    assert_eq!(id_runs(&int, &int_ids, Some(&frag)).unwrap().len(), 3);
}
