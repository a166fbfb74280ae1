use crate::index::{self, check_settings, ParamType, ParamValue, Settings};
use crate::{fulltext, max_ivf_dimensions};

#[test]
fn index_parameter_ranges() {
    let hnsw = index::kind("hnsw").unwrap();
    let sq = index::kind("hnsw_sq").unwrap();
    let bq = index::kind("hnsw_bq").unwrap();
    let ivf = index::kind("ivf_flat").unwrap();
    let pq = index::kind("ivf_pq").unwrap();
    let sindi = index::kind("sindi").unwrap();
    let int = ParamValue::Int;
    assert!(hnsw.check("m", int(5)).is_ok());
    assert!(hnsw.check("m", int(128)).is_ok());
    assert_eq!(hnsw.check("m", int(4)).unwrap_err().parameter, "m");
    assert!(hnsw.check("m", int(129)).is_err());
    assert!(sq.check("m", int(64)).is_ok());
    assert!(sq.check("m", int(65)).is_err());
    assert!(hnsw.check("ef_search", int(160_000)).is_ok());
    assert!(hnsw.check("ef_search", int(0)).is_err());
    assert!(hnsw.check("extra_info_max_size", int(16_385)).is_err());
    assert!(bq.check("bq_bits_query", int(4)).is_ok());
    assert!(bq.check("bq_bits_query", int(8)).is_err());
    assert!(bq.check("refine_k", ParamValue::Float(f64::NAN)).is_err());
    assert!(bq.check("refine_k", ParamValue::Float(1000.0)).is_ok());
    assert!(bq.check("refine_type", ParamValue::Word("FP32")).is_ok());
    assert!(ivf.check("nlist", int(65_536)).is_ok());
    assert!(ivf.check("nlist", int(65_537)).is_err());
    assert!(ivf.check("m", int(2)).is_err());
    assert!(pq.check("nbits", int(25)).is_err());
    assert!(sindi
        .check("drop_ratio_build", ParamValue::Float(0.91))
        .is_err());
    assert!(sindi.check("lib", ParamValue::Word("ob")).is_ok());
    assert!(hnsw.check("lib", ParamValue::Word("ob")).is_err());
    assert!(ivf.check("lib", ParamValue::Word("vsag")).is_err());
    assert!(hnsw.check("m", ParamValue::Word("16")).is_err());
    let e = ivf.check("ef_search", int(10)).unwrap_err();
    assert!(e.reason.contains("hnsw/hnsw_sq/hnsw_bq"), "{e}");
    assert_eq!(hnsw.default_lib(), "vsag");
    assert_eq!(pq.default_lib(), "ob");
    assert_eq!(sindi.default_lib(), "vsag");
    assert_eq!(sindi.default_distance(), "inner_product");
    assert!(hnsw.accepts_distance("ip"));
    assert!(!sindi.accepts_distance("l2"));
    for k in index::KINDS {
        assert!(k.param("lib").is_some(), "{}", k.name);
        assert_eq!(k.hnsw, k.name.starts_with("hnsw"));
        assert_eq!(k.ivf, k.name.starts_with("ivf"));
        for (name, ty) in k.params {
            if let ParamType::Int(lo, hi) = ty {
                assert!(k.check(name, int(*lo)).is_ok() && k.check(name, int(*hi)).is_ok());
                assert!(k.check(name, int(hi + 1)).is_err());
            }
        }
    }
}

#[test]
fn index_settings_rules() {
    let hnsw = index::kind("hnsw").unwrap();
    let bq = index::kind("hnsw_bq").unwrap();
    let ivf = index::kind("ivf_flat").unwrap();
    let pq = index::kind("ivf_pq").unwrap();
    let sindi = index::kind("sindi").unwrap();
    let s = |f: fn(&mut Settings)| {
        let mut s = Settings::default();
        f(&mut s);
        s
    };
    let param = |k, st: &Settings| check_settings(k, st).unwrap_err().parameter;
    assert_eq!(
        param(hnsw, &s(|s| s.ef_construction = Some(16))),
        "ef_construction"
    );
    assert!(check_settings(hnsw, &s(|s| s.ef_construction = Some(17))).is_ok());
    assert_eq!(
        param(bq, &s(|s| s.ef_construction = Some(31))),
        "ef_construction"
    );
    assert!(check_settings(bq, &s(|s| s.ef_construction = Some(32))).is_ok());
    assert_eq!(param(pq, &Settings::default()), "m");
    assert_eq!(
        param(
            pq,
            &s(|s| {
                s.m = Some(3);
                s.dim = Some(8)
            })
        ),
        "m"
    );
    assert_eq!(param(sindi, &s(|s| s.refine = Some(true))), "refine");
    assert_eq!(
        param(sindi, &s(|s| s.drop_ratio_build = Some(0.1))),
        "drop_ratio_build"
    );
    assert_eq!(param(hnsw, &s(|s| s.dim = Some(4097))), "dim");
    assert!(check_settings(hnsw, &s(|s| s.dim = Some(4096))).is_ok());
    assert_eq!(param(ivf, &s(|s| s.dim = Some(2049))), "dim");
    assert!(check_settings(ivf, &s(|s| s.dim = Some(2048))).is_ok());
    assert!(check_settings(
        ivf,
        &s(|s| {
            s.dim = Some(4096);
            s.lob_inrow_threshold = Some(65_536)
        })
    )
    .is_ok());
    assert_eq!(max_ivf_dimensions(8192), 2048);
    assert_eq!(max_ivf_dimensions(786_432), 4096);
}

#[test]
fn fulltext_options() {
    let ngram = fulltext::parser("ngram").unwrap();
    assert!(ngram.check_int("ngram_token_size", 10).is_ok());
    assert!(ngram.check_int("ngram_token_size", 11).is_err());
    assert!(ngram.check_int("min_token_size", 2).is_err());
    let space = fulltext::parser("space").unwrap();
    assert!(space.check_int("max_token_size", 9).is_err());
    assert!(fulltext::parser("jieba").is_none());
    assert!(fulltext::check_ngram2(Some(3), Some(2)).is_err());
    assert!(fulltext::check_ngram2(Some(2), Some(3)).is_ok());
    assert_eq!(fulltext::parser_names(), "space, beng, ngram, ngram2, ik");
}
