#[derive(diesel_seekdb_derive::SeekdbVectors)]
struct NewItem {
    #[seekdb(vector(dim = 0))]
    embedding: diesel_seekdb::Vector,
}

fn main() {}
