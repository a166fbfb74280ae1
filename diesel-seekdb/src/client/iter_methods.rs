//! Keyset iterators on both clients: a Rust `Iterator` of pages on the blocking
//! client, a futures `Stream` of pages on the async one.

use super::iter::{query_page, search_page, Cursor, Page, QueryIter, SearchIter};
use super::ops::Rows;
use super::plan::Op;
use super::ObVecClient;
use crate::error::Result;

/// What is iterated.
#[derive(Debug, Clone)]
enum Source {
    Query(QueryIter),
    Search(SearchIter),
}

impl Source {
    fn page<'a>(&self, cursor: Cursor) -> Result<Op<'a, Page>> {
        match self {
            Source::Query(q) => query_page(q.clone(), cursor),
            Source::Search(s) => search_page(s.clone(), cursor),
        }
    }
}

/// Pages of a [`QueryIter`] or [`SearchIter`] on the blocking client: each item is
/// one page of rows (one statement); the iterator ends after the last row, and
/// after an error.
#[derive(Debug)]
pub struct Pages<'c> {
    client: &'c ObVecClient,
    source: Source,
    cursor: Cursor,
}

impl Iterator for Pages<'_> {
    type Item = Result<Rows>;

    fn next(&mut self) -> Option<Result<Rows>> {
        if self.cursor.done {
            return None;
        }
        let page = self
            .client
            .exec(self.source.page(std::mem::take(&mut self.cursor)));
        finish(&mut self.cursor, page)
    }
}

/// Keeps the cursor after `page`; the page's rows, or nothing at the end.
fn finish(cursor: &mut Cursor, page: Result<Page>) -> Option<Result<Rows>> {
    match page {
        Ok((rows, next)) => {
            *cursor = next;
            (!rows.is_empty()).then_some(Ok(rows))
        }
        Err(e) => {
            cursor.done = true;
            Some(Err(e))
        }
    }
}

impl ObVecClient {
    /// The rows of a [`QueryIter`], page by page in primary-key order (pymilvus's
    /// `query_iterator`; keyset paging, no `OFFSET`).
    pub fn query_iter(&self, query: QueryIter) -> Pages<'_> {
        self.pages(Source::Query(query))
    }

    /// The rows of a [`SearchIter`], page by page, nearest first, ties by primary key
    /// (pymilvus's `search_iterator`; exact, keyset paging, no `OFFSET`).
    pub fn search_iter(&self, search: SearchIter) -> Pages<'_> {
        self.pages(Source::Search(search))
    }

    fn pages(&self, source: Source) -> Pages<'_> {
        Pages {
            client: self,
            source,
            cursor: Cursor::default(),
        }
    }
}

#[cfg(feature = "async")]
mod stream {
    use futures_util::Stream;

    use super::*;
    use crate::client::AsyncObVecClient;

    impl AsyncObVecClient {
        /// [`ObVecClient::query_iter`] as a `Stream` of pages.
        pub fn query_stream(&self, query: QueryIter) -> impl Stream<Item = Result<Rows>> + '_ {
            self.page_stream(Source::Query(query))
        }

        /// [`ObVecClient::search_iter`] as a `Stream` of pages.
        pub fn search_stream(&self, search: SearchIter) -> impl Stream<Item = Result<Rows>> + '_ {
            self.page_stream(Source::Search(search))
        }

        fn page_stream(&self, source: Source) -> impl Stream<Item = Result<Rows>> + '_ {
            futures_util::stream::unfold(Cursor::default(), move |mut cursor| {
                let source = source.clone();
                async move {
                    if cursor.done {
                        return None;
                    }
                    let page = self.exec(source.page(std::mem::take(&mut cursor))).await;
                    finish(&mut cursor, page).map(|item| (item, cursor))
                }
            })
        }
    }
}
