//! Grouping search for typed queries: Milvus's `group_by_field` / `group_size` over
//! rows a Diesel ANN query loaded nearest first.

/// The first `groups` groups of `rows` (nearest first, as an `ORDER BY distance`
/// query returns them) by `key`, each with up to `group_size` rows: groups are ranked
/// by their best row, as Milvus's grouping search ranks them. Load enough candidates
/// (`.limit(k)` with k well above `groups * group_size`; the clients'
/// [`grouped_search`](crate::ObVecClient::grouped_search) grows k itself).
///
/// ```
/// use diesel_seekdb::diesel_ext::group_nearest;
/// // (doc, chunk) pairs, nearest first.
/// let rows = vec![(7, "a"), (7, "b"), (3, "c"), (7, "d"), (5, "e"), (3, "f")];
/// let groups = group_nearest(rows, |r| r.0, 2, 2);
/// assert_eq!(groups, vec![
///     (7, vec![(7, "a"), (7, "b")]),
///     (3, vec![(3, "c"), (3, "f")]),
/// ]);
/// ```
pub fn group_nearest<T, K: PartialEq>(
    rows: impl IntoIterator<Item = T>,
    key: impl Fn(&T) -> K,
    groups: usize,
    group_size: usize,
) -> Vec<(K, Vec<T>)> {
    let mut out: Vec<(K, Vec<T>)> = Vec::new();
    for row in rows {
        let k = key(&row);
        if let Some(i) = out.iter().position(|(g, _)| *g == k) {
            if out[i].1.len() < group_size {
                out[i].1.push(row);
            }
        } else if out.len() < groups && group_size > 0 {
            out.push((k, vec![row]));
        }
    }
    out
}
