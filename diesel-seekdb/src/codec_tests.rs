use super::*;
use proptest::prelude::*;

#[test]
fn encodes_shortest_round_trip_text() {
    assert_eq!(encode(&[1.0, 2.0, 3.0]).unwrap(), "[1,2,3]");
    assert_eq!(encode(&[0.1, -0.0, 1e-5]).unwrap(), "[0.1,-0,0.00001]");
    assert_eq!(encode(&[1.0 / 3.0]).unwrap(), "[0.33333334]");
    assert_eq!(encode(&[f32::MAX]).unwrap(), "[3.4028235e38]");
    assert_eq!(encode(&[16777217.0]).unwrap(), "[16777216]");
}

#[test]
fn refuses_what_seekdb_would_corrupt() {
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        let err = encode(&[0.0, bad]).unwrap_err();
        assert!(
            matches!(&err, Error::Validation { parameter, .. } if parameter == "vector[1]"),
            "{err}"
        );
    }
    assert!(encode(&[]).is_err());
    assert!(encode(&vec![0.0; MAX_DIMENSIONS]).is_ok());
    assert!(encode(&vec![0.0; MAX_DIMENSIONS + 1]).is_err());
    let mut out = b"keep".to_vec();
    assert!(encode_into(&[f32::NAN], &mut out).is_err());
    assert_eq!(out, b"keep");
}

#[test]
fn decodes_server_output() {
    assert_eq!(decode(b"[1,2,3]").unwrap(), vec![1.0, 2.0, 3.0]);
    assert_eq!(decode(b"[0.333333,1e-05]").unwrap(), vec![0.333333, 1e-5]);
    assert_eq!(decode(b" [ 1 , -2.5 ]\n").unwrap(), vec![1.0, -2.5]);
    assert_eq!(decode(b"[16777200]").unwrap(), vec![16777200.0]);
    assert_eq!(decode(b"[123457000]").unwrap(), vec![123457000.0]);
    assert_eq!(decode(b"[3.40282e38]").unwrap(), vec![3.40282e38]);
    assert_eq!(decode(b"[1.4013e-45]").unwrap(), vec![1.4013e-45]);
    assert_eq!(decode(b"[0.0000001]").unwrap(), vec![1e-7]);
    assert_eq!(decode(b"[.5,5.,+1]").unwrap(), vec![0.5, 5.0, 1.0]);
    let neg_zero = decode(b"[-0]").unwrap()[0];
    assert!(neg_zero == 0.0 && neg_zero.is_sign_negative());
}

#[test]
fn malformed_input_is_an_error_not_a_panic() {
    for bad in [
        &b""[..],
        b"[",
        b"[]",
        b"1,2,3",
        b"[1,2",
        b"[1,,2]",
        b"[a]",
        b"[1,2]x",
        b"[nan]",
        b"[inf]",
        b"[1e39]",
        b"[-]",
        b"[1e]",
        b"[.]",
        b"[1 2]",
        b"{1:2}",
        b"[\xff]",
    ] {
        let err = decode(bad).unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{bad:?}: {err}");
    }
    // The same inside long vectors, where elements take the windowed fast path.
    let pad = "0.5,".repeat(8);
    for bad in [
        "-", ".", "+", "1..2", "1.2.3", "--1", "1e", "1e+", "0x1", "1 2", "", "1-",
    ] {
        let text = format!("[{pad}{bad},{pad}0]");
        assert!(decode(text.as_bytes()).is_err(), "{text}");
    }
    for (good, value) in [
        ("-.5", -0.5),
        ("5.", 5.0),
        ("+1", 1.0),
        (" 2 ", 2.0),
        ("1e3", 1000.0),
    ] {
        let text = format!("[{pad}{good},{pad}0]");
        assert_eq!(decode(text.as_bytes()).unwrap()[8], value, "{text}");
    }
    let mut out = vec![9.0];
    assert!(decode_into(b"[1,2,x]", &mut out).is_err());
    assert_eq!(out, vec![9.0]);
}

#[test]
fn long_mantissas_fall_back_to_exact_parsing() {
    let text = b"[0.1234567890123456789012345,12345678901234567890123]";
    assert_eq!(
        decode(text).unwrap(),
        vec![0.123_456_79_f32, 1.234_567_9e22_f32]
    );
}

#[test]
fn nine_digit_fast_path_avoids_double_rounding() {
    // 1 + 2^-24 is exactly halfway between 1 and the next f32: a tie, left to the
    // exact parser (which rounds to even, 1.0).
    let tie = 1.0 + f64::powi(2.0, -24);
    assert_eq!(f64_to_f32_unless_tie(tie), None);
    assert_eq!(f64_to_f32_unless_tie(1.5), Some(1.5));
    assert_eq!(f64_to_f32_unless_tie(0.0), Some(0.0));
    assert_eq!(f64_to_f32_unless_tie(1e39), None);
    assert_eq!(f64_to_f32_unless_tie(0.1), Some(0.1_f32));
    // Just above the tie in decimal: must round up, not to even.
    let text = b"[1.0000000596046448,1.00000005960464477539062500001,16777217]";
    let expected: Vec<f32> = [
        "1.0000000596046448",
        "1.00000005960464477539062500001",
        "16777217",
    ]
    .iter()
    .map(|t| t.parse().unwrap())
    .collect();
    assert_eq!(decode(text).unwrap(), expected);
    assert_eq!(
        decode(b"[1.4e-45,1e-46,3.4028236e38]")
            .unwrap_err()
            .to_string(),
        "cannot decode vector: `3.4028236e38` does not fit in a 32-bit float"
    );
}

#[test]
fn swar_digit_scanning_matches_bytewise() {
    for b in 0u8..=255 {
        let word = u64::from_le_bytes([b'1', b'2', b, b'3', b'4', b'5', b'6', b'7']);
        let expected = if b.is_ascii_digit() { 8 } else { 2 };
        assert_eq!(leading_digit_bytes(word), expected, "byte {b:#04x}");
        let word = u64::from_le_bytes([b, 0xFF, b'1', b'2', b'3', b'4', b'5', b'6']);
        let expected = usize::from(b.is_ascii_digit());
        assert_eq!(leading_digit_bytes(word), expected, "byte {b:#04x}");
    }
    assert_eq!(parse_8_digits(u64::from_le_bytes(*b"12345678")), 12_345_678);
    assert_eq!(parse_8_digits(u64::from_le_bytes(*b"00000000")), 0);
    assert_eq!(parse_8_digits(u64::from_le_bytes(*b"99999999")), 99_999_999);
    for len in 0..=20 {
        for tail in ["", ",", "]", ".5", "e3,1"] {
            let digits: String = (0..len)
                .map(|i| char::from(b'0' + (i * 7 % 10) as u8))
                .collect();
            let text = format!("{digits}{tail}");
            let mut m = 0u64;
            let end = accumulate_digits(text.as_bytes(), 0, &mut m);
            assert_eq!(end, len, "{text}");
            if len <= 19 {
                assert_eq!(m, digits.parse::<u64>().unwrap_or(0), "{text}");
            }
        }
    }
}

proptest! {
    #[test]
    fn round_trips_bit_for_bit(v in proptest::collection::vec(
        any::<f32>().prop_filter("finite", |x| x.is_finite()), 1..64)) {
        let text = encode(&v).unwrap();
        let back = decode(text.as_bytes()).unwrap();
        prop_assert_eq!(back.len(), v.len());
        for (a, b) in v.iter().zip(&back) {
            prop_assert_eq!(a.to_bits(), b.to_bits());
        }
    }

    #[test]
    fn six_digit_text_parses_like_std(m in 0u32..1_000_000, e in -45i32..39, neg: bool) {
        let token = format!("{}{}e{}", if neg { "-" } else { "" }, m, e);
        let expected: f32 = token.parse().unwrap();
        prop_assume!(expected.is_finite());
        let got = decode(format!("[{token}{}]", ",0".repeat(20)).as_bytes()).unwrap();
        prop_assert_eq!(got[0].to_bits(), expected.to_bits());
    }

    #[test]
    fn decimal_text_parses_like_std(
        int in "[0-9]{0,12}", frac in proptest::option::of("[0-9]{0,12}"),
        exp in proptest::option::of(-50i32..50), neg: bool,
    ) {
        let mut token = format!("{}{int}", if neg { "-" } else { "" });
        if let Some(frac) = &frac {
            token.push('.');
            token.push_str(frac);
        }
        prop_assume!(token.bytes().any(|b| b.is_ascii_digit()));
        if let Some(exp) = exp {
            token.push_str(&format!("e{exp}"));
        }
        let expected: f32 = token.parse().unwrap();
        // Padded so that the first copies take the windowed fast path and the
        // last ones the general parser.
        let pad = ",0".repeat(20);
        let got = decode(format!("[{token},{token}{pad},{token},{token}]").as_bytes());
        if expected.is_finite() {
            let got = got.unwrap();
            prop_assert_eq!(got.len(), 24);
            for i in [0, 1, 22, 23] {
                prop_assert_eq!(got[i].to_bits(), expected.to_bits(), "{}", token);
            }
        } else {
            prop_assert!(got.is_err());
        }
    }

    #[test]
    fn integers_between_f32_steps_round_like_std(m in (1u64 << 24)..(1u64 << 34), e in -12i32..4) {
        let token = format!("{m}e{e}");
        let expected: f32 = token.parse().unwrap();
        let got = decode(format!("[{token}]").as_bytes()).unwrap();
        prop_assert_eq!(got[0].to_bits(), expected.to_bits(), "{}", token);
        // Plain-decimal form of the same value, through the windowed fast path.
        let plain = format!("{}", token.parse::<f64>().unwrap());
        let expected: f32 = plain.parse().unwrap();
        let got = decode(format!("[{plain}{}]", ",0".repeat(20)).as_bytes()).unwrap();
        prop_assert_eq!(got[0].to_bits(), expected.to_bits(), "{}", plain);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = decode(&bytes);
    }
}
