#[derive(diesel_seekdb_derive::SeekdbVectors)]
struct NewItem {
    #[seekdb(vector(dim = 16001))]
    embedding: diesel_seekdb::Vector,
}

fn main() {}
