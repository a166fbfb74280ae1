//! The `spatial` field attribute: a SPATIAL index on a `Point` field, which is what
//! `_st_dwithin` and the other spatial filters plan on.

use super::*;

/// A SPATIAL index: `SPATIAL KEY name (column)`.
pub struct SpatialIdx {
    pub name: String,
    pub column: String,
}

/// `spatial` or `spatial(name = "...")`: the index name, if given.
pub(super) fn parse_spatial(meta: &ParseNestedMeta) -> syn::Result<Option<String>> {
    super::scalar_index::parse_index_name(meta, "spatial")
}

/// Checks a field's `spatial` attribute against its column: a POINT, NOT NULL (the
/// server refuses a SPATIAL index on a nullable column, error 1252).
pub(super) fn check_spatial(
    column: &str,
    ty: &ColumnType,
    nullable: bool,
    spatial: Option<(Option<String>, Span)>,
    out: &mut Vec<SpatialIdx>,
) -> syn::Result<()> {
    let Some((name, span)) = spatial else {
        return Ok(());
    };
    if !matches!(ty, ColumnType::Point(_)) {
        return err(
            span,
            format!(
                "`spatial` indexes go on `Point` (POINT) fields, not {}",
                ty.to_sql()
            ),
        );
    }
    if nullable {
        return err(
            span,
            "a SPATIAL index needs a NOT NULL column: use `Point`, not `Option<Point>`",
        );
    }
    out.push(SpatialIdx {
        name: name.unwrap_or_else(|| format!("sidx_{column}")),
        column: column.to_string(),
    });
    Ok(())
}
