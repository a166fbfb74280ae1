// Loading a 768-d column into a 1536-d value does not compile.
use diesel::prelude::*;
use diesel_seekdb::FixedVector;

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::VectorOf;
    docs (id) { id -> Integer, embedding -> VectorOf<768> }
}

fn load(conn: &mut MysqlConnection) -> QueryResult<Vec<FixedVector<1536>>> {
    docs::table.select(docs::embedding).load(conn)
}

fn main() {
    let _ = load;
}
