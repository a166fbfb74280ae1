-- Events range-partitioned by tenant, with an HNSW (l2) index: seekdb builds the index
-- per partition and merges the per-partition top-k. The primary key must contain the
-- partitioning column.
CREATE TABLE tenant_events (
  id BIGINT NOT NULL,
  tenant INT NOT NULL,
  kind VARCHAR(32) NOT NULL,
  embedding VECTOR(4) NOT NULL,
  PRIMARY KEY (id, tenant),
  VECTOR INDEX tenant_events_embedding_idx (embedding) WITH (distance=l2, type=hnsw, lib=vsag)
)
PARTITION BY RANGE (tenant) (
  PARTITION p0 VALUES LESS THAN (100),
  PARTITION p1 VALUES LESS THAN (1000),
  PARTITION pmax VALUES LESS THAN MAXVALUE
);
