// Two columns of different fixed dimensions cannot meet in a distance.
use diesel::prelude::*;
use diesel_seekdb::prelude::*;

diesel::table! {
    use diesel::sql_types::*;
    use diesel_seekdb::sql_types::VectorOf;
    docs (id) { id -> Integer, small -> VectorOf<768>, large -> VectorOf<1536> }
}

fn main() {
    let _ = docs::table
        .select(docs::id)
        .order(docs::small.cosine_distance(docs::large));
}
