#[derive(diesel_seekdb_derive::SeekdbTable)]
struct IndexOnText {
    id: i64,
    #[seekdb(index(kind = "hnsw"))]
    title: String,
}

#[derive(diesel_seekdb_derive::SeekdbTable)]
struct AutoText {
    #[seekdb(primary_key, auto_increment)]
    id: String,
}

#[derive(diesel_seekdb_derive::SeekdbTable)]
struct Unknown {
    id: i64,
    when: std::time::SystemTime,
}

#[derive(diesel_seekdb_derive::SeekdbTable)]
#[seekdb(partition(hash(tenant), partitions = 4))]
struct PartNotInKey {
    id: i64,
    tenant: i32,
}

#[derive(diesel_seekdb_derive::SeekdbTable)]
struct BadSqlType {
    id: i64,
    #[seekdb(sql_type = "MEDIUMBLOB")]
    data: Vec<u8>,
}

#[derive(diesel_seekdb_derive::SeekdbTable)]
#[seekdb(organization = "heap", partition(hash(id), partitions = 2))]
struct IvfOnPartitionedHeap {
    #[seekdb(primary_key)]
    id: i64,
    #[seekdb(vector(dim = 8), index(kind = "ivf_flat"))]
    v: diesel_seekdb::Vector,
}

fn main() {}
