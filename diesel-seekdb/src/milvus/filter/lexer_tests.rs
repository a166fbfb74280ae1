use super::*;
use crate::Error;

fn toks(s: &str) -> Vec<Tok> {
    tokenize(s).unwrap().into_iter().map(|t| t.tok).collect()
}

fn err(s: &str) -> (usize, String) {
    match tokenize(s) {
        Err(Error::Filter { offset, message }) => (offset, message),
        other => panic!("expected a filter error for {s:?}, got {other:?}"),
    }
}

#[test]
fn number_formats() {
    assert_eq!(
        toks("0x1F 0X10 010 0 0b101 0B1 42"),
        vec![
            Tok::Int(31),
            Tok::Int(16),
            Tok::Int(8),
            Tok::Int(0),
            Tok::Int(5),
            Tok::Int(1),
            Tok::Int(42),
            Tok::Eof
        ]
    );
    assert_eq!(
        toks("1.5 .5 1e-3 2.5E1 3."),
        vec![
            Tok::Float(1.5),
            Tok::Float(0.5),
            Tok::Float(0.001),
            Tok::Float(25.0),
            Tok::Float(3.0),
            Tok::Eof
        ]
    );
    assert_eq!(
        toks("18446744073709551615"),
        vec![Tok::Int(u64::MAX), Tok::Eof]
    );
}

#[test]
fn bad_numbers() {
    let (o, m) = err("a == 99999999999999999999999");
    assert_eq!(o, 5);
    assert!(m.contains("int64"), "{m}");
    let (o, m) = err("a == 09");
    assert_eq!(o, 6);
    assert!(m.contains("expected 0-7"), "{m}");
    let (o, m) = err("a == 0x");
    assert_eq!(o, 7);
    assert!(m.contains("expected hexadecimal digits"), "{m}");
    let (o, m) = err("a == 1e");
    assert_eq!(o, 7);
    assert!(m.contains("expected exponent"), "{m}");
    let (o, m) = err("a == 12abc");
    assert_eq!(o, 7);
    assert!(m.contains("expected an operator"), "{m}");
    let (o, m) = err("a == 1e999");
    assert_eq!(o, 5);
    assert!(m.contains("finite"), "{m}");
}

#[test]
fn keywords_in_either_case_only() {
    assert_eq!(
        toks("and AND && or OR || not NOT ! in IN like LIKE"),
        vec![
            Tok::And,
            Tok::And,
            Tok::And,
            Tok::Or,
            Tok::Or,
            Tok::Or,
            Tok::Not,
            Tok::Not,
            Tok::Not,
            Tok::In,
            Tok::In,
            Tok::Like,
            Tok::Like,
            Tok::Eof
        ]
    );
    assert_eq!(
        toks("true True TRUE false False FALSE tRUE"),
        vec![
            Tok::Bool(true),
            Tok::Bool(true),
            Tok::Bool(true),
            Tok::Bool(false),
            Tok::Bool(false),
            Tok::Bool(false),
            Tok::Ident("tRUE".into()),
            Tok::Eof
        ]
    );
    assert_eq!(
        toks("And ARRAY_CONTAINS json_contains_any Array_Length"),
        vec![
            Tok::Ident("And".into()),
            Tok::Func(Func::ArrayContains),
            Tok::Func(Func::JsonContainsAny),
            Tok::Ident("Array_Length".into()),
            Tok::Eof
        ]
    );
}

#[test]
fn string_escapes() {
    let s = r#""a\"b\'c\\d\n\t\r\a\b\f\v\101\x41\u00e9\U0001F600" 'it\'s "q"'"#;
    assert_eq!(
        toks(s),
        vec![
            Tok::Str("a\"b'c\\d\n\t\r\x07\x08\x0c\x0bAAé😀".into()),
            Tok::Str("it's \"q\"".into()),
            Tok::Eof
        ]
    );
    // Byte escapes combine into UTF-8, as Go's strings do.
    assert_eq!(
        toks(r#""\xe6\x95\xb0""#),
        vec![Tok::Str("数".into()), Tok::Eof]
    );
}

#[test]
fn bad_strings() {
    let (o, m) = err(r#"s like "50\%""#);
    assert_eq!(o, 10);
    assert!(
        m.contains("unknown escape `\\%`") && m.contains("expected"),
        "{m}"
    );
    let (o, m) = err("s == \"ab\ncd\"");
    assert_eq!(o, 8);
    assert!(m.contains("newline"), "{m}");
    let (o, m) = err("s == 'abc");
    assert_eq!(o, 5);
    assert!(m.contains("expected a closing '"), "{m}");
    let (o, m) = err(r#"s == "\xff""#);
    assert_eq!(o, 5);
    assert!(m.contains("UTF-8"), "{m}");
    let (o, m) = err(r#"s == "\ud800""#);
    assert_eq!(o, 6);
    assert!(m.contains("Unicode scalar"), "{m}");
    let (o, m) = err(r#"s == "\x4""#);
    assert_eq!(o, 6);
    assert!(m.contains("expected 2 hex digits"), "{m}");
    let (o, m) = err(r#"s == "\400""#);
    assert_eq!(o, 6);
    assert!(m.contains("byte"), "{m}");
}

#[test]
fn offsets_count_characters() {
    let t = tokenize("名字 == 1").unwrap_err();
    assert!(matches!(t, Error::Filter { offset: 0, .. }));
    let t = tokenize("s == \"数据\" ; x").unwrap_err();
    match t {
        Error::Filter { offset, message } => {
            assert_eq!(offset, 10);
            assert!(message.contains("';'"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn stray_operators() {
    let (o, m) = err("a = 1");
    assert_eq!((o, m.contains("expected `==`")), (2, true));
    let (o, m) = err("a == 1 & b");
    assert_eq!((o, m.contains("expected `&&`")), (7, true));
    let (o, m) = err("a == 1 | b");
    assert_eq!((o, m.contains("expected `||`")), (7, true));
    let (o, _) = err("a == `b`");
    assert_eq!(o, 5);
}
