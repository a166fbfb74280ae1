use std::fmt;

use super::*;
use crate::Error;

fn param_of(r: Result<impl fmt::Debug>) -> String {
    match r {
        Err(Error::Validation { parameter, .. }) => parameter,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn renders_every_type() {
    let cases = [
        (
            VectorIndex::new("i", "v").m(16).ef_construction(200).ef_search(64).extra_info_max_size(0),
            "VECTOR INDEX `i` (`v`) WITH (distance=l2, type=hnsw, lib=vsag, m=16, ef_construction=200, ef_search=64, extra_info_max_size=0)",
        ),
        (
            VectorIndex::new("i", "v").index_type(VecIndexType::HnswSq).distance(Distance::Cosine),
            "VECTOR INDEX `i` (`v`) WITH (distance=cosine, type=hnsw_sq, lib=vsag)",
        ),
        (
            VectorIndex::new("i", "v").index_type(VecIndexType::HnswBq).refine_k(4.5).refine_type(RefineType::Fp32).bq_use_fht(false).bq_bits_query(32),
            "VECTOR INDEX `i` (`v`) WITH (distance=l2, type=hnsw_bq, lib=vsag, refine_k=4.5, refine_type=fp32, bq_use_fht=false, bq_bits_query=32)",
        ),
        (
            VectorIndex::new("i", "v").index_type(VecIndexType::IvfFlat).nlist(128).sample_per_nlist(256),
            "VECTOR INDEX `i` (`v`) WITH (distance=l2, type=ivf_flat, lib=ob, nlist=128, sample_per_nlist=256)",
        ),
        (
            VectorIndex::new("i", "v").index_type(VecIndexType::IvfSq8).distance(Distance::InnerProduct),
            "VECTOR INDEX `i` (`v`) WITH (distance=inner_product, type=ivf_sq8, lib=ob)",
        ),
        (
            VectorIndex::new("i", "v").index_type(VecIndexType::IvfPq).m(2).nbits(8).dim(4),
            "VECTOR INDEX `i` (`v`) WITH (distance=l2, type=ivf_pq, lib=ob, m=2, nbits=8)",
        ),
        (
            VectorIndex::sparse("i", "sv").prune(true).refine(true).drop_ratio_build(0.5),
            "VECTOR INDEX `i` (`sv`) WITH (distance=inner_product, type=sindi, lib=vsag, prune=true, refine=true, drop_ratio_build=0.5)",
        ),
    ];
    for (idx, sql) in cases {
        assert_eq!(idx.to_inline_sql().unwrap(), sql);
    }
    assert_eq!(
        VectorIndex::new("v`i", "v").to_create_sql("t").unwrap(),
        "CREATE VECTOR INDEX `v``i` ON `t` (`v`) WITH (distance=l2, type=hnsw, lib=vsag)"
    );
    assert_eq!(
        VectorIndex::new("i", "v")
            .refine_k(1000.0)
            .index_type(VecIndexType::HnswBq)
            .with_clause()
            .unwrap(),
        "WITH (distance=l2, type=hnsw_bq, lib=vsag, refine_k=1000)"
    );
}

#[test]
fn rejects_what_seekdb_rejects() {
    let v = || VectorIndex::new("i", "v");
    let bq = || v().index_type(VecIndexType::HnswBq);
    let ivf = || v().index_type(VecIndexType::IvfFlat);
    let pq = || v().index_type(VecIndexType::IvfPq);
    let sp = || VectorIndex::sparse("i", "v");
    assert_eq!(param_of(v().m(4).validate()), "m");
    assert_eq!(param_of(v().m(129).validate()), "m");
    assert!(v().m(5).validate().is_ok());
    assert!(v().m(128).ef_construction(129).validate().is_ok());
    assert_eq!(
        param_of(v().m(16).ef_construction(16).validate()),
        "ef_construction"
    );
    assert!(v().m(16).ef_construction(17).validate().is_ok());
    assert_eq!(
        param_of(
            v().index_type(VecIndexType::HnswSq)
                .m(16)
                .ef_construction(17)
                .validate()
        ),
        "ef_construction"
    );
    assert_eq!(
        param_of(bq().m(16).ef_construction(31).validate()),
        "ef_construction"
    );
    assert!(bq().m(16).ef_construction(32).validate().is_ok());
    assert_eq!(param_of(bq().m(65).validate()), "m");
    assert!(bq().m(64).ef_construction(128).validate().is_ok());
    assert_eq!(
        param_of(v().ef_construction(1001).validate()),
        "ef_construction"
    );
    assert_eq!(param_of(v().ef_search(0).validate()), "ef_search");
    assert_eq!(param_of(v().ef_search(160_001).validate()), "ef_search");
    assert!(v().ef_search(160_000).validate().is_ok());
    assert_eq!(
        param_of(v().extra_info_max_size(16_385).validate()),
        "extra_info_max_size"
    );
    assert_eq!(param_of(v().refine_k(2.0).validate()), "refine_k");
    assert_eq!(param_of(bq().refine_k(0.5).validate()), "refine_k");
    assert_eq!(param_of(bq().refine_k(f64::NAN).validate()), "refine_k");
    assert_eq!(param_of(bq().bq_bits_query(8).validate()), "bq_bits_query");
    assert!(bq().bq_bits_query(4).validate().is_ok());
    assert_eq!(
        param_of(
            v().index_type(VecIndexType::HnswSq)
                .bq_bits_query(4)
                .validate()
        ),
        "bq_bits_query"
    );
    assert_eq!(
        param_of(v().refine_type(RefineType::Fp32).validate()),
        "refine_type"
    );
    assert_eq!(param_of(v().nlist(16).validate()), "nlist");
    assert_eq!(
        param_of(v().sample_per_nlist(16).validate()),
        "sample_per_nlist"
    );
    assert_eq!(param_of(ivf().nlist(0).validate()), "nlist");
    assert_eq!(param_of(ivf().nlist(65_537).validate()), "nlist");
    assert_eq!(
        param_of(ivf().sample_per_nlist(0).validate()),
        "sample_per_nlist"
    );
    assert_eq!(param_of(ivf().m(2).validate()), "m");
    assert_eq!(param_of(ivf().ef_search(10).validate()), "ef_search");
    assert_eq!(param_of(ivf().nbits(8).validate()), "nbits");
    assert_eq!(param_of(pq().validate()), "m");
    assert_eq!(param_of(pq().m(3).dim(8).validate()), "m");
    assert_eq!(param_of(pq().m(16).dim(8).validate()), "m");
    assert!(pq().m(8).dim(8).validate().is_ok());
    assert_eq!(param_of(pq().m(2).nbits(25).validate()), "nbits");
    assert_eq!(param_of(pq().m(2).nbits(0).validate()), "nbits");
    assert_eq!(param_of(v().lib(VectorLib::Ob).validate()), "lib");
    assert_eq!(param_of(ivf().lib(VectorLib::Vsag).validate()), "lib");
    assert!(sp().lib(VectorLib::Ob).validate().is_ok());
    assert_eq!(param_of(sp().distance(Distance::L2).validate()), "distance");
    assert_eq!(param_of(sp().m(16).validate()), "m");
    assert_eq!(param_of(sp().refine(true).validate()), "refine");
    assert_eq!(
        param_of(sp().drop_ratio_build(0.1).validate()),
        "drop_ratio_build"
    );
    assert_eq!(
        param_of(sp().prune(true).drop_ratio_build(0.91).validate()),
        "drop_ratio_build"
    );
    assert!(sp()
        .prune(false)
        .refine(false)
        .drop_ratio_build(0.0)
        .validate()
        .is_ok());
    assert!(sp().prune(true).drop_ratio_build(0.9).validate().is_ok());
    assert_eq!(param_of(v().prune(true).validate()), "prune");
    assert_eq!(param_of(sp().dim(8).validate()), "index_type");
    assert_eq!(param_of(v().dim(4097).validate()), "dim");
    assert!(v().dim(4096).validate().is_ok());
    assert_eq!(param_of(ivf().dim(2049).validate()), "dim");
    assert!(ivf().dim(2048).validate().is_ok());
    assert!(ivf()
        .dim(4096)
        .lob_inrow_threshold(65_536)
        .validate()
        .is_ok());
    assert_eq!(
        param_of(ivf().dim(2048).lob_inrow_threshold(8191).validate()),
        "dim"
    );
    assert_eq!(
        param_of(v().lob_inrow_threshold(786_433).validate()),
        "lob_inrow_threshold"
    );
    assert_eq!(param_of(VectorIndex::new("", "v").validate()), "index_name");
    assert_eq!(
        param_of(VectorIndex::new("x".repeat(65), "v").validate()),
        "index_name"
    );
    assert!(VectorIndex::new("x".repeat(64), "v").validate().is_ok());
    assert_eq!(param_of(VectorIndex::new("i", "").validate()), "column");
    assert_eq!(param_of(v().to_create_sql("")), "table");
}

#[test]
fn parses_spellings() {
    for (s, t) in [
        ("HNSW", VecIndexType::Hnsw),
        ("hnsw", VecIndexType::Hnsw),
        ("HNSW_SQ", VecIndexType::HnswSq),
        ("hnsw_bq", VecIndexType::HnswBq),
        ("IVF_FLAT", VecIndexType::IvfFlat),
        ("IVFFLAT", VecIndexType::IvfFlat),
        ("IVF_SQ8", VecIndexType::IvfSq8),
        ("IVFSQ", VecIndexType::IvfSq8),
        ("IVF_PQ", VecIndexType::IvfPq),
        ("IVFPQ", VecIndexType::IvfPq),
        ("SINDI", VecIndexType::Sindi),
        ("DAAT", VecIndexType::Sindi),
        ("SPARSE_INVERTED_INDEX", VecIndexType::Sindi),
    ] {
        assert_eq!(VecIndexType::parse(s).unwrap(), t, "{s}");
    }
    for t in VecIndexType::ALL {
        assert_eq!(t.as_str().parse::<VecIndexType>().unwrap(), t);
    }
    assert_eq!(param_of(VecIndexType::parse("flat")), "index_type");
    assert_eq!(param_of(VecIndexType::parse("diskann")), "index_type");
    for (s, d) in [
        ("L2", Distance::L2),
        ("ip", Distance::InnerProduct),
        ("IP", Distance::InnerProduct),
        ("inner_product", Distance::InnerProduct),
        ("COSINE", Distance::Cosine),
    ] {
        assert_eq!(Distance::parse_metric(s).unwrap(), d);
    }
    assert_eq!(param_of(Distance::parse_metric("manhattan")), "metric_type");
    assert_eq!(VectorLib::parse("OB").unwrap(), VectorLib::Ob);
    assert!(VectorLib::parse("faiss").is_err());
    assert_eq!(RefineType::parse("SQ8").unwrap(), RefineType::Sq8);
}

#[test]
fn drop_index() {
    assert_eq!(
        DropIndex::new("a`b", "t").to_sql().unwrap(),
        "DROP INDEX `a``b` ON `t`"
    );
    assert_eq!(param_of(DropIndex::new("", "t").to_sql()), "index_name");
}

#[test]
fn kinds_follow_the_rule_table() {
    for (t, k) in VecIndexType::ALL
        .iter()
        .zip(diesel_seekdb_rules::index::KINDS)
    {
        assert_eq!(t.as_str(), k.name);
        assert_eq!(t.lib().as_str(), k.default_lib());
    }
}
