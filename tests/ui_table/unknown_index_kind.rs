#[derive(diesel_seekdb_derive::SeekdbTable)]
struct Doc {
    id: i64,
    #[seekdb(vector(dim = 8), index(kind = "diskann", distance = "l2"))]
    embedding: diesel_seekdb::Vector,
}

fn main() {}
