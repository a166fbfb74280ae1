-- Articles searched by keyword and by meaning: a full-text index with the ngram parser
-- (it tokenizes CJK text and needs no dictionary) next to a cosine HNSW index.
-- ORGANIZATION HEAP because seekdb's hybrid search (DBMS_HYBRID_SEARCH) refuses
-- index-organized tables that have a user primary key; diesel needs the primary key.
-- On a heap table seekdb builds the HNSW index with SYNC_MODE=ASYNC unless told
-- otherwise, and new rows stay invisible to APPROXIMATE queries until
-- DBMS_VECTOR.REFRESH_INDEX runs; sync_mode=immediate indexes them on insert.
CREATE TABLE articles (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  title VARCHAR(255) NOT NULL,
  body TEXT NOT NULL,
  embedding VECTOR(4) NOT NULL,
  FULLTEXT INDEX articles_body_ftx (body) WITH PARSER ngram PARSER_PROPERTIES=(ngram_token_size=2),
  VECTOR INDEX articles_embedding_idx (embedding) WITH (distance=cosine, type=hnsw, lib=vsag, m=16, ef_construction=200, sync_mode=immediate)
) ORGANIZATION HEAP;
