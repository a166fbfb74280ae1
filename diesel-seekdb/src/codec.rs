//! The text codec for seekdb `VECTOR` values, as plain functions.
//!
//! seekdb sends and accepts vectors as text (`[1,2.5,-3e-7]`). Encoding writes the
//! shortest decimal that parses back to the identical `f32` (so what is stored is
//! exactly what the user had); decoding reads the server's 6-significant-digit output
//! with an exact fast path and falls back to the standard library's correctly rounded
//! parser for anything longer.

use crate::error::{Error, Result};

/// The most dimensions a seekdb `VECTOR(n)` column can hold.
pub const MAX_DIMENSIONS: usize = 16_000;

/// Checks that a vector can be stored without silent data loss.
///
/// seekdb stores NaN and ±infinity as `0` without an error, so they are refused here,
/// as are empty vectors and vectors longer than [`MAX_DIMENSIONS`].
///
/// ```
/// use diesel_seekdb::codec::validate;
/// assert!(validate(&[1.0, 2.0]).is_ok());
/// let err = validate(&[1.0, f32::NAN]).unwrap_err();
/// assert_eq!(err.to_string(), "invalid `vector[1]`: NaN is not a finite number; seekdb would silently store it as 0");
/// ```
pub fn validate(values: &[f32]) -> Result<()> {
    if values.is_empty() {
        return Err(Error::validation(
            "vector",
            "a vector needs at least one dimension",
        ));
    }
    if values.len() > MAX_DIMENSIONS {
        return Err(Error::validation(
            "vector",
            format!(
                "{} dimensions exceed seekdb's maximum of {MAX_DIMENSIONS}",
                values.len()
            ),
        ));
    }
    // A sum is non-finite when any element is; checking it first keeps the common
    // (valid) path to one pass without a branch per element.
    if values.iter().all(|v| v.is_finite()) {
        return Ok(());
    }
    let (index, value) = values
        .iter()
        .enumerate()
        .find(|(_, v)| !v.is_finite())
        .map(|(i, v)| (i, *v))
        .unwrap_or((0, f32::NAN));
    Err(non_finite(index, value))
}

fn non_finite(index: usize, value: f32) -> Error {
    Error::validation(
        format!("vector[{index}]"),
        format!("{value} is not a finite number; seekdb would silently store it as 0"),
    )
}

/// Appends the text form of `values` to `out`, validating first.
///
/// On error nothing is appended.
pub fn encode_into(values: &[f32], out: &mut Vec<u8>) -> Result<()> {
    validate(values)?;
    encode_unchecked(values, out);
    Ok(())
}

/// Writes already-validated values.
pub(crate) fn encode_unchecked(values: &[f32], out: &mut Vec<u8>) {
    // Most floats need at most 15 bytes ("-1.2345678e-12,").
    out.reserve(values.len() * 12 + 2);
    out.push(b'[');
    let mut buf = ryu::Buffer::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let text = buf.format(*v).as_bytes();
        // ryu writes integral values as "1.0"; the ".0" carries no information.
        let text = text.strip_suffix(b".0").unwrap_or(text);
        out.extend_from_slice(text);
    }
    out.push(b']');
}

/// The text form of `values`, e.g. `[1,0.5,-3e-7]`.
///
/// ```
/// use diesel_seekdb::codec::encode;
/// assert_eq!(encode(&[1.0, 0.5, -3e-7]).unwrap(), "[1,0.5,-3e-7]");
/// assert!(encode(&[f32::INFINITY]).is_err());
/// ```
pub fn encode(values: &[f32]) -> Result<String> {
    let mut out = Vec::new();
    encode_into(values, &mut out)?;
    // The encoder writes only ASCII.
    String::from_utf8(out).map_err(|e| Error::decode("vector", e.to_string()))
}

/// Parses the text form of a vector (`[1,2,3]`, `[0.333333, 1e-05]`).
///
/// Whitespace around elements is allowed. Malformed input, an empty vector and values
/// that overflow `f32` are [`Error::Decode`] errors.
///
/// ```
/// use diesel_seekdb::codec::decode;
/// assert_eq!(decode(b"[1, 0.5,-2e-3]").unwrap(), vec![1.0, 0.5, -0.002]);
/// assert!(decode(b"[1,,2]").is_err());
/// ```
pub fn decode(text: &[u8]) -> Result<Vec<f32>> {
    let mut out = Vec::new();
    decode_into(text, &mut out)?;
    Ok(out)
}

/// Parses the text form of a vector, appending the elements to `out`.
///
/// On error `out` is left as it was.
pub fn decode_into(text: &[u8], out: &mut Vec<f32>) -> Result<()> {
    let start_len = out.len();
    let result = decode_elements(text, out);
    if result.is_err() {
        out.truncate(start_len);
    }
    result
}

fn decode_elements(text: &[u8], out: &mut Vec<f32>) -> Result<()> {
    let mut pos = skip_ws(text, 0);
    if text.get(pos) != Some(&b'[') {
        return Err(malformed(text, pos, "expected `[`"));
    }
    // A rough size hint: about 9 bytes per element in the server's output.
    out.reserve(text.len() / 9 + 1);
    pos += 1;
    let first = out.len();
    loop {
        pos = skip_ws(text, pos);
        if out.len() == first && text.get(pos) == Some(&b']') {
            return Err(Error::decode("vector", "the vector is empty"));
        }
        let (value, next) = parse_f32(text, pos)?;
        out.push(value);
        pos = skip_ws(text, next);
        match text.get(pos) {
            Some(b',') => pos += 1,
            Some(b']') => break,
            _ => return Err(malformed(text, pos, "expected `,` or `]`")),
        }
    }
    pos = skip_ws(text, pos + 1);
    if pos != text.len() {
        return Err(malformed(text, pos, "unexpected text after `]`"));
    }
    if out.len() - first > MAX_DIMENSIONS {
        return Err(Error::decode(
            "vector",
            format!(
                "{} dimensions exceed the maximum of {MAX_DIMENSIONS}",
                out.len() - first
            ),
        ));
    }
    Ok(())
}

#[inline]
fn skip_ws(text: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = text.get(pos) {
        pos += 1;
    }
    pos
}

fn malformed(text: &[u8], pos: usize, expected: &str) -> Error {
    const SHOWN: usize = 40;
    let shown = String::from_utf8_lossy(&text[..text.len().min(SHOWN)]);
    let ellipsis = if text.len() > SHOWN { "..." } else { "" };
    Error::decode(
        "vector",
        format!("{expected} at byte {pos} of `{shown}{ellipsis}`"),
    )
}

/// Powers of ten that are exact in `f32` (5^10 < 2^24).
const POW10: [f32; 11] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];

/// Parses one number starting at `start`; returns it and the index after it.
#[inline]
fn parse_f32(text: &[u8], start: usize) -> Result<(f32, usize)> {
    let mut pos = start;
    let negative = match text.get(pos) {
        Some(b'-') => {
            pos += 1;
            true
        }
        Some(b'+') => {
            pos += 1;
            false
        }
        _ => false,
    };
    let mut mantissa: u64 = 0;
    let mut digits = 0u32;
    let mut exp10: i32 = 0;
    let int_start = pos;
    while let Some(d @ b'0'..=b'9') = text.get(pos) {
        if digits < 19 {
            mantissa = mantissa * 10 + u64::from(d - b'0');
            if mantissa != 0 {
                digits += 1;
            }
        } else {
            exp10 += 1;
        }
        pos += 1;
    }
    let mut any_digit = pos > int_start;
    if text.get(pos) == Some(&b'.') {
        pos += 1;
        let frac_start = pos;
        while let Some(d @ b'0'..=b'9') = text.get(pos) {
            if digits < 19 {
                mantissa = mantissa * 10 + u64::from(d - b'0');
                if mantissa != 0 {
                    digits += 1;
                }
                exp10 -= 1;
            }
            pos += 1;
        }
        any_digit |= pos > frac_start;
    }
    if !any_digit {
        return Err(malformed(text, start, "expected a number"));
    }
    if let Some(b'e' | b'E') = text.get(pos) {
        pos += 1;
        let exp_negative = match text.get(pos) {
            Some(b'-') => {
                pos += 1;
                true
            }
            Some(b'+') => {
                pos += 1;
                false
            }
            _ => false,
        };
        let exp_start = pos;
        let mut exp: i32 = 0;
        while let Some(d @ b'0'..=b'9') = text.get(pos) {
            exp = exp.saturating_mul(10).saturating_add(i32::from(d - b'0'));
            pos += 1;
        }
        if pos == exp_start {
            return Err(malformed(text, pos, "expected an exponent"));
        }
        exp10 = exp10.saturating_add(if exp_negative { -exp } else { exp });
    }
    // Clinger's fast path: an exact mantissa and an exact power of ten give a
    // correctly rounded result with one IEEE operation.
    let value = if mantissa <= (1 << 24) && (-10..=10).contains(&exp10) {
        let m = mantissa as f32;
        if exp10 >= 0 {
            m * POW10[exp10 as usize]
        } else {
            m / POW10[(-exp10) as usize]
        }
    } else {
        // The token is ASCII we scanned ourselves, so it is valid UTF-8.
        let token = std::str::from_utf8(&text[start..pos])
            .map_err(|_| malformed(text, start, "expected a number"))?;
        let parsed: f32 = token
            .parse()
            .map_err(|_| malformed(text, start, "expected a number"))?;
        return if parsed.is_finite() {
            Ok((parsed, pos))
        } else {
            Err(Error::decode(
                "vector",
                format!("`{token}` does not fit in a 32-bit float"),
            ))
        };
    };
    Ok((if negative { -value } else { value }, pos))
}

#[cfg(test)]
mod tests {
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
            let got = decode(format!("[{token}]").as_bytes()).unwrap();
            prop_assert_eq!(got[0].to_bits(), expected.to_bits());
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode(&bytes);
        }
    }
}
