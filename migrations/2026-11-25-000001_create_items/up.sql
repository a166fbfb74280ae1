-- The quickstart table: an 8-dimensional embedding with an HNSW (l2) index, a JSON
-- metadata column and a category to filter on.
CREATE TABLE items (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  title VARCHAR(255) NOT NULL,
  category VARCHAR(64) NOT NULL,
  meta JSON,
  embedding VECTOR(8) NOT NULL,
  VECTOR INDEX items_embedding_idx (embedding) WITH (distance=l2, type=hnsw, lib=vsag, m=16, ef_construction=200)
);
