#[derive(diesel_seekdb_derive::SeekdbTable)]
struct Column {
    id: i64,
    #[seekdb(vector(dim = 16001))]
    embedding: diesel_seekdb::Vector,
}

#[derive(diesel_seekdb_derive::SeekdbTable)]
struct Indexed {
    id: i64,
    #[seekdb(vector(dim = 5000), index)]
    embedding: diesel_seekdb::Vector,
}

#[derive(diesel_seekdb_derive::SeekdbTable)]
struct Ivf {
    id: i64,
    #[seekdb(vector(dim = 4096), index(kind = "ivf_flat"))]
    embedding: diesel_seekdb::Vector,
}

fn main() {}
