-- The README walkthrough's table: a 4-dimensional embedding with an HNSW index.
CREATE TABLE documents (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  title VARCHAR(255) NOT NULL,
  category VARCHAR(64) NOT NULL,
  embedding VECTOR(4) NOT NULL,
  VECTOR INDEX documents_embedding_idx (embedding) WITH (distance=l2, type=hnsw, lib=vsag)
);
