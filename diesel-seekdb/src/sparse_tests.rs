use super::*;
use proptest::prelude::*;

#[test]
fn constructors_normalise_like_the_server() {
    let v = SparseVector::from_pairs([(3, 1.0), (1, 0.5), (3, 2.0), (1, 7.0)]).unwrap();
    assert_eq!(v.indices(), &[1, 3]);
    assert_eq!(v.values(), &[7.0, 2.0]);
    let sorted = SparseVector::from_pairs([(1, 1.0), (1, 2.0), (2, 3.0)]).unwrap();
    assert_eq!(sorted.values(), &[2.0, 3.0]);
    assert!(SparseVector::from_pairs([]).unwrap().is_empty());
    let err = SparseVector::from_pairs([(4, f32::INFINITY)]).unwrap_err();
    assert!(
        matches!(&err, Error::Validation { parameter, .. } if parameter == "sparse vector[4]"),
        "{err}"
    );
    let map = BTreeMap::from([(2, 1.0), (0, -1.0)]);
    let v = SparseVector::try_from(map.clone()).unwrap();
    assert_eq!(BTreeMap::from(&v), map);
    assert!(SparseVector::from_map(&BTreeMap::from([(1, f32::NAN)])).is_err());
    let dense = SparseVector::from_dense(&[0.0, -0.0, 3.0, 0.0]).unwrap();
    assert_eq!(dense.iter().collect::<Vec<_>>(), vec![(2, 3.0)]);
    assert!(SparseVector::from_dense(&[0.0, f32::NAN]).is_err());
    assert_eq!(dense.to_dense(3).unwrap(), vec![0.0, 0.0, 3.0]);
    assert!(dense.to_dense(2).is_err());
    assert_eq!(SparseVector::new().to_dense(0).unwrap(), Vec::<f32>::new());
}

#[test]
fn encodes_shortest_round_trip_text() {
    let v = SparseVector::from_pairs([
        (0, 1.0),
        (3, 0.1),
        (7, -0.0),
        (9, 1.0 / 3.0),
        (u32::MAX, f32::MAX),
    ])
    .unwrap();
    assert_eq!(
        encode(&v),
        "{0:1,3:0.1,7:-0,9:0.33333334,4294967295:3.4028235e38}"
    );
    assert_eq!(encode(&SparseVector::new()), "{}");
}

#[test]
fn decodes_server_output_and_user_text() {
    let v = decode(b"{0:0.0000001,3:0.333333,4294967295:3.40282e38}").unwrap();
    assert_eq!(v.indices(), &[0, 3, u32::MAX]);
    assert_eq!(v.values(), &[1e-7, 0.333333, 3.40282e38]);
    let v = decode(b" { 3 : 1.2 ,\t1:0.5, } \n").unwrap();
    assert_eq!(v.iter().collect::<Vec<_>>(), vec![(1, 0.5), (3, 1.2)]);
    assert_eq!(decode(b"{01:.5}").unwrap().iter().next(), Some((1, 0.5)));
    assert_eq!(
        decode(b"{1:5.,2:+1,3:-2e2}").unwrap().values(),
        &[5.0, 1.0, -200.0]
    );
    assert!(decode(b"{ }").unwrap().is_empty());
    let neg_zero = decode(b"{1:-0}").unwrap().values()[0];
    assert!(neg_zero == 0.0 && neg_zero.is_sign_negative());
    assert_eq!(
        decode(b"{1:0.1234567890123456789012345}").unwrap().values(),
        &[0.123_456_79]
    );
}

#[test]
fn malformed_input_is_an_error_not_a_panic() {
    for bad in [
        &b""[..],
        b"{",
        b"}",
        b"[1,2]",
        b"{1}",
        b"{1:}",
        b"{:1}",
        b"{-1:2}",
        b"{+1:2}",
        b"{1.0:2}",
        b"{4294967296:1}",
        b"{99999999999999999999999:1}",
        b"{1:nan}",
        b"{1:inf}",
        b"{1:1e39}",
        b"{1:0.5 3:1}",
        b"{1:2}x",
        b"{1:2,,}",
        b"{,}",
        b"{1:-}",
        b"{1:1e}",
        b"{1:.}",
        b"{1:\xff}",
    ] {
        let err = decode(bad).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Decode {
                    what: "sparse vector",
                    ..
                }
            ),
            "{bad:?}: {err}"
        );
    }
}

#[cfg(feature = "serde")]
#[test]
fn serde_is_a_map_of_index_to_value() {
    let v = SparseVector::from_pairs([(3, 1.5), (1, 0.5)]).unwrap();
    let json = serde_json::to_string(&v).unwrap();
    assert_eq!(json, r#"{"1":0.5,"3":1.5}"#);
    let back: SparseVector = serde_json::from_str(&json).unwrap();
    assert_eq!(back, v);
    assert!(serde_json::from_str::<SparseVector>(r#"{"-1":1}"#).is_err());
}

proptest! {
    #[test]
    fn round_trips_bit_for_bit(pairs in proptest::collection::vec(
        (any::<u32>(), any::<f32>().prop_filter("finite", |x| x.is_finite())), 0..64)) {
        let v = SparseVector::from_pairs(pairs.clone()).unwrap();
        let expected: BTreeMap<u32, f32> = pairs.into_iter().collect();
        prop_assert_eq!(v.len(), expected.len());
        let back = decode(encode(&v).as_bytes()).unwrap();
        prop_assert_eq!(back.indices(), v.indices());
        for ((a, b), (_, c)) in v.values().iter().zip(back.values()).zip(&expected) {
            prop_assert_eq!(a.to_bits(), b.to_bits());
            prop_assert_eq!(a.to_bits(), c.to_bits());
        }
    }

    #[test]
    fn six_digit_text_parses_like_std(m in 0u32..1_000_000, e in -45i32..39, neg: bool) {
        let token = format!("{}{}e{}", if neg { "-" } else { "" }, m, e);
        let expected: f32 = token.parse().unwrap();
        prop_assume!(expected.is_finite());
        let got = decode(format!("{{7:{token}}}").as_bytes()).unwrap();
        prop_assert_eq!(got.values()[0].to_bits(), expected.to_bits());
    }

    #[test]
    fn plain_decimals_parse_like_std(int in 0u32..100_000, frac in 0u32..100_000, neg: bool) {
        let token = format!("{}{int}.{frac:05}", if neg { "-" } else { "" });
        let expected: f32 = token.parse().unwrap();
        let got = decode(format!("{{0:{token}}}").as_bytes()).unwrap();
        prop_assert_eq!(got.values()[0].to_bits(), expected.to_bits());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = decode(&bytes);
    }
}
