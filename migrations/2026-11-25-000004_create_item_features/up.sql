-- Sparse and array columns: a SPARSEVECTOR with its SINDI (inner product) index, and
-- typed ARRAY columns, flat and nested. `diesel print-schema` maps all of them onto
-- diesel_seekdb::sql_types (see diesel.toml).
CREATE TABLE item_features (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  item_id BIGINT NOT NULL,
  terms SPARSEVECTOR NOT NULL,
  scores ARRAY(FLOAT),
  tags ARRAY(VARCHAR(32)),
  grid ARRAY(ARRAY(INT)),
  VECTOR INDEX item_features_terms_idx (terms) WITH (distance=inner_product, type=sindi)
);
