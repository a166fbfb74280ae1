use super::*;
use crate::ddl::{VecIndexType, VectorIndex};

#[test]
fn names_round_trip_and_map_onto_index_metrics() {
    for d in Distance::ALL {
        assert_eq!(d.as_str().parse::<Distance>().unwrap(), d);
        assert_eq!(d.to_string(), d.as_str());
        let metric = Distance::parse_metric(d.index_distance()).unwrap();
        assert_eq!(metric.index_distance(), d.index_distance());
    }
    assert_eq!(
        Distance::parse("neg_ip").unwrap(),
        Distance::NegativeInnerProduct
    );
    assert!(Distance::parse_metric("neg_ip").is_err());
    assert!(Distance::parse_metric("l2_squared").is_err());
    assert!(Distance::parse("manhattan").is_err());
}

#[test]
fn old_names_still_compile_and_are_the_same_type() {
    #[allow(deprecated)]
    {
        let ddl: crate::ddl::VectorDistance = crate::client::DistanceFunc::Cosine;
        assert_eq!(ddl, Distance::Cosine);
        let parsed = crate::ddl::VectorDistance::parse("IP").unwrap();
        assert_eq!(parsed, Distance::InnerProduct);
    }
}

#[test]
fn an_index_for_a_search_distance_renders_its_metric() {
    let sql = |d| {
        VectorIndex::new("i", "v")
            .distance(d)
            .with_clause()
            .unwrap()
    };
    assert_eq!(sql(Distance::L2Squared), sql(Distance::L2));
    assert_eq!(
        sql(Distance::NegativeInnerProduct),
        sql(Distance::InnerProduct)
    );
    let sparse = VectorIndex::new("i", "v")
        .index_type(VecIndexType::Sindi)
        .distance(Distance::NegativeInnerProduct);
    assert!(sparse.validate().is_ok());
    assert!(VectorIndex::sparse("i", "v")
        .distance(Distance::Cosine)
        .validate()
        .is_err());
}
