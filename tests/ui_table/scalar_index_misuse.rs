use diesel_seekdb::Vector;
use diesel_seekdb_derive::SeekdbTable;

#[derive(SeekdbTable)]
struct KeyOnVector {
    id: i64,
    #[seekdb(vector(dim = 3), key)]
    v: Vector,
}

#[derive(SeekdbTable)]
struct JsonIndexOnInt {
    id: i64,
    #[seekdb(json_index(path = "$.page"))]
    page: i32,
}

#[derive(SeekdbTable)]
struct BadPath {
    id: i64,
    #[seekdb(json_index(path = "$.*", cast = "signed"))]
    a: serde_json::Value,
}

#[derive(SeekdbTable)]
struct BadCast {
    id: i64,
    #[seekdb(json_index(path = "$.page", cast = "char(0)"))]
    b: serde_json::Value,
}

fn main() {}
