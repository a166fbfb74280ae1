//! `partition(...)` attributes.

use super::*;

pub(super) fn parse_partition(meta: &ParseNestedMeta, sub: bool) -> syn::Result<Part> {
    let span = meta.path.span();
    let mut method: Option<Method> = None;
    let mut columns = Vec::new();
    let mut count = None;
    let mut defs: Vec<PDef> = Vec::new();
    let mut defs_span = None;
    let mut subpart = None;
    meta.parse_nested_meta(|inner| {
        let key = key_name(&inner);
        let m = match key.as_str() {
            "range" => Some(Method::Range),
            "range_columns" => Some(Method::RangeColumns),
            "list" => Some(Method::List),
            "list_columns" => Some(Method::ListColumns),
            "hash" => Some(Method::Hash),
            "key" => Some(Method::Key),
            _ => None,
        };
        if let Some(m) = m {
            if method.is_some() {
                return Err(inner.error("a partition level has one method"));
            }
            columns = ident_list(&inner)?;
            let single = matches!(m, Method::Range | Method::List | Method::Hash);
            if single && columns.len() != 1 {
                return Err(inner.error(format!("`{key}(column)` takes exactly one column")));
            }
            if matches!(m, Method::RangeColumns | Method::ListColumns) && columns.is_empty() {
                return Err(inner.error(format!("`{key}(...)` needs at least one column")));
            }
            method = Some(m);
            return Ok(());
        }
        match key.as_str() {
            "partitions" => count = Some(u32_value(&inner, 1, 8192)?),
            "less_than" | "values_in" => {
                if !defs.is_empty() {
                    return Err(inner.error("partitions are listed once"));
                }
                defs_span = Some((inner.path.span(), key == "less_than"));
                let less_than = key == "less_than";
                inner.parse_nested_meta(|d| {
                    let name = key_name(&d);
                    let mut values = Vec::new();
                    if d.input.peek(Token![=]) {
                        values.push(partition_value(&d.value()?.parse()?)?);
                    } else {
                        let content;
                        syn::parenthesized!(content in d.input);
                        let list = Punctuated::<Expr, Token![,]>::parse_terminated(&content)?;
                        for e in &list {
                            values.push(partition_value(e)?);
                        }
                        if values.is_empty() {
                            return Err(d.error("a partition needs a value"));
                        }
                    }
                    defs.push(PDef {
                        name,
                        less_than,
                        values,
                    });
                    Ok(())
                })?;
            }
            "subpartition" if !sub => {
                subpart = Some(Box::new(parse_partition(&inner, true)?));
            }
            _ => {
                return Err(inner.error(format!(
                    "unknown key `{key}` in `{}(...)`; expected hash(c), key(...), range(c), \
                     range_columns(...), list(c), list_columns(...), partitions = N, \
                     less_than(...), values_in(...){}",
                    if sub { "subpartition" } else { "partition" },
                    if sub { "" } else { " or subpartition(...)" }
                )))
            }
        }
        Ok(())
    })?;
    let Some(method) = method else {
        return err(
            span,
            "name the method: hash(c), key(...), range(c), range_columns(...), list(c) or list_columns(...)",
        );
    };
    let hashlike = matches!(method, Method::Hash | Method::Key);
    if let Some((dspan, less_than)) = defs_span {
        let ok = if less_than {
            matches!(method, Method::Range | Method::RangeColumns)
        } else {
            matches!(method, Method::List | Method::ListColumns)
        };
        if !ok {
            return err(
                dspan,
                if less_than {
                    "`less_than(...)` goes with range / range_columns"
                } else {
                    "`values_in(...)` goes with list / list_columns"
                },
            );
        }
    }
    if count.is_some() && !hashlike {
        return err(span, "`partitions = N` goes with hash / key partitioning");
    }
    if hashlike && count.is_none() {
        return err(span, "hash / key partitioning needs `partitions = N`");
    }
    if !hashlike && defs.is_empty() {
        return err(
            span,
            "range / list partitioning needs its partitions: less_than(p0 = 10, ...) or values_in(p0(1, 2), ...)",
        );
    }
    Ok(Part {
        method,
        columns,
        count,
        defs,
        sub: subpart,
    })
}

fn partition_value(e: &Expr) -> syn::Result<PValue> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Int(i) => Ok(PValue::Int(i.base10_parse()?)),
            Lit::Str(s) => Ok(PValue::Str(s.value())),
            other => err(other, "expected an integer, a string, MAXVALUE or DEFAULT"),
        },
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => match &*u.expr {
            Expr::Lit(l) => match &l.lit {
                Lit::Int(i) => Ok(PValue::Int(-i.base10_parse::<i64>()?)),
                other => err(other, "expected an integer"),
            },
            other => err(other, "expected an integer"),
        },
        Expr::Path(p) if p.path.is_ident("MAXVALUE") => Ok(PValue::MaxValue),
        Expr::Path(p) if p.path.is_ident("DEFAULT") => Ok(PValue::Default),
        other => err(other, "expected an integer, a string, MAXVALUE or DEFAULT"),
    }
}
