//! seekdb's vector functions as typed Diesel expressions.

use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, AsExpression, Expression, SelectableExpression};
use diesel::query_builder::{AstPass, QueryFragment};
use diesel::sql_types::is_nullable::{IsOneNullable, IsSqlTypeNullable, MaybeNullable};
use diesel::sql_types::{BigInt, Double, MaybeNullableType, Nullable, OneIsNullable, SqlType};
use diesel::QueryResult;

use super::approximate::{AnnOrdering, Approximate};
use crate::sql_types::{SparseVector, Vector};

macro_rules! binary_function {
    ($(#[$meta:meta])* $name:ident, $sql:literal, ann = $ann:tt) => {
        binary_function!(@node $(#[$meta])* $name, $sql, ann = $ann);

        impl<L, R> Expression for $name<L, R>
        where
            L: Expression,
            R: Expression,
            L::SqlType: SqlType,
            R::SqlType: SqlType,
            IsSqlTypeNullable<L::SqlType>: OneIsNullable<IsSqlTypeNullable<R::SqlType>>,
            IsOneNullable<L::SqlType, R::SqlType>: MaybeNullableType<Double>,
        {
            type SqlType = MaybeNullable<IsOneNullable<L::SqlType, R::SqlType>, Double>;
        }
    };
    // A function the server can answer NULL even for two non-NULL arguments.
    ($(#[$meta:meta])* $name:ident, $sql:literal, ann = $ann:tt, always_nullable) => {
        binary_function!(@node $(#[$meta])* $name, $sql, ann = $ann);

        impl<L, R> Expression for $name<L, R>
        where
            L: Expression,
            R: Expression,
        {
            type SqlType = Nullable<Double>;
        }
    };
    (@node $(#[$meta:meta])* $name:ident, $sql:literal, ann = $ann:tt) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, diesel::query_builder::QueryId, diesel::expression::ValidGrouping)]
        pub struct $name<L, R> {
            left: L,
            right: R,
        }

        impl<L, R> $name<L, R> {
            pub(crate) fn new(left: L, right: R) -> Self {
                $name { left, right }
            }
        }

        impl<L, R, QS> AppearsOnTable<QS> for $name<L, R>
        where
            L: AppearsOnTable<QS>,
            R: AppearsOnTable<QS>,
            Self: Expression,
        {
        }

        impl<L, R, QS> SelectableExpression<QS> for $name<L, R>
        where
            L: SelectableExpression<QS>,
            R: SelectableExpression<QS>,
            Self: AppearsOnTable<QS>,
        {
        }

        impl<L, R, DB> QueryFragment<DB> for $name<L, R>
        where
            DB: Backend,
            L: QueryFragment<DB>,
            R: QueryFragment<DB>,
        {
            fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
                out.push_sql(concat!($sql, "("));
                self.left.walk_ast(out.reborrow())?;
                out.push_sql(", ");
                self.right.walk_ast(out.reborrow())?;
                out.push_sql(")");
                Ok(())
            }
        }

        binary_function!(@ann $ann, $name);
    };
    (@ann true, $name:ident) => {
        impl<L, R> AnnOrdering for $name<L, R> {}

        impl<L, R> $name<L, R> {
            /// Orders by this distance through the vector index:
            /// `ORDER BY <distance> APPROXIMATE LIMIT k`.
            ///
            /// The index is used only when its metric matches this function; otherwise
            /// seekdb silently runs an exact scan (check with `EXPLAIN`).
            pub fn approximate(self) -> Approximate<Self> {
                Approximate::new(self)
            }
        }
    };
    (@ann false, $name:ident) => {};
}

binary_function!(
    /// `l2_distance(a, b)`: Euclidean distance. Uses an `l2` vector index.
    L2Distance, "l2_distance", ann = true
);
binary_function!(
    /// `l2_squared(a, b)`: squared Euclidean distance. Uses an `l2` vector index.
    L2Squared, "l2_squared", ann = true
);
binary_function!(
    /// `cosine_distance(a, b)`: `1 - cos`. Uses a `cosine` vector index.
    ///
    /// Always `Nullable<Double>`: seekdb returns NULL when either side is a zero vector,
    /// even on a `NOT NULL` column, and NULL sorts before every real distance (also
    /// through the index). Keep such rows out of a top-k with
    /// `.filter(col.cosine_distance(q).is_not_null())`, which keeps the vector index
    /// (seekdb plans `VECTOR INDEX ADAPTIVE SCAN`) and still returns k rows:
    ///
    /// ```
    /// # use diesel::prelude::*;
    /// # use diesel_seekdb::prelude::*;
    /// diesel::table! {
    ///     use diesel::sql_types::*;
    ///     use diesel_seekdb::sql_types::Vector;
    ///     items (id) { id -> Integer, embedding -> Vector }
    /// }
    /// let q = Vector::from(vec![0.0, 0.0, 1.0]);
    /// let distance = items::embedding.cosine_distance(q);
    /// let query = items::table
    ///     .select((items::id, distance.clone()))
    ///     .filter(distance.clone().is_not_null())
    ///     .order(distance.approximate())
    ///     .limit(5);
    /// let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(&query).to_string();
    /// assert!(sql.contains("WHERE (cosine_distance(`items`.`embedding`, ?) IS NOT NULL)"), "{sql}");
    /// ```
    CosineDistance, "cosine_distance", ann = true, always_nullable
);
binary_function!(
    /// `negative_inner_product(a, b)`: `-(a·b)`. The only ordering that uses an
    /// `inner_product` vector index (ascending = most similar first).
    NegativeInnerProduct, "negative_inner_product", ann = true
);
binary_function!(
    /// `inner_product(a, b)`: `a·b`, larger is more similar.
    ///
    /// Has no `approximate()`: seekdb never uses an index for it. To search an
    /// `inner_product` index, order by
    /// [`negative_inner_product`](VectorExpressionMethods::negative_inner_product).
    InnerProduct, "inner_product", ann = false
);
binary_function!(
    /// `l1_distance(a, b)`: Manhattan distance (exact only; no index metric).
    L1Distance, "l1_distance", ann = false
);
binary_function!(
    /// `cosine_similarity(a, b)`: seekdb returns `(1 + cos) / 2`, in `[0, 1]`.
    CosineSimilarity, "cosine_similarity", ann = false
);

macro_rules! unary_function {
    ($(#[$meta:meta])* $name:ident, $sql:literal, $ret:ty) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, diesel::query_builder::QueryId, diesel::expression::ValidGrouping)]
        pub struct $name<E> {
            expr: E,
        }

        impl<E> Expression for $name<E>
        where
            E: Expression,
            E::SqlType: SqlType,
            IsSqlTypeNullable<E::SqlType>: MaybeNullableType<$ret>,
        {
            type SqlType = MaybeNullable<IsSqlTypeNullable<E::SqlType>, $ret>;
        }

        impl<E, QS> AppearsOnTable<QS> for $name<E>
        where
            E: AppearsOnTable<QS>,
            Self: Expression,
        {
        }

        impl<E, QS> SelectableExpression<QS> for $name<E>
        where
            E: SelectableExpression<QS>,
            Self: AppearsOnTable<QS>,
        {
        }

        impl<E, DB> QueryFragment<DB> for $name<E>
        where
            DB: Backend,
            E: QueryFragment<DB>,
        {
            fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
                out.push_sql(concat!($sql, "("));
                self.expr.walk_ast(out.reborrow())?;
                out.push_sql(")");
                Ok(())
            }
        }
    };
}

unary_function!(
    /// `vector_dims(v)`: the number of dimensions.
    VectorDims, "vector_dims", BigInt
);
unary_function!(
    /// `vector_norm(v)`: the Euclidean norm.
    VectorNorm, "vector_norm", Double
);

mod sealed {
    pub trait Sealed {}
}

/// SQL types the dense vector functions accept: `Vector`, `VectorOf<N>` and their
/// nullable forms.
pub trait VectorSqlType: SqlType + sealed::Sealed {}
impl sealed::Sealed for Vector {}
impl sealed::Sealed for Nullable<Vector> {}
impl VectorSqlType for Vector {}
impl VectorSqlType for Nullable<Vector> {}
impl<const N: usize> sealed::Sealed for crate::sql_types::VectorOf<N> {}
impl<const N: usize> sealed::Sealed for Nullable<crate::sql_types::VectorOf<N>> {}
impl<const N: usize> VectorSqlType for crate::sql_types::VectorOf<N> {}
impl<const N: usize> VectorSqlType for Nullable<crate::sql_types::VectorOf<N>> {}

/// SQL types the sparse vector functions accept: `SparseVector` and its nullable form.
pub trait SparseVectorSqlType: SqlType + sealed::Sealed {}
impl sealed::Sealed for SparseVector {}
impl sealed::Sealed for Nullable<SparseVector> {}
impl SparseVectorSqlType for SparseVector {}
impl SparseVectorSqlType for Nullable<SparseVector> {}

/// Distance and vector functions on expressions of type `Vector` / `Nullable<Vector>`.
///
/// Each distance returns `Double` (`Nullable<Double>` when either side is nullable);
/// `cosine_distance` is always `Nullable<Double>` since a zero vector makes it NULL.
/// The query vector may be a [`Vector`](crate::Vector), a `Vec<f32>` or a `&[f32]`;
/// it is validated (finite, non-empty) before the query is sent.
///
/// ```
/// # use diesel::prelude::*;
/// # use diesel_seekdb::prelude::*;
/// diesel::table! {
///     use diesel::sql_types::*;
///     use diesel_seekdb::sql_types::Vector;
///     items (id) { id -> Integer, embedding -> Vector }
/// }
/// let query = items::table
///     .select(items::id)
///     .order(items::embedding.l2_distance(Vector::from(vec![0.0, 0.0, 1.0])).approximate())
///     .limit(5);
/// let sql = diesel::debug_query::<diesel::mysql::Mysql, _>(&query).to_string();
/// assert!(sql.starts_with(
///     "SELECT `items`.`id` FROM `items` ORDER BY l2_distance(`items`.`embedding`, ?) APPROXIMATE LIMIT ?"
/// ));
/// ```
pub trait VectorExpressionMethods: Expression + Sized
where
    Self::SqlType: VectorSqlType,
{
    /// `l2_distance(self, other)`.
    fn l2_distance<T: AsExpression<Self::SqlType>>(
        self,
        other: T,
    ) -> L2Distance<Self, T::Expression> {
        L2Distance::new(self, other.as_expression())
    }

    /// `l2_squared(self, other)`.
    fn l2_squared<T: AsExpression<Self::SqlType>>(
        self,
        other: T,
    ) -> L2Squared<Self, T::Expression> {
        L2Squared::new(self, other.as_expression())
    }

    /// `l1_distance(self, other)`.
    fn l1_distance<T: AsExpression<Self::SqlType>>(
        self,
        other: T,
    ) -> L1Distance<Self, T::Expression> {
        L1Distance::new(self, other.as_expression())
    }

    /// `cosine_distance(self, other)`.
    fn cosine_distance<T: AsExpression<Self::SqlType>>(
        self,
        other: T,
    ) -> CosineDistance<Self, T::Expression> {
        CosineDistance::new(self, other.as_expression())
    }

    /// [`cosine_distance`](Self::cosine_distance) to a query vector, after refusing a
    /// zero one (a `Validation` error): its cosine distance to every row is NULL, so
    /// no ordering by it means anything. Non-finite values are refused when bound.
    ///
    /// ```
    /// # use diesel_seekdb::prelude::*;
    /// diesel::table! {
    ///     use diesel::sql_types::*;
    ///     use diesel_seekdb::sql_types::Vector;
    ///     items (id) { id -> Integer, embedding -> Vector }
    /// }
    /// assert!(items::embedding.cosine_distance_checked(vec![0.0, 1.0]).is_ok());
    /// assert!(items::embedding.cosine_distance_checked(vec![0.0, 0.0]).is_err());
    /// ```
    fn cosine_distance_checked(
        self,
        query: impl Into<crate::Vector>,
    ) -> crate::Result<
        CosineDistance<Self, <crate::Vector as AsExpression<Self::SqlType>>::Expression>,
    >
    where
        crate::Vector: AsExpression<Self::SqlType>,
    {
        let query = query.into();
        crate::vector::check_cosine_operand("cosine_distance", query.as_slice())?;
        Ok(CosineDistance::new(self, query.as_expression()))
    }

    /// `cosine_similarity(self, other)` (seekdb's `(1 + cos) / 2`).
    fn cosine_similarity<T: AsExpression<Self::SqlType>>(
        self,
        other: T,
    ) -> CosineSimilarity<Self, T::Expression> {
        CosineSimilarity::new(self, other.as_expression())
    }

    /// `inner_product(self, other)`; order by
    /// [`negative_inner_product`](Self::negative_inner_product) to use an index.
    fn inner_product<T: AsExpression<Self::SqlType>>(
        self,
        other: T,
    ) -> InnerProduct<Self, T::Expression> {
        InnerProduct::new(self, other.as_expression())
    }

    /// `negative_inner_product(self, other)`: ascending order = most similar first.
    fn negative_inner_product<T: AsExpression<Self::SqlType>>(
        self,
        other: T,
    ) -> NegativeInnerProduct<Self, T::Expression> {
        NegativeInnerProduct::new(self, other.as_expression())
    }

    /// `vector_dims(self)`.
    fn vector_dims(self) -> VectorDims<Self> {
        VectorDims { expr: self }
    }

    /// `vector_norm(self)`.
    fn vector_norm(self) -> VectorNorm<Self> {
        VectorNorm { expr: self }
    }
}

impl<E> VectorExpressionMethods for E
where
    E: Expression,
    E::SqlType: VectorSqlType,
{
}

/// The functions seekdb offers on `SparseVector` columns.
pub trait SparseVectorExpressionMethods: Expression + Sized
where
    Self::SqlType: SparseVectorSqlType,
{
    /// `inner_product(self, other)`.
    fn inner_product<T: AsExpression<Self::SqlType>>(
        self,
        other: T,
    ) -> InnerProduct<Self, T::Expression> {
        InnerProduct::new(self, other.as_expression())
    }

    /// `negative_inner_product(self, other)`; ascending order uses a `sindi` index.
    fn negative_inner_product<T: AsExpression<Self::SqlType>>(
        self,
        other: T,
    ) -> NegativeInnerProduct<Self, T::Expression> {
        NegativeInnerProduct::new(self, other.as_expression())
    }
}

impl<E> SparseVectorExpressionMethods for E
where
    E: Expression,
    E::SqlType: SparseVectorSqlType,
{
}
