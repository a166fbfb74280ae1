use super::*;
use crate::Error;
use PartitionValue::{Default as Def, MaxValue};

fn param_of(r: Result<impl std::fmt::Debug>) -> String {
    match r {
        Err(Error::Validation { parameter, .. }) => parameter,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn py(p: &Partition) -> String {
    p.to_sql_with(IdentStyle::Minimal).unwrap()
}

fn ranges(p: Partition, bounds: &[(&str, i64)]) -> Partition {
    bounds
        .iter()
        .fold(p, |p, (n, b)| p.partition(PartitionDef::less_than(*n, *b)))
}

fn lists(p: Partition, bounds: &[(&str, &[i64])]) -> Partition {
    bounds.iter().fold(p, |p, (n, b)| {
        p.partition(PartitionDef::values_in(*n, b.iter().copied()))
    })
}

fn hash_names(p: Partition, names: &[&str]) -> Partition {
    names
        .iter()
        .fold(p, |p, n| p.partition(PartitionDef::named(*n)))
}

// pyobvector tests/test_partition_compile.py, every asserted string.

#[test]
fn pyobvector_range_and_range_columns_partition() {
    let range = Partition::range("id")
        .partition(PartitionDef::less_than("p0", 100))
        // pyobvector passes the raw string "maxvalue"
        .partition(PartitionDef::less_than(
            "p1",
            PartitionValue::expr("maxvalue"),
        ));
    assert_eq!(
        py(&range),
        "PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (100),PARTITION p1 VALUES LESS THAN (maxvalue))"
    );
    let range_columns = Partition::range_columns(["log_date"])
        .partition(PartitionDef::less_than("M202001", "2020/02/01"))
        .partition(PartitionDef::less_than("M202002", "2020/03/01"))
        .partition(PartitionDef::less_than("M202003", "2020/04/01"))
        .partition(PartitionDef::less_than("MMAX", MaxValue));
    assert_eq!(
        py(&range_columns),
        "PARTITION BY RANGE COLUMNS (log_date) (PARTITION M202001 VALUES LESS THAN ('2020/02/01'),PARTITION M202002 VALUES LESS THAN ('2020/03/01'),PARTITION M202003 VALUES LESS THAN ('2020/04/01'),PARTITION MMAX VALUES LESS THAN (MAXVALUE))"
    );
}

#[test]
fn pyobvector_list_and_list_columns_partition() {
    let list = lists(
        Partition::list("col1"),
        &[("p0", &[1, 2, 3]), ("p1", &[5, 6])],
    )
    .partition(PartitionDef::default_values("p2"));
    assert_eq!(
        py(&list),
        "PARTITION BY LIST (col1) (PARTITION p0 VALUES IN (1,2,3),PARTITION p1 VALUES IN (5,6),PARTITION p2 VALUES IN (DEFAULT))"
    );
    let list_columns = Partition::list_columns(["partition_id"])
        .partition(PartitionDef::values_in("p0", ["00", "01"]))
        .partition(PartitionDef::values_in("p1", ["02", "03"]))
        .partition(PartitionDef::values_in("p2", [Def]));
    assert_eq!(
        py(&list_columns),
        "PARTITION BY LIST COLUMNS (partition_id) (PARTITION p0 VALUES IN ('00','01'),PARTITION p1 VALUES IN ('02','03'),PARTITION p2 VALUES IN (DEFAULT))"
    );
}

#[test]
fn pyobvector_hash_and_key_partition() {
    assert_eq!(
        py(&Partition::hash("col1").partitions(60)),
        "PARTITION BY HASH (col1) PARTITIONS 60"
    );
    assert_eq!(
        py(&Partition::key(["id", "gmt_create"]).partitions(10)),
        "PARTITION BY KEY (id,gmt_create) PARTITIONS 10"
    );
}

#[test]
fn pyobvector_range_columns_with_sub_partition() {
    let main = || {
        ranges(
            Partition::range_columns(["col1"]),
            &[("p0", 100), ("p1", 200), ("p2", 300)],
        )
    };
    let tail = "(PARTITION p0 VALUES LESS THAN (100),PARTITION p1 VALUES LESS THAN (200),PARTITION p2 VALUES LESS THAN (300))";
    let sub = ranges(
        Partition::range("col3"),
        &[("mp0", 1000), ("mp1", 2000), ("mp2", 3000)],
    );
    assert_eq!(
        py(&main().subpartition_by(sub)),
        format!("PARTITION BY RANGE COLUMNS (col1) SUBPARTITION BY RANGE (col3) SUBPARTITION TEMPLATE (SUBPARTITION mp0 VALUES LESS THAN (1000),SUBPARTITION mp1 VALUES LESS THAN (2000),SUBPARTITION mp2 VALUES LESS THAN (3000)) {tail}")
    );
    let sub = ranges(
        Partition::range_columns(["col2"]),
        &[("mp0", 1000), ("mp1", 2000), ("mp2", 3000)],
    );
    assert_eq!(
        py(&main().subpartition_by(sub)),
        format!("PARTITION BY RANGE COLUMNS (col1) SUBPARTITION BY RANGE COLUMNS (col2) SUBPARTITION TEMPLATE (SUBPARTITION mp0 VALUES LESS THAN (1000),SUBPARTITION mp1 VALUES LESS THAN (2000),SUBPARTITION mp2 VALUES LESS THAN (3000)) {tail}")
    );
    let sub = lists(
        Partition::list_columns(["col2"]),
        &[("mp0", &[1, 3]), ("mp1", &[4, 6]), ("mp2", &[7])],
    );
    assert_eq!(
        py(&main().subpartition_by(sub)),
        format!("PARTITION BY RANGE COLUMNS (col1) SUBPARTITION BY LIST COLUMNS (col2) SUBPARTITION TEMPLATE (SUBPARTITION mp0 VALUES IN (1,3),SUBPARTITION mp1 VALUES IN (4,6),SUBPARTITION mp2 VALUES IN (7)) {tail}")
    );
    assert_eq!(
        py(&main().subpartition_by(Partition::hash("col2").partitions(5))),
        format!(
            "PARTITION BY RANGE COLUMNS (col1) SUBPARTITION BY HASH (col2) SUBPARTITIONS 5 {tail}"
        )
    );
    assert_eq!(
        py(&main().subpartition_by(Partition::key(["col2"]).partitions(3))),
        format!(
            "PARTITION BY RANGE COLUMNS (col1) SUBPARTITION BY KEY (col2) SUBPARTITIONS 3 {tail}"
        )
    );
}

#[test]
fn pyobvector_list_with_sub_partitions() {
    let main = || {
        lists(
            Partition::list("col1"),
            &[("p0", &[1, 3]), ("p1", &[4, 6]), ("p2", &[7, 9])],
        )
    };
    let tail =
        "(PARTITION p0 VALUES IN (1,3),PARTITION p1 VALUES IN (4,6),PARTITION p2 VALUES IN (7,9))";
    let sub = ranges(
        Partition::range("col2"),
        &[("mp0", 100), ("mp1", 200), ("mp2", 300)],
    );
    assert_eq!(
        py(&main().subpartition_by(sub)),
        format!("PARTITION BY LIST (col1) SUBPARTITION BY RANGE (col2) SUBPARTITION TEMPLATE (SUBPARTITION mp0 VALUES LESS THAN (100),SUBPARTITION mp1 VALUES LESS THAN (200),SUBPARTITION mp2 VALUES LESS THAN (300)) {tail}")
    );
    assert_eq!(
        py(&main().subpartition_by(Partition::hash("col3").partitions(3))),
        format!("PARTITION BY LIST (col1) SUBPARTITION BY HASH (col3) SUBPARTITIONS 3 {tail}")
    );
    assert_eq!(
        py(&main().subpartition_by(Partition::key(["col3"]).partitions(3))),
        format!("PARTITION BY LIST (col1) SUBPARTITION BY KEY (col3) SUBPARTITIONS 3 {tail}")
    );
}

#[test]
fn pyobvector_list_columns_with_sub_partitions() {
    let main = || {
        lists(
            Partition::list_columns(["col1"]),
            &[("p0", &[1, 3]), ("p1", &[4, 6]), ("p2", &[7, 9])],
        )
    };
    let tail =
        "(PARTITION p0 VALUES IN (1,3),PARTITION p1 VALUES IN (4,6),PARTITION p2 VALUES IN (7,9))";
    let sub = ranges(
        Partition::range_columns(["col2"]),
        &[("mp0", 100), ("mp1", 200), ("mp2", 300)],
    );
    assert_eq!(
        py(&main().subpartition_by(sub)),
        format!("PARTITION BY LIST COLUMNS (col1) SUBPARTITION BY RANGE COLUMNS (col2) SUBPARTITION TEMPLATE (SUBPARTITION mp0 VALUES LESS THAN (100),SUBPARTITION mp1 VALUES LESS THAN (200),SUBPARTITION mp2 VALUES LESS THAN (300)) {tail}")
    );
    let sub = lists(
        Partition::list_columns(["col2"]),
        &[("mp0", &[2]), ("mp1", &[5]), ("mp2", &[8])],
    );
    assert_eq!(
        py(&main().subpartition_by(sub)),
        format!("PARTITION BY LIST COLUMNS (col1) SUBPARTITION BY LIST COLUMNS (col2) SUBPARTITION TEMPLATE (SUBPARTITION mp0 VALUES IN (2),SUBPARTITION mp1 VALUES IN (5),SUBPARTITION mp2 VALUES IN (8)) {tail}")
    );
    assert_eq!(
        py(&main().subpartition_by(Partition::hash("col2").partitions(5))),
        format!(
            "PARTITION BY LIST COLUMNS (col1) SUBPARTITION BY HASH (col2) SUBPARTITIONS 5 {tail}"
        )
    );
    assert_eq!(
        py(&main().subpartition_by(Partition::key(["col2"]).partitions(3))),
        format!(
            "PARTITION BY LIST COLUMNS (col1) SUBPARTITION BY KEY (col2) SUBPARTITIONS 3 {tail}"
        )
    );
}

#[test]
fn pyobvector_hash_with_sub_partitions() {
    let main = || Partition::hash("col1").partitions(5);
    let sub = ranges(
        Partition::range_columns(["col2"]),
        &[("p0", 100), ("p1", 200), ("p2", 300)],
    );
    assert_eq!(
        py(&main().subpartition_by(sub)),
        "PARTITION BY HASH (col1) SUBPARTITION BY RANGE COLUMNS (col2) SUBPARTITION TEMPLATE (SUBPARTITION p0 VALUES LESS THAN (100),SUBPARTITION p1 VALUES LESS THAN (200),SUBPARTITION p2 VALUES LESS THAN (300)) PARTITIONS 5"
    );
    let sub = lists(
        Partition::list_columns(["col2"]),
        &[("p0", &[1, 3]), ("p1", &[4, 6]), ("p2", &[7, 9])],
    );
    assert_eq!(
        py(&main().subpartition_by(sub)),
        "PARTITION BY HASH (col1) SUBPARTITION BY LIST COLUMNS (col2) SUBPARTITION TEMPLATE (SUBPARTITION p0 VALUES IN (1,3),SUBPARTITION p1 VALUES IN (4,6),SUBPARTITION p2 VALUES IN (7,9)) PARTITIONS 5"
    );
    let sub = hash_names(Partition::hash("col2"), &["sp0", "sp1", "sp2"]);
    assert_eq!(
        py(&main().subpartition_by(sub)),
        "PARTITION BY HASH (col1) SUBPARTITION BY HASH (col2) SUBPARTITION TEMPLATE (SUBPARTITION sp0,SUBPARTITION sp1,SUBPARTITION sp2) PARTITIONS 5"
    );
    let sub = hash_names(Partition::key(["col2"]), &["sp0", "sp1", "sp2"]);
    assert_eq!(
        py(&main().subpartition_by(sub)),
        "PARTITION BY HASH (col1) SUBPARTITION BY KEY (col2) SUBPARTITION TEMPLATE (SUBPARTITION sp0,SUBPARTITION sp1,SUBPARTITION sp2) PARTITIONS 5"
    );
}

#[test]
fn pyobvector_key_with_sub_partitions() {
    let main = || hash_names(Partition::key(["col1"]), &["p0", "p1", "p2"]);
    let sub = ranges(
        Partition::range_columns(["col2"]),
        &[("p0", 100), ("p1", 200), ("p2", 300)],
    );
    assert_eq!(
        py(&main().subpartition_by(sub)),
        "PARTITION BY KEY (col1) SUBPARTITION BY RANGE COLUMNS (col2) SUBPARTITION TEMPLATE (SUBPARTITION p0 VALUES LESS THAN (100),SUBPARTITION p1 VALUES LESS THAN (200),SUBPARTITION p2 VALUES LESS THAN (300)) (PARTITION p0,PARTITION p1,PARTITION p2)"
    );
    let sub = lists(
        Partition::list_columns(["col2"]),
        &[("p0", &[1, 3]), ("p1", &[4, 6]), ("p2", &[7, 9])],
    );
    assert_eq!(
        py(&main().subpartition_by(sub)),
        "PARTITION BY KEY (col1) SUBPARTITION BY LIST COLUMNS (col2) SUBPARTITION TEMPLATE (SUBPARTITION p0 VALUES IN (1,3),SUBPARTITION p1 VALUES IN (4,6),SUBPARTITION p2 VALUES IN (7,9)) (PARTITION p0,PARTITION p1,PARTITION p2)"
    );
    let sub = hash_names(Partition::key(["col2"]), &["sp0", "sp1", "sp2"]);
    assert_eq!(
        py(&main().subpartition_by(sub)),
        "PARTITION BY KEY (col1) SUBPARTITION BY KEY (col2) SUBPARTITION TEMPLATE (SUBPARTITION sp0,SUBPARTITION sp1,SUBPARTITION sp2) (PARTITION p0,PARTITION p1,PARTITION p2)"
    );
}

#[test]
fn pyobvector_named_hash() {
    assert_eq!(
        py(&hash_names(Partition::hash("c"), &["a", "b"])),
        "PARTITION BY HASH (c) (PARTITION a,PARTITION b)"
    );
}

// Our own rendering: quoted identifiers, escaped strings, explicit sub-partitions.

#[test]
fn quoted_rendering() {
    let p = Partition::range_columns(["id", "d"])
        .partition(PartitionDef::less_than_values(
            "p0",
            [10.into(), "2020-01-01".into()],
        ))
        .partition(PartitionDef::less_than_values("p1", [MaxValue, MaxValue]));
    assert_eq!(
        p.to_sql().unwrap(),
        "PARTITION BY RANGE COLUMNS (`id`,`d`) (PARTITION `p0` VALUES LESS THAN (10,'2020-01-01'),PARTITION `p1` VALUES LESS THAN (MAXVALUE,MAXVALUE))"
    );
    let p = Partition::list_columns(["d"])
        .partition(PartitionDef::values_in("p0", ["a'b", "c\\d"]))
        .partition(PartitionDef::default_values("p`1"));
    assert_eq!(
        p.to_sql().unwrap(),
        "PARTITION BY LIST COLUMNS (`d`) (PARTITION `p0` VALUES IN ('a''b','c\\\\d'),PARTITION `p``1` VALUES IN (DEFAULT))"
    );
    let p = Partition::list_columns(["a", "b"]).partition(PartitionDef::values_in(
        "p0",
        [
            PartitionValue::Tuple(vec![1.into(), "x".into()]),
            PartitionValue::Tuple(vec![2.into(), "y".into()]),
        ],
    ));
    assert_eq!(
        p.to_sql().unwrap(),
        "PARTITION BY LIST COLUMNS (`a`,`b`) (PARTITION `p0` VALUES IN ((1,'x'),(2,'y')))"
    );
    let p = Partition::range_expr("YEAR(d)")
        .partition(PartitionDef::less_than("p0", 2020u32))
        .partition(PartitionDef::less_than("p1", MaxValue));
    assert_eq!(
        p.to_sql().unwrap(),
        "PARTITION BY RANGE (YEAR(d)) (PARTITION `p0` VALUES LESS THAN (2020),PARTITION `p1` VALUES LESS THAN (MAXVALUE))"
    );
    assert_eq!(
        Partition::key(Vec::<String>::new())
            .partitions(3)
            .to_sql()
            .unwrap(),
        "PARTITION BY KEY () PARTITIONS 3"
    );
    let p = Partition::hash_expr("id % 7").partitions(2);
    assert_eq!(
        p.to_sql().unwrap(),
        "PARTITION BY HASH (id % 7) PARTITIONS 2"
    );
}

#[test]
fn explicit_subpartitions() {
    let p = Partition::range("id")
        .partition(
            PartitionDef::less_than("p0", 100)
                .subpartition(PartitionDef::named("a"))
                .subpartition(PartitionDef::named("b")),
        )
        .partition(PartitionDef::less_than("p1", MaxValue).subpartition(PartitionDef::named("c")))
        .subpartition_by(Partition::hash("c2"));
    assert_eq!(
        p.to_sql().unwrap(),
        "PARTITION BY RANGE (`id`) SUBPARTITION BY HASH (`c2`) (PARTITION `p0` VALUES LESS THAN (100) (SUBPARTITION `a`,SUBPARTITION `b`),PARTITION `p1` VALUES LESS THAN (MAXVALUE) (SUBPARTITION `c`))"
    );
    assert_eq!(
        p.names(),
        vec![
            ("p0".into(), Some("a".into())),
            ("p0".into(), Some("b".into())),
            ("p1".into(), Some("c".into()))
        ]
    );
    assert_eq!(p.key_columns(), vec!["id", "c2"]);
    let p = hash_names(Partition::key(["id"]), &[])
        .partition(
            PartitionDef::named("p0")
                .subpartition(PartitionDef::less_than("s0", 5))
                .subpartition(PartitionDef::less_than("s1", MaxValue)),
        )
        .subpartition_by(Partition::range("c2"));
    assert_eq!(
        p.to_sql().unwrap(),
        "PARTITION BY KEY (`id`) SUBPARTITION BY RANGE (`c2`) (PARTITION `p0` (SUBPARTITION `s0` VALUES LESS THAN (5),SUBPARTITION `s1` VALUES LESS THAN (MAXVALUE)))"
    );
}

#[test]
fn rejects_bad_specs() {
    let sub = || Partition::hash("c").partitions(2);
    // third level
    let third = Partition::hash("a")
        .partitions(2)
        .subpartition_by(sub().subpartition_by(sub()));
    assert_eq!(param_of(third.to_sql()), "subpartition");
    // explicit sub-partitions inside a template
    let nested = Partition::hash("a").partitions(2).subpartition_by(
        Partition::range("b")
            .partition(PartitionDef::less_than("s", 1).subpartition(PartitionDef::named("x"))),
    );
    assert_eq!(
        param_of(nested.to_sql()),
        "subpartition.partitions[0].subpartitions"
    );
    assert_eq!(
        param_of(Partition::range("id").to_sql()),
        "partition.partitions"
    );
    assert_eq!(
        param_of(Partition::hash("id").to_sql()),
        "partition.partitions"
    );
    assert_eq!(
        param_of(Partition::hash("id").partitions(0).to_sql()),
        "partition.partitions"
    );
    assert_eq!(
        param_of(
            Partition::hash("id")
                .partitions(2)
                .partition(PartitionDef::named("a"))
                .to_sql()
        ),
        "partition.partitions"
    );
    assert_eq!(
        param_of(Partition::range("id").partitions(2).to_sql()),
        "partition.partitions"
    );
    assert_eq!(
        param_of(
            Partition::range("id")
                .partition(PartitionDef::values_in("p", [1]))
                .to_sql()
        ),
        "partition.partitions[0]"
    );
    assert_eq!(
        param_of(
            Partition::list("id")
                .partition(PartitionDef::less_than("p", 1))
                .to_sql()
        ),
        "partition.partitions[0]"
    );
    assert_eq!(
        param_of(
            Partition::list("id")
                .partition(PartitionDef::values_in("p", [MaxValue]))
                .to_sql()
        ),
        "partition.partitions[0]"
    );
    assert_eq!(
        param_of(
            Partition::list("id")
                .partition(PartitionDef::values_in("p", [Def, 1.into()]))
                .to_sql()
        ),
        "partition.partitions[0]"
    );
    assert_eq!(
        param_of(
            Partition::list("id")
                .partition(PartitionDef::values_in("p", Vec::<i64>::new()))
                .to_sql()
        ),
        "partition.partitions[0]"
    );
    assert_eq!(
        param_of(
            Partition::range("id")
                .partition(PartitionDef::less_than("p", Def))
                .to_sql()
        ),
        "partition.partitions[0]"
    );
    assert_eq!(
        param_of(
            Partition::range_columns(["a", "b"])
                .partition(PartitionDef::less_than("p", 1))
                .to_sql()
        ),
        "partition.partitions[0]"
    );
    assert_eq!(
        param_of(
            Partition::range("id")
                .partition(PartitionDef::less_than("p", 1))
                .partition(PartitionDef::less_than("P", 2))
                .to_sql()
        ),
        "partition.partitions[1].name"
    );
    assert_eq!(
        param_of(
            Partition::range("id")
                .partition(PartitionDef::less_than("", 1))
                .to_sql()
        ),
        "partition.partitions[0].name"
    );
    assert_eq!(
        param_of(
            Partition::range("id")
                .partition(PartitionDef::less_than(
                    "p",
                    PartitionValue::expr("1; DROP TABLE x")
                ))
                .to_sql()
        ),
        "partition.partitions[0]"
    );
    assert_eq!(
        param_of(Partition::range_expr("a -- x").to_sql()),
        "partition.expr"
    );
    assert_eq!(param_of(Partition::range("").to_sql()), "partition.column");
    assert_eq!(
        param_of(Partition::range_columns(Vec::<String>::new()).to_sql()),
        "partition.columns"
    );
    // explicit sub-partitions without a spec, or mixed with a template
    let explicit = || {
        Partition::range("id")
            .partition(PartitionDef::less_than("p0", 1).subpartition(PartitionDef::named("a")))
    };
    assert_eq!(param_of(explicit().to_sql()), "partition.subpartitions");
    assert_eq!(
        param_of(explicit().subpartition_by(sub()).to_sql()),
        "subpartition"
    );
    let missing = explicit()
        .partition(PartitionDef::less_than("p1", 2))
        .subpartition_by(Partition::hash("c"));
    assert_eq!(param_of(missing.to_sql()), "subpartition");
    let wrong = explicit().subpartition_by(Partition::range("c"));
    assert_eq!(
        param_of(wrong.to_sql()),
        "partition.partitions[0].subpartitions.partitions[0]"
    );
    assert_eq!(
        param_of(
            Partition::hash("a")
                .partitions(2)
                .subpartition_by(Partition::hash("b"))
                .to_sql()
        ),
        "subpartition"
    );
}
