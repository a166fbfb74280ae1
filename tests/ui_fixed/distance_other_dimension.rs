// A 768-d column searched with a 1536-d query vector: a type error, not a run-time one.
use diesel::prelude::*;
use diesel_seekdb::prelude::*;

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::VectorOf;
    docs (id) { id -> Integer, embedding -> VectorOf<768> }
}

fn main() {
    let query = FixedVector::new([0.0f32; 1536]);
    let _ = docs::table
        .select(docs::id)
        .order(docs::embedding.l2_distance(query).approximate());
}
