//! Plans are data: these resolve them against a table description without a server.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::*;
use crate::client::meta::{ColumnInfo, ColumnKind};
use crate::client::ops_meta::Next;
use crate::client::plan::{ClientState, Output};

fn text_table() -> Arc<TableInfo> {
    let column = |name: &str, primary_key: bool| ColumnInfo {
        name: name.into(),
        column_type: "varchar(64)".into(),
        parsed_type: Some(crate::ddl::ColumnType::Varchar(64)),
        kind: ColumnKind::Text,
        nullable: !primary_key,
        primary_key,
        auto_increment: false,
        comment: String::new(),
    };
    Arc::new(TableInfo {
        name: "t".into(),
        columns: vec![column("id", true), column("body", false)],
        indexes: Vec::new(),
        partitions: Vec::new(),
    })
}

/// The plan `op` comes to once the client state holds `info` and `limits` (resolved by
/// the executors' own [`ClientState::next`]); `Err` holds a value known without
/// statements.
fn resolve<'a, R: 'a>(
    op: Result<Op<'a, R>>,
    info: &Arc<TableInfo>,
    limits: stmt::StatementLimits,
) -> std::result::Result<Plan<'a, R>, R> {
    let state = ClientState::default();
    state.remember_table(&info.name, (**info).clone());
    state.keep_limits(limits);
    state.keep_server(crate::server::ServerInfo::parse(
        "5.7.25-OceanBase seekdb-v1.4.0.0",
        "OceanBase 4.3.5.3 seekdb (r1.4.0.0)",
    ));
    match state.next(op.unwrap()).unwrap() {
        Next::Done(r) => Err(r),
        Next::Run(plan) => Ok(plan),
        Next::Step(_) => panic!("the table and the limits are cached: nothing is read"),
        Next::RetryBusy(mut attempt, _) => resolve(attempt(0), info, limits),
    }
}

fn big() -> stmt::StatementLimits {
    stmt::StatementLimits::for_packet(64 << 20)
}

fn rows(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| json!({ "id": format!("k{i}"), "body": "x".repeat(200) }))
        .collect()
}

#[test]
fn no_rows_need_no_table_and_no_statement() {
    let Err(n) = resolve(
        write_rows("INSERT INTO", "t", &[], None),
        &text_table(),
        big(),
    ) else {
        panic!("an empty write has no plan");
    };
    assert_eq!(n, 0);
}

#[test]
fn a_write_larger_than_one_statement_is_one_transaction() {
    let info = text_table();
    let three = rows(3);
    let one = resolve(write_rows("INSERT INTO", "t", &three, None), &info, big());
    let one = one.expect("a plan");
    assert_eq!(one.statements.len(), 1);
    assert!(!one.in_transaction());

    let data = rows(2000);
    let small = stmt::StatementLimits::for_packet(64 << 10);
    let many = resolve(write_rows("REPLACE INTO", "t", &data, None), &info, small);
    let many = many.expect("a plan");
    assert!(many.statements.len() > 1, "{}", many.statements.len());
    assert!(many.in_transaction());
    let outputs = (0..many.statements.len())
        .map(|_| Output::Affected(3))
        .collect();
    assert_eq!((many.decode)(outputs).unwrap(), 3 * many.statements.len());
}

#[test]
fn many_text_ids_delete_in_one_transaction() {
    let ids: Vec<Value> = (0..stmt::TEXT_IDS_PER_STATEMENT + 1)
        .map(|i| json!(format!("k{i}")))
        .collect();
    let scope = stmt::RowScope::Selected;
    let plan = resolve(
        delete_rows("t", &ids, None, None, scope),
        &text_table(),
        big(),
    );
    let plan = plan.expect("a plan");
    assert_eq!(plan.statements.len(), 2);
    assert!(plan.in_transaction());
}

#[test]
fn a_select_over_several_statements_keeps_its_limit() {
    let ids: Vec<Value> = (0..stmt::TEXT_IDS_PER_STATEMENT + 1)
        .map(|i| json!(format!("k{i}")))
        .collect();
    let plan = resolve(
        select("t", &ids, None, &[], &[], Some(4)),
        &text_table(),
        big(),
    );
    let plan = plan.expect("a plan");
    assert_eq!(plan.statements.len(), 2);
    let three = || {
        let row = Map::from_iter([("id".to_string(), json!("k"))]);
        Output::Rows(vec![JsonRow(row); 3])
    };
    assert_eq!((plan.decode)(vec![three(), three()]).unwrap().len(), 4);
}

#[test]
fn ddl_forgets_its_table_and_session_settings_go_to_the_pool() {
    let plan = resolve(drop_table("T"), &text_table(), big()).expect("a plan");
    assert_eq!(plan.forgets.as_deref(), Some("T"));

    assert!(matches!(
        set_session(SessionSettings::new().ef_search(0)),
        Err(Error::Validation { .. })
    ));
    let settings = SessionSettings::new().ef_search(10);
    let plan = resolve(set_session(settings), &text_table(), big()).expect("a plan");
    assert_eq!(plan.keeps_session, Some(settings));
    assert_eq!(plan.for_source(false).statements.len(), 0);
    let plan = resolve(set_session(settings), &text_table(), big()).expect("a plan");
    assert_eq!(plan.for_source(true).statements.len(), 1);
}

/// Index DDL is retried as `Retryable::IndexDdl`; a retry reads `SHOW INDEX` first and
/// stops when the failed attempt made the index, else sends the DDL again.
#[test]
fn a_retried_index_ddl_checks_show_index_first() {
    let ddl = "CREATE FULLTEXT INDEX `ft_body` ON `t` (`body`)";
    let Op::RetryBusy(mut attempt, what) = index_ddl("t", "ft_body", ddl.into()).unwrap() else {
        panic!("index DDL is retried");
    };
    assert_eq!(what, crate::upkeep::Retryable::IndexDdl);
    let is_ddl = |op: Op<'_, ()>| match op {
        Op::Run(plan) => matches!(&plan.statements[..], [Statement::Batch(s)] if s == ddl),
        _ => false,
    };
    assert!(
        is_ddl(attempt(0).unwrap()),
        "the first attempt is the DDL alone"
    );
    let mut show = |rows: Vec<Value>| {
        let Op::Step(plan) = attempt(1).unwrap() else {
            panic!("a retry reads SHOW INDEX first");
        };
        assert!(matches!(&plan.statements[..],
            [Statement::Raw(s)] if s == "SHOW INDEX FROM `t`"));
        let rows = rows
            .into_iter()
            .map(|r| crate::row::JsonRow(r.as_object().unwrap().clone()))
            .collect();
        (plan.decode)(vec![Output::Rows(rows)]).unwrap()
    };
    let made = show(vec![
        json!({"Key_name": "PRIMARY"}),
        json!({"Key_name": "FT_Body"}),
    ]);
    assert!(matches!(made, Op::Ready(())), "index names ignore case");
    assert!(is_ddl(show(vec![json!({"Key_name": "vidx"})])));
}
