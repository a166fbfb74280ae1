//! DDL builders: vector and full-text indexes, partitions and tables, rendered as SQL.
