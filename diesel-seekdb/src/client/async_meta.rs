//! Table metadata read through diesel-async, with the same statements and assembly
//! as [`describe_table`](super::describe_table).

use diesel::sql_types::Text;
use diesel_async::{AsyncMysqlConnection, RunQueryDsl};

use super::meta::{
    columns_from_rows, has_vector_index, indexes_from_rows, partitions_from_rows, set_distances,
    show_create_sql, show_index_sql, ColumnRow, Count, CreateTableRow, IndexRow, PartitionRow,
    TableInfo, COLUMNS_SQL, PARTITIONS_SQL, TABLE_EXISTS_SQL,
};
use crate::error::Result;

/// Whether `table` exists in the connection's current database.
pub async fn table_exists_async(conn: &mut AsyncMysqlConnection, table: &str) -> Result<bool> {
    let row: Count = diesel::sql_query(TABLE_EXISTS_SQL)
        .bind::<Text, _>(table)
        .get_result(conn)
        .await?;
    Ok(row.n > 0)
}

/// Reads a table's description; [`Error::CollectionNotFound`](crate::Error::CollectionNotFound)
/// when it does not exist.
pub async fn describe_table_async(
    conn: &mut AsyncMysqlConnection,
    table: &str,
) -> Result<TableInfo> {
    let rows: Vec<ColumnRow> = diesel::sql_query(COLUMNS_SQL)
        .bind::<Text, _>(table.to_string())
        .load(conn)
        .await?;
    let (stored_name, columns) = columns_from_rows(table, rows)?;
    let index_rows: Vec<IndexRow> = diesel::sql_query(show_index_sql(&stored_name))
        .load(conn)
        .await?;
    let mut indexes = indexes_from_rows(index_rows);
    if has_vector_index(&indexes) {
        let show: CreateTableRow = diesel::sql_query(show_create_sql(&stored_name))
            .get_result(conn)
            .await?;
        set_distances(&mut indexes, &show.ddl);
    }
    let parts: Vec<PartitionRow> = diesel::sql_query(PARTITIONS_SQL)
        .bind::<Text, _>(stored_name.clone())
        .load(conn)
        .await?;
    Ok(TableInfo {
        name: stored_name,
        columns,
        indexes,
        partitions: partitions_from_rows(parts),
    })
}
