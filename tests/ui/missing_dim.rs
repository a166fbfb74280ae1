#[derive(diesel_seekdb_derive::SeekdbVectors)]
struct NewItem {
    #[seekdb(vector)]
    embedding: diesel_seekdb::Vector,
}

fn main() {}
