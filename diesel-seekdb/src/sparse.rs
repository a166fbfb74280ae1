//! The `SparseVector` value type and its text codec.
