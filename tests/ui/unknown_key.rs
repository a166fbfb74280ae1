#[derive(diesel_seekdb_derive::SeekdbVectors)]
struct NewItem {
    #[seekdb(vector(dim = 3, metric = "l2"))]
    embedding: diesel_seekdb::Vector,
}

fn main() {}
