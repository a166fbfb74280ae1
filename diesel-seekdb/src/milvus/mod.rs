//! The Milvus-style client (pyobvector's `MilvusLikeClient`), its schemas and its
//! filter language.

mod client;
pub mod filter;
mod schema;

pub use client::{
    filter_schema, Hit, MilvusFilter, MilvusLikeClient, QuickCollection, SearchRequest,
};
pub use schema::{CollectionSchema, DataType, FieldSchema};
