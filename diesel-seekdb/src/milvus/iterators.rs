//! pymilvus's `query_iterator` and `search_iterator` on the client core's keyset
//! pages ([`crate::client::QueryIter`], [`crate::client::SearchIter`]).

use super::describe::filter_schema;
use super::filter::{compile, FilterParams};
use super::search::{to_hit, Hit, SearchRequest};
use super::MilvusLikeClient;
use crate::client::{Distance, Pages, QueryIter, SearchIter};
use crate::ddl::{validate_ident, IdentKind};
use crate::error::{Error, Result};

impl MilvusLikeClient {
    /// pymilvus `query_iterator`: the rows matching a Milvus filter (`""`: every row),
    /// `batch_size` per page in primary-key order, at most `limit` in all. Each item
    /// is a page; the iterator ends after the last row.
    pub fn query_iterator(
        &self,
        collection_name: &str,
        filter: &str,
        params: Option<&FilterParams>,
        output_fields: &[&str],
        batch_size: usize,
        limit: Option<usize>,
    ) -> Result<Pages<'_>> {
        validate_ident("collection_name", collection_name, IdentKind::Table)?;
        let info = self.sql_client().table_info(collection_name)?;
        let mut it = QueryIter::new(&info.name)
            .batch_size(batch_size)
            .output_columns(output_fields.iter().copied());
        if let Some(f) = compile(filter, &filter_schema(&info), params)? {
            it = it.filter(f);
        }
        if let Some(limit) = limit {
            it = it.limit(limit);
        }
        Ok(self.sql_client().query_iter(it))
    }

    /// pymilvus `search_iterator`: the hits of `request`'s one query vector, nearest
    /// first (ties by primary key), `batch_size` per page, at most `limit` in all
    /// (`request.limit` is the page size of a plain search and is not used here).
    /// Pages are exact searches continued after the last (distance, key).
    pub fn search_iterator(
        &self,
        collection_name: &str,
        request: SearchRequest,
        batch_size: usize,
        limit: Option<usize>,
    ) -> Result<impl Iterator<Item = Result<Vec<Hit>>> + '_> {
        validate_ident("collection_name", collection_name, IdentKind::Table)?;
        let info = self.sql_client().table_info(collection_name)?;
        let [vector] = request.data.as_slice() else {
            return Err(Error::validation(
                "data",
                "search_iterator takes exactly one query vector",
            ));
        };
        let metric = match &request.metric {
            Some(m) => Distance::parse(m)?,
            None => info
                .vector_index_on(&request.anns_field)
                .and_then(|i| i.distance.as_deref())
                .map_or(Ok(Distance::L2), Distance::parse)?,
        };
        let pk: Vec<String> = info.primary_key().iter().map(|c| c.name.clone()).collect();
        let mut it = SearchIter::new(&info.name, &request.anns_field, vector.clone())
            .distance(metric)
            .batch_size(batch_size)
            .partitions(request.partitions.clone());
        if !request.output_fields.is_empty() {
            it = it.output_columns(request.output_fields.clone());
        }
        if let Some((expr, params)) = &request.filter {
            if let Some(f) = compile(expr, &filter_schema(&info), params.as_ref())? {
                it = it.filter(f);
            }
        }
        if let Some(limit) = limit {
            it = it.limit(limit);
        }
        let asked = request.output_fields;
        Ok(self.sql_client().search_iter(it).map(move |page| {
            Ok(page?
                .into_iter()
                .map(|row| to_hit(row, &pk, &asked))
                .collect())
        }))
    }
}
