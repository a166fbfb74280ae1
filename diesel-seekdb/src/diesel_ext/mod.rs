//! Diesel glue: `ToSql`/`FromSql`, vector functions, `APPROXIMATE` ordering and
//! session settings. Everything Diesel-specific about dense vectors lives here.

mod approximate;
mod functions;
mod session;
mod vector;

pub use approximate::{AnnOrdering, Approximate};
pub use functions::{
    CosineDistance, CosineSimilarity, InnerProduct, L1Distance, L2Distance, L2Squared,
    NegativeInnerProduct, SparseVectorExpressionMethods, SparseVectorSqlType, VectorDims,
    VectorExpressionMethods, VectorNorm, VectorSqlType,
};
pub use session::{
    ef_search, ivf_nprobes, set_ef_search, set_ivf_nprobes, SessionSettings, EF_SEARCH_RANGE,
    IVF_NPROBES_RANGE,
};
