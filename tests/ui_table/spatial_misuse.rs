use diesel_seekdb::Point;
use diesel_seekdb_derive::SeekdbTable;

#[derive(SeekdbTable)]
struct SpatialOnInt {
    id: i64,
    #[seekdb(spatial)]
    n: i64,
}

#[derive(SeekdbTable)]
struct SpatialOnNullable {
    id: i64,
    #[seekdb(spatial)]
    p: Option<Point>,
}

#[derive(SeekdbTable)]
struct SpatialUnknownKey {
    id: i64,
    #[seekdb(spatial(kind = "rtree"))]
    p: Point,
}

fn main() {}
