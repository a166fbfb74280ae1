use super::*;
use proptest::prelude::*;

#[test]
fn encodes_json_seekdb_accepts() {
    assert_eq!(encode_array::<i64>(&[]).unwrap(), "[]");
    assert_eq!(encode_array(&[1i32, -2]).unwrap(), "[1,-2]");
    assert_eq!(
        encode_array(&[0.5f64, 1.0, 1e300]).unwrap(),
        "[0.5,1,1e300]"
    );
    assert_eq!(
        encode_array(&[0.1f32, f32::from_bits(f32::MAX.to_bits() - 1)]).unwrap(),
        "[0.10000000149011612,3.4028232635611926e38]"
    );
    assert!(matches!(
        encode_array(&[-f32::MAX]),
        Err(Error::Validation { .. })
    ));
    assert_eq!(encode_array(&[true, false]).unwrap(), "[true,false]");
    assert_eq!(
        encode_array(&["a\"b\\c\n".to_string()]).unwrap(),
        r#"["a\"b\\c\n"]"#
    );
    assert_eq!(encode_array(&[Some(1i16), None]).unwrap(), "[1,null]");
    for bad in [f32::NAN, f32::INFINITY] {
        assert!(matches!(
            encode_array(&[bad]),
            Err(Error::Validation { .. })
        ));
    }
}

#[test]
fn decodes_server_output() {
    assert_eq!(decode_array::<i64>(b"[]").unwrap(), Vec::<i64>::new());
    assert_eq!(decode_array::<i64>(b" [ ] ").unwrap(), Vec::<i64>::new());
    assert_eq!(
        decode_array::<i64>(b"[9007199254740993,-1]").unwrap(),
        vec![9_007_199_254_740_993, -1]
    );
    assert_eq!(
        decode_array::<f32>(b"[0.1,0.0000001,3.4e38,16777200,9.99995e-41]").unwrap(),
        vec![0.1, 1e-7, 3.4e38, 16_777_200.0, 9.99995e-41]
    );
    assert_eq!(
        decode_array::<f64>(b"[0.30000000000000004]").unwrap(),
        vec![0.300_000_000_000_000_04]
    );
    assert_eq!(
        decode_array::<bool>(b"[1,0,true]").unwrap(),
        vec![true, false, true]
    );
    // seekdb escapes only the quote; backslashes and control characters are raw.
    assert_eq!(
        decode_array::<Option<String>>(
            b"[\"a\\\"b\",\"\xc3\xbc\",\"NULL\",NULL,\"x,y\",\"back\\slash\",\"tab\there\"]"
        )
        .unwrap(),
        vec![
            Some("a\"b".to_string()),
            Some("ü".to_string()),
            Some("NULL".to_string()),
            None,
            Some("x,y".to_string()),
            Some("back\\slash".to_string()),
            Some("tab\there".to_string()),
        ]
    );
}

#[test]
fn malformed_input_is_an_error_not_a_panic() {
    for bad in [
        &b""[..],
        b"[",
        b"[1,",
        b"[1 2]",
        b"[1]x",
        b"{1:2}",
        b"[,]",
        b"[1.5]",
        b"[\"a\"]",
        b"[NULL]",
        b"[[1]]",
        b"[99999999999999999999]",
        b"[\"abc",
    ] {
        let err = decode_array::<i64>(bad).unwrap_err();
        assert!(
            matches!(err, Error::Decode { what: "array", .. }),
            "{bad:?}: {err}"
        );
    }
    assert!(decode_array::<f32>(b"[1e39]").is_err());
    assert!(decode_array::<f32>(b"[1e]").is_err());
    assert!(decode_array::<String>(b"[1]").is_err());
    assert!(decode_array::<String>(b"[\"\xff\"]").is_err());
    assert!(decode_array::<bool>(b"[\"x\"]").is_err());
}

proptest! {
    #[test]
    fn integers_round_trip(v in proptest::collection::vec(any::<i64>(), 0..32)) {
        let text = encode_array(&v).unwrap();
        prop_assert_eq!(decode_array::<i64>(text.as_bytes()).unwrap(), v);
    }

    #[test]
    fn floats_round_trip(v in proptest::collection::vec(
        any::<f32>().prop_filter("finite", |x| x.is_finite()), 0..32)) {
        let text = encode_array(&v).unwrap();
        let back = decode_array::<f32>(text.as_bytes()).unwrap();
        prop_assert_eq!(back.len(), v.len());
        for (a, b) in v.iter().zip(&back) {
            prop_assert_eq!(a.to_bits(), b.to_bits());
        }
    }

    #[test]
    fn strings_without_backslashes_round_trip_through_server_text(
        v in proptest::collection::vec("[^\\\\\"]{0,8}|\"", 0..8)) {
        // What seekdb prints: quotes escaped, nothing else.
        let server = format!(
            "[{}]",
            v.iter().map(|s| format!("\"{}\"", s.replace('"', "\\\""))).collect::<Vec<_>>().join(",")
        );
        prop_assert_eq!(decode_array::<String>(server.as_bytes()).unwrap(), v);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = decode_array::<Option<String>>(&bytes);
        let _ = decode_array::<f64>(&bytes);
    }
}
