//! The Milvus-style client and its filter language.

pub mod filter;
