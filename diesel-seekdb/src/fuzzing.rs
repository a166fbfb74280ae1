//! Invariants checked by the cargo-fuzz targets in `fuzz/` and replayed on stable by
//! `tests/fuzz_regressions.rs` over the committed corpus, so both run one harness.
//!
//! Each function takes arbitrary bytes and panics when the library breaks a promise
//! (a panic inside the library, a lossy round trip, SQL text that is not what it
//! should be); that panic is what libFuzzer reports as a crash. Not a public API.

use std::collections::BTreeMap;

use crate::client::{placeholders, DynQuery};
use crate::codec::{self, MAX_DIMENSIONS};
use crate::fragment::{BindValue, SqlFragment};
use crate::milvus::filter::{compile, parse, FieldKind, FilterParams, FilterSchema, ScalarKind};
use crate::{Error, SparseVector, Vector};

/// The vector text codec: decoding never panics, agrees with the standard library's
/// float parser token by token, and what it accepts re-encodes and decodes to the
/// same bits; arbitrary `f32`s (the input read as little-endian words) either encode
/// and round-trip exactly or are refused by validation.
pub fn vector_codec(data: &[u8]) {
    let mut out = vec![7.0];
    match codec::decode_into(data, &mut out) {
        Ok(()) => {
            assert_eq!(out[0], 7.0, "decode_into must append");
            let decoded = &out[1..];
            let expected = std_vector(data).expect("decode accepted what std rejects");
            assert_bits_eq(decoded, &expected);
            let text = codec::encode(decoded).expect("decoded values must encode");
            assert_bits_eq(&codec::decode(text.as_bytes()).expect("re-decode"), decoded);
            if let Ok(s) = std::str::from_utf8(data) {
                assert_bits_eq(Vector::parse(s).expect("Vector::parse").as_slice(), decoded);
            }
        }
        Err(err) => {
            assert!(matches!(err, Error::Decode { .. }), "{err:?}");
            assert_eq!(
                out,
                [7.0],
                "a failed decode must leave the output as it was"
            );
            assert!(
                std_vector(data).is_none(),
                "std parses {:?} but decode refused it: {err}",
                String::from_utf8_lossy(data)
            );
        }
    }

    let values: Vec<f32> = data
        .chunks_exact(4)
        .map(|w| f32::from_le_bytes([w[0], w[1], w[2], w[3]]))
        .collect();
    let storable = !values.is_empty()
        && values.len() <= MAX_DIMENSIONS
        && values.iter().all(|v| v.is_finite());
    let mut text = b"keep".to_vec();
    match codec::encode_into(&values, &mut text) {
        Ok(()) => {
            assert!(storable, "encoded a value seekdb cannot store: {values:?}");
            assert_bits_eq(&codec::decode(&text[4..]).expect("decode encoded"), &values);
            let vector = Vector::try_new(values.clone()).expect("storable");
            let text = vector.to_sql_text().expect("storable");
            assert_bits_eq(Vector::parse(&text).expect("parse").as_slice(), &values);
        }
        Err(err) => {
            assert!(!storable, "refused storable values: {err}");
            assert!(matches!(err, Error::Validation { .. }), "{err:?}");
            assert_eq!(text, b"keep", "a failed encode must not append");
        }
    }
}

/// The vector as the standard library reads it: `[` tokens `]` with optional
/// whitespace, each token a finite `f32` in Rust's float syntax without `inf`/`nan`.
fn std_vector(data: &[u8]) -> Option<Vec<f32>> {
    let text = std::str::from_utf8(data).ok()?.trim_matches(is_ws);
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    let values = inner
        .split(',')
        .map(std_f32)
        .collect::<Option<Vec<f32>>>()?;
    (values.len() <= MAX_DIMENSIONS).then_some(values)
}

fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

fn std_f32(token: &str) -> Option<f32> {
    let token = token.trim_matches(is_ws);
    // std also reads `inf`, `nan` and `infinity`; the codec takes numbers only.
    if token
        .bytes()
        .any(|b| b.is_ascii_alphabetic() && b != b'e' && b != b'E')
    {
        return None;
    }
    token.parse::<f32>().ok().filter(|v| v.is_finite())
}

fn assert_bits_eq(got: &[f32], expected: &[f32]) {
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(got), bits(expected), "{got:?} != {expected:?}");
}

/// The sparse-vector text codec: decoding never panics, agrees with a plain reading
/// of `{index:value, ...}` (later duplicates win, as on the server), and round-trips
/// bit for bit; `(u32, f32)` pairs from the input build the same vector as a map.
pub fn sparse_codec(data: &[u8]) {
    match crate::sparse::decode(data) {
        Ok(v) => {
            assert_sparse_invariants(&v);
            let expected = std_sparse(data).expect("decode accepted what std rejects");
            assert_sparse_eq(&v, &expected);
            let text = v.to_sql_text();
            assert_eq!(text, v.to_string());
            assert_sparse_eq(&SparseVector::parse(&text).expect("re-parse"), &expected);
        }
        Err(err) => {
            assert!(matches!(err, Error::Decode { .. }), "{err:?}");
            assert!(
                std_sparse(data).is_none(),
                "std parses {:?} but decode refused it: {err}",
                String::from_utf8_lossy(data)
            );
        }
    }

    let pairs: Vec<(u32, f32)> = data
        .chunks_exact(8)
        .map(|w| {
            let index = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
            (index, f32::from_le_bytes([w[4], w[5], w[6], w[7]]))
        })
        .collect();
    let finite = pairs.iter().all(|(_, v)| v.is_finite());
    match SparseVector::from_pairs(pairs.iter().copied()) {
        Ok(v) => {
            assert!(finite, "accepted a non-finite value: {pairs:?}");
            assert_sparse_invariants(&v);
            let expected: BTreeMap<u32, f32> = pairs.iter().copied().collect();
            assert_sparse_eq(&v, &expected);
            let back = SparseVector::parse(&v.to_sql_text()).expect("parse encoded");
            assert_sparse_eq(&back, &expected);
        }
        Err(err) => {
            assert!(!finite, "refused finite pairs: {err}");
            assert!(matches!(err, Error::Validation { .. }), "{err:?}");
        }
    }
}

fn assert_sparse_invariants(v: &SparseVector) {
    assert_eq!(v.indices().len(), v.values().len());
    assert!(v.indices().windows(2).all(|w| w[0] < w[1]), "{v:?}");
    assert!(v.values().iter().all(|x| x.is_finite()), "{v:?}");
}

fn assert_sparse_eq(v: &SparseVector, expected: &BTreeMap<u32, f32>) {
    let got: Vec<(u32, u32)> = v.iter().map(|(i, x)| (i, x.to_bits())).collect();
    let want: Vec<(u32, u32)> = expected.iter().map(|(i, x)| (*i, x.to_bits())).collect();
    assert_eq!(got, want);
}

/// `{i:v, ...}` read with the standard library: whitespace around every token, an
/// optional trailing comma, decimal `u32` indices, later duplicates winning.
fn std_sparse(data: &[u8]) -> Option<BTreeMap<u32, f32>> {
    let text = std::str::from_utf8(data).ok()?.trim_matches(is_ws);
    let inner = text.strip_prefix('{')?.strip_suffix('}')?;
    let mut map = BTreeMap::new();
    let mut entries: Vec<&str> = inner.split(',').collect();
    if entries
        .last()
        .is_some_and(|e| e.trim_matches(is_ws).is_empty())
    {
        entries.pop();
    }
    for entry in entries {
        let (index, value) = entry.split_once(':')?;
        let index = index.trim_matches(is_ws);
        if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        map.insert(index.parse::<u32>().ok()?, std_f32(value)?);
    }
    Some(map)
}

const ALIAS: &str = "a`?b";

fn filter_schemas() -> [FilterSchema; 2] {
    let plain = FilterSchema::new()
        .field("id", FieldKind::Scalar(ScalarKind::Int64))
        .field("i8", FieldKind::Scalar(ScalarKind::Int8))
        .field("i16", FieldKind::Scalar(ScalarKind::Int16))
        .field("age", FieldKind::Scalar(ScalarKind::Int32))
        .field("score", FieldKind::Scalar(ScalarKind::Float))
        .field("price", FieldKind::Scalar(ScalarKind::Double))
        .field("name", FieldKind::Scalar(ScalarKind::VarChar))
        .field("flag", FieldKind::Scalar(ScalarKind::Bool))
        .field("meta", FieldKind::Json)
        .field("tags", FieldKind::Array(ScalarKind::Int32))
        .field("labels", FieldKind::Array(ScalarKind::VarChar))
        .field("ratios", FieldKind::Array(ScalarKind::Double))
        .field("flags", FieldKind::Array(ScalarKind::Bool))
        .field("vec", FieldKind::FloatVector)
        .field("sparse", FieldKind::SparseVector);
    // An alias with a backtick and a `?` checks quoting against placeholder splitting;
    // the dynamic field turns unknown names into JSON paths.
    let aliased = plain.clone().table_alias(ALIAS).dynamic_field("meta");
    [plain, aliased]
}

fn filter_params() -> FilterParams {
    let serde_json::Value::Object(params) = serde_json::json!({
        "ids": [1, 5, 9],
        "n": "ABC",
        "evil": "abc' OR '1'='1",
        "lo": 1,
        "f": 1.5,
        "b": true,
        "nul": null,
        "tags": [3, 4],
        "mixed": [1, "x", 2.5, false],
        "obj": {"a": 1},
        "big": 18446744073709551615u64,
    }) else {
        unreachable!("a JSON object literal")
    };
    params
}

/// Single-quoted SQL literals the renderer writes itself; any other would be filter
/// data turned into SQL text.
const RENDERED_LITERALS: &[&str] = &[
    "INTEGER",
    "UNSIGNED INTEGER",
    "DOUBLE",
    "DECIMAL",
    "STRING",
    "ARRAY",
    "NULL",
    "one",
];

/// Milvus filters: parsing and compiling never panic or overflow the stack; errors
/// point inside the filter; compiled SQL has one bound value per `?`, quotes every
/// identifier, names only schema columns and carries no filter data as text.
pub fn milvus_filter(data: &[u8]) {
    let filter = String::from_utf8_lossy(data);
    let parsed = parse(&filter);
    let params = filter_params();
    for schema in filter_schemas() {
        match compile(&filter, &schema, Some(&params)) {
            Ok(None) => assert!(filter.trim().is_empty(), "{filter:?} compiled to nothing"),
            Ok(Some(frag)) => {
                assert!(parsed.is_ok(), "compiled a filter that does not parse");
                check_filter_sql(&frag, &schema);
            }
            Err(Error::Filter { offset, .. }) => {
                assert!(
                    offset <= filter.chars().count(),
                    "offset {offset} is past the end"
                );
            }
            Err(err) => panic!("{filter:?}: not a filter error: {err:?}"),
        }
    }
}

fn check_filter_sql(frag: &SqlFragment, schema: &FilterSchema) {
    let sql = &frag.sql;
    assert_eq!(placeholders(sql).len(), frag.binds.len(), "{sql}");
    for bind in &frag.binds {
        if let BindValue::Float(v) = bind {
            assert!(v.is_finite(), "non-finite bound value in {sql}");
        }
    }
    let mut depth = 0usize;
    let mut chars = sql.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        match c {
            '`' | '\'' => {
                let mut body = String::new();
                loop {
                    let (_, d) = chars
                        .next()
                        .unwrap_or_else(|| panic!("unclosed {c} in {sql}"));
                    if d == c {
                        // A doubled quote is the quote character itself.
                        if chars.peek().map(|(_, n)| *n) == Some(c) {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    body.push(d);
                }
                if c == '`' {
                    assert!(
                        body == ALIAS || schema.kind(&body).is_some(),
                        "identifier {body:?} is not a schema column in {sql}"
                    );
                } else {
                    assert!(
                        RENDERED_LITERALS.contains(&body.as_str()),
                        "string literal {body:?} at byte {start} in {sql}"
                    );
                }
            }
            '(' => depth += 1,
            ')' => depth = depth.checked_sub(1).unwrap_or_else(|| panic!("{sql}")),
            ';' | '#' | '"' | '\\' => panic!("{c:?} outside quotes in {sql}"),
            '-' | '/' => {
                let next = chars.peek().map(|(_, n)| *n);
                assert!(next != Some(c) && next != Some('*'), "comment in {sql}");
            }
            _ => assert!(c.is_ascii(), "non-ASCII SQL text in {sql}"),
        }
    }
    assert_eq!(depth, 0, "unbalanced parentheses in {sql}");
    // Run through DynQuery, every value lines up with its placeholder and the text
    // is kept as written.
    check_dyn_query(sql, frag.binds.len(), frag.binds.len());
}

/// `DynQuery` placeholder splitting: SQL built from plain text, `?`s, quoted
/// identifiers and string literals (with arbitrary content) has its placeholders
/// found exactly where the `?`s were put, and running it keeps the text and binds
/// the values in order. Arbitrary text never makes the splitter panic.
pub fn dyn_query(data: &[u8]) {
    let raw = String::from_utf8_lossy(data);
    let found = placeholders(&raw);
    assert!(found.windows(2).all(|w| w[0] < w[1]));
    assert!(found.iter().all(|&at| raw.as_bytes()[at] == b'?'));
    check_dyn_query(
        &raw,
        found.len(),
        data.first().map_or(0, |b| usize::from(b % 4)),
    );

    let mut sql = String::new();
    let mut expected = Vec::new();
    let mut bytes = data.iter().copied();
    while let Some(op) = bytes.next() {
        let len = usize::from(op >> 3);
        let chunk: Vec<u8> = bytes.by_ref().take(len).collect();
        let text = String::from_utf8_lossy(&chunk);
        match op & 7 {
            0 | 1 => sql.extend(
                text.chars()
                    .filter(|c| !matches!(c, '?' | '`' | '\'' | '"' | '\\')),
            ),
            2 | 3 => {
                expected.push(sql.len());
                sql.push('?');
            }
            4 => sql.push_str(&crate::ddl::quote_ident(&text)),
            5 => sql.push_str(&crate::ddl::ident::quote_string(&text)),
            // Without backslashes: seekdb reads `\'` in a literal as an escaped quote.
            6 => sql.push_str(&format!("'{}'", text.replace('\\', "").replace('\'', "''"))),
            _ => sql.push_str(&format!(
                "\"{}\"",
                text.replace('\\', "\\\\").replace('"', "\\\"")
            )),
        }
    }
    assert_eq!(placeholders(&sql), expected, "{sql:?}");
    check_dyn_query(&sql, expected.len(), expected.len() + data.len() % 2);
}

/// Runs `sql` with `binds` integer values through `DynQuery` and checks the text is
/// unchanged and the first `min(placeholders, binds)` values are bound in order.
fn check_dyn_query(sql: &str, count: usize, binds: usize) {
    let mut frag = SqlFragment::raw(sql);
    frag.binds = (0..binds as i64).map(BindValue::Int).collect();
    let query: DynQuery = frag.into_query();
    assert_eq!(query.to_sql(), sql);
    let shown = diesel::debug_query::<diesel::mysql::Mysql, _>(&query).to_string();
    let bound: Vec<String> = (0..count.min(binds)).map(|i| i.to_string()).collect();
    let tail = format!(" -- binds: [{}]", bound.join(", "));
    assert!(shown.ends_with(&tail), "{shown:?} should end with {tail:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn harnesses_accept_well_behaved_input() {
        for input in [&b"[1, 2.5,-3e-7]"[..], b"[", b"", b"\x00\x00\x80\x3f"] {
            vector_codec(input);
        }
        for input in [
            &b"{1:0.5, 3:2,}"[..],
            b"{}",
            b"{1:",
            b"\x01\0\0\0\0\0\x80\x3f",
        ] {
            sparse_codec(input);
        }
        milvus_filter(br#"id < 100 and meta["page"] in [1, 2] and name like "a%""#);
        dyn_query(b"SELECT `a?b` FROM t WHERE x = ? AND y = '?'");
    }
}
