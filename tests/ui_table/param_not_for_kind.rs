#[derive(diesel_seekdb_derive::SeekdbTable)]
struct Hnsw {
    id: i64,
    #[seekdb(vector(dim = 8), index(kind = "hnsw", m = 16, nlist = 128))]
    embedding: diesel_seekdb::Vector,
}

#[derive(diesel_seekdb_derive::SeekdbTable)]
struct Ivf {
    id: i64,
    #[seekdb(vector(dim = 8), index(kind = "ivf_flat", ef_search = 64))]
    embedding: diesel_seekdb::Vector,
}

#[derive(diesel_seekdb_derive::SeekdbTable)]
struct Pq {
    id: i64,
    #[seekdb(vector(dim = 8), index(kind = "ivf_pq", nlist = 16))]
    embedding: diesel_seekdb::Vector,
}

fn main() {}
