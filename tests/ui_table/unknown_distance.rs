#[derive(diesel_seekdb_derive::SeekdbTable)]
struct Doc {
    id: i64,
    #[seekdb(vector(dim = 8), index(kind = "hnsw", distance = "manhattan"))]
    embedding: diesel_seekdb::Vector,
}

#[derive(diesel_seekdb_derive::SeekdbTable)]
struct Sparse {
    id: i64,
    #[seekdb(index(kind = "sindi", distance = "cosine"))]
    terms: diesel_seekdb::SparseVector,
}

fn main() {}
