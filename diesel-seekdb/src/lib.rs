#![doc = include_str!("../README.md")]
#![deny(unsafe_code)]
#![warn(missing_docs)]

mod array;
mod array_codec;
pub mod client;
pub mod codec;
pub mod ddl;
pub mod diesel_ext;
mod errno;
mod error;
pub mod fragment;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod migration;
pub mod milvus;
pub mod model;
#[cfg(feature = "runtime")]
pub mod runtime;
pub mod sparse;
pub mod sql_types;
mod vector;

#[cfg(feature = "async")]
pub use client::AsyncObVecClient;
pub use client::ObVecClient;
pub use diesel_ext::{
    ef_search, ivf_nprobes, set_ef_search, set_ivf_nprobes, SessionManager, SessionSettings,
    SparseVectorExpressionMethods, VectorExpressionMethods,
};
pub use errno::SeekdbResultExt;
pub use error::{Error, Result, ServerErrorKind};
pub use sparse::SparseVector;
pub use vector::Vector;

/// Everything needed to write vector queries: `use diesel_seekdb::prelude::*;`.
pub mod prelude {
    pub use crate::diesel_ext::{
        match_against, ArrayExpressionMethods, SparseVectorExpressionMethods, SqlArray,
        VectorExpressionMethods,
    };
    pub use crate::sql_types::{
        Array as ArrayType, SparseVector as SparseVectorType, Vector as VectorType,
    };
    pub use crate::{SessionManager, SessionSettings, SparseVector, Vector};
}
