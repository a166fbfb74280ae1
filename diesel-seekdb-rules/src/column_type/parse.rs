//! The grammar of [`ColumnType`]: declared types (what users and the derive write,
//! checked) and the looser spellings the server reports in `information_schema`.

use super::ColumnType;

/// What [`parse`] accepts, for error messages.
pub const EXPECTED: &str = "an integer type, FLOAT, DOUBLE, DECIMAL(p, s), VARCHAR(n), CHAR(n), \
                            BINARY(n), VARBINARY(n), TEXT types, JSON, DATETIME, TIMESTAMP, \
                            DATE, TIME, YEAR, BOOL, VECTOR(n), SPARSEVECTOR, ENUM(...), \
                            SET(...), POINT [SRID n] or ARRAY(...)";

/// Parses a declared type: the spellings [`ColumnType::to_sql`] produces,
/// case-insensitively and with any spacing, plus `INTEGER`, `BOOLEAN`, `REAL`,
/// `NUMERIC(p, s)` and `TINYINT(1)`. The result also passes [`ColumnType::check`].
pub fn parse(text: &str) -> Result<ColumnType, String> {
    let t = parse_in(text, false, 0)?;
    t.check()?;
    Ok(t)
}

/// [`ColumnType::from_server`].
pub(super) fn parse_server(text: &str) -> Option<ColumnType> {
    parse_in(text, true, 0).ok()
}

/// Upper case, single spaces.
fn normalize(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase()
}

/// Splits `HEAD(args) TAIL`; the arguments may hold quoted strings and parentheses.
/// The server does not escape quotes inside ENUM/SET values (`enum('a','it's')`), so
/// its spellings are split at the last `)`, which no tail it prints contains.
fn split(text: &str, server: bool) -> Result<(String, Option<&str>, String), String> {
    let Some(open) = text.find('(') else {
        return Ok((normalize(text), None, String::new()));
    };
    if server {
        let close = text
            .rfind(')')
            .ok_or_else(|| format!("unbalanced parentheses in `{text}`"))?;
        return Ok((
            normalize(&text[..open]),
            Some(&text[open + 1..close]),
            normalize(&text[close + 1..]),
        ));
    }
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    let mut close = None;
    for (i, c) in text[open..].char_indices() {
        if quoted {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '\'' => quoted = false,
                _ => {}
            }
            continue;
        }
        match c {
            '\'' => quoted = true,
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(open + i);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close.ok_or_else(|| format!("unbalanced parentheses in `{text}`"))?;
    Ok((
        normalize(&text[..open]),
        Some(&text[open + 1..close]),
        normalize(&text[close + 1..]),
    ))
}

/// `'a', 'it''s'` -> `["a", "it's"]`.
fn quoted_list(args: &str) -> Result<Vec<String>, String> {
    let bad = || format!("`({args})`: expected quoted values");
    let mut values = Vec::new();
    let mut chars = args.trim().chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next() != Some('\'') {
            return Err(bad());
        }
        let mut value = String::new();
        loop {
            match chars.next().ok_or_else(bad)? {
                '\\' => value.push(chars.next().ok_or_else(bad)?),
                '\'' if chars.next_if_eq(&'\'').is_some() => value.push('\''),
                '\'' => break,
                c => value.push(c),
            }
        }
        values.push(value);
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        match chars.next() {
            None => return Ok(values),
            Some(',') => {}
            Some(_) => return Err(bad()),
        }
    }
}

/// ENUM/SET values as information_schema prints them: quoted, separated by `','`,
/// inner quotes not escaped (a value containing `','` cannot be told apart).
fn server_list(args: &str) -> Result<Vec<String>, String> {
    let inner = args
        .trim()
        .strip_prefix('\'')
        .and_then(|a| a.strip_suffix('\''))
        .ok_or_else(|| format!("`({args})`: expected quoted values"))?;
    Ok(inner.split("','").map(str::to_string).collect())
}

/// One grammar for both readings; `server` relaxes it to what information_schema
/// prints: integer display widths (`int(11)`), `UNSIGNED` after them, fractional-second
/// precisions (`datetime(6)`), `FLOAT(p, s)`, `YEAR(4)` and unsigned floats.
fn parse_in(text: &str, server: bool, depth: usize) -> Result<ColumnType, String> {
    // Bounded recursion: a hostile `ARRAY(ARRAY(...` string must not overflow the stack.
    if depth > crate::MAX_ARRAY_DEPTH {
        return Err(format!(
            "ARRAY nesting deeper than {}",
            crate::MAX_ARRAY_DEPTH
        ));
    }
    let (head, args, tail) = split(text.trim(), server)?;
    if let Some(rest) = head.strip_prefix("POINT").filter(|_| args.is_none()) {
        return match rest.trim().strip_prefix("SRID") {
            _ if rest.is_empty() => Ok(ColumnType::Point(None)),
            Some(n) if rest.starts_with(' ') => n
                .trim()
                .parse::<u32>()
                .map(|n| ColumnType::Point(Some(n)))
                .map_err(|_| format!("`{text}`: expected `POINT SRID <number>`")),
            _ => Err(format!("unknown SQL type `{text}`; expected {EXPECTED}")),
        };
    }
    let list = |what: &str| -> Result<Vec<String>, String> {
        let a = args.ok_or_else(|| format!("`{what}` needs values"))?;
        if server {
            server_list(a)
        } else {
            quoted_list(a)
        }
    };
    let (base, mut unsigned) = match head.strip_suffix(" UNSIGNED") {
        Some(b) => (b, true),
        None => (head.as_str(), false),
    };
    match tail.as_str() {
        "" => {}
        "UNSIGNED" | "UNSIGNED ZEROFILL" | "ZEROFILL" if server && !unsigned => unsigned = true,
        _ => return Err(format!("unexpected `{tail}` in `{text}`")),
    }
    let nums = |n: usize| -> Result<Vec<u32>, String> {
        let a = args.ok_or_else(|| format!("`{base}` needs {n} argument(s)"))?;
        let v = a
            .split(',')
            .map(|x| x.trim().parse::<u32>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| format!("`{base}({a})`: expected numbers"))?;
        if v.len() != n {
            return Err(format!("`{base}` takes {n} argument(s)"));
        }
        Ok(v)
    };
    // Arguments the server prints and a declaration may not carry.
    let plain = |t: ColumnType| -> Result<ColumnType, String> {
        match args {
            Some(_) if !server => Err(format!("`{base}` takes no arguments")),
            _ => Ok(t),
        }
    };
    let integer = |signed: ColumnType, unsigned_type: ColumnType| -> Result<ColumnType, String> {
        if base == "TINYINT" && !unsigned && args.map(str::trim) == Some("1") {
            return Ok(ColumnType::Bool);
        }
        let t = if unsigned { unsigned_type } else { signed };
        match args {
            None => Ok(t),
            Some(a) if server && a.trim().parse::<u32>().is_ok() => Ok(t),
            Some(_) => Err(format!("`{base}` takes no arguments")),
        }
    };
    let numeric = matches!(base, "FLOAT" | "DOUBLE" | "REAL" | "DECIMAL" | "NUMERIC");
    let integer_base = base.ends_with("INT") || base.ends_with("INTEGER");
    if unsigned && !integer_base && !(server && numeric) {
        return Err(format!("`{base}` cannot be UNSIGNED"));
    }
    let none = |t: ColumnType| -> Result<ColumnType, String> {
        match args {
            None => Ok(t),
            Some(_) => Err(format!("`{base}` takes no arguments")),
        }
    };
    Ok(match base {
        "TINYINT" => integer(ColumnType::TinyInt, ColumnType::TinyIntUnsigned)?,
        "SMALLINT" => integer(ColumnType::SmallInt, ColumnType::SmallIntUnsigned)?,
        "MEDIUMINT" => integer(ColumnType::MediumInt, ColumnType::MediumIntUnsigned)?,
        "INT" | "INTEGER" => integer(ColumnType::Int, ColumnType::IntUnsigned)?,
        "BIGINT" => integer(ColumnType::BigInt, ColumnType::BigIntUnsigned)?,
        "BOOL" | "BOOLEAN" => none(ColumnType::Bool)?,
        "FLOAT" => plain(ColumnType::Float)?,
        "DOUBLE" | "REAL" => plain(ColumnType::Double)?,
        "DECIMAL" | "NUMERIC" => {
            let v = nums(2)?;
            ColumnType::Decimal(v[0], v[1])
        }
        "VARCHAR" => ColumnType::Varchar(nums(1)?[0]),
        "CHAR" => ColumnType::Char(nums(1)?[0]),
        "BINARY" => ColumnType::Binary(nums(1)?[0]),
        "VARBINARY" => ColumnType::VarBinary(nums(1)?[0]),
        "VECTOR" => ColumnType::Vector(nums(1)?[0]),
        "TINYTEXT" => none(ColumnType::TinyText)?,
        "TEXT" => none(ColumnType::Text)?,
        "MEDIUMTEXT" => none(ColumnType::MediumText)?,
        "LONGTEXT" => none(ColumnType::LongText)?,
        "JSON" => none(ColumnType::Json)?,
        "DATE" => none(ColumnType::Date)?,
        "DATETIME" => plain(ColumnType::DateTime)?,
        "TIMESTAMP" => plain(ColumnType::Timestamp)?,
        "TIME" => plain(ColumnType::Time)?,
        "YEAR" => plain(ColumnType::Year)?,
        "SPARSEVECTOR" => none(ColumnType::SparseVector)?,
        "ENUM" => ColumnType::Enum(list("ENUM")?),
        "SET" => ColumnType::Set(list("SET")?),
        "ARRAY" => {
            let inner = args.ok_or("`ARRAY` needs an element type")?;
            ColumnType::array(parse_in(inner, server, depth + 1)?)
        }
        _ => return Err(format!("unknown SQL type `{text}`; expected {EXPECTED}")),
    })
}
