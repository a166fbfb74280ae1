use super::*;
use crate::ddl::{Distance, VecIndexType};
use retry::Retryable;

#[test]
fn calls_render_index_then_table_with_quoted_names() {
    assert_eq!(
        RefreshIndex::new("v'idx", "it\\ems")
            .threshold(0)
            .to_sql()
            .unwrap(),
        "CALL DBMS_VECTOR.REFRESH_INDEX('v''idx', 'it\\\\ems', '', 0)"
    );
    assert_eq!(
        RebuildIndex::new("vidx", "items")
            .threshold(1.0)
            .to_sql()
            .unwrap(),
        "CALL DBMS_VECTOR.REBUILD_INDEX('vidx', 'items', '', 1)"
    );
}

#[test]
fn bad_arguments_are_refused_before_sending() {
    let e = RebuildIndex::new("vidx", "items")
        .threshold(1.5)
        .to_sql()
        .unwrap_err();
    assert!(
        matches!(e, Error::Validation { ref parameter, .. } if parameter == "trigger_threshold")
    );
    let e = RefreshIndex::new("vidx", "items")
        .threshold(-1)
        .to_sql()
        .unwrap_err();
    assert!(
        matches!(e, Error::Validation { ref parameter, .. } if parameter == "trigger_threshold")
    );
    let e = RefreshIndex::new("", "items").to_sql().unwrap_err();
    assert!(matches!(e, Error::Validation { ref parameter, .. } if parameter == "index_name"));
    let e = RebuildIndex::new("vidx", "x".repeat(65))
        .to_sql()
        .unwrap_err();
    assert!(matches!(e, Error::Validation { ref parameter, .. } if parameter == "table_name"));
    let index = VectorIndex::new("vidx", "v");
    assert!(memory_advice_sql(&index, 0, 128).is_err());
    assert!(memory_advice_sql(&index, 10, 0).is_err());
}

#[test]
fn advisor_dimensions_are_checked_as_an_index_would_be() {
    let param = |r: Result<String>| match r {
        Err(Error::Validation { parameter, .. }) => parameter,
        other => panic!("expected a validation error, got {other:?}"),
    };
    let hnsw = VectorIndex::new("vidx", "v");
    assert!(memory_advice_sql(&hnsw, 10, 4096).is_ok());
    assert_eq!(param(memory_advice_sql(&hnsw, 10, 4097)), "dim");
    assert_eq!(param(memory_advice_sql(&hnsw, 10, 100_000)), "dim");
    let ivf = VectorIndex::new("vidx", "v").index_type(VecIndexType::IvfFlat);
    assert!(memory_advice_sql(&ivf, 10, 2048).is_ok());
    assert_eq!(param(memory_advice_sql(&ivf, 10, 2049)), "dim");
    let pq = VectorIndex::new("vidx", "v")
        .index_type(VecIndexType::IvfPq)
        .m(4)
        .nbits(8);
    assert!(memory_advice_sql(&pq, 10, 128).is_ok());
    assert_eq!(param(memory_advice_sql(&pq, 10, 130)), "m");
    // The advisor's dimension wins over one set on the index.
    assert!(memory_advice_sql(&hnsw.clone().dim(9000), 10, 128).is_ok());
    let sparse = VectorIndex::new("vidx", "v")
        .index_type(VecIndexType::Sindi)
        .distance(Distance::InnerProduct);
    assert!(memory_advice_sql(&sparse, 10, 100_000).is_ok());
}

#[test]
fn advisor_takes_the_index_kind_and_its_parameters() {
    let index = VectorIndex::new("vidx", "v")
        .index_type(VecIndexType::IvfFlat)
        .distance(Distance::L2)
        .nlist(128);
    assert_eq!(
        memory_advice_sql(&index, 1_000_000, 768).unwrap(),
        "SELECT DBMS_VECTOR.INDEX_VECTOR_MEMORY_ADVISOR('IVF_FLAT', 1000000, 768, 'FLOAT32', \
         'DISTANCE=L2,TYPE=IVF_FLAT,LIB=OB,NLIST=128') AS `advice`"
    );
}

#[test]
fn advice_sentences_become_bytes() {
    let a = MemoryAdvice::parse("Suggested minimum vector memory is 33.1 MB").unwrap();
    assert_eq!(a.minimum_bytes, (33.1f64 * 1048576.0).round() as u64);
    assert_eq!(a.search_bytes, None);
    assert!(a.fits_in(40 << 20) && !a.fits_in(30 << 20));
    let a = MemoryAdvice::parse(
        "Suggested minimum vector memory is 12.2 MB, memory consumption when providing search \
         service is 76.8 KB",
    )
    .unwrap();
    assert_eq!(a.search_bytes, Some((76.8f64 * 1024.0).round() as u64));
    let a = MemoryAdvice::parse("Suggested minimum vector memory is 7.3 GB").unwrap();
    assert_eq!(a.minimum_bytes, (7.3f64 * 1073741824.0).round() as u64);
    assert!(MemoryAdvice::parse("something else").is_err());
    assert!(MemoryAdvice::parse("Suggested minimum vector memory is 3 parsecs").is_err());
}

#[test]
fn memory_rows_are_summed_and_checked() {
    let row = |h: Value, u: Value, l: Value| {
        let mut m = serde_json::Map::new();
        m.insert("hold".into(), h);
        m.insert("used".into(), u);
        m.insert("limit".into(), l);
        JsonRow(m)
    };
    let m = memory_from_rows(&[row(10.into(), 5.into(), "100".into())]).unwrap();
    assert_eq!((m.hold, m.used, m.limit, m.free()), (10, 5, 100, 90));
    assert!(memory_from_rows(&[]).is_err());
    assert!(memory_from_rows(&[row(Value::Null, 5.into(), 1.into())]).is_err());
}

#[test]
fn index_busy_is_recognised_by_number_only() {
    let busy = Error::Database {
        code: Some(4179),
        message: "anything".into(),
        kind: crate::ServerErrorKind::IndexBusy,
    };
    let lookalike = Error::Database {
        code: Some(1235),
        message: "other refresh/rebuild tasks may be running".into(),
        kind: crate::ServerErrorKind::Unsupported,
    };
    assert!(retry::index_busy(&busy));
    assert!(!retry::index_busy(&lookalike));
    let retry = IndexBusyRetry {
        retries: 2,
        delay: std::time::Duration::from_millis(5),
    };
    let busy_index = Retryable::IndexBusy;
    let failed: Result<()> = Err(busy);
    assert_eq!(
        retry.wait_before_retry(busy_index, 0, &failed),
        Some(retry.delay)
    );
    assert_eq!(retry.wait_before_retry(busy_index, 2, &failed), None);
    assert_eq!(
        retry.wait_before_retry::<()>(busy_index, 0, &Err(lookalike)),
        None
    );
    assert_eq!(retry.wait_before_retry(busy_index, 0, &Ok(())), None);
}

fn server_error(code: u32, message: &str) -> Error {
    Error::Database {
        code: Some(code),
        message: message.into(),
        kind: crate::ServerErrorKind::from_code(code),
    }
}

/// A lock wait timeout is retried for index DDL (which either happened or not, and is
/// checked before the retry), never for the index procedures or anything else.
#[test]
fn lock_wait_timeout_is_retried_for_index_ddl_only() {
    let lock_wait = server_error(
        1205,
        "Lock wait timeout exceeded; try restarting transaction",
    );
    let busy = server_error(4179, "other refresh/rebuild tasks may be running");
    let duplicate_name = server_error(1061, "Duplicate key name 'ft_body'");
    let unsupported = server_error(1235, "Lock wait timeout exceeded");
    let unnumbered = Error::Database {
        code: None,
        message: "Lock wait timeout exceeded; try restarting transaction".into(),
        kind: crate::ServerErrorKind::Other,
    };
    assert!(Retryable::IndexDdl.matches(&lock_wait));
    assert!(Retryable::IndexDdl.matches(&busy));
    assert!(!Retryable::IndexBusy.matches(&lock_wait));
    for other in [&duplicate_name, &unsupported, &unnumbered] {
        assert!(!Retryable::IndexDdl.matches(other), "{other:?}");
        assert!(!Retryable::IndexBusy.matches(other), "{other:?}");
    }
    let retry = IndexBusyRetry {
        retries: 1,
        delay: std::time::Duration::ZERO,
    };
    let mut attempts = Vec::new();
    let result: Result<()> = retry.run_blocking(Retryable::IndexDdl, |n| {
        attempts.push(n);
        Err(server_error(1205, "Lock wait timeout exceeded"))
    });
    assert_eq!(attempts, [0, 1], "one retry, numbered");
    assert_eq!(result.unwrap_err().code(), Some(1205));
}
