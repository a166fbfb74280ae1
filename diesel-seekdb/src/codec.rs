//! The text codec for seekdb `VECTOR` values, as plain functions.
//!
//! seekdb sends and accepts vectors as text (`[1,2.5,-3e-7]`). Encoding writes the
//! shortest decimal that parses back to the identical `f32` (so what is stored is
//! exactly what the user had); decoding reads the server's 6-significant-digit output
//! with an exact fast path and falls back to the standard library's correctly rounded
//! parser for anything longer.

use crate::error::{Error, Result};

/// The most dimensions a seekdb `VECTOR(n)` column can hold.
/// (`diesel_seekdb_rules::MAX_DIMENSIONS` as a `usize`, for comparing with slice lengths.)
pub const MAX_DIMENSIONS: usize = diesel_seekdb_rules::MAX_DIMENSIONS as usize;

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
        // Validated finite, so ryu's own non-finite check can be skipped.
        let text = buf.format_finite(*v).as_bytes();
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
        return Err(malformed("vector", text, pos, "expected `[`"));
    }
    // A rough size hint: about 9 bytes per element in the server's output.
    out.reserve(text.len() / 9 + 1);
    pos += 1;
    let first = out.len();
    loop {
        if let Some((value, next, more)) = parse_simple(text, pos) {
            out.push(value);
            pos = next;
            if more {
                continue;
            }
            break;
        }
        pos = skip_ws(text, pos);
        if out.len() == first && text.get(pos) == Some(&b']') {
            return Err(Error::decode("vector", "the vector is empty"));
        }
        let (value, next) = parse_f32(text, pos, "vector")?;
        out.push(value);
        pos = skip_ws(text, next);
        match text.get(pos) {
            Some(b',') => pos += 1,
            Some(b']') => {
                pos += 1;
                break;
            }
            _ => return Err(malformed("vector", text, pos, "expected `,` or `]`")),
        }
    }
    pos = skip_ws(text, pos);
    if pos != text.len() {
        return Err(malformed("vector", text, pos, "unexpected text after `]`"));
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

/// The index of the first non-whitespace byte at or after `pos` (shared by the text
/// codecs of every seekdb type).
#[inline]
pub(crate) fn skip_ws(text: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = text.get(pos) {
        pos += 1;
    }
    pos
}

/// A decode error for `what` that shows where `text` went wrong and what was expected.
pub(crate) fn malformed(what: &'static str, text: &[u8], pos: usize, expected: &str) -> Error {
    const SHOWN: usize = 40;
    let shown = String::from_utf8_lossy(&text[..text.len().min(SHOWN)]);
    let ellipsis = if text.len() > SHOWN { "..." } else { "" };
    Error::decode(
        what,
        format!("{expected} at byte {pos} of `{shown}{ellipsis}`"),
    )
}

/// Powers of ten that are exact in `f32` (5^10 < 2^24).
const POW10: [f32; 11] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];

/// Parses one finite `f32` starting at `start` (`-1.5`, `+.5`, `5.`, `1e-3`); returns
/// it and the index after it. Errors are decode errors for `what`.
#[inline(always)]
pub(crate) fn parse_f32(text: &[u8], start: usize, what: &'static str) -> Result<(f32, usize)> {
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
    // Accumulate every digit; with at most 19 of them the u64 is exact, and longer
    // tokens (rare: the server prints 6 significant digits, we print at most 9) take
    // the slow path below, so wrapping here never changes a result.
    let int_start = pos;
    let mut mantissa: u64 = 0;
    pos = accumulate_digits(text, pos, &mut mantissa);
    let mut digits = pos - int_start;
    let mut exp10: i64 = 0;
    if text.get(pos) == Some(&b'.') {
        pos += 1;
        let frac_start = pos;
        pos = accumulate_digits(text, pos, &mut mantissa);
        digits += pos - frac_start;
        exp10 = -((pos - frac_start) as i64);
    }
    if digits == 0 {
        return Err(malformed(what, text, start, "expected a number"));
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
            return Err(malformed(what, text, pos, "expected an exponent"));
        }
        exp10 += i64::from(if exp_negative { -exp } else { exp });
    }
    if digits <= 19 {
        if let Some(value) = exact_value(mantissa, exp10) {
            return Ok((if negative { -value } else { value }, pos));
        }
    }
    parse_f32_slow(text, start, pos, what)
}

/// `mantissa * 10^exp10` correctly rounded to `f32`, when one or two IEEE operations
/// can do it exactly; `None` leaves it to the standard library's parser.
#[inline(always)]
fn exact_value(mantissa: u64, exp10: i64) -> Option<f32> {
    // Clinger's fast path: an exact mantissa and an exact power of ten give a
    // correctly rounded result with one IEEE operation.
    if mantissa <= (1 << 24) && (-10..=10).contains(&exp10) {
        let m = mantissa as f32;
        return Some(if exp10 >= 0 {
            m * POW10[exp10 as usize]
        } else {
            m / POW10[(-exp10) as usize]
        });
    }
    // Up to 15 significant digits (our own encoder writes at most 9): one correctly
    // rounded f64 operation, then f64 -> f32, which is exact unless the f64 landed
    // exactly on a halfway point between two f32s (see `f64_to_f32_unless_tie`).
    if mantissa < (1 << 53) && (-22..=22).contains(&exp10) {
        let m = mantissa as f64;
        let wide = if exp10 >= 0 {
            m * POW10_F64[exp10 as usize]
        } else {
            m / POW10_F64[(-exp10) as usize]
        };
        return f64_to_f32_unless_tie(wide);
    }
    None
}

/// The common element shape, `-?d*(.d*)?` directly followed by `,` or `]`, decoded
/// branch-light from an 18-byte window with word-at-a-time (SWAR) digit handling.
/// Returns the value, the index after the `,`/`]` and whether it was a `,`; `None`
/// (anything else, including every malformed input, and elements too close to the end
/// of the text) defers to [`parse_f32`], which gives the same value or the error.
#[inline(always)]
fn parse_simple(text: &[u8], pos: usize) -> Option<(f32, usize, bool)> {
    let window: &[u8; 18] = text.get(pos..pos + 18)?.try_into().ok()?;
    let negative = window[0] == b'-';
    let sign_len = usize::from(negative);
    let int_word = load_u64(window, sign_len);
    let int_len = leading_digit_bytes(int_word);
    if int_len == 8 {
        return None;
    }
    let after = sign_len + int_len;
    let has_dot = window[after] == b'.';
    let frac_word = load_u64(window, after + 1);
    let frac_len = if has_dot {
        leading_digit_bytes(frac_word)
    } else {
        0
    };
    let end = after + usize::from(has_dot) + frac_len;
    let terminator = window[end];
    if (terminator != b',' && terminator != b']') || int_len + frac_len == 0 {
        return None;
    }
    let digits = int_len + frac_len;
    let mantissa = if digits < 8 {
        // The integer word holds all digits and the `.` (if any): drop the `.` and
        // parse them at once.
        let below = (1u64 << (8 * int_len)) - 1; // int_len < 8
        let joined = (int_word & below) | ((int_word >> 8) & !below);
        digits_value(joined, digits)
    } else {
        digits_value(int_word, int_len) * POW10_U64[frac_len] + digits_value(frac_word, frac_len)
    };
    let value = exact_value(mantissa, -(frac_len as i64))?;
    let value = f32::from_bits(value.to_bits() | (u32::from(negative) << 31));
    Some((value, pos + end + 1, terminator == b','))
}

#[inline(always)]
fn load_u64(window: &[u8; 18], at: usize) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&window[at..at + 8]);
    u64::from_le_bytes(bytes)
}

/// The value of the first `len` (0..=8) bytes of `word`, which are ASCII digits.
#[inline(always)]
fn digits_value(word: u64, len: usize) -> u64 {
    match len {
        0 => 0,
        8 => parse_8_digits(word),
        _ => parse_8_digits((word << (8 * (8 - len))) | (0x3030_3030_3030_3030 >> (8 * len))),
    }
}

/// Powers of ten that are exact in `f64` (5^22 < 2^53).
const POW10_F64: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Rounds a non-negative, correctly rounded `f64` to `f32`, or `None` when that could
/// differ from rounding the exact decimal directly (double rounding), or overflows.
///
/// Every halfway point between adjacent `f32`s is an `f64`, and rounding to `f64` is
/// monotonic, so the exact value and its `f64` rounding lie on the same side of every
/// such point unless the `f64` *is* one. Only then can the `f32` rounding differ.
#[inline(always)]
fn f64_to_f32_unless_tie(wide: f64) -> Option<f32> {
    let narrow = wide as f32;
    if !narrow.is_finite() {
        return None;
    }
    let back = f64::from(narrow);
    if back == wide {
        return Some(narrow);
    }
    // The f32 on the other side of `wide`; `narrow > 0` whenever `back > wide`.
    let bits = narrow.to_bits();
    let other = f32::from_bits(if back < wide { bits + 1 } else { bits - 1 });
    let halfway = (back + f64::from(other)) * 0.5;
    (halfway != wide).then_some(narrow)
}

/// Appends the decimal digits at `pos` to `mantissa` (wrapping); returns the index
/// after them. Eight digits at a time where the input allows (SWAR), then one by one.
#[inline(always)]
fn accumulate_digits(text: &[u8], mut pos: usize, mantissa: &mut u64) -> usize {
    let mut m = *mantissa;
    while let Some(chunk) = text.get(pos..pos + 8) {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(chunk);
        let word = u64::from_le_bytes(bytes);
        let len = leading_digit_bytes(word);
        if len == 8 {
            m = m
                .wrapping_mul(100_000_000)
                .wrapping_add(parse_8_digits(word));
            pos += 8;
            continue;
        }
        if len > 0 {
            // Shift the digits to the top of the word so they parse as a zero-padded
            // 8-digit number.
            let shifted = (word << (8 * (8 - len))) | (0x3030_3030_3030_3030 >> (8 * len));
            m = m
                .wrapping_mul(POW10_U64[len])
                .wrapping_add(parse_8_digits(shifted));
            pos += len;
        }
        *mantissa = m;
        return pos;
    }
    while let Some(&c) = text.get(pos) {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        m = m.wrapping_mul(10).wrapping_add(u64::from(d));
        pos += 1;
    }
    *mantissa = m;
    pos
}

const POW10_U64: [u64; 9] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

/// How many of the 8 little-endian bytes of `word`, from the first, are ASCII digits.
#[inline(always)]
fn leading_digit_bytes(word: u64) -> usize {
    // A byte b is a digit iff b - '0' < 10, i.e. its high nibble is 3 and its low
    // nibble is at most 9: (b & 0xF0) == 0x30 and ((b + 6) & 0xF0) == 0x30.
    let high = word & 0xF0F0_F0F0_F0F0_F0F0;
    let plus6 = word.wrapping_add(0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0;
    let not_digit = (high ^ 0x3030_3030_3030_3030) | (plus6 ^ 0x3030_3030_3030_3030);
    // Adding 6 can carry into the next byte only from a byte >= 0xFA, which is not a
    // digit itself, so every byte before the first non-digit is classified correctly.
    (not_digit.trailing_zeros() / 8) as usize
}

/// Parses 8 ASCII digits stored little-endian in `word` (first digit lowest).
#[inline(always)]
fn parse_8_digits(word: u64) -> u64 {
    let mut v = word.wrapping_sub(0x3030_3030_3030_3030);
    v = (v.wrapping_mul(10) + (v >> 8)) & 0x00FF_00FF_00FF_00FF;
    v = (v.wrapping_mul(100) + (v >> 16)) & 0x0000_FFFF_0000_FFFF;
    (v.wrapping_mul(10_000) + (v >> 32)) & 0xFFFF_FFFF
}

/// The correctly rounded path for tokens the fast path cannot do exactly.
#[cold]
fn parse_f32_slow(
    text: &[u8],
    start: usize,
    end: usize,
    what: &'static str,
) -> Result<(f32, usize)> {
    // The token is ASCII we scanned ourselves, so it is valid UTF-8.
    let token = std::str::from_utf8(&text[start..end])
        .map_err(|_| malformed(what, text, start, "expected a number"))?;
    let parsed: f32 = token
        .parse()
        .map_err(|_| malformed(what, text, start, "expected a number"))?;
    if parsed.is_finite() {
        Ok((parsed, end))
    } else {
        Err(Error::decode(
            what,
            format!("`{token}` does not fit in a 32-bit float"),
        ))
    }
}

#[cfg(test)]
#[path = "codec_tests.rs"]
mod tests;
