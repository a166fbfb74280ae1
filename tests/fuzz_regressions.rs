//! Replays the committed fuzz corpus (`fuzz/corpus/<target>`, the seeds) and every
//! input a fuzzer ever crashed on (`fuzz/regressions/<target>`) through the checks the
//! cargo-fuzz targets run, so the stable suite keeps them passing. See docs/fuzzing.md.

use std::path::Path;

use diesel_seekdb::fuzzing;

fn replay(target: &str, check: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut replayed = 0;
    for dir in ["corpus", "regressions"] {
        let dir = root.join(dir).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries
            .map(|e| e.expect("directory entry").path())
            .collect();
        paths.sort();
        for path in paths {
            let data = std::fs::read(&path).expect("corpus file");
            // Name the input that fails; the check's own panic says what broke.
            let outcome = std::panic::catch_unwind(|| check(&data));
            assert!(outcome.is_ok(), "{} failed", path.display());
            replayed += 1;
        }
    }
    assert!(
        replayed > 0,
        "no corpus for {target} under {}",
        root.display()
    );
}

#[test]
fn vector_codec_corpus() {
    replay("vector_codec", fuzzing::vector_codec);
}

#[test]
fn sparse_codec_corpus() {
    replay("sparse_codec", fuzzing::sparse_codec);
}

#[test]
fn milvus_filter_corpus() {
    replay("milvus_filter", fuzzing::milvus_filter);
}

#[test]
fn dyn_query_corpus() {
    replay("dyn_query", fuzzing::dyn_query);
}
