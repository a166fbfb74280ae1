#[derive(diesel_seekdb_derive::SeekdbTable)]
struct M {
    id: i64,
    #[seekdb(vector(dim = 8), index(kind = "hnsw_sq", m = 100))]
    embedding: diesel_seekdb::Vector,
}

#[derive(diesel_seekdb_derive::SeekdbTable)]
struct Ef {
    id: i64,
    #[seekdb(vector(dim = 8), index(m = 32, ef_construction = 32))]
    embedding: diesel_seekdb::Vector,
}

#[derive(diesel_seekdb_derive::SeekdbTable)]
struct Pq {
    id: i64,
    #[seekdb(vector(dim = 10), index(kind = "ivf_pq", m = 4))]
    embedding: diesel_seekdb::Vector,
}

#[derive(diesel_seekdb_derive::SeekdbTable)]
struct Ty {
    id: i64,
    #[seekdb(vector(dim = 8), index(kind = "hnsw", m = "16"))]
    embedding: diesel_seekdb::Vector,
}

#[derive(diesel_seekdb_derive::SeekdbTable)]
struct Sindi {
    id: i64,
    #[seekdb(index(kind = "sindi", refine = true))]
    terms: diesel_seekdb::SparseVector,
}

#[derive(diesel_seekdb_derive::SeekdbTable)]
struct Bq {
    id: i64,
    #[seekdb(
        vector(dim = 8),
        index(kind = "hnsw_bq", bq_bits_query = 32, refine_k = 0.5)
    )]
    embedding: diesel_seekdb::Vector,
}

fn main() {}
