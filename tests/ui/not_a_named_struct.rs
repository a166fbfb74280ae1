#[derive(diesel_seekdb_derive::SeekdbVectors)]
struct Tuple(#[seekdb(vector(dim = 3))] diesel_seekdb::Vector);

#[derive(diesel_seekdb_derive::SeekdbVectors)]
enum Kind {
    A,
}

fn main() {}
