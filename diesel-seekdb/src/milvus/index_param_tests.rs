use serde_json::{json, Value};

use super::*;
use crate::Error;

fn param_of(r: Result<impl std::fmt::Debug>) -> String {
    match r {
        Err(Error::Validation { parameter, .. }) => parameter,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn index_params_translate_milvus_names() {
    let p = IndexParam::new("vidx", "v", "HNSW")
        .params(json!({"metric_type": "COSINE", "params": {"M": 32, "efConstruction": 256, "efSearch": 100}}));
    assert_eq!(
        p.to_vector_index().unwrap().to_inline_sql().unwrap(),
        "VECTOR INDEX `vidx` (`v`) WITH (distance=cosine, type=hnsw, lib=vsag, m=32, ef_construction=256, ef_search=100)"
    );
    let p = IndexParam::new("i", "v", "IVFPQ")
        .params(json!({"m": 2, "nlist": 8, "samples_per_nlist": 10, "nbits": 4}));
    assert_eq!(
        VectorIndex::try_from(&p).unwrap().to_inline_sql().unwrap(),
        "VECTOR INDEX `i` (`v`) WITH (distance=l2, type=ivf_pq, lib=ob, m=2, nlist=8, sample_per_nlist=10, nbits=4)"
    );
    let p = IndexParam::new("i", "sv", "DAAT");
    assert_eq!(
        p.to_vector_index().unwrap().with_clause().unwrap(),
        "WITH (distance=inner_product, type=sindi, lib=vsag)"
    );
    let p = IndexParam::new("i", "sv", "SINDI").metric_type("L2");
    assert_eq!(param_of(p.to_vector_index()), "distance");
    let p = IndexParam::new("i", "v", "HNSW").params(json!({"efConstuction": 10}));
    assert_eq!(param_of(p.to_vector_index()), "params.efConstuction");
    let p = IndexParam::new("i", "v", "HNSW").params(json!({"params": {"nprobe": 10}}));
    assert_eq!(param_of(p.to_vector_index()), "params.params.nprobe");
    let p = IndexParam::new("i", "v", "HNSW").params(json!({"M": "16"}));
    assert_eq!(param_of(p.to_vector_index()), "params.M");
    let p = IndexParam::new("i", "v", "HNSW").params(json!({"M": -1}));
    assert_eq!(param_of(p.to_vector_index()), "params.M");
    let p = IndexParam::new("i", "v", "HNSW").params(json!([1]));
    assert_eq!(param_of(p.to_vector_index()), "params");
    let p = IndexParam::new("i", "v", "IVF_PQ");
    assert_eq!(param_of(p.to_vector_index()), "m");
    let p = IndexParam::new("i", "v", "HNSW").metric_type("neg_ip");
    assert_eq!(param_of(p.to_vector_index()), "metric_type");
    let p = IndexParam::new("i", "v", "HNSW_BQ").params(json!({"refine_k": 2.5, "bq_use_fht": "TRUE", "refine_type": "FP32", "bq_bits_query": 4, "lib": "VSAG"}));
    assert_eq!(
        p.to_vector_index().unwrap().with_clause().unwrap(),
        "WITH (distance=l2, type=hnsw_bq, lib=vsag, refine_k=2.5, refine_type=fp32, bq_use_fht=true, bq_bits_query=4)"
    );

    let mut set = IndexParams::new();
    set.add_index("v", "HNSW", "a", json!({"M": 8})).unwrap();
    set.add_index("v", "HNSW", "a", json!({"M": 10})).unwrap();
    set.add_index("w", "ivfflat", "b", Value::Null).unwrap();
    assert_eq!(set.len(), 2);
    assert!(!set.is_empty());
    let all = set.to_vector_indexes().unwrap();
    assert_eq!(
        all[0].with_clause().unwrap(),
        "WITH (distance=l2, type=hnsw, lib=vsag, m=10)"
    );
    assert_eq!(all[1].name(), "b");
    assert_eq!((&set).into_iter().count(), 2);
    assert_eq!(
        param_of(set.add_index("v", "FLAT", "c", Value::Null).map(|_| ())),
        "index_type"
    );
    assert_eq!(set.len(), 2);
}
