#[derive(diesel_seekdb_derive::SeekdbTable)]
struct Doc {
    id: i64,
    embedding: diesel_seekdb::Vector,
}

#[derive(diesel_seekdb_derive::SeekdbTable)]
struct Doc2 {
    id: i64,
    #[seekdb(vector, index(kind = "hnsw"))]
    embedding: diesel_seekdb::Vector,
}

fn main() {}
