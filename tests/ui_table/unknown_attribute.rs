#[derive(diesel_seekdb_derive::SeekdbTable)]
struct Field {
    id: i64,
    #[seekdb(vector(dim = 8), metric = "l2")]
    embedding: diesel_seekdb::Vector,
}

#[derive(diesel_seekdb_derive::SeekdbTable)]
#[seekdb(engine = "innodb")]
struct Table {
    id: i64,
}

#[derive(diesel_seekdb_derive::SeekdbTable)]
#[seekdb(partition(hash(id), partitions = 4, linear))]
struct Part {
    id: i64,
}

#[derive(diesel_seekdb_derive::SeekdbTable)]
struct Ft {
    id: i64,
    #[seekdb(fulltext(parser = "jieba"))]
    body: String,
}

fn main() {}
