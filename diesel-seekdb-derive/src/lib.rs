//! Derive macros for diesel-seekdb.
