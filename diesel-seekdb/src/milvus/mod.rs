//! The Milvus-style client (pyobvector's `MilvusLikeClient`), its schemas and its
//! filter language.

mod client;
mod describe;
pub mod filter;
mod ids;
mod schema;
mod search;

pub use client::{MilvusFilter, MilvusLikeClient, QuickCollection};
pub use describe::filter_schema;
pub use schema::{CollectionSchema, DataType, FieldSchema};
pub use search::{Hit, SearchRequest};
