//! Diesel glue: `ToSql`/`FromSql`, vector functions, `APPROXIMATE` ordering and
//! session settings. Everything Diesel-specific about dense vectors lives here.

mod approximate;
mod approximate_check;
mod array;
mod array_text;
mod bulk;
mod fixed;
mod fulltext;
mod functions;
mod gis;
mod group;
mod guard;
mod index_hint;
mod pool;
pub(crate) mod session;
mod sparse;
mod upsert;
mod vector;

pub use crate::array::SqlArray;
pub use crate::array_codec::{decode_array, encode_array, ArrayElement};
pub use approximate::{AnnOrdering, Approximate};
pub use approximate_check::{check_approximate, ApproximateQueryDsl, CheckedApproximate};
pub use array::{
    ArrayContains, ArrayExpressionMethods, ArrayLength, ArrayListPredicate, ArraySqlType,
};
pub use array_text::{array_to_string, ArrayToString, ArrayToStringInput};
pub use bulk::{bulk_load, bulk_load_model, insert_rows};
pub use fulltext::{
    match_against, BooleanMode, ColumnTuple, DefaultMode, FullTextColumns, MatchAgainst, Matches,
    NaturalLanguageMode, PhraseMode, SearchMode, SingleColumn, TextSqlType,
};
pub use functions::{
    CosineDistance, CosineSimilarity, InnerProduct, L1Distance, L2Distance, L2Squared,
    NegativeInnerProduct, SparseVectorExpressionMethods, SparseVectorSqlType, VectorDims,
    VectorExpressionMethods, VectorNorm, VectorSqlType,
};
pub(crate) use gis::walk_point;
pub use gis::{
    st_astext, st_distance, st_dwithin, st_geomfromtext, PointExpressionMethods, PointSqlType,
    PointValue, Readable, StAsText, StDWithin, StDistance, StGeomFromText,
};
pub use group::group_nearest;
#[cfg(feature = "async")]
pub use guard::explain_search_async;
pub use guard::{explain_search, require_vector_index, IndexGuardDsl};
pub use index_hint::{index_hint, IndexHint};
pub use pool::SessionManager;
pub use session::{
    ef_search, ivf_nprobes, set_ef_search, set_ivf_nprobes, SessionSettings, EF_SEARCH_RANGE,
    IVF_NPROBES_RANGE,
};
pub use upsert::{excluded, values, InsertedValue};
