// Writing a 1536-d value into a 768-d column does not compile.
use diesel::prelude::*;
use diesel_seekdb::FixedVector;

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::VectorOf;
    docs (id) { id -> Integer, embedding -> VectorOf<768> }
}

fn main() {
    let value = FixedVector::new([0.0f32; 1536]);
    let _ = diesel::insert_into(docs::table).values(docs::embedding.eq(value));
}
