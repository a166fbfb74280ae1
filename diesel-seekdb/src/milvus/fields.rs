//! pymilvus's output-field forms beyond plain names: `"*"` (every field) and, in
//! `query`, `"count(*)"` (the number of matching rows instead of the rows).

use crate::client::TableInfo;
use crate::error::{Error, Result};

/// What a request's `output_fields` ask for.
#[derive(Debug, PartialEq)]
pub(super) enum Outputs {
    /// These columns (`"*"` expanded to every column of the collection).
    Fields(Vec<String>),
    /// `["count(*)"]`: one row `{"count(*)": n}`.
    Count,
}

fn is_count(field: &str) -> bool {
    let squeezed: String = field.chars().filter(|c| !c.is_whitespace()).collect();
    squeezed.eq_ignore_ascii_case("count(*)")
}

/// Reads `fields`; `count(*)` is allowed only where `can_count` (a query) and only alone.
pub(super) fn outputs(info: &TableInfo, fields: &[&str], can_count: bool) -> Result<Outputs> {
    if fields.iter().any(|f| is_count(f)) {
        if !can_count {
            return Err(Error::validation(
                "output_fields",
                "`count(*)` counts rows in `query`; a search or get returns rows",
            ));
        }
        if fields.len() > 1 {
            return Err(Error::validation(
                "output_fields",
                "`count(*)` must be the only output field",
            ));
        }
        return Ok(Outputs::Count);
    }
    let mut out: Vec<String> = Vec::new();
    let mut push = |name: &str| {
        if !out.iter().any(|f| f.eq_ignore_ascii_case(name)) {
            out.push(name.to_string());
        }
    };
    for f in fields {
        if f.trim() == "*" {
            for c in &info.columns {
                push(&c.name);
            }
        } else {
            push(f);
        }
    }
    Ok(Outputs::Fields(out))
}

/// `output_fields` of a search or `get`: `"*"` expanded; `count(*)` refused.
pub(super) fn plain_fields(info: &TableInfo, fields: &[&str]) -> Result<Vec<String>> {
    match outputs(info, fields, false)? {
        Outputs::Fields(fields) => Ok(fields),
        Outputs::Count => Err(Error::validation(
            "output_fields",
            "`count(*)` is for query",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{ColumnInfo, ColumnKind};

    fn info() -> TableInfo {
        let column = |name: &str| ColumnInfo {
            name: name.into(),
            column_type: "TEXT".into(),
            parsed_type: None,
            kind: ColumnKind::Text,
            nullable: true,
            primary_key: false,
            auto_increment: false,
            comment: String::new(),
        };
        TableInfo {
            name: "docs".into(),
            columns: vec![column("id"), column("title"), column("embedding")],
            indexes: Vec::new(),
            partitions: Vec::new(),
        }
    }

    #[test]
    fn star_is_every_column_once_and_count_stands_alone() {
        let info = info();
        assert_eq!(
            outputs(&info, &["*"], true).unwrap(),
            Outputs::Fields(vec!["id".into(), "title".into(), "embedding".into()])
        );
        assert_eq!(
            outputs(&info, &["title", "*"], false).unwrap(),
            Outputs::Fields(vec!["title".into(), "id".into(), "embedding".into()])
        );
        assert_eq!(
            outputs(&info, &["COUNT( * )"], true).unwrap(),
            Outputs::Count
        );
        assert!(matches!(
            outputs(&info, &["count(*)", "id"], true),
            Err(Error::Validation { .. })
        ));
        assert!(matches!(
            outputs(&info, &["count(*)"], false),
            Err(Error::Validation { .. })
        ));
        assert_eq!(
            outputs(&info, &["title"], true).unwrap(),
            Outputs::Fields(vec!["title".into()])
        );
    }
}
