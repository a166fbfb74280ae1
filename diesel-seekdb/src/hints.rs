//! What to do about the server errors vector-index users meet: index upkeep, memory,
//! timeouts. [`Error::hint`](crate::Error::hint) answers from here, and a server
//! error's `Display` ends with the hint, so a log line says what to do next.

/// The advice for server error `code` whose message is `message`.
pub(crate) fn for_server_error(code: u32, message: &str) -> Option<&'static str> {
    Some(match code {
        4179 => {
            "another REFRESH_INDEX or REBUILD_INDEX of this index is running: wait for it \
             and call again (the clients and upkeep::IndexBusyRetry retry by this number; \
             raise the retries for long rebuilds)"
        }
        // OB_ALLOCATE_MEMORY_FAILED, OB_EXCEED_MEM_LIMIT, OB_TENANT_OUT_OF_MEM.
        4013 | 4019 | 4030 => {
            "the server is out of memory: check upkeep::vector_memory() and ask \
             upkeep::index_memory_advice() before building a vector index; use a quantized \
             index (HNSW_SQ, HNSW_BQ, IVF_PQ), a smaller m, or give seekdb more memory \
             (memory_limit)"
        }
        // OB_TIMEOUT, OB_TRANS_TIMEOUT.
        4012 | 6210 => {
            "the statement ran past ob_query_timeout (10 s by default): raise it for this \
             session (SET ob_query_timeout = <microseconds>); a LOAD DATA that timed out may \
             have committed part of its rows"
        }
        1210 if message.contains("index name") => {
            "the vector index does not exist on that table: check its name (SHOW INDEX FROM \
             <table>); the arguments are index name first, then table"
        }
        1210 if message.contains("table name") => {
            "the table does not exist in the connection's database: check its name"
        }
        1235 if message.contains("vector index") => {
            "seekdb refused these vector index parameters: see ddl::VectorIndex for the \
             kinds, distances and parameters it accepts"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upkeep_and_memory_errors_have_hints() {
        assert!(for_server_error(4179, "")
            .unwrap()
            .contains("REBUILD_INDEX"));
        assert!(for_server_error(4013, "").unwrap().contains("memory"));
        assert!(for_server_error(1210, "Incorrect arguments to index name")
            .unwrap()
            .contains("index name first"));
        assert_eq!(
            for_server_error(1210, "Incorrect arguments to whatever"),
            None
        );
        assert_eq!(for_server_error(1062, "Duplicate entry"), None);
    }
}
